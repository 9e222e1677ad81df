import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostFaults } from '#local/ecs/index';
import { FaultRegistry } from '#local/sandbox/named-faults';
import { addHost, runBackup, startBed, type Bed } from './harness';

let bed: Bed;
beforeAll(async () => {
  bed = await startBed();
});
afterAll(() => bed.close());

// Every host fault the sandbox can switch on, with the arguments that change what it does.
const FAULTS: Array<[name: string, args: Array<string | undefined>]> = [
  ['agent-offline', [undefined]],
  ['mount-missing', [undefined]],
  ['mount-allow-other', [undefined]],
  ['ossfs-daemon', ['inherit-lock', 'crash']],
  ['disk-full', [undefined]],
  ['oss-write', ['eio', 'readonly']],
  ['ossfs-read', ['eio', 'hang', 'corrupt']],
  ['gitlab-backup', ['1', '2', '193', '194']],
  ['gitlab-backup-hang', ['term', 'ignore-term']],
  ['archive-size', ['120']],
  ['keep-time', [undefined]],
  ['staging-owner', [undefined]],
  ['gitlab-rails-rc', [undefined]],
];

/** mulberry32: a small seeded PRNG, so a failing sequence can be replayed from its seed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

describe('20 random host faults, one per backup run, each followed by a healthy run', () => {
  it('wedge nothing: every healthy run after a faulty one succeeds, the host stays up and no process is left behind', async () => {
    const seed = Number(process.env.FAULT_STORM_SEED ?? 20261206);
    const next = rng(seed);
    const host = addHost(bed);
    const faults = new FaultRegistry(hostFaults(host, bed.ecs.onInvocationDone));
    const wedged: string[] = [];
    const seen: string[] = [];
    for (let i = 0; i < 20; i++) {
      const [name, args] = FAULTS[Math.floor(next() * FAULTS.length)]!;
      const arg = args[Math.floor(next() * args.length)];
      const repairMount = next() < 0.5;
      const what = `#${i} ${name}${arg ? ` ${arg}` : ''}${repairMount ? ' (repair on)' : ''}`;
      seen.push(what);
      faults.set(name, { times: 1, ...(arg ? { arg } : {}) });
      // RunCommand as the worker sends it (ProcessTree); a short Timeout so hangs cost seconds, not hours.
      const bad = await runBackup(bed, host.instanceId, { ossPrefix: 'storm/', repairMount }, { timeout: 6, terminationMode: 'ProcessTree' });
      await expect.poll(() => faults.active(), { timeout: 5_000 }).toEqual([]);
      expect(bad.row.ExitCode, what).not.toBe(193);
      expect(bad.row.ExitCode, what).not.toBe(194);
      const good = await runBackup(bed, host.instanceId, { ossPrefix: 'storm/', repairMount }, { timeout: 30, terminationMode: 'ProcessTree' });
      if (good.result?.status !== 'ok') wedged.push(`${what} → ${good.result?.error ?? good.row.InvocationStatus}: ${good.result?.message ?? good.output.slice(-300)}`);
      expect(host.status, what).toBe('Running');
      expect(host.processes(), what).toEqual([host.ossfsPid()]);
    }
    expect(wedged, `seed ${seed}: ${seen.join(', ')}`).toEqual([]);
    expect(host.powerEvents).toEqual([]);
  });
});
