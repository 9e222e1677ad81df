import { describe, expect, it } from 'vitest';
import type { StoredImageSets, StoreMeta } from './image-set-store';
import { trustStore, type TrustInput } from './trust-store';

const now = new Date('2026-11-27T11:00:00Z');
const input: TrustInput = { runner: { source: 'helm-release', helperImage: 'helper:1' } as TrustInput['runner'], scope: [], maxAgeHours: 24, now, hook: true };
const meta: StoreMeta = { fullWalkAt: '2026-11-27T03:00:00.000Z', runner: 'helper:1|', scope: '', complete: true };
const stored = (m?: Partial<StoreMeta>): StoredImageSets => ({ projects: new Map(), meta: { ...meta, ...m } });

describe('trustStore', () => {
  it('a hook run trusts a complete, recent full walk with the same runner images and scope', () => {
    expect(trustStore(stored(), input)).toMatchObject({ mode: 'hook', meta: { fullWalkAt: now.toISOString(), runner: 'helper:1|', complete: true } });
  });

  it.each<[string, StoredImageSets | undefined, Partial<TrustInput>, RegExp]>([
    ['timer run', stored(), { hook: false }, /timer or manual/],
    ['no store', undefined, {}, /no image-set store/],
    ['empty store', { projects: new Map() }, {}, /empty/],
    ['incomplete', stored({ complete: false }), {}, /did not record every project/],
    ['runner changed', stored({ runner: 'helper:0|' }), {}, /runner images changed/],
    ['scope changed', stored(), { scope: ['g/a'] }, /GITLAB_PROJECTS changed/],
    ['too old', stored({ fullWalkAt: '2026-11-26T10:00:00.000Z' }), {}, /older than 24 h/],
    ['unreadable time', stored({ fullWalkAt: 'garbage' }), {}, /older than/],
  ])('%s → full walk', (_name, s, over, why) => {
    expect(trustStore(s, { ...input, ...over })).toMatchObject({ mode: 'full', why: expect.stringMatching(why) });
  });
});
