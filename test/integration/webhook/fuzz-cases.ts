import fc from 'fast-check';
import { fixtureNames, loadFixture, TEST_SECRET } from '../../fixtures/gitlab/index';

/** One HTTP request to the webhook's trigger, and whether an FC API failure is injected for its hand-off. */
export interface FuzzCase {
  kind: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Buffer;
  /** Make the FC API fail this delivery's hand-off (then, and only then, a 503 HANDOFF_FAILED is allowed). */
  fcFault: boolean;
}

/** The webhook's default WEBHOOK_MAX_BODY_BYTES (README configuration table). */
export const WEBHOOK_LIMIT = 1024 * 1024;

const nest = (depth: number, shape: 'array' | 'object'): string =>
  shape === 'array' ? '['.repeat(depth) + ']'.repeat(depth) : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);

/** Fields rules and the dedupe key read, plus some they never look at. */
const FIELDS = ['ref', 'before', 'after', 'changes', 'refs', 'project', 'project_id', 'checkout_sha', 'created_at', 'event_name', 'object_kind', 'object_attributes', 'commits', 'path_with_namespace', 'user_name', 'zzz'];
const PATHS = ['ref', 'project.path_with_namespace', 'project.default_branch', 'project.id', 'object_attributes.status', 'object_attributes.id', 'object_attributes.target_branch', 'commits', 'changes', 'after', 'event_name'];
const safeText = fc.stringMatching(/^[ -~]{0,40}$/);
const pathSuffix = fc.constantFrom('', '/', '/hooks', '/%', '/%E0%A4%A', '/%zz', '/a%2Fb', '/%00', '?x=%', '?a=1&a=2', '/%FF%FE');

function setPath(o: Record<string, unknown>, path: string, v: unknown): void {
  const parts = path.split('.');
  let cur = o;
  for (const p of parts.slice(0, -1)) {
    if (typeof cur[p] !== 'object' || cur[p] === null) cur[p] = {};
    cur = cur[p] as Record<string, unknown>;
  }
  cur[parts.at(-1)!] = v;
}

const headerSet = fc.record({
  token: fc.constantFrom('valid', 'valid', 'valid', 'wrong', 'missing', 'long'),
  event: fc.constantFrom('fixture', 'fixture', 'fixture', 'missing', 'random'),
  contentType: fc.constantFrom('application/json', 'application/json', 'application/json; charset=utf-8', 'text/plain', 'missing', 'APPLICATION/JSON'),
  idem: fc.option(safeText, { nil: undefined }),
  random: safeText,
});

type HeaderSet = typeof headerSet extends fc.Arbitrary<infer T> ? T : never;

function headersFor(h: HeaderSet, headerEvent: string): Record<string, string> {
  const out: Record<string, string> = { 'X-Gitlab-Webhook-UUID': `fuzz-${h.random.length}` };
  if (h.token === 'valid') out['X-Gitlab-Token'] = TEST_SECRET;
  if (h.token === 'wrong') out['X-Gitlab-Token'] = `${TEST_SECRET}x`;
  if (h.token === 'long') out['X-Gitlab-Token'] = 't'.repeat(8_000);
  if (h.event === 'fixture') out['X-Gitlab-Event'] = headerEvent;
  if (h.event === 'random') out['X-Gitlab-Event'] = h.random || ' ';
  if (h.contentType !== 'missing') out['Content-Type'] = h.contentType;
  if (h.idem !== undefined) out['Idempotency-Key'] = h.idem;
  return out;
}

const make = (kind: string, headers: Record<string, string>, body: string | Buffer, o: Partial<FuzzCase> = {}): FuzzCase => ({
  kind,
  method: 'POST',
  path: '/gitlab-webhook',
  headers,
  body: Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8'),
  fcFault: false,
  ...o,
});

/** Real fixtures with fields replaced by arbitrary JSON (type swaps, huge strings, nulls) and random header sets. */
const mutated = fc
  .record({ name: fc.constantFrom(...fixtureNames), edits: fc.array(fc.tuple(fc.constantFrom(...PATHS), fc.jsonValue({ maxDepth: 3 })), { maxLength: 3 }), h: headerSet, fault: fc.nat(24), suffix: pathSuffix })
  .map(({ name, edits, h, fault, suffix }) => {
    const fx = loadFixture(name);
    const payload = structuredClone(fx.payload);
    for (const [p, v] of edits) setPath(payload, p, v);
    return make(`mutated:${name}`, headersFor(h, fx.headerEvent), JSON.stringify(payload), { fcFault: fault === 0, path: `/gitlab-webhook${suffix}` });
  });

