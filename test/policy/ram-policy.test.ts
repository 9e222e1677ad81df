import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { derivedRamActions, REPO } from './derive';

interface Statement {
  Effect: string;
  Action: string[];
  Resource: string[];
  Condition?: unknown;
}
const policy = JSON.parse(readFileSync(join(REPO, 'infra/ram-policy.json'), 'utf8')) as { Version: string; Statement: Statement[] };
const granted = new Set(policy.Statement.flatMap((s) => s.Action));

describe('infra/ram-policy.json is least privilege for the code', () => {
  const used = derivedRamActions();

  it('finds the ports (guards against a derivation that silently matches nothing)', () => {
    expect([...used.keys()]).toEqual(expect.arrayContaining(['dm:SingleSendMail', 'ecs:RunCommand', 'cs:DescribeClusterUserKubeconfig', 'fc:InvokeFunction', 'oss:GetObject']));
    expect([...used.keys()].filter((a) => a.startsWith('unmapped:'))).toEqual([]);
  });

  it('grants every action the code calls', () => {
    const missing = [...used.keys()].filter((a) => !granted.has(a)).map((a) => `${a} (used in ${used.get(a)!.join(', ')})`);
    expect(missing).toEqual([]);
  });

  it('grants no action nobody calls, and no wildcards', () => {
    expect([...granted].filter((a) => !used.has(a))).toEqual([]);
    expect([...granted].filter((a) => a.includes('*'))).toEqual([]);
    expect(policy.Statement.every((s) => s.Effect === 'Allow')).toBe(true);
  });

  it('keeps OSS on the backup prefixes only (data and BACKUP_CONFIG_PREFIX; the config prefix read and pruned, never written)', () => {
    const oss = policy.Statement.filter((s) => s.Action.some((a) => a.startsWith('oss:')));
    for (const s of oss) for (const r of s.Resource) expect(r).toMatch(/^acs:oss:\*:\*:gitlab-backups(\/gitlab-(config-)?backups\/\*)?$/);
    expect(oss.filter((s) => s.Resource.some((r) => r.includes('gitlab-config-backups/'))).flatMap((s) => s.Action)).not.toContain('oss:PutObject');
    expect(oss.find((s) => s.Action.includes('oss:ListObjects'))?.Condition).toEqual({ StringLike: { 'oss:Prefix': ['gitlab-backups/*', 'gitlab-config-backups/*'] } });
  });
});
