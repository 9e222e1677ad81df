import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { kubeconfigList, selectKubeconfig } from './kubeconfig';

const dir = mkdtempSync(join(tmpdir(), 'kubeconfig-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function kubeconfig(name: string, o: { current?: string; contexts: Array<[string, string]>; servers: Array<[string, string]>; caFile?: string }): string {
  const file = join(dir, name);
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, [
    'apiVersion: v1', 'kind: Config',
    `current-context: ${o.current ?? '""'}`,
    'clusters:', ...o.servers.map(([n, s]) => `- name: ${n}\n  cluster:\n    server: ${s}${o.caFile ? `\n    certificate-authority: ${o.caFile}` : ''}`),
    'contexts:', ...o.contexts.map(([n, c]) => `- name: ${n}\n  context:\n    cluster: ${c}\n    user: u`),
    'users:', '- name: u', '  user:', '    client-certificate: certs/u.crt', '    exec:', '      command: ./bin/helper',
  ].join('\n'));
  return file;
}

describe('kubeconfig selection (kubectl rules)', () => {
  const a = kubeconfig('a/config', { current: 'prod', contexts: [['prod', 'prod-c']], servers: [['prod-c', 'https://10.0.0.1:6443']], caFile: 'ca.crt' });
  const b = kubeconfig('b/config', { current: 'dev', contexts: [['dev', 'dev-c'], ['prod', 'other']], servers: [['dev-c', 'https://10.0.0.2:6443'], ['prod-c', 'https://evil:6443']] });

  it('merges a KUBECONFIG list: the first current-context and the first definition of a name win', () => {
    const s = selectKubeconfig(kubeconfigList(`${a}${delimiter}${b}`, '/'), { explicit: false, source: 'KUBECONFIG' });
    expect(s).toMatchObject({ context: 'prod', server: 'https://10.0.0.1:6443', files: [a, b], missing: [] });
    const doc = parse(s.yaml) as { clusters: Array<{ name: string; cluster: Record<string, string> }>; contexts: unknown[]; users: Array<{ user: Record<string, unknown> }> };
    expect(doc.clusters.map((c) => c.name)).toEqual(['prod-c', 'dev-c']);
    expect(doc.contexts).toHaveLength(2);
    // Relative paths resolve against the file that names them; a command found on PATH stays as it is.
    expect(doc.clusters[0]!.cluster['certificate-authority']).toBe(join(dir, 'a/ca.crt'));
    expect(doc.users[0]!.user['client-certificate']).toBe(join(dir, 'a/certs/u.crt'));
    expect((doc.users[0]!.user.exec as { command: string }).command).toBe(join(dir, 'a/bin/helper'));
  });

  it('--context picks another context; an unknown one is an error listing those there', () => {
    expect(selectKubeconfig([a, b], { explicit: false, context: 'dev', source: 'KUBECONFIG' })).toMatchObject({ context: 'dev', server: 'https://10.0.0.2:6443' });
    expect(() => selectKubeconfig([a], { explicit: true, context: 'staging', source: '--kubeconfig' })).toThrow(/context "staging" not found in .*a\/config \(contexts: prod\)/);
  });

  it('skips missing files of a list, but none existing is an error naming them; an explicit file must exist', () => {
    expect(selectKubeconfig(['/nonexistent', a], { explicit: false, source: 'KUBECONFIG' })).toMatchObject({ missing: ['/nonexistent'], context: 'prod' });
    expect(() => selectKubeconfig(['/nonexistent'], { explicit: false, source: 'KUBECONFIG=/nonexistent' })).toThrow('KUBECONFIG=/nonexistent: no kubeconfig found (/nonexistent does not exist)');
    expect(() => selectKubeconfig(['/nope.yaml'], { explicit: true, source: '--kubeconfig' })).toThrow('--kubeconfig: kubeconfig /nope.yaml does not exist');
  });

  it('a config without a current context asks for --context', () => {
    const none = kubeconfig('none/config', { contexts: [['x', 'xc']], servers: [['xc', 'https://x']] });
    expect(() => selectKubeconfig([none], { explicit: true, source: '--kubeconfig' })).toThrow(/set no current-context; pass --context \(one of: x\)/);
  });
});
