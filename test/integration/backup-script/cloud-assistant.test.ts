import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAppError } from '#shared/errors/index';
import { hostFaults } from '#local/ecs/index';
import { FaultRegistry } from '#local/sandbox/named-faults';
import { addHost, nameDaysAgo, runCommand, startBed, waitResult, type Bed, type InvocationResultRow } from './harness';

let bed: Bed;
beforeAll(async () => {
  bed = await startBed();
});
afterAll(() => bed.close());

const region = { RegionId: 'ap-northeast-2' };
const plainRun = (instanceId: string, script: string, extra: Record<string, unknown> = {}) =>
  bed.rpc.request<{ InvokeId: string; CommandId: string }>('RunCommand', { ...region, Type: 'RunShellScript', CommandContent: script, InstanceId: [instanceId], ...extra }, { method: 'POST' });

describe('backup runs under Cloud Assistant', () => {
  it('a second run while the first holds the lock is refused as already running; the first still succeeds', async () => {
    const host = addHost(bed);
    const name = nameDaysAgo(0);
    host.faults = { backupHoldUntil: '/tmp/release-first' };
    const seen = new Set<string>();
    const first = await runCommand(bed, host.instanceId, { ossPrefix: 'lock/', runName: name });
    // The log is opened right after the lock is taken: once it exists, the first run holds the lock.
    while (!existsSync(host.path(`/var/log/gitlab-ask-ops/backup-${name}.log`))) {
      const row = (await bed.rpc.request<{ Invocation: { InvocationResults: { InvocationResult: InvocationResultRow[] } } }>('DescribeInvocationResults', { ...region, InvokeId: first })).Invocation.InvocationResults.InvocationResult[0]!;
      seen.add(row.InvocationStatus);
      await new Promise((r) => setTimeout(r, 20));
    }
    const second = await waitResult(bed, await runCommand(bed, host.instanceId, { ossPrefix: 'lock/', runName: name }));
    expect(second.result, second.output).toMatchObject({ status: 'failed', step: 'lock', error: 'already_running', exitCode: 75 });
    expect(second.row).toMatchObject({ InvocationStatus: 'Failed', ExitCode: 75 });
    writeFileSync(host.path('/tmp/release-first'), '');
    const done = await waitResult(bed, first, seen);
    expect(done.result, done.output).toMatchObject({ status: 'ok', name });
    // The refused run never wrote into the first run's log.
    expect(readFileSync(host.path(`/var/log/gitlab-ask-ops/backup-${name}.log`), 'utf8')).not.toContain('already running');
    expect([...seen]).toContain('Running');
  });

  it('keeps stdout to the log tail + result line even when gitlab-backup is chatty (Output ≤ 24 KB, nothing dropped)', async () => {
    const host = addHost(bed);
    host.faults = { noisyLines: 400 }; // ~70 KB of progress output
    const { row, output, result } = await waitResult(bed, await runCommand(bed, host.instanceId, { ossPrefix: 'noisy/' }));
    expect(result, output).toMatchObject({ status: 'ok' });
    expect(row.Dropped).toBe(0);
    expect(Buffer.byteLength(output)).toBeLessThanOrEqual(24 * 1024);
    expect(output.trimEnd().split('\n').length).toBeLessThanOrEqual(101);
    expect(output.trimEnd().split('\n').at(-1)).toMatch(/^GITLAB_BACKUP_RESULT \{.*\}$/);
  });

  it('substitutes the {{runName}} parameter (EnableParameter) into the script', async () => {
    const host = addHost(bed);
    const name = nameDaysAgo(0);
    const { result, output } = await waitResult(bed, await runCommand(bed, host.instanceId, { runName: undefined, ossPrefix: 'param/' }, { params: { runName: name } }));
    expect(result, output).toMatchObject({ status: 'ok', name });
  });


  it('agent down → Failed/ClientNotRunning; delivery stuck → Aborted/DeliveryTimeout; instance stopped → Aborted/InstanceNotRunning', async () => {
    const host = addHost(bed);
    host.faults = { agentNotRunning: true };
    const a = await waitResult(bed, (await plainRun(host.instanceId, 'echo hi')).InvokeId);
    expect(a.row).toMatchObject({ InvocationStatus: 'Failed', ErrorCode: 'ClientNotRunning', ErrorInfo: 'the aliyun service is not running on the instance', Output: '' });
    host.faults = { deliveryTimeout: true };
    const d = await waitResult(bed, (await plainRun(host.instanceId, 'echo hi')).InvokeId);
    expect(d.row).toMatchObject({ InvocationStatus: 'Aborted', ErrorCode: 'DeliveryTimeout', StartTime: '' });
    host.faults = {};
    host.status = 'Stopped';
    const s = await waitResult(bed, (await plainRun(host.instanceId, 'echo hi')).InvokeId);
    expect(s.row).toMatchObject({ InvocationStatus: 'Aborted', ErrorCode: 'InstanceNotRunning' });
  });

  it('Output: Base64 by default, PlainText on request; past 24 KB the middle is dropped (head + tail kept, Dropped = bytes cut)', async () => {
    const host = addHost(bed);
    const { InvokeId } = await plainRun(host.instanceId, 'head -c 20000 /dev/zero | tr "\\0" a; head -c 20000 /dev/zero | tr "\\0" b; exit 3');
    const r = await waitResult(bed, InvokeId);
    const kept = 'a'.repeat(12 * 1024) + 'b'.repeat(12 * 1024);
    expect(r.row).toMatchObject({ InvocationStatus: 'Failed', ExitCode: 3, ErrorCode: 'ExitCodeNonzero', Dropped: 40000 - 24 * 1024 });
    expect(r.output).toBe(kept);
    const plain = await bed.rpc.request<{ Invocation: { InvocationResults: { InvocationResult: InvocationResultRow[] } } }>('DescribeInvocationResults', { ...region, InvokeId, ContentEncoding: 'PlainText' });
    expect(plain.Invocation.InvocationResults.InvocationResult[0]!.Output).toBe(kept);
    const inv = await bed.rpc.request<{ Invocations: { Invocation: Array<{ InvocationStatus: string; InvokeInstances: { InvokeInstance: unknown[] } }> } }>('DescribeInvocations', { ...region, InvokeId });
    expect(inv.Invocations.Invocation[0]).toMatchObject({ InvocationStatus: 'Failed', InvokeInstances: { InvokeInstance: [expect.objectContaining({ ExitCode: 3 })] } });
  });

  it('DescribeInvocations finds an earlier run by CommandName (how the backup action follows tonight\'s run)', async () => {
    const host = addHost(bed);
    const mine = await plainRun(host.instanceId, 'true', { Name: 'gitlab-ask-ops-backup-x' });
    await plainRun(host.instanceId, 'true', { Name: 'something-else' });
    const list = (name: string) => bed.rpc.request<{ Invocations: { Invocation: Array<{ InvokeId: string; CommandName: string }> }; TotalCount: number }>('DescribeInvocations', { ...region, InstanceId: host.instanceId, CommandName: name, MaxResults: 50 });
    const found = await list('gitlab-ask-ops-backup-x');
    expect(found.Invocations.Invocation.map((i) => [i.InvokeId, i.CommandName])).toEqual([[mine.InvokeId, 'gitlab-ask-ops-backup-x']]);
    expect((await list('gitlab-ask-ops-backup-y')).TotalCount).toBe(0);
  });

  it('API errors: unknown instance, missing parameter, content over 24 KB after Base64', async () => {
    const code = async (p: Promise<unknown>) => {
      const e = await p.catch((x: unknown) => x);
      return isAppError(e) ? (e.details as { popCode?: string }).popCode : e;
    };
    expect(await code(plainRun('i-nope', 'true'))).toBe('InvalidInstanceId.NotFound');
    expect(await code(bed.rpc.request('RunCommand', { ...region, Type: 'RunShellScript', InstanceId: ['i-x'] }, { method: 'POST' }))).toBe('MissingParameter');
    const host = addHost(bed);
    expect(await code(plainRun(host.instanceId, `# ${'x'.repeat(19 * 1024)}`))).toBe('InvalidCommandContent.LengthLimitExceeded');
    expect(await code(plainRun(host.instanceId, 'true', { TerminationMode: 'Everything' }))).toBe('InvalidParameter.TerminationMode');
  });
});

