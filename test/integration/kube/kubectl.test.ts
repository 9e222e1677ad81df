import { readFileSync } from 'node:fs';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKubeEmulator, type KubeEmulator } from '#local/kube/index';
import { grantFunctionsRole } from '#local/sandbox/parts/kube-part';
import { kubeBinaries } from './binaries';
import { cliRunner, type Run } from './cli-harness';

const bins = kubeBinaries();
if (!bins.kubectl) console.warn(`kubectl proof skipped: ${bins.why.join('; ')}`);
const fx = (f: string) => resolve('test/fixtures/k8s', f);

// In CI the proof must run: a missing binary fails there instead of skipping quietly.
it.runIf(!bins.kubectl && process.env.CI === 'true')('kubectl is available for the fidelity proof in CI', () => {
  expect.fail(`no kubectl: ${bins.why.join('; ')}`);
});

describe.skipIf(!bins.kubectl)('kubectl against the Kubernetes emulator (proof of fidelity)', () => {
  let emu: KubeEmulator;
  let kubectl: (...args: string[]) => Promise<Run>;
  let kubectlFn: (...args: string[]) => Promise<Run>;
  const FUNCTIONS = { name: '300000000000000042', token: 'kubectl-functions-token' };
  beforeAll(async () => {
    // TLS: kubectl sends the bearer token only over https; a wrong or missing token would fail every call below.
    // readyAfterMs long enough that `kubectl wait` has to watch for the change rather than find it done.
    emu = await startKubeEmulator({ tls: true, eci: { readyAfterMs: 1_000 }, users: [FUNCTIONS] });
    grantFunctionsRole(emu, FUNCTIONS.name);
    const run = cliRunner(emu.kubeconfig);
    kubectl = (...args) => run(bins.kubectl!, args);
    const asFunctions = cliRunner(emu.kubeconfigFor(FUNCTIONS.token, 'gitlab-ask-ops-fc'));
    kubectlFn = (...args) => asFunctions(bins.kubectl!, args);
  });
  afterAll(async () => emu.close());

  it('applies, lists (table and JSON), patches and deletes the seed ImageCache', async () => {
    expect((await kubectl('apply', '-f', fx('imagecache.yaml'))).stdout).toBe('imagecache.eci.alibabacloud.com/gitlab-runner created\n');
    expect((await kubectl('apply', '-f', fx('imagecache.yaml'))).stdout).toBe('imagecache.eci.alibabacloud.com/gitlab-runner unchanged\n');
    const waited = await kubectl('wait', '--for=jsonpath={.status.phase}=Ready', 'ic/gitlab-runner', '--timeout=60s');
    expect(waited.stdout).toBe('imagecache.eci.alibabacloud.com/gitlab-runner condition met\n');
    expect(emu.calls['GET /apis/eci.alibabacloud.com/v1/imagecaches']).toBeGreaterThanOrEqual(2); // list + watch
    const json = JSON.parse((await kubectl('get', 'ic', 'gitlab-runner', '-o', 'json')).stdout) as { status?: { phase?: string; imageCacheId?: string } };
    expect(json.status?.phase).toBe('Ready');
    const table = (await kubectl('get', 'imagecaches')).stdout.split('\n');
    expect(table[0]).toMatch(/^NAME\s+AGE\s+CACHEID\s+PHASE\s+PROGRESS$/);
    expect(table[1]).toMatch(new RegExp(`^gitlab-runner\\s+\\S+\\s+${json.status!.imageCacheId!}\\s+Ready\\s+100%$`));

    expect((await kubectl('patch', 'ic', 'gitlab-runner', '--type=merge', '-p', '{"spec":{"retentionDays":7}}')).stdout).toContain('patched');
    const smp = await kubectl('patch', 'ic', 'gitlab-runner', '-p', '{"spec":{"retentionDays":8}}');
    expect(smp.code).not.toBe(0);
    expect(smp.stderr).toContain('application/strategic-merge-patch+json is not supported');
    const jp = await kubectl('patch', 'ic', 'gitlab-runner', '--type=json', '-p', '[{"op":"add","path":"/metadata/labels","value":{"ops/owner":"prewarm"}}]');
    expect(jp.code).toBe(0);
    expect((await kubectl('get', 'ic', '-l', 'ops/owner=prewarm', '-o', 'name')).stdout).toBe('imagecache.eci.alibabacloud.com/gitlab-runner\n');

    expect((await kubectl('delete', '-f', fx('imagecache.yaml'))).stdout).toBe('imagecache.eci.alibabacloud.com "gitlab-runner" deleted\n');
    const gone = await kubectl('get', 'ic', 'gitlab-runner');
    expect(gone.stderr).toContain('Error from server (NotFound): imagecaches.eci.alibabacloud.com "gitlab-runner" not found');
  });

  it('server-side applies with a field manager', async () => {
    const r = await kubectl('apply', '--server-side', '--field-manager=gitlab-ask-ops', '-f', fx('imagecache.yaml'));
    expect(r.stdout).toBe('imagecache.eci.alibabacloud.com/gitlab-runner serverside-applied\n');
    const o = JSON.parse((await kubectl('get', 'ic', 'gitlab-runner', '-o', 'json', '--show-managed-fields')).stdout) as { metadata: { managedFields: Array<{ manager: string; operation: string }> } };
    expect(o.metadata.managedFields).toContainEqual(expect.objectContaining({ manager: 'gitlab-ask-ops', operation: 'Apply' }));
  });

  it('applies the seed PV/PVC pairs, shows them Bound, refuses a NAS server change, and releases on delete', async () => {
    for (const f of ['nas-pv.yaml', 'mvn-pv.yaml', 'nas-pvc.yaml', 'mvn-pvc.yaml']) expect((await kubectl('apply', '-f', fx(f))).code).toBe(0);
    const pvc = (await kubectl('get', 'pvc')).stdout.split('\n');
    expect(pvc[0]).toMatch(/^NAME\s+STATUS\s+VOLUME\s+CAPACITY\s+ACCESS MODES\s+STORAGECLASS\s+VOLUMEATTRIBUTESCLASS\s+AGE$/);
    expect(pvc[1]).toMatch(/^gitlab-runner-cache-pvc\s+Bound\s+gitlab-runner-cache-pv\s+10Pi\s+RWX\s+<unset>/);
    const pv = JSON.parse((await kubectl('get', 'pv', 'gitlab-runner-cache-pv', '-o', 'json')).stdout) as { spec: { claimRef: { name: string } }; status: { phase: string } };
    expect([pv.spec.claimRef.name, pv.status.phase]).toEqual(['gitlab-runner-cache-pvc', 'Bound']);

    const moved = readFileSync(fx('nas-pv.yaml'), 'utf8').replace(/server: .*/, 'server: 9f9f9f9f9f-new.ap-northeast-2.nas.aliyuncs.com');
    const dir = mkdtempSync(join(tmpdir(), 'pv-'));
    writeFileSync(join(dir, 'pv.yaml'), moved);
    const refused = await kubectl('apply', '-f', join(dir, 'pv.yaml'));
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('The PersistentVolume "gitlab-runner-cache-pv" is invalid: spec.persistentvolumesource: Forbidden: spec.persistentvolumesource is immutable after creation');
    writeFileSync(join(dir, 'typo.yaml'), readFileSync(fx('mvn-pv.yaml'), 'utf8').replace('name: gitlab-runner-maven-pv', 'name: typo-pv').replace('  nfs:', '  nfss:'));
    const typo = await kubectl('apply', '-f', join(dir, 'typo.yaml'));
    expect(typo.stderr).toContain('PersistentVolume in version "v1" cannot be handled as a PersistentVolume: strict decoding error: unknown field "spec.nfss"');
    const label = await kubectl('patch', 'pv', 'gitlab-runner-cache-pv', '-p', '{"metadata":{"labels":{"alicloud-pvname":"gitlab-runner-cache-pv"}}}');
    expect(label.stdout).toContain('persistentvolume/gitlab-runner-cache-pv patched');

    expect((await kubectl('delete', '-f', fx('nas-pvc.yaml'))).code).toBe(0);
    const released = (await kubectl('get', 'pv', 'gitlab-runner-cache-pv', '--no-headers')).stdout;
    expect(released).toMatch(/^gitlab-runner-cache-pv\s+10Pi\s+RWX\s+Retain\s+Released\s+default\/gitlab-runner-cache-pvc/);
    expect((await kubectl('get', 'pv', '-l', 'alicloud-pvname', '-o', 'name')).stdout).toBe('persistentvolume/gitlab-runner-cache-pv\n');
  });

  it('shows a deleted Bound PV as Terminating with its pv-protection finalizer until the claim lets go', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'term-'));
    // Fresh names: the test above left gitlab-runner-cache-pv Released.
    const rename = (t: string) => t.replaceAll('gitlab-runner-cache-pv', 'term-pv');
    writeFileSync(join(dir, 'pv.yaml'), rename(readFileSync(fx('nas-pv.yaml'), 'utf8')));
    writeFileSync(join(dir, 'pvc.yaml'), rename(readFileSync(fx('nas-pvc.yaml'), 'utf8')));
    for (const f of ['pv.yaml', 'pvc.yaml']) expect((await kubectl('apply', '-f', join(dir, f))).code).toBe(0);
    expect((await kubectl('wait', '--for=jsonpath={.status.phase}=Bound', 'pvc/term-pvc', '--timeout=60s')).code).toBe(0);
    // --wait=false: kubectl would otherwise block until the object is gone, which a protected PV never is.
    expect((await kubectl('delete', 'pv', 'term-pv', '--wait=false')).stdout).toBe('persistentvolume "term-pv" deleted\n');
    expect((await kubectl('get', 'pv', 'term-pv', '--no-headers')).stdout).toMatch(/^term-pv\s+10Pi\s+RWX\s+Retain\s+Terminating\s+default\/term-pvc/);
    expect((await kubectl('get', 'pv', 'term-pv', '-o', 'jsonpath={.metadata.finalizers}')).stdout).toBe('["kubernetes.io/pv-protection"]');
    expect((await kubectl('get', 'pvc', 'term-pvc', '--no-headers')).stdout).toMatch(/^term-pvc\s+Bound\s+term-pv/);
    // The claim goes (no pod uses it): the PV is Released, pv-protection lets go, and `kubectl wait --for=delete` sees it gone.
    expect((await kubectl('delete', 'pvc', 'term-pvc')).code).toBe(0);
    expect((await kubectl('wait', '--for=delete', 'pv/term-pv', '--timeout=60s')).code).toBe(0);
  });

  it('refuses ImageCaches the CRD schema refuses, worded as the apiserver words it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ic-'));
    const base = readFileSync(fx('imagecache.yaml'), 'utf8').replace('name: gitlab-runner', 'name: bad-cache');
    writeFileSync(join(dir, 'empty.yaml'), base.replace(/images:\n(\s+- .*\n)+/, 'images: []\n'));
    const empty = await kubectl('apply', '-f', join(dir, 'empty.yaml'));
    expect(empty.stdout).toBe('');
    expect(empty.code).not.toBe(0);
    expect(empty.stderr).toContain('The ImageCache "bad-cache" is invalid: spec.images: Invalid value: 0: spec.images in body should have at least 1 items');
    writeFileSync(join(dir, 'size.yaml'), base.replace('spec:\n', 'spec:\n  imageCacheSize: "20"\n'));
    const size = await kubectl('apply', '-f', join(dir, 'size.yaml'));
    expect(size.stderr).toContain('The ImageCache "bad-cache" is invalid: spec.imageCacheSize: Invalid value: "string": spec.imageCacheSize in body must be of type integer: "string"');
    expect((await kubectl('get', 'ic', 'bad-cache')).stderr).toContain('NotFound');
  });

  it('refuses a 1.1 MB ConfigMap and an unknown-typed field, as a real apiserver does', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cm-'));
    writeFileSync(join(dir, 'blob'), 'x'.repeat(1_100_000));
    const big = await kubectl('create', 'configmap', 'too-big', `--from-file=blob=${join(dir, 'blob')}`);
    expect(big.code).not.toBe(0);
    expect(big.stderr).toContain('ConfigMap "too-big" is invalid: []: Too long: must have at most 1048576 bytes');
    writeFileSync(join(dir, 'pv.yaml'), readFileSync(fx('mvn-pv.yaml'), 'utf8').replace('name: gitlab-runner-maven-pv', 'name: typed-pv').replace('    path: /share', '    path: /share\n    readOnly: "no"'));
    const typed = await kubectl('apply', '-f', join(dir, 'pv.yaml'));
    expect(typed.stderr).toContain('PersistentVolume in version "v1" cannot be handled as a PersistentVolume: json: cannot unmarshal string into Go struct field NFSVolumeSource.spec.nfs.readOnly of type bool');
  });

  it('the functions\' kubeconfig gets exactly infra/k8s\'s grants: kubectl auth can-i and a 403 in the real wording', async () => {
    expect((await kubectlFn('auth', 'can-i', 'list', 'secrets', '-n', 'default')).stdout).toBe('yes\n');
    expect((await kubectlFn('auth', 'can-i', 'get', 'secrets', '-n', 'default')).stdout).toBe('no\n');
    expect((await kubectlFn('auth', 'can-i', 'list', 'secrets', '-n', 'ci')).stdout).toBe('no\n');
    expect((await kubectlFn('auth', 'can-i', 'delete', 'imagecaches.eci.alibabacloud.com')).stdout).toBe('yes\n');
    const refused = await kubectlFn('get', 'secrets', '-n', 'kube-system');
    expect(refused.stderr).toContain(`Error from server (Forbidden): secrets is forbidden: User "${FUNCTIONS.name}" cannot list resource "secrets" in API group "" in the namespace "kube-system"`);
    expect((await kubectl('auth', 'can-i', 'get', 'secrets', '-n', 'kube-system')).stdout).toBe('yes\n');
  });
});
