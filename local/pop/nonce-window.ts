/**
 * Signature nonces seen within the replay window. Alibaba refuses a nonce used again within 15 min (POP:
 * `SignatureNonceUsed`, help.aliyun.com/document_detail/48054); a nonce older than the window is forgotten, so the
 * set stays bounded (a request that old fails the timestamp check anyway).
 */
export class NonceWindow {
  private readonly seen = new Map<string, number>();

  constructor(private readonly windowMs = 15 * 60_000) {}

  /** Record `nonce` at `now`; false when it was already used inside the window. */
  use(nonce: string, now: Date): boolean {
    const t = now.getTime();
    this.prune(t);
    const at = this.seen.get(nonce);
    if (at !== undefined && t - at <= this.windowMs) return false;
    this.seen.set(nonce, t);
    return true;
  }

  has(nonce: string): boolean {
    return this.seen.has(nonce);
  }

  get size(): number {
    return this.seen.size;
  }

  private prune(now: number): void {
    // Insertion order is time order (the clock only moves forward in practice); stop at the first live entry.
    for (const [n, at] of this.seen) {
      if (now - at <= this.windowMs) break;
      this.seen.delete(n);
    }
  }
}
