import { describe, expect, it } from 'vitest';
import type { CliIo } from './index';
import { policyCommand } from './policy';

function io(env: Record<string, string> = {}): CliIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (t) => stdout.push(t), err: (t) => stderr.push(t), stdin: async () => '', env, cwd: '/' };
}

describe('policy command', () => {
  it('prints the role\'s policy for the shell\'s configuration, notes on stderr; --compact as one line', async () => {
    const o = io({ OSS_BUCKET: 'b1', BACKUP_INSTANCE_ID: 'i-1', ASK_CLUSTER_ID: 'c1', FC_ACCOUNT_ID: '42' });
    expect(await policyCommand.run([], o)).toBe(0);
    expect(o.stderr).toEqual(['target: none (offline)']);
    const doc = JSON.parse(o.stdout.join('\n')) as { Statement: Array<{ Sid: string; Resource: string[] }> };
    expect(doc.Statement.find((s) => s.Sid === 'BackupObjects')!.Resource).toEqual(['acs:oss:*:42:b1/gitlab-backups/*']);
    const c = io({ OSS_BUCKET: 'b1' });
    expect(await policyCommand.run(['--compact'], c)).toBe(0);
    expect(c.stdout).toHaveLength(1);
    expect(c.stdout[0]).not.toContain('\n');
    expect(c.stderr).toContain('note: FC_ACCOUNT_ID is not set: resources name any account (*)');
  });

  it('--trust prints the trust policy: Function Compute, and only it, may assume the role', async () => {
    const o = io();
    expect(await policyCommand.run(['--trust'], o)).toBe(0);
    expect(JSON.parse(o.stdout.join('\n'))).toEqual({ Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: ['fc.aliyuncs.com'] } }], Version: '1' });
  });

  it('--operator prints the read-only policy of doctor/status/backups: FC reads, the probe, OSS reads, the sender lookup', async () => {
    const o = io({ OSS_BUCKET: 'b1', BACKUP_INSTANCE_ID: 'i-1', ASK_CLUSTER_ID: 'c1', FC_ACCOUNT_ID: '42' });
    expect(await policyCommand.run(['--operator'], o)).toBe(0);
    const doc = JSON.parse(o.stdout.join('\n')) as { Statement: Array<{ Sid: string; Action: string[]; Resource: string[] }> };
    const actions = doc.Statement.flatMap((s) => s.Action);
    expect(actions).toEqual(expect.arrayContaining(['fc:GetFunction', 'fc:GetFunctionAsyncInvokeConfig', 'fc:ListTriggers', 'fc:ListAsyncTasks', 'ecs:RunCommand', 'oss:GetObject', 'cs:DescribeClusterUserKubeconfig', 'dm:QueryMailAddressByParam', 'dm:DescAccountSummary']));
    expect(actions.filter((a) => /^\w+:(Put|Delete|SingleSend|Invoke|Create|Update)/.test(a))).toEqual([]);
    expect(doc.Statement.find((s) => s.Sid === 'ReadFunctions')!.Resource).toEqual(['acs:fc:ap-northeast-2:42:functions/gitlab-webhook', 'acs:fc:ap-northeast-2:42:functions/ops-worker']);
  });

  it('--ossfs prints the GitLab host\'s ossfs user policy: the two prefixes, deletes of its .partial copies only; the mode on stderr', async () => {
    const o = io({ OSS_BUCKET: 'b1', FC_ACCOUNT_ID: '42', OSS_PREFIX: 'nightly/' });
    expect(await policyCommand.run(['--ossfs', '--compact'], o)).toBe(0);
    const doc = JSON.parse(o.stdout.join('\n')) as { Statement: Array<{ Sid: string; Action: string[]; Resource: string[] }> };
    expect(doc.Statement.find((s) => s.Sid === 'OssfsBackupFiles')!.Resource).toEqual(['acs:oss:*:42:b1/nightly/*', 'acs:oss:*:42:b1/gitlab-config-backups/*']);
    expect(doc.Statement.filter((s) => s.Action.includes('oss:DeleteObject')).flatMap((s) => s.Resource)).toEqual(['acs:oss:*:42:b1/nightly/.*.partial', 'acs:oss:*:42:b1/gitlab-config-backups/.*.partial']);
    expect(o.stderr.join('\n')).toContain('note: BACKUP_MODE=staged');
    for (const other of ['--trust', '--operator', '--drill', '--without-platform']) {
      const both = io({ OSS_BUCKET: 'b1' });
      expect(await policyCommand.run(['--ossfs', other], both), other).toBe(2);
      expect(both.stdout).toEqual([]);
    }
  });

  it('bad input is a clear error and prints no policy', async () => {
    const both = io();
    expect(await policyCommand.run(['--trust', '--without-platform'], both)).toBe(2);
    expect(both.stdout).toEqual([]);
    const half = io({ BACKUP_INSTANCE_ID: 'i-1' });
    expect(await policyCommand.run([], half)).toBe(1);
    expect(half.stderr.join('\n')).toContain('error: BACKUP_INSTANCE_ID is set but OSS_BUCKET is not');
    expect(half.stdout).toEqual([]);
  });
});
