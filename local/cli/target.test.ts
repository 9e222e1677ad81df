import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordMintedToken } from './sandbox-state';
import { resolveTarget, TARGET_KEYS } from './target';

const dir = mkdtempSync(join(tmpdir(), 'target-'));
let server: Server;
let live: string;
let stale: string;

/** A state dir as local/start.ts writes it: env + sandbox.json with the pid and the runtime URL. */
function sandboxDir(name: string, pid: number, runtime: string): string {
  const d = join(dir, name);
  mkdirSync(d, { recursive: true });
  writeFileSync(join(d, 'env'), 'GITLAB_URL=http://127.0.0.1:1001\nGITLAB_TOKEN=glpat-sandbox\nASK_CLUSTER_ID=c0sandbox\nCS_ENDPOINT=http://127.0.0.1:1002\nBACKUP_INSTANCE_ID=i-sandboxgitlab01\nOSS_BUCKET=gitlab-backups\nALIBABA_CLOUD_ACCESS_KEY_ID=STS.sandbox\nLOG_LEVEL=info\nDRY_RUN=false\n');
  writeFileSync(join(d, 'sandbox.json'), JSON.stringify({ pid, urls: { runtime } }));
  return d;
}

beforeAll(async () => {
  server = createServer((_q, r) => r.writeHead(404).end());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  live = sandboxDir('live', process.pid, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  const gone = spawnSync(process.execPath, ['-e', '']).pid!; // a process that has exited
  stale = sandboxDir('stale', gone, 'http://127.0.0.1:9');
});
afterAll(() => {
  server.close();
  rmSync(dir, { recursive: true, force: true });
});

const run = (env: Record<string, string>, kinds: Parameters<typeof resolveTarget>[1], mode: 'auto' | 'sandbox' | 'shell' = 'auto', extra = {}) => resolveTarget({ env, cwd: dir }, kinds, { mode, ...extra });

describe('target guard', () => {
  it('refuses when the shell names a real target and a sandbox runs, naming both', async () => {
    for (const key of [...TARGET_KEYS, 'OSS_ENDPOINT']) {
      const err = await run({ SANDBOX_DIR: live, [key]: key === 'KUBECONFIG' ? join(dir, 'live/env') : 'https://real.example.com' }, ['gitlab', 'instance']).catch((e: Error) => e);
      expect(err, key).toBeInstanceOf(Error);
      expect((err as Error).message).toMatch(new RegExp(`^two targets: the shell names ${key}`));
    }
    const err = (await run({ SANDBOX_DIR: live, GITLAB_URL: 'https://gitlab.example.com', KUBE_CONFIG: 'c2VjcmV0' }, ['gitlab']).catch((e: Error) => e)) as Error;
    expect(err.message).toContain('GITLAB_URL=https://gitlab.example.com, KUBE_CONFIG (set)');
    expect(err.message).toContain('the running sandbox (live/env) names gitlab http://127.0.0.1:1001');
    expect(err.message).toContain('--no-sandbox');
    expect(err.message).not.toContain('c2VjcmV0');
  });

  it('uses the sandbox when the shell names nothing, the shell\'s other variables winning', async () => {
    const t = await run({ SANDBOX_DIR: live, LOG_LEVEL: 'debug', DRY_RUN: 'true', ALIBABA_CLOUD_ACCESS_KEY_ID: 'LTAIreal' }, ['gitlab', 'cluster', 'instance', 'bucket']);
    expect(t.source).toBe('sandbox');
    expect(t.env).toMatchObject({ GITLAB_URL: 'http://127.0.0.1:1001', LOG_LEVEL: 'debug', DRY_RUN: 'true', ALIBABA_CLOUD_ACCESS_KEY_ID: 'STS.sandbox' });
    expect(t.line).toBe(`target: sandbox (live, pid ${process.pid}): gitlab http://127.0.0.1:1001 · cluster ASK c0sandbox via http://127.0.0.1:1002 · instance i-sandboxgitlab01 (ap-northeast-2) · bucket oss://gitlab-backups/gitlab-backups/ (oss-ap-northeast-2)`);
    expect(t.notes).toEqual(['shell ALIBABA_CLOUD_ACCESS_KEY_ID not used: the sandbox\'s targets and keys are']);
  });

  it('the shell\'s chat webhooks and secrets never reach the sandbox run (no real Slack or DingTalk post from it)', async () => {
    const shell = { SANDBOX_DIR: live, SLACK_WEBHOOK_URL: 'https://hooks.slack.com/services/T/B/real', DINGTALK_WEBHOOK_URL: 'https://oapi.dingtalk.com/robot/send?access_token=real', DINGTALK_SECRET: 'SECreal', DRILL_GITLAB_TOKEN: 'glpat-REAL', WEBHOOK_SECRET: 'real-secret' };
    const t = await run(shell, ['gitlab']);
    expect(t.source).toBe('sandbox');
    for (const k of ['SLACK_WEBHOOK_URL', 'DINGTALK_WEBHOOK_URL', 'DINGTALK_SECRET', 'DRILL_GITLAB_TOKEN', 'WEBHOOK_SECRET']) expect(t.env[k], k).toBeUndefined();
    expect(t.notes).toEqual(['shell DINGTALK_SECRET, DINGTALK_WEBHOOK_URL, DRILL_GITLAB_TOKEN, SLACK_WEBHOOK_URL, WEBHOOK_SECRET not used: the sandbox\'s targets and keys are']);
    expect(t.notes.join('')).not.toMatch(/real/);
  });

  it('a shell GITLAB_TOKEN goes with the sandbox only when sandbox token minted it on this sandbox\'s GitLab', async () => {
    const sb = { dir: live, env: { GITLAB_URL: 'http://127.0.0.1:1001' } };
    recordMintedToken(sb, 'glpat-minted');
    recordMintedToken({ dir: live, env: { GITLAB_URL: 'http://127.0.0.1:7777' } }, 'glpat-older-sandbox');
    const t = await run({ SANDBOX_DIR: live, GITLAB_TOKEN: 'glpat-minted' }, ['gitlab']);
    expect([t.source, t.env.GITLAB_TOKEN]).toEqual(['sandbox', 'glpat-minted']);
    expect(t.notes).toEqual(['shell GITLAB_TOKEN used: a token sandbox token minted on this sandbox\'s GitLab']);
    expect((await run({ SANDBOX_DIR: live, GITLAB_TOKEN: 'glpat-minted' }, ['gitlab'], 'sandbox')).env.GITLAB_TOKEN).toBe('glpat-minted');
    // Any other token — a real one, or one minted by an earlier sandbox — stays out; only its name is told.
    for (const other of ['glpat-REAL-production', 'glpat-older-sandbox']) {
      const o = await run({ SANDBOX_DIR: live, GITLAB_TOKEN: other }, ['gitlab']);
      expect(o.env.GITLAB_TOKEN, other).toBe('glpat-sandbox');
      expect(o.notes).toEqual(['shell GITLAB_TOKEN not used: the sandbox\'s targets and keys are']);
    }
    // The record holds digests, never a token.
    expect(readFileSync(join(live, 'minted-tokens'), 'utf8')).not.toMatch(/glpat/);
  });

  it('a shell BACKUP_INSTANCE_ID is never silently replaced: refused, used with --no-sandbox, named as ignored with --sandbox', async () => {
    const shell = { SANDBOX_DIR: live, BACKUP_INSTANCE_ID: 'i-prod' };
    await expect(run(shell, ['instance'])).rejects.toThrow(/BACKUP_INSTANCE_ID=i-prod; the running sandbox \(live\/env\) names instance i-sandboxgitlab01/);
    const mine = await run(shell, ['instance'], 'shell');
    expect(mine.env.BACKUP_INSTANCE_ID).toBe('i-prod');
    expect(mine.line).toBe('target: shell env: instance i-prod (ap-northeast-2)');
    const theirs = await run(shell, ['instance'], 'sandbox');
    expect(theirs.env.BACKUP_INSTANCE_ID).toBe('i-sandboxgitlab01');
    expect(theirs.notes[0]).toContain('shell BACKUP_INSTANCE_ID not used');
  });

  it('KUBECONFIG=/nonexistent is an error naming that file, before and without the sandbox', async () => {
    await expect(run({ SANDBOX_DIR: live, KUBECONFIG: '/nonexistent' }, ['cluster'])).rejects.toThrow('KUBECONFIG=/nonexistent: no kubeconfig found (/nonexistent does not exist)');
    await expect(run({ KUBECONFIG: '/nonexistent' }, ['cluster'], 'shell')).rejects.toThrow('/nonexistent does not exist');
    await expect(run({ SANDBOX_DIR: live }, ['cluster'], 'auto', { kubeconfig: '/nonexistent' })).rejects.toThrow('--kubeconfig: kubeconfig /nonexistent does not exist');
  });

  it('--kubeconfig/--context select like kubectl and reach the functions as KUBE_CONFIG; two clusters in the shell are refused', async () => {
    const kc = join(dir, 'kc.yaml');
    writeFileSync(kc, 'current-context: a\ncontexts:\n- name: a\n  context: {cluster: ca}\n- name: b\n  context: {cluster: cb}\nclusters:\n- name: ca\n  cluster: {server: "https://a:6443"}\n- name: cb\n  cluster: {server: "https://b:6443"}\n');
    const t = await run({ SANDBOX_DIR: live, ASK_CLUSTER_ID: 'c-prod' }, ['cluster'], 'auto', { kubeconfig: kc, context: 'b' });
    expect(t.source).toBe('shell');
    expect(t.line).toBe(`target: shell env: cluster ${kc} context b → https://b:6443 (--kubeconfig, --context)`);
    expect(t.env.ASK_CLUSTER_ID).toBeUndefined();
    expect(Buffer.from(t.env.KUBE_CONFIG!, 'base64').toString()).toContain('current-context: b');
    // No sandbox here (hermetic: a developer's own `npm start` in this checkout must not change the answer).
    const none = join(dir, 'never');
    await expect(run({ SANDBOX_DIR: none, ASK_CLUSTER_ID: 'c-prod', KUBECONFIG: kc }, ['cluster'])).rejects.toThrow('the shell names 2 clusters: ASK_CLUSTER_ID=c-prod, KUBECONFIG=');
    await expect(run({ SANDBOX_DIR: live }, ['cluster'], 'sandbox', { context: 'b' })).rejects.toThrow('--context b names a cluster outside the sandbox');
    const ambient = await run({ SANDBOX_DIR: none, KUBECONFIG: kc }, ['cluster']);
    expect(ambient.line).toBe(`target: shell env: cluster ${kc} context a → https://a:6443 (KUBECONFIG)`);
  });

  it('--kubeconfig/--context on a command that talks to no cluster is a usage error, not ignored', async () => {
    await expect(run({ SANDBOX_DIR: live, OSS_BUCKET: 'b' }, ['bucket'], 'auto', { kubeconfig: '/nonexistent', context: 'nope' })).rejects.toThrow('--kubeconfig /nonexistent --context nope: this command talks to no cluster (it uses bucket); drop the flag');
  });

  it('a stale sandbox (pid gone, port closed) says so instead of failing later; shell targets then go ahead', async () => {
    await expect(run({ SANDBOX_DIR: stale }, ['gitlab'])).rejects.toThrow('the sandbox is not running (start it with npm start)');
    await expect(run({ SANDBOX_DIR: stale }, ['gitlab'], 'sandbox')).rejects.toThrow('the sandbox is not running (start it with npm start)');
    await expect(run({ SANDBOX_DIR: join(dir, 'never') }, ['gitlab'], 'sandbox')).rejects.toThrow('the sandbox is not running');
    const t = await run({ SANDBOX_DIR: stale, GITLAB_URL: 'https://user:pw@gitlab.example.com/?x=1' }, ['gitlab']);
    expect(t.line).toBe('target: shell env: gitlab https://gitlab.example.com');
    expect(t.notes).toEqual(['stale/env ignored: the sandbox is not running']);
    // The same files with a live pid but a closed port: not running either (a pid alone can be reused).
    const reused = sandboxDir('reused', process.pid, 'http://127.0.0.1:9');
    await expect(run({ SANDBOX_DIR: reused }, ['bucket'])).rejects.toThrow('the sandbox is not running');
  });

  it('without a sandbox the shell is the target, and what is missing is named as such', async () => {
    const t = await run({ SANDBOX_DIR: join(dir, 'never') }, ['gitlab', 'cluster', 'instance', 'bucket', 'fc']);
    expect(t.line).toBe('target: shell env: gitlab (GITLAB_URL not set) · cluster (not set: ASK_CLUSTER_ID, KUBECONFIG or --kubeconfig) · instance (BACKUP_INSTANCE_ID not set) · bucket (OSS_BUCKET not set) · fc ops-worker (ap-northeast-2)');
    expect((await run({ SANDBOX_DIR: join(dir, 'never') }, [])).line).toBe('target: shell env: none');
  });
});
