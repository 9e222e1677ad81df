import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandboxParts } from '#local/sandbox/boot';
import { createKubePart } from '#local/sandbox/parts/kube-part';
import { startSandbox, type Started } from '#local/start';
import { loadConfig } from '#shared/config/index';
import type { PrewarmReport } from '#shared/imagecache/run-prewarm';
import { memoryLogger } from '#shared/log/index';
import { diskDesiredSource, runReconcile, reconcileEnvOptions } from '#shared/reconcile/index';
import { createKubePortFromConfig } from '#shared/kube/kube-port-from-config';
import { systemClock } from '#shared/runtime/clock';
import { handleWorker } from '../../functions/ops-worker/handler';

/**
 * RUNNER_NAMESPACE outside what infra/k8s grants, in the sandbox: the functions' kubeconfig comes from CS (the
 * restricted identity), so every call into `ci` is a real 403. Nothing crashes; each refusal is a finding that names
 * the verb, the resource and the namespace, and the runs carry on with what they may read.
 */
const REPO = fileURLToPath(new URL('../../', import.meta.url));

describe('RUNNER_NAMESPACE outside the granted namespaces (sandbox, functions identity)', () => {
  let s: Started;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rbac-ns-'));
    const parts = sandboxParts.map((p) => (p.name === 'kube' ? createKubePart({ readyAfterMs: 20 }, { delayMs: 20 }) : p));
    s = await startSandbox({ env: { WEBHOOK_SECRET: 'rbac-ns', SANDBOX_DIR: dir, LOG_LEVEL: 'warn' }, port: 0, timers: false, retryBaseMs: 1, parts, out: () => undefined });
  });
  afterAll(async () => {
    await s?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const env = (extra: Record<string, string>) => ({ ...s.sandbox.env, LOG_LEVEL: 'error', ...extra });

  it('prewarm: the Helm release and the image-set store in `ci` are forbidden findings; caches are still planned and made', async () => {
    const config = loadConfig(env({ RUNNER_NAMESPACE: 'ci', RUNNER_HELPER_IMAGE: 'registry.gitlab.com/gitlab-org/gitlab-runner/gitlab-runner-helper:x86_64-v17.6.0' }));
    const r = await handleWorker(Buffer.from(JSON.stringify({ action: 'prewarm' })), { requestId: 'rbac-ns', function: { timeout: 60 } } as never, { config, log: memoryLogger('error'), clock: systemClock });
    expect(r.status).toBe('degraded');
    const report = r.report as PrewarmReport;
    const findings = report.findings ?? [];
    expect(findings.map((f) => `${f.rule} ${f.target}`)).toEqual(['rbac-forbidden Secret/ci/*', 'rbac-forbidden ConfigMap/ci/image-sets']);
    expect(findings[0]!.message).toBe(
      `forbidden: cannot list secrets in namespace "ci" (secrets is forbidden: User "300000000000000042" cannot list resource "secrets" in API group "" in the namespace "ci"); grant it to the functions' identity — infra/k8s/rbac.yaml, bound per namespace by infra/k8s/rbac-grants.json (docs/deploy.md §2)`,
    );
    expect(findings[1]!.message).toMatch(/^forbidden: cannot get configmaps in namespace "ci" \(configmaps "gitlab-ask-ops-image-sets" is forbidden: /);
    expect(report.runner.problems.join('\n')).toMatch(/Helm release ci\/gitlab-runner unreadable: .*403 Forbidden/);
    expect(r.summary).toMatch(/2 call\(s\) forbidden \(Secret\/ci\/\*, ConfigMap\/ci\/image-sets\)$/);
    expect(report.apply?.errors).toEqual([]);
    expect(r.done.filter((d) => d.outcome === 'applied' && d.step.kind === 'create').length).toBeGreaterThan(0);
    // Told as conditions: the one message names both refusals (the alert state, in `ci` too, is unreadable: said so).
    const told = (r.report as { notify?: { delivered: boolean; findings: { new: number }; state: string; stateError?: string } }).notify;
    expect(told).toMatchObject({ delivered: true, findings: { new: 2 }, state: 'unavailable', stateError: expect.stringContaining('403 Forbidden') });
    console.info(`findings under a namespace outside the grants (prewarm): ${findings.length}`);
  });

  it('reconcile: a release and a claim moved to `ci` are forbidden findings, never "not installed" or a create', async () => {
    const infra = join(dir, 'infra');
    cpSync(join(REPO, 'infra'), infra, { recursive: true });
    for (const f of ['helmfile.yaml', 'k8s/mvn-pvc.yaml']) {
      const p = join(infra, f);
      writeFileSync(p, readFileSync(p, 'utf8').replace(/namespace: default/g, 'namespace: ci').replace('namespace = "default"', 'namespace = "ci"'));
    }
    const config = loadConfig(env({ RUNNER_NAMESPACE: 'ci' }));
    const credentials = () => ({ accessKeyId: config.env.ALIBABA_CLOUD_ACCESS_KEY_ID!, accessKeySecret: config.env.ALIBABA_CLOUD_ACCESS_KEY_SECRET!, ...(config.env.ALIBABA_CLOUD_SECURITY_TOKEN ? { securityToken: config.env.ALIBABA_CLOUD_SECURITY_TOKEN } : {}) });
    const { report } = await runReconcile(
      { kube: createKubePortFromConfig({ config, credentials }), log: memoryLogger('error'), clock: systemClock },
      { ...reconcileEnvOptions(config.env), source: diskDesiredSource(infra), dryRun: false, apply: true },
    );
    const forbidden = report.findings.filter((f) => f.rule === 'rbac-forbidden');
    expect(forbidden.map((f) => f.target).sort()).toEqual(['HelmRelease/ci/gitlab-runner', 'PersistentVolumeClaim/ci/gitlab-runner-maven-pvc']);
    expect(forbidden.find((f) => f.target.startsWith('PersistentVolumeClaim'))!.message).toMatch(/^forbidden: cannot list persistentvolumeclaims in namespace "ci" \(persistentvolumeclaims is forbidden: /);
    expect(report.objects.find((o) => o.target === 'HelmRelease/ci/gitlab-runner')).toMatchObject({ state: 'Degraded', reasons: expect.arrayContaining(['release state unreadable (403 Forbidden)']) });
    // The unseen claim is not created blindly; the release is not remediated.
    expect(report.steps.filter((x) => x.target.includes('/ci/'))).toEqual([]);
    expect(report.remediation).toBeUndefined();
    console.info(`findings under a namespace outside the grants (reconcile): ${forbidden.length}`);
  });

  it('prewarm: an ImageCache create the ClusterRole does not grant is one forbidden finding naming the grant, and nothing is deleted', async () => {
    // The administrator's role without `create` on imagecaches (changed with the admin kubeconfig, as a person would).
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(s.sandbox.env.KUBE_SANDBOX_KUBECONFIG!);
    const rbac = kc.makeApiClient(k8s.RbacAuthorizationV1Api);
    const role = await rbac.readClusterRole({ name: 'gitlab-ask-ops' });
    role.rules = role.rules!.map((r) => (r.resources?.includes('imagecaches') ? { ...r, verbs: r.verbs.filter((v) => v !== 'create') } : r));
    await rbac.replaceClusterRole({ name: 'gitlab-ask-ops', body: role });
    const custom = kc.makeApiClient(k8s.CustomObjectsApi);
    const names = async () => ((await custom.listClusterCustomObject({ group: 'eci.alibabacloud.com', version: 'v1', plural: 'imagecaches' })) as { items: Array<{ metadata: { name: string } }> }).items.map((i) => i.metadata.name).sort();
    const before = await names();
    expect(before.length).toBeGreaterThan(0);

    // One more baseline image: the baseline set changes, so the plan creates a new cache and would retire the old one.
    const config = loadConfig(env({ IMAGECACHE_BASELINE: 'registry.cn-hangzhou.aliyuncs.com/eci/kaniko:1.0,registry.cn-hangzhou.aliyuncs.com/eci/kubectl:1.0,registry.cn-hangzhou.aliyuncs.com/eci/java-demo:1.0,registry.cn-hangzhou.aliyuncs.com/eci/alpine:3.20' }));
    const r = await handleWorker(Buffer.from(JSON.stringify({ action: 'prewarm' })), { requestId: 'rbac-create', function: { timeout: 60 } } as never, { config, log: memoryLogger('error'), clock: systemClock });
    const report = r.report as PrewarmReport;
    const creates = r.done.filter((d) => d.step.kind === 'create');
    expect(creates.length).toBeGreaterThan(0);
    expect(creates.every((d) => d.outcome === 'failed' && /^forbidden: cannot create imagecaches at cluster scope \(imagecaches.eci.alibabacloud.com is forbidden: User "300000000000000042" cannot create resource "imagecaches" in API group "eci.alibabacloud.com" at the cluster scope\); grant it/.test(d.detail ?? ''))).toBe(true);
    const forbidden = (report.findings ?? []).filter((f) => f.rule === 'rbac-forbidden');
    expect(forbidden.map((f) => f.target)).toEqual(creates.map((d) => `ImageCache/${d.step.target}`));
    expect(r.summary).toMatch(new RegExp(`${creates.length} call\\(s\\) forbidden \\(ImageCache/`));
    // Told as the missing grant only: no "cache failed" and no "apply KUBE_API" condition beside it.
    const told = (r.report as { notify?: { delivered: boolean; findings: { new: number } } }).notify;
    expect(told).toMatchObject({ delivered: true, findings: { new: creates.length } });
    // Safety: after a refused create nothing is deleted (old caches keep serving the pods).
    expect(r.done.filter((d) => d.step.kind === 'delete-superseded' && d.outcome === 'applied')).toEqual([]);
    expect(await names()).toEqual(before);
  });

  it('reconcile: a refused patch, a refused create and a refused ImageCache list are findings naming verb, resource and scope', async () => {
    // The administrator's roles without `patch` on PVs, `list` on ImageCaches and `create` on claims; put back after.
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(s.sandbox.env.KUBE_SANDBOX_KUBECONFIG!);
    const rbac = kc.makeApiClient(k8s.RbacAuthorizationV1Api);
    const drop = async (name: string, resource: string, verb: string) => {
      const role = await rbac.readClusterRole({ name });
      const rules = role.rules!.map((r) => (r.resources?.includes(resource) ? { ...r, verbs: r.verbs.filter((v) => v !== verb) } : r));
      await rbac.replaceClusterRole({ name, body: { ...role, rules } });
      return async () => void (await rbac.replaceClusterRole({ name, body: { ...(await rbac.readClusterRole({ name })), rules: role.rules! } }));
    };
    const restore = [await drop('gitlab-ask-ops', 'persistentvolumes', 'patch'), await drop('gitlab-ask-ops', 'imagecaches', 'list'), await drop('gitlab-ask-ops-namespaced', 'persistentvolumeclaims', 'create')];
    try {
      // A mutable drift on the cache PV (a patch step) and one more declared claim (a create step), both in default.
      const infra = join(dir, 'infra-refused');
      cpSync(join(REPO, 'infra'), infra, { recursive: true });
      const k8sFile = (f: string) => join(infra, 'k8s', f);
      writeFileSync(k8sFile('nas-pv.yaml'), readFileSync(k8sFile('nas-pv.yaml'), 'utf8').replace('- timeo=600', '- timeo=900'));
      writeFileSync(k8sFile('extra-pvc.yaml'), readFileSync(k8sFile('nas-pvc.yaml'), 'utf8').replace('name: gitlab-runner-cache-pvc', 'name: extra-pvc'));
      writeFileSync(k8sFile('kustomization.yaml'), `${readFileSync(k8sFile('kustomization.yaml'), 'utf8')}- extra-pvc.yaml\n`);
      const config = loadConfig(env({}));
      const credentials = () => ({ accessKeyId: config.env.ALIBABA_CLOUD_ACCESS_KEY_ID!, accessKeySecret: config.env.ALIBABA_CLOUD_ACCESS_KEY_SECRET!, ...(config.env.ALIBABA_CLOUD_SECURITY_TOKEN ? { securityToken: config.env.ALIBABA_CLOUD_SECURITY_TOKEN } : {}) });
      const { report } = await runReconcile(
        { kube: createKubePortFromConfig({ config, credentials }), log: memoryLogger('error'), clock: systemClock },
        { ...reconcileEnvOptions(config.env), source: diskDesiredSource(infra), dryRun: false, apply: true },
      );
      // The maven PV is patched too when no earlier test adopted it: every refused step has its finding.
      const refused = report.steps.filter((x) => x.outcome === 'failed');
      expect(refused.map((x) => `${x.kind} ${x.target}`)).toEqual(expect.arrayContaining(['patch PersistentVolume/gitlab-runner-cache-pv', 'create PersistentVolumeClaim/default/extra-pvc']));
      const forbidden = Object.fromEntries(report.findings.filter((f) => f.rule === 'rbac-forbidden').map((f) => [f.target, f.message]));
      expect(Object.keys(forbidden).sort()).toEqual(['ImageCache/*', ...refused.map((x) => x.target)].sort());
      const user = 'User "300000000000000042"';
      expect(forbidden['PersistentVolume/gitlab-runner-cache-pv']).toMatch(
        new RegExp(`^forbidden: cannot patch persistentvolumes at cluster scope \\(persistentvolumes "gitlab-runner-cache-pv" is forbidden: ${user} cannot patch resource "persistentvolumes" in API group "" at the cluster scope\\); grant it`),
      );
      expect(forbidden['PersistentVolumeClaim/default/extra-pvc']).toMatch(
        new RegExp(`^forbidden: cannot create persistentvolumeclaims in namespace "default" \\(persistentvolumeclaims is forbidden: ${user} cannot create resource "persistentvolumeclaims" in API group "" in the namespace "default"\\); grant it`),
      );
      expect(forbidden['ImageCache/*']).toMatch(
        new RegExp(`^forbidden: cannot list imagecaches at cluster scope \\(imagecaches.eci.alibabacloud.com is forbidden: ${user} cannot list resource "imagecaches" in API group "eci.alibabacloud.com" at the cluster scope\\); grant it`),
      );
      expect(report.objects.find((o) => o.target === 'ImageCache/*')).toMatchObject({ state: 'Degraded', reasons: [expect.stringMatching(/^error \[rbac-forbidden\]: forbidden: cannot list imagecaches/)] });
    } finally {
      for (const r of restore.reverse()) await r();
    }
  });
});
