import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { OssObjectInfo, OssPort } from '#shared/cloud/oss/index';
import { AppError } from '#shared/errors/index';
import { silentLogger } from '#shared/log/index';
import type { Mailer } from '#shared/mail/index';
import type { Clock } from '#shared/runtime/index';
import type { EcsPort, InvocationResultInfo } from '../ecs-port';
import { inventory, isVerified } from '../inventory';
import { DEFAULT_BACKUP_SCRIPT_CONFIG } from '../script/index';
import { runBackup } from './run-backup';

/**
 * Random sequences of nights through the real orchestrator (runBackup) over in-memory OSS, Cloud Assistant and mail:
 * each night the host succeeds or fails at some step (leaving nothing, copies, or a partial), OSS reads may be
 * denied during verification, mail may be down (then FC retries the task once), a run may be labelled. Invariants:
 * the number of OSS-verified backups never drops below min(K, verified so far); no delete follows a run that was not
 * verified; labelled verified backups survive; nothing younger than BACKUP_KEEP_DAYS is deleted.
 */

type HostOutcome = 'ok' | 'fail-mount' | 'fail-backup' | 'fail-copy-partial' | 'fail-verify-copies' | 'agent-down';
interface Night {
  host: HostOutcome;
  ossReadDenied: boolean;
  mailDown: boolean;
  label: boolean;
  hoursLate: number;
}

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
const DAY = 86_400_000;

class World {
  now = Date.parse('2026-11-01T18:00:00Z');
  objects = new Map<string, { body: Buffer; at: number }>();
  deletes: string[] = [];
  denyReads = false;
  mailDown = false;
  runCommands = 0;
  night!: Night;
  private invocations = new Map<string, { name: string; result: InvocationResultInfo }>();

  clock: Clock = { now: () => new Date(this.now), sleep: async (ms) => void (this.now += ms) };
  private denied = (): never => {
    throw new AppError('OSS_API', 'OSS get (bucket b): AccessDenied', { status: 502, details: { ossCode: 'AccessDenied', httpStatus: 403 } });
  };
  oss: OssPort = {
    bucket: 'b',
    list: async (prefix) => [...this.objects].filter(([k]) => k.startsWith(prefix)).sort().map(([key, o]): OssObjectInfo => ({ key, size: o.body.length, lastModified: new Date(o.at), etag: '"e"' })),
    head: async (key) => (this.denyReads ? this.denied() : this.objects.has(key) ? { key, size: this.objects.get(key)!.body.length, lastModified: new Date(this.objects.get(key)!.at), etag: '"e"', meta: {} } : undefined),
    getText: async (key) => (this.denyReads ? this.denied() : this.objects.get(key)?.body.toString('utf8')),
    sha256: async (key) => (this.denyReads ? this.denied() : this.objects.has(key) ? sha(this.objects.get(key)!.body) : undefined),
    putJson: async (key, v) => void this.objects.set(key, { body: Buffer.from(JSON.stringify(v)), at: this.now }),
    putJsonIfAbsent: async (key, v) => (this.objects.has(key) ? 'exists' : (this.objects.set(key, { body: Buffer.from(JSON.stringify(v)), at: this.now }), 'created')),
    delete: async (key) => {
      this.deletes.push(key);
      this.objects.delete(key);
    },
    lifecycle: async () => [],
  };
  mail: Mailer = {
    send: async () => {
      if (this.mailDown) throw new AppError('MAIL', 'DirectMail 503 ServiceUnavailable', { status: 503 });
      return { sent: true, envIds: ['1'], recipients: 1 };
    },
  };
  ecs: EcsPort = {
    runCommand: async ({ script, name }) => {
      this.runCommands++;
      const run = /^RUN_NAME='([^']+)'$/m.exec(script)![1]!;
      const dir = /^DEST_SUBDIR='([^']*)'$/m.exec(script)![1]!;
      const label = /^LABEL='([^']*)'$/m.exec(script)![1]!;
      const invokeId = `t-${this.runCommands}`;
      this.invocations.set(invokeId, { name, result: this.host(run, dir, label, invokeId) });
      return { invokeId, commandId: 'c-1' };
    },
    agentStatus: async () => ({ online: true, version: '2' }),
    invocationResult: async (id) => this.invocations.get(id)?.result,
    findInvocations: async (_i, name) => [...this.invocations].filter(([, v]) => v.name === name).map(([invokeId]) => ({ invokeId, name, status: 'Success' })),
  };

  /** What the host script would leave on the mount for this night's outcome, and its result line. */
  private host(run: string, dir: string, label: string, invokeId: string): InvocationResultInfo {
    const at = new Date(this.now);
    const base = { invokeId, instanceId: 'i-1', errorInfo: '', dropped: 0, startTime: at, finishedTime: at };
    const o = this.night.host;
    if (o === 'agent-down') return { ...base, status: 'Failed', errorCode: 'ClientNotRunning', exitCode: 0, output: '' };
    const k = (f: string): string => `${dir}/${f}`;
    const put = (f: string, body: Buffer): void => void this.objects.set(k(f), { body, at: this.now });
    const archive = Buffer.from(`archive ${run}`);
    const config = Buffer.from(`config ${run}`);
    if (o === 'fail-copy-partial') put(`.${run}_gitlab_backup.tar.partial`, archive.subarray(0, 3));
    if (o === 'fail-verify-copies' || o === 'ok') {
      put(`${run}_gitlab_backup.tar`, archive);
      put(`${run}_gitlab_config.tar`, config);
    }
    if (o === 'ok') {
      const files = [{ name: `${run}_gitlab_backup.tar`, kind: 'archive', size: archive.length, sha256: sha(archive) }, { name: `${run}_gitlab_config.tar`, kind: 'config', size: config.length, sha256: sha(config) }];
      put(`${run}_gitlab_backup.manifest.json`, Buffer.from(JSON.stringify({ schema: 'gitlab-ask-ops/backup-manifest@1', name: run, label, gitlabVersion: '17.5.1-ee', host: 'h', mode: 'staged', startedAt: at.toISOString(), finishedAt: at.toISOString(), archiveEntries: 3, files })));
    }
    const step = { ok: 'done', 'fail-mount': 'mount', 'fail-backup': 'backup', 'fail-copy-partial': 'copy', 'fail-verify-copies': 'verify' }[o];
    const result = { status: o === 'ok' ? 'ok' : 'failed', step, name: run, exitCode: o === 'ok' ? 0 : 1, error: o === 'ok' ? '' : 'x', archive: o === 'ok' ? k(`${run}_gitlab_backup.tar`) : '', manifest: o === 'ok' ? k(`${run}_gitlab_backup.manifest.json`) : '', config: o === 'ok' ? k(`${run}_gitlab_config.tar`) : '', label };
    return { ...base, status: o === 'ok' ? 'Success' : 'Failed', errorCode: o === 'ok' ? '' : 'ExitCodeNonzero', exitCode: result.exitCode, output: `GITLAB_BACKUP_RESULT ${JSON.stringify(result)}\n` };
  }

  verified(prefix: string): Array<{ name: string; label?: string; time: Date }> {
    return inventory([...this.objects].map(([key, o]) => ({ key, size: o.body.length, lastModified: new Date(o.at), etag: '' })), { ossPrefix: prefix, configPrefix: undefined }).backups.filter(isVerified);
  }
}

