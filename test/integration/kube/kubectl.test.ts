import { readFileSync } from 'node:fs';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKubeEmulator, type KubeEmulator } from '#local/kube/index';
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
  beforeAll(async () => {
    // TLS: kubectl sends the bearer token only over https; a wrong or missing token would fail every call below.
    // readyAfterMs long enough that `kubectl wait` has to watch for the change rather than find it done.
    emu = await startKubeEmulator({ tls: true, eci: { readyAfterMs: 1_000 } });
    const run = cliRunner(emu.kubeconfig);
    kubectl = (...args) => run(bins.kubectl!, args);
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
});
