import type { Clock } from '#shared/runtime/clock';
import { systemClock } from '#shared/runtime/clock';
import type { IdempotencyRecord, IdempotencyStore, PutResult } from './idempotency-store';

export interface MemoryStoreOptions {
  clock?: Clock;
  /** Bound on live records; the oldest are dropped first (a warm FC instance must not grow without limit). */
  maxEntries?: number;
}

/**
 * In-memory IdempotencyStore for one warm instance (and unit tests). JS runs one callback at a time, so the
 * check-and-set in `putIfAbsent` is atomic without locks; it does not dedupe across instances.
 */
export class MemoryIdempotencyStore implements IdempotencyStore {
  private readonly records = new Map<string, IdempotencyRecord>();
  private readonly clock: Clock;
  private readonly maxEntries: number;

  constructor(opts: MemoryStoreOptions = {}) {
    this.clock = opts.clock ?? systemClock;
    this.maxEntries = opts.maxEntries ?? 10_000;
  }

  /** Number of records held (expired ones included until touched or evicted). */
  get size(): number {
    return this.records.size;
  }

  async get<T = unknown>(key: string): Promise<IdempotencyRecord<T> | undefined> {
    return this.live(key) as IdempotencyRecord<T> | undefined;
  }

  async putIfAbsent<T = unknown>(record: IdempotencyRecord<T>): Promise<PutResult<T>> {
    const existing = this.live(record.key);
    if (existing) return { stored: false, existing: { ...existing } as IdempotencyRecord<T> };
    this.set(record);
    return { stored: true };
  }

  async update<T = unknown>(record: IdempotencyRecord<T>): Promise<void> {
    this.set(record);
  }

  async delete(key: string): Promise<void> {
    this.records.delete(key);
  }

  private live(key: string): IdempotencyRecord | undefined {
    const r = this.records.get(key);
    if (!r) return undefined;
    if (r.expiresAt <= this.clock.now().getTime()) {
      this.records.delete(key);
      return undefined;
    }
    return r;
  }

  private set(record: IdempotencyRecord): void {
    // Re-insert so Map order is "least recently written first", which is what eviction drops.
    this.records.delete(record.key);
    this.records.set(record.key, { ...record });
    while (this.records.size > this.maxEntries) {
      const oldest = this.records.keys().next().value as string;
      this.records.delete(oldest);
    }
  }
}