/** A fixture with one field (keyed or not) nested up to 12,000 levels deep. */
const deep = fc
  .record({ name: fc.constantFrom(...fixtureNames), field: fc.constantFrom(...FIELDS), shape: fc.constantFrom('array' as const, 'object' as const), depth: fc.oneof(fc.integer({ min: 1, max: 80 }), fc.integer({ min: 6_000, max: 12_000 })) })
  .map(({ name, field, shape, depth }) => {
    const fx = loadFixture(name);
    return make(`deep:${depth >= 6_000 ? '≥6000' : '<80'}`, headersFor({ token: 'valid', event: 'fixture', contentType: 'application/json', idem: undefined, random: '' }, fx.headerEvent), `{"${field}":${nest(depth, shape)},${JSON.stringify(fx.payload).slice(1)}`);
  });

/** Bodies of exactly the limit ± 2 bytes (valid JSON padded with whitespace). */
const sized = fc.record({ name: fc.constantFrom(...fixtureNames), delta: fc.integer({ min: -2, max: 2 }) }).map(({ name, delta }) => {
  const fx = loadFixture(name);
  const json = JSON.stringify(fx.payload);
  return make(`size:${delta >= 1 ? 'over' : 'within'}`, { 'X-Gitlab-Token': TEST_SECRET, 'X-Gitlab-Event': fx.headerEvent, 'Content-Type': 'application/json' }, json + ' '.repeat(WEBHOOK_LIMIT + delta - Buffer.byteLength(json)));
});

/** Not a JSON object: truncated JSON, scalars, arrays, random bytes, empty. */
const garbage = fc
  .oneof(
    fc.constantFrom('', '{', '[]', 'null', '"x"', '42', '{"a":', '\u0000', '{"event_name":"push"'),
    fc.json({ maxDepth: 2 }),
    fc.uint8Array({ maxLength: 64 }).map((a) => Buffer.from(a).toString('latin1')),
  )
  .chain((body) => headerSet.map((h) => make('garbage', headersFor(h, 'System Hook'), body)));

/** Other methods and paths, including percent-encoding that does not decode. */
const methodPath = fc
  .record({ method: fc.constantFrom('GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'POST'), suffix: pathSuffix, prefix: fc.constantFrom('/gitlab-webhook', '/%E0%A4%A', '/nope', '/gitlab%2Dwebhook') })
  .map(({ method, suffix, prefix }) => make('method/path', { 'X-Gitlab-Token': TEST_SECRET, 'X-Gitlab-Event': 'System Hook', 'Content-Type': 'application/json' }, '{}', { method, path: `${prefix}${suffix}` }));

/** `count` seeded cases (weighted mix) plus the fixed edge cases the issue names. */
export function fuzzCases(seed: number, count: number): FuzzCase[] {
  const arb = fc.oneof({ arbitrary: mutated, weight: 10 }, { arbitrary: deep, weight: 3 }, { arbitrary: sized, weight: 1 }, { arbitrary: garbage, weight: 3 }, { arbitrary: methodPath, weight: 2 });
  const push = loadFixture('system.push');
  const valid = { 'X-Gitlab-Token': TEST_SECRET, 'X-Gitlab-Event': push.headerEvent, 'Content-Type': 'application/json' };
  const fixed = [
    ...['refs', 'changes', 'created_at', 'after', 'zzz'].map((f) => make('deep:7000', valid, `{"${f}":${nest(7_000, 'array')},${JSON.stringify(push.payload).slice(1)}`)),
    make('size:runtime-limit', valid, Buffer.alloc(32 * 1024 * 1024 + 1, 0x20)),
    make('async-path', { ...valid, 'X-Fc-Invocation-Type': 'Async' }, Buffer.alloc(128 * 1024 + 1, 0x20)),
  ];
  return [...fixed, ...fc.sample(arb, { seed, numRuns: count })];
}