describe('DescribeCloudAssistantStatus and the host\'s named faults', () => {
  type Row = { InstanceId: string; CloudAssistantStatus: string; CloudAssistantVersion: string; LastHeartbeatTime: string; InvocationCount: number };
  const status = async (id: string): Promise<Row | undefined> =>
    (await bed.rpc.request<{ InstanceCloudAssistantStatusSet: { InstanceCloudAssistantStatus: Row[] } }>('DescribeCloudAssistantStatus', { ...region, InstanceId: [id] })).InstanceCloudAssistantStatusSet.InstanceCloudAssistantStatus.find((r) => r.InstanceId === id);

  it('reports "true" with a version while the agent runs, "false" with no version when it is down or the instance stopped', async () => {
    const host = addHost(bed);
    expect(await status(host.instanceId)).toMatchObject({ CloudAssistantStatus: 'true', CloudAssistantVersion: expect.stringMatching(/^\d+\.\d+/), InvocationCount: 0 });
    host.faults.agentNotRunning = true;
    const down = await status(host.instanceId);
    expect(down).toMatchObject({ CloudAssistantStatus: 'false', CloudAssistantVersion: '' });
    expect(Date.now() - Date.parse(down!.LastHeartbeatTime)).toBeGreaterThan(2 * 60_000);
    host.faults.agentNotRunning = false;
    host.status = 'Stopped';
    expect(await status(host.instanceId)).toMatchObject({ CloudAssistantStatus: 'false' });
    expect(await status('i-nosuchhost')).toBeUndefined();
  });

  it('host faults act where the failure is, and `times` counts backup runs on that host (not other commands)', async () => {
    const host = addHost(bed);
    const faults = new FaultRegistry(hostFaults(host, bed.ecs.onInvocationDone));
    faults.set('gitlab-backup', { times: 1, arg: '3' });
    // A command that is not a backup run does not use the fault up.
    await waitResult(bed, (await plainRun(host.instanceId, 'echo probe', { Name: 'gitlab-ask-ops-preflight' })).InvokeId);
    expect(faults.active()).toMatchObject([{ name: 'gitlab-backup', remaining: 1, arg: '3' }]);
    const failed = await waitResult(bed, await runCommand(bed, host.instanceId, { ossPrefix: 'faults/' }, { name: 'gitlab-ask-ops-backup-x' }));
    expect(failed.result).toMatchObject({ status: 'failed', step: 'backup', exitCode: 1, childExit: 3 });
    await expect.poll(() => faults.active()).toEqual([]);
    faults.set('mount-allow-other');
    expect(readFileSync(host.path('/proc/mounts'), 'utf8')).toMatch(/fuse\.ossfs rw,nosuid,nodev,relatime,user_id=0,group_id=0 0 0/);
    faults.clear();
    expect(readFileSync(host.path('/proc/mounts'), 'utf8')).toMatch(/fuse\.ossfs \S*allow_other/);
    expect(() => faults.set('nope')).toThrow(/unknown fault "nope"; known: agent-offline, archive-size, disk-full, gitlab-backup, gitlab-backup-hang, gitlab-rails-rc, keep-time, mount-allow-other, mount-missing, oss-write, ossfs-daemon, ossfs-read, staging-owner/);
    expect(() => faults.set('disk-full', { times: 0 })).toThrow(/times must be a positive integer/);
  });
});
