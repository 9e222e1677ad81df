import { afterEach, describe, expect, it, vi } from 'vitest';
import { deliveryEvent, fcContext, loadFixture, TEST_SECRET } from '../../test/fixtures/gitlab/index';

/** The FC entry's cold start: config parsed once from process.env at module load. */
describe('gitlab-webhook handler (FC entry)', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
    vi.restoreAllMocks();
  });

  async function freshHandler(env: Record<string, string>) {
    vi.resetModules();
    process.env = { ...saved, ...env };
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true); // keep the JSON log lines out of test output
    return (await import('./handler')).handler;
  }

  it('invalid configuration → 500 for every request, nothing else attempted', async () => {
    const handler = await freshHandler({ WEBHOOK_SECRET: TEST_SECRET, WEBHOOK_MAX_BODY_BYTES: 'lots' });
    const res = await handler(deliveryEvent(loadFixture('push')), fcContext());
    expect(res.statusCode).toBe(500);
    expect(JSON.parse(res.body)).toMatchObject({ error: { code: 'CONFIG_INVALID' } });
    expect(res.body).not.toContain(TEST_SECRET);
  });

  it('valid configuration without WEBHOOK_SECRET → 500 fail-closed at the token check', async () => {
    const handler = await freshHandler({ WEBHOOK_SECRET: '' });
    const res = await handler(deliveryEvent(loadFixture('push')), fcContext());
    expect(res.statusCode).toBe(500);
  });

  it('answers an unknown event 202 without touching FC', async () => {
    const handler = await freshHandler({ WEBHOOK_SECRET: TEST_SECRET, FC_ENDPOINT: 'http://127.0.0.1:9' });
    const res = await handler(deliveryEvent({ headerEvent: 'Emoji Hook', payload: { object_kind: 'emoji', event_type: 'award' } }), fcContext());
    expect([res.statusCode, JSON.parse(res.body).accepted]).toEqual([202, false]);
  });
});
