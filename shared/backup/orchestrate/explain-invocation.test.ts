import { describe, expect, it } from 'vitest';
import type { InvocationResultInfo } from '../ecs-port';
import { explainInvocation, isTerminal } from './explain-invocation';

const base: InvocationResultInfo = { invokeId: 't-1', instanceId: 'i-gl', status: 'Failed', errorCode: '', errorInfo: '', exitCode: 0, output: '', dropped: 0 };
const line = (o: Record<string, unknown>): string => `GITLAB_BACKUP_RESULT ${JSON.stringify({ name: 'n', exitCode: 1, ...o })}`;

describe('explainInvocation', () => {
  it.each([
    ['ClientNotRunning', 'Failed', /Cloud Assistant agent is not running on i-gl/],
    ['DeliveryTimeout', 'Aborted', /could not be delivered to i-gl/],
    ['InstanceNotRunning', 'Aborted', /instance i-gl is not running/],
    ['ExecutionTimeout', 'Timeout', /longer than BACKUP_TIMEOUT_SECONDS \(600 s\)/],
    ['InstanceReleased', 'Invalid', /i-gl was released/],
    ['ClientNeedUpgrade', 'Failed', /too old/],
  ])('%s → a cause a person understands', (errorCode, status, cause) => {
    expect(explainInvocation({ ...base, status, errorCode }, 600).cause).toMatch(cause);
    if (errorCode === 'ClientNotRunning') expect(explainInvocation({ ...base, status, errorCode }, 600).fix).toMatch(/systemctl restart aliyun\.service/);
  });

  it('ExitCodeNonzero with a result line names the failed step, the message and what to check', () => {
    const out = `12:00:01 [mount] FAILED: x\n${line({ status: 'failed', step: 'mount', error: 'no_allow_other', message: '/mnt/b is an ossfs mount without allow_other' })}\n`;
    const o = explainInvocation({ ...base, errorCode: 'ExitCodeNonzero', exitCode: 1, output: out }, 600);
    expect(o).toMatchObject({ ok: false, step: 'mount', logTail: ['12:00:01 [mount] FAILED: x'] });
    expect(o.cause).toBe('step "mount" failed: /mnt/b is an ossfs mount without allow_other — the ossfs mount lacks allow_other, so the git user cannot write to it');
    expect(o.fix).toMatch(/add allow_other to the ossfs line in \/etc\/fstab \(`<bucket> \/mnt\/gitlab-backups fuse\.ossfs _netdev,allow_other,url=.* 0 0`\).*BACKUP_REPAIR_MOUNT=true/);
  });

  it('archive_too_large: the fix names the setting the mounted ossfs reads (1.x multipart_size in fstab, 2.x upload_buffer_size in its config file)', () => {
    const fail = (message: string) => explainInvocation({ ...base, exitCode: 1, output: line({ status: 'failed', step: 'copy', error: 'archive_too_large', message }) }, 600);
    expect(fail('GitLab could not write the archive onto the mount (part limit?); needs multipart_size=21 or more').fix).toMatch(/-o multipart_size=21`/);
    const v2 = fail('ossfs refused x_gitlab_backup.tar: File too large; needs upload_buffer_size=26214400').fix;
    expect(v2).toMatch(/set `upload_buffer_size=26214400` in its configuration file/);
    expect(v2).not.toMatch(/multipart_size/);
  });

  it('read_failed (a read error through the mount) is not a checksum mismatch', () => {
    const o = explainInvocation({ ...base, exitCode: 1, output: line({ status: 'failed', step: 'verify', error: 'read_failed', message: 'reading x through the mount failed (exit 1): Input/output error' }) }, 600);
    expect(o.cause).toMatch(/Input\/output error — reading a file back through the ossfs mount failed/);
    expect(o.fix).toMatch(/check the ossfs mount \/mnt\/gitlab-backups/);
  });

  it('the host lock (exit 75) reads as "already running", not as a broken backup', () => {
    const o = explainInvocation({ ...base, exitCode: 75, output: line({ status: 'failed', step: 'lock', error: 'already_running', message: 'another backup run holds the lock' }) }, 600);
    expect(o.cause).toMatch(/another backup run holds the host lock/);
  });

  it('success needs the ok result line; exit 0 without it is not a success', () => {
    expect(explainInvocation({ ...base, status: 'Success', output: line({ status: 'ok', step: 'done', exitCode: 0 }) }, 600).ok).toBe(true);
    expect(explainInvocation({ ...base, status: 'Success', output: 'cut', dropped: 100 }, 600)).toMatchObject({ ok: false, step: 'result', cause: expect.stringContaining('100 output bytes dropped') });
  });

  it('unknown codes still say what Cloud Assistant reported', () => {
    expect(explainInvocation({ ...base, status: 'Error', errorCode: 'Weird', errorInfo: 'odd' }, 600).cause).toBe('Cloud Assistant reports Error Weird: odd on i-gl');
  });

  it('knows which statuses are final', () => {
    expect(['Pending', 'Running', 'Stopping', 'Scheduled'].map(isTerminal)).toEqual([false, false, false, false]);
    expect(['Success', 'Failed', 'Timeout', 'Aborted', 'Invalid', 'Error', 'Cancelled', 'Terminated'].every(isTerminal)).toBe(true);
  });
});
