import { request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startLocalRuntime, type LocalRuntime } from '#local/runtime/local-runtime';
import { TEST_SECRET } from '../../fixtures/gitlab/index';
import { fuzzCases, WEBHOOK_LIMIT, type FuzzCase } from './fuzz-cases';

/**
 * Seeded, bounded fuzz of the webhook through the local FC runtime (real s.yaml, real handler, FC emulator, stub
 * worker): mutated fixtures, deep nesting (up to 12,000 levels, 7,000 fixed), body sizes at the limit ± 2, garbage
 * bodies, other methods and undecodable paths. Invariant: never a 5xx, except 503 HANDOFF_FAILED for a delivery whose
 * FC hand-off was made to fail.
 */
const SEED = 20261127;
const COUNT = 5_000;
const REPO_S_YAML = fileURLToPath(new URL('../../../s.yaml', import.meta.url));
const STUB = fileURLToPath(new URL('./fixtures/ops-worker-stub', import.meta.url));
let rt: LocalRuntime;

beforeAll(async () => {
  rt = await startLocalRuntime({ sYamlPath: REPO_S_YAML, port: 0, timers: false, env: { WEBHOOK_SECRET: TEST_SECRET, LOG_LEVEL: 'error' }, functionDirs: { 'ops-worker': STUB }, retryBaseMs: 1 });
});
afterAll(() => rt?.close());

function send(c: FuzzCase): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${rt.url}${c.path}`, { method: c.method, headers: { ...c.headers, 'content-length': String(c.body.length) } }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString('utf8')));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    // A server that refuses an oversized body early closes the connection while we may still be writing it: the
    // refusal then shows as a reset (status 0), which is not a 5xx. Any other connection error fails the test.
    req.on('error', (e) => (c.body.length > WEBHOOK_LIMIT ? resolve({ status: 0, body: String(e) }) : reject(e)));
    req.end(c.body);
  });
}

describe('webhook fuzz (seeded)', () => {
  it(`${COUNT} generated + fixed hostile deliveries: no 5xx except injected hand-off failures`, async () => {
    const cases = fuzzCases(SEED, COUNT);
    expect(cases.length).toBeGreaterThanOrEqual(COUNT);
    const histogram: Record<string, number> = {};
    const bad: Array<{ kind: string; status: number; body: string }> = [];
    let handOffFailures = 0;
    // Hand-off failures log at error level by design; keep 5,000 cases from flooding the test output.
    const quiet = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      for (const c of cases) {
        const off = c.fcFault ? rt.fc.faults.add({ path: 'invocations', status: 503, body: { Code: 'ServiceUnavailable', Message: 'injected' } }) : undefined;
        let res: { status: number; body: string };
        try {
          res = await send(c);
        } finally {
          off?.();
        }
        histogram[res.status] = (histogram[res.status] ?? 0) + 1;
        const handOffFailure = c.fcFault && res.status === 503 && res.body.includes('HANDOFF_FAILED');
        if (handOffFailure) handOffFailures++;
        if (res.status >= 500 && !handOffFailure) bad.push({ kind: c.kind, status: res.status, body: res.body.slice(0, 200) });
      }
    } finally {
      quiet.mockRestore();
    }
    await rt.fc.idle();
    console.info(`webhook fuzz: ${cases.length} cases (seed ${SEED}), statuses ${JSON.stringify(histogram)}`);
    expect(bad, JSON.stringify(bad.slice(0, 5))).toEqual([]);
    // The mix really reached the handler's paths: accepted, refused and (injected) hand-off failures all occurred.
    expect(histogram['202']).toBeGreaterThan(100);
    expect(histogram['400']).toBeGreaterThan(100);
    expect(histogram['401']).toBeGreaterThan(10);
    expect(handOffFailures).toBeGreaterThan(0);
    expect(histogram['503']).toBe(handOffFailures);
  });
});