const night = fc.record({
  host: fc.constantFrom<HostOutcome>('ok', 'ok', 'ok', 'fail-mount', 'fail-backup', 'fail-copy-partial', 'fail-verify-copies', 'agent-down'),
  ossReadDenied: fc.boolean(),
  mailDown: fc.boolean(),
  label: fc.boolean(),
  hoursLate: fc.integer({ min: 0, max: 6 }),
});
const policy = fc.record({ keepMin: fc.integer({ min: 1, max: 4 }), keepDays: fc.integer({ min: 0, max: 5 }) });

describe('runBackup over random nights (property)', () => {
  it('keeps ≥ min(K, verified so far) OSS-verified backups; never deletes after an unverified run; labelled backups survive', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(night, { minLength: 1, maxLength: 20 }), policy, async (nights, p) => {
        const w = new World();
        const prefix = 'gitlab-backups/';
        const labelled = new Set<string>();
        let verifiedSoFar = 0;
        for (const [i, n] of nights.entries()) {
          w.night = n;
          w.now = Date.parse('2026-11-01T18:00:00Z') + i * DAY + n.hoursLate * 3_600_000;
          w.denyReads = n.ossReadDenied;
          w.mailDown = n.mailDown;
          const deletesBefore = w.deletes.length;
          const runsBefore = w.runCommands;
          const o = { instanceId: 'i-1', script: { ...DEFAULT_BACKUP_SCRIPT_CONFIG, ossPrefix: prefix }, retention: { ...p, keepLabelled: true }, timeoutSec: 60, runKey: `timer/nightly/${i}`, startedAt: new Date(w.now), ...(n.label ? { label: 'pre-upgrade' } : {}), deadline: new Date(w.now + 3_600_000), dryRun: false, pollFirstMs: 1 };
          const d = { ecs: w.ecs, oss: w.oss, mail: w.mail, clock: w.clock, log: silentLogger };
          let r = await runBackup(d, o).catch((e: unknown) => e as AppError);
          if (r instanceof AppError) {
            // Every mail attempt failed for a failed run: FC retries the task; this time mail works. The retry
            // re-sends the report only: no new RunCommand, no delete.
            expect(r).toMatchObject({ code: 'MAIL', retryable: true });
            w.mailDown = false;
            w.denyReads = false;
            r = await runBackup(d, o);
            expect(r).toMatchObject({ status: 'failed', replayed: true, mail: { sent: true } });
            expect(w.runCommands).toBe(runsBefore + 1);
          }
          if (r.status === 'verified') {
            verifiedSoFar++;
            if (n.label) labelled.add(r.name);
          } else {
            expect(w.deletes.slice(deletesBefore), `night ${i} (${r.status} at ${r.step}) deleted`).toEqual([]);
          }
          const verified = w.verified(prefix);
          expect(verified.length).toBeGreaterThanOrEqual(Math.min(p.keepMin, verifiedSoFar));
          for (const name of labelled) expect(verified.map((v) => v.name)).toContain(name);
          const young = w.deletes.slice(deletesBefore).filter((k) => /\/\d{10}_/.test(k)).map((k) => Number(/\/\.?(\d{10})_/.exec(k)![1]) * 1000).filter((t) => w.now - t < p.keepDays * DAY);
          expect(young).toEqual([]);
        }
      }),
      { numRuns: 150 },
    );
  });
});
