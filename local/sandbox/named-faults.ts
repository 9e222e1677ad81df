import { didYouMean } from '#local/cli/did-you-mean';
import type { FaultRule, Faults } from './faults';

/** How a named fault is switched on: `times` = how often it fires (default: until cleared); `arg` = its parameter. */
export interface FaultSettings {
  times?: number;
  arg?: string;
}

/** A fault's state as the index page and `sandbox fault --list` show it. */
export interface FaultState {
  active: boolean;
  /** Set with `times`: how many firings are left. */
  remaining?: number;
  arg?: string;
  since?: string;
}

/**
 * A failure the sandbox can rehearse, named for what breaks (`oss-read`, `agent-offline`, …). It acts inside the
 * emulator exactly where the real failure happens; each sandbox part contributes its own (SandboxPartHandle.faults).
 */
export interface NamedFault {
  name: string;
  /** One line: what breaks and what a real client sees. */
  description: string;
  /** What `arg` means, when the fault takes one (e.g. "exit code, default 1"). */
  argHelp?: string;
  set(s: FaultSettings): void;
  clear(): void;
  state(): FaultState;
}

/** One row of the registry's listing. */
export interface FaultInfo extends FaultState {
  name: string;
  description: string;
  argHelp?: string;
}

/** Every named fault of a sandbox, by name (`sandbox.faults`, served by the index page at /faults). */
export class FaultRegistry {
  private readonly byName = new Map<string, NamedFault>();

  constructor(faults: readonly NamedFault[] = []) {
    for (const f of faults) this.add(f);
  }

  add(f: NamedFault): void {
    if (this.byName.has(f.name)) throw new Error(`fault ${f.name} is registered twice`);
    this.byName.set(f.name, f);
  }

  list(): FaultInfo[] {
    return [...this.byName.values()].map((f) => ({ name: f.name, description: f.description, ...(f.argHelp ? { argHelp: f.argHelp } : {}), ...f.state() }));
  }

  active(): FaultInfo[] {
    return this.list().filter((f) => f.active);
  }

  /** Switch a fault on; unknown names and bad `times` are refused with the reason (nothing changes). */
  set(name: string, s: FaultSettings = {}): FaultInfo {
    const f = this.get(name);
    if (s.times !== undefined && (!Number.isInteger(s.times) || s.times < 1)) throw new Error(`times must be a positive integer, got ${s.times}`);
    f.set(s);
    return this.list().find((x) => x.name === name)!;
  }

  /** Clear one fault, or every fault. */
  clear(name?: string): void {
    if (name) this.get(name).clear();
    else for (const f of this.byName.values()) f.clear();
  }

  private get(name: string): NamedFault {
    const f = this.byName.get(name);
    if (f) return f;
    // `sandbox fault oss-raed` gets the hint every other CLI typo gets (README: did-you-mean on typos).
    const known = [...this.byName.keys()].sort();
    const hint = didYouMean(name, known);
    throw new Error(`unknown fault "${name}"${hint ? ` (did you mean "${hint}"?)` : ''}; known: ${known.join(', ')}`);
  }
}

/**
 * A named fault over an emulator's raw fault switch: `set` adds the rule `rule(settings)` (with `times`), `clear`
 * removes it; the rule's own counter says how many firings are left.
 */
export function ruleFault(o: { name: string; description: string; argHelp?: string; faults: Faults; rule: (s: FaultSettings) => FaultRule }): NamedFault {
  let cur: { handle: ReturnType<Faults['track']>; s: FaultSettings; since: string } | undefined;
  return {
    name: o.name,
    description: o.description,
    ...(o.argHelp ? { argHelp: o.argHelp } : {}),
    set(s) {
      cur?.handle.remove();
      cur = { handle: o.faults.track({ ...o.rule(s), ...(s.times !== undefined ? { times: s.times } : {}) }), s, since: new Date().toISOString() };
    },
    clear() {
      cur?.handle.remove();
      cur = undefined;
    },
    state() {
      if (!cur || !cur.handle.live()) return { active: false };
      return { active: true, since: cur.since, ...(cur.s.times !== undefined ? { remaining: cur.s.times - cur.handle.fired() } : {}), ...(cur.s.arg !== undefined ? { arg: cur.s.arg } : {}) };
    },
  };
}

/**
 * A named fault that flips state somewhere (a host's mount, a switch in an emulator) rather than answering requests:
 * `apply(arg)` turns it on, `revert()` off. With `times`, the owner calls `used()` per firing (e.g. per command run
 * on the host) and the fault clears itself after the last one.
 */
export function stateFault(o: { name: string; description: string; argHelp?: string; apply(s: FaultSettings): void; revert(): void }): NamedFault & { used(): void } {
  let cur: { s: FaultSettings; left?: number; since: string } | undefined;
  const clear = (): void => {
    if (!cur) return;
    cur = undefined;
    o.revert();
  };
  return {
    name: o.name,
    description: o.description,
    ...(o.argHelp ? { argHelp: o.argHelp } : {}),
    set(s) {
      o.apply(s);
      cur = { s, ...(s.times !== undefined ? { left: s.times } : {}), since: new Date().toISOString() };
    },
    clear,
    state: () => (cur ? { active: true, since: cur.since, ...(cur.left !== undefined ? { remaining: cur.left } : {}), ...(cur.s.arg !== undefined ? { arg: cur.s.arg } : {}) } : { active: false }),
    used() {
      if (cur?.left === undefined) return;
      cur.left--;
      if (cur.left <= 0) clear();
    },
  };
}
