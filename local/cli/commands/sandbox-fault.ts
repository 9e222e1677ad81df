import { UsageError } from '../args';
import { defineCommand } from '../registry';

interface FaultInfo {
  name: string;
  description: string;
  argHelp?: string;
  active: boolean;
  remaining?: number;
  arg?: string;
}

async function call(url: string, method: string, body?: unknown): Promise<unknown> {
  const res = await fetch(url, { method, ...(body !== undefined ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {}) });
  const text = await res.text();
  const json = (text ? JSON.parse(text) : {}) as { message?: string };
  if (!res.ok) throw new Error(json.message ?? `${method} ${url}: HTTP ${res.status}`);
  return json;
}

const line = (f: FaultInfo): string =>
  `${f.active ? '●' : '○'} ${f.name.padEnd(18)} ${f.active ? `ACTIVE${f.remaining !== undefined ? ` (${f.remaining} left)` : ''}${f.arg ? ` arg=${f.arg}` : ''} — ` : ''}${f.description}${f.argHelp ? ` [--arg: ${f.argHelp}]` : ''}`;

/**
 * `sandbox fault`: rehearse failures in the running sandbox through its index page (`/faults`). `--list` shows every
 * named fault and which are active; `<name> [--times N] [--arg X]` switches one on (until cleared, or for N
 * firings: a host fault fires once per backup or restore run, an API fault once per request it answers); `clear
 * [name]` switches one or all off.
 * @example npm run -s ops -- sandbox fault oss-read --times 2   # the next backup fails at verify-oss (2 denied reads)
 */
export const sandboxFaultCommand = defineCommand({
  name: 'fault',
  usage: '--list | <name> [--times N] [--arg X] | clear [name]',
  summary: 'switch named faults on and off in the running sandbox (docs/operations.md, "Rehearsing failures")',
  flags: [
    { name: '--list', summary: 'every named fault, and which are active' },
    { name: '--times', value: 'N', summary: 'fire N times, then switch off (default: until cleared); once = a backup or restore run for a host fault, a request answered for an API fault (oss-read: 2 per backup run)' },
    { name: '--arg', value: 'X', summary: 'the fault\'s argument, where it takes one' },
  ],
  targets: 'sandbox',
  check: (a) => {
    const [first, ...rest] = a.positionals;
    if (a.flags.list) {
      if (a.positionals.length) throw new UsageError('--list takes no fault name');
      return;
    }
    if (!first) throw new UsageError('name a fault, clear, or --list');
    if (first === 'clear' ? rest.length > 1 : rest.length > 0) throw new UsageError(`unexpected argument "${rest[first === 'clear' ? 1 : 0]}"`);
    const times = a.flags.times;
    if (times !== undefined && (typeof times !== 'string' || !/^[1-9]\d*$/.test(times))) throw new UsageError('--times wants a positive integer');
  },
  async run({ args, io, sandbox }) {
    const index = sandbox!.urls.index;
    if (!index) throw new Error('this sandbox has no index page (no index URL in sandbox.json)');
    const [first, second] = args.positionals;
    if (args.flags.list) {
      const { faults } = (await call(`${index}/faults`, 'GET')) as { faults: FaultInfo[] };
      for (const f of faults) io.out(line(f));
      return 0;
    }
    if (first === 'clear') {
      await call(`${index}/faults${second ? `/${encodeURIComponent(second)}` : ''}`, 'DELETE');
      io.out(second ? `cleared ${second}` : 'cleared every fault');
      return 0;
    }
    const body = {
      ...(typeof args.flags.times === 'string' ? { times: Number(args.flags.times) } : {}),
      ...(typeof args.flags.arg === 'string' ? { arg: args.flags.arg } : {}),
    };
    io.out(line((await call(`${index}/faults/${encodeURIComponent(first!)}`, 'POST', body)) as FaultInfo));
    return 0;
  },
});
