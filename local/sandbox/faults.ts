import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * The fault switch every emulator carries (ADR 0003, decision 3): status codes, latency,
 * throttling, connection reset. Rules match on method and path; `times` limits how often a rule fires.
 */
export interface FaultRule {
  /** Upper-case method, or undefined for any. */
  method?: string;
  /** Several upper-case methods (e.g. GET and HEAD for "reads"); combined with `method` when both are set. */
  methods?: string[];
  /** Regex source matched against the request path (without query) — or against the RPC `Action` for POP. */
  path?: string;
  /** Respond with this status and body instead of the real handler. */
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Delay before handling (or before the fault response). */
  latencyMs?: number;
  /** Destroy the socket without answering. */
  reset?: boolean;
  /** Fire at most this many times (default: unlimited). */
  times?: number;
}

export class Faults {
  private rules: Array<FaultRule & { fired: number }> = [];

  /** Add a rule; returns a function that removes it. */
  add(rule: FaultRule): () => void {
    return this.track(rule).remove;
  }

  /** Add a rule and keep a handle on it: how often it fired, whether it is still live, how to remove it. */
  track(rule: FaultRule): { remove(): void; fired(): number; live(): boolean } {
    const r = { ...rule, fired: 0 };
    this.rules.push(r);
    return {
      remove: () => {
        this.rules = this.rules.filter((x) => x !== r);
      },
      fired: () => r.fired,
      live: () => this.rules.includes(r) && (r.times === undefined || r.fired < r.times),
    };
  }

  clear(): void {
    this.rules = [];
  }

  /** The first live rule matching this request, consuming one use. */
  match(method: string, path: string): FaultRule | undefined {
    for (const r of this.rules) {
      if (r.times !== undefined && r.fired >= r.times) continue;
      if (r.method && r.method !== method.toUpperCase()) continue;
      if (r.methods && !r.methods.includes(method.toUpperCase())) continue;
      if (r.path && !new RegExp(r.path).test(path)) continue;
      r.fired++;
      return r;
    }
    return undefined;
  }

  /**
   * Apply a matching fault to a raw node request. Returns true when the fault answered (or killed) the request,
   * false when the real handler should run (possibly after the rule's latency).
   */
  async apply(req: IncomingMessage, res: ServerResponse, key?: string): Promise<boolean> {
    const path = key ?? (req.url ?? '/').split('?')[0]!;
    const rule = this.match(req.method ?? 'GET', path);
    if (!rule) return false;
    if (rule.latencyMs) await new Promise((r) => setTimeout(r, rule.latencyMs));
    if (rule.reset) {
      req.socket.destroy();
      return true;
    }
    if (rule.status !== undefined) {
      const body = typeof rule.body === 'string' ? rule.body : JSON.stringify(rule.body ?? { message: 'injected fault' });
      res.writeHead(rule.status, { 'content-type': 'application/json', ...rule.headers });
      res.end(body);
      return true;
    }
    return false;
  }
}
