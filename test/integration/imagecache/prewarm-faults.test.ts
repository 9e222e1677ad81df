import { afterEach, describe, expect, it } from 'vitest';
import type { PrewarmReport } from '#shared/imagecache/run-prewarm';
import { startHarness, type Harness } from './prewarm-harness';

const IC_LIST = '^/apis/eci\\.alibabacloud\\.com/v1/imagecaches$';
const IC_ONE = '^/apis/eci\\.alibabacloud\\.com/v1/imagecaches/';
const ci = (prefix: string, n = 11) => `job:\n  image: ${prefix}/build:1.0\n  services: [${Array.from({ length: n - 2 }, (_, i) => `${prefix}/svc${i}:1.0`).join(', ')}]\n  script: [make]\n`;
const projects = () => [
  { path: 'a/one', files: { '.gitlab-ci.yml': ci('reg.io/a') } },
  { path: 'b/two', files: { '.gitlab-ci.yml': ci('reg.io/b') } },
];
const listCalls = (h: Harness) => h.kube.calls['GET /apis/eci.alibabacloud.com/v1/imagecaches'] ?? 0;

describe('prewarm under faults', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('rides out kube 5xx, a stale-write 409 and a timeout with bounded retries; one list call per run', async () => {
    h = await startHarness(projects(), { kubeTimeoutMs: 200 });
    h.kube.faults.add({ method: 'GET', path: IC_LIST, status: 503, body: { kind: 'Status', code: 503, reason: 'ServiceUnavailable', message: 'etcd leader changed' }, times: 1 });
    h.kube.faults.add({ method: 'POST', path: IC_LIST, status: 409, body: { kind: 'Status', code: 409, reason: 'Conflict', message: 'the object has been modified' }, times: 1 });
    h.kube.faults.add({ method: 'GET', path: IC_ONE, latencyMs: 400, times: 1 });
    const r = await h.prewarm();
    expect(r.status).toBe('changed');
    expect(listCalls(h)).toBe(2); // the faulted list and its retry
    expect(h.kube.calls['POST /apis/eci.alibabacloud.com/v1/imagecaches']).toBe(r.done.filter((d) => d.step.kind === 'create').length + 1);
    expect((await h.caches()).every((c) => c.status?.phase === 'Ready')).toBe(true);
    h.kube.resetCalls();
    const again = await h.prewarm();
    expect(again.status).toBe('ok');
    expect(listCalls(h)).toBe(1);
  });

  it('stops deleting at the first delete that still fails after retries: no partial deletes, a clear error', async () => {
    h = await startHarness(projects());
    await h.prewarm();
    const before = (await h.caches()).map((c) => c.metadata.name).sort();
    h.gl.push('a/one', { branch: 'main', files: { '.gitlab-ci.yml': ci('reg.io/a2') }, message: 'a2' });
    h.gl.push('b/two', { branch: 'main', files: { '.gitlab-ci.yml': ci('reg.io/b2') }, message: 'b2' });
    h.kube.faults.add({ method: 'DELETE', path: IC_ONE, status: 500, body: { kind: 'Status', code: 500, reason: 'InternalError', message: 'boom' } });
    const r = await h.prewarm();
    expect(r.status).toBe('failed');
    const deletes = r.done.filter((d) => d.step.kind === 'delete-superseded');
    expect(deletes.map((d) => d.outcome).sort()).toEqual(['blocked', 'failed']);
    expect(r.errors?.[0]?.message).toMatch(/^kube delete imagecaches gao-\w+: 500 InternalError: boom/);
    expect(h.kube.calls[`DELETE /apis/eci.alibabacloud.com/v1/imagecaches/${deletes.find((d) => d.outcome === 'failed')!.step.target}`]).toBe(3);
    const after = (await h.caches()).map((c) => c.metadata.name);
    for (const n of before) expect(after).toContain(n);
    h.kube.faults.clear();
    const next = await h.prewarm();
    expect(next.done.filter((d) => d.outcome === 'applied').map((d) => d.step.kind)).toEqual(['delete-superseded', 'delete-superseded']);
  });

  it('fails the run (retryable) when the caches cannot be listed, creating nothing', async () => {
    h = await startHarness(projects());
    h.kube.faults.add({ method: 'GET', path: IC_LIST, status: 503, body: { kind: 'Status', code: 503, reason: 'ServiceUnavailable', message: 'down' } });
    await expect(h.prewarm()).rejects.toMatchObject({ code: 'KUBE_API', retryable: true });
    expect(h.kube.calls['POST /apis/eci.alibabacloud.com/v1/imagecaches'] ?? 0).toBe(0);
  });

  it('never deletes the caches of a project GitLab failed to answer for', async () => {
    h = await startHarness(projects());
    await h.prewarm();
    const before = (await h.caches()).map((c) => c.metadata.name).sort();
    h.gl.faults.add({ path: '^/api/v4/projects/2/variables', status: 502, body: { message: '502 Bad Gateway' } });
    const r = await h.prewarm();
    expect(r.status).toBe('degraded');
    expect(r.done.some((d) => d.step.kind === 'delete-superseded')).toBe(false);
    expect((await h.caches()).map((c) => c.metadata.name).sort()).toEqual(before);
  });

  it('waits out GitLab 429 (Retry-After) and reports a project GitLab keeps failing without stopping the others', async () => {
    h = await startHarness(projects());
    h.gl.faults.add({ path: '/repository/files/', status: 429, headers: { 'retry-after': '0' }, body: { message: '429 Too Many Requests' }, times: 2 });
    h.gl.faults.add({ path: '^/api/v4/projects/2/variables', status: 500, body: { message: '500 Internal Server Error' } });
    const r = await h.prewarm();
    const report = r.report as PrewarmReport;
    expect(r.status).toBe('degraded');
    expect(report.projects.find((p) => p.path === 'b/two')!.errors[0]).toMatch(/^discovery failed: .*500/);
    expect(report.projects.find((p) => p.path === 'a/one')).toMatchObject({ podSets: 1, errors: [] });
    expect((await h.caches()).some((c) => c.spec.images.includes('reg.io/a/build:1.0'))).toBe(true);
    expect(h.gl.requests().filter((q) => q.path.includes('/repository/files/')).length).toBeGreaterThanOrEqual(4);
  });
});
