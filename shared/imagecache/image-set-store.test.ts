import { describe, expect, it } from 'vitest';
import { decodeData, decodeProject, encodeProject, memoryImageSetStore, mergeData, storedPodSets, toStored, type StoredProject, type StoreMeta } from './image-set-store';

const HELPER = 'gitlab/gitlab-runner-helper:x86_64-v17.0.0';
const proj = (path: string, sets: string[][], jobs = sets.map((_, i) => `job${i}`)): StoredProject => ({ path, podSets: sets, jobs, discoveredAt: '2026-11-27T10:00:00.000Z', ref: 'main' });
const meta: StoreMeta = { fullWalkAt: '2026-11-27T03:00:00.000Z', runner: `${HELPER}|`, scope: '', complete: true };

describe('image-set store codec', () => {
  it('round-trips a project, interning repeated images (the helper is in every set)', () => {
    const p = { ...proj('g/a', [['maven:3', HELPER], ['node:22', HELPER], ['maven:3', 'postgres:16', HELPER]]), errors: ['x.yml: bad'] };
    const text = encodeProject(p);
    expect(decodeProject(text)).toEqual(p);
    expect(text.split(HELPER).length - 1).toBe(1);
  });

  it('storedPodSets gives back the discovered pod sets with their job sources', () => {
    const sets = [{ images: ['a:1', HELPER], sources: [{ kind: 'job' as const, projectId: 7, project: 'g/a', job: 'build' }] }];
    expect(storedPodSets(7, toStored('g/a', sets, new Date('2026-11-27T10:00:00Z')))).toEqual(sets);
  });

  it('ignores unreadable entries and unknown keys instead of failing the run', () => {
    const d = decodeData({ 'p-1': '{not json', 'p-2': encodeProject(proj('g/b', [['b:1']])), other: 'x', meta: JSON.stringify(meta) });
    expect([...d.projects.keys()]).toEqual([2]);
    expect(d.meta).toEqual(meta);
  });
});

describe('mergeData', () => {
  it('writes only the changed keys and deletes only the removed ones, keeping what another run wrote', () => {
    const theirs = { 'p-1': encodeProject(proj('g/a', [['a:1']])), 'p-2': encodeProject(proj('g/b', [['b:1']])), 'p-3': encodeProject(proj('g/c', [['c:1']])) };
    const r = mergeData(theirs, new Map([[2, proj('g/b', [['b:2']])]]), [3], undefined);
    expect(r.overflow).toBeUndefined();
    expect(Object.keys(r.data).sort()).toEqual(['p-1', 'p-2']);
    expect(r.data['p-1']).toBe(theirs['p-1']);
    expect(decodeProject(r.data['p-2']!)!.podSets).toEqual([['b:2']]);
  });

  it('size guard: data that would not fit drops the changed keys and marks meta incomplete (no stale entry left)', () => {
    const big = proj('g/big', [Array.from({ length: 20 }, (_, i) => `registry.example.com/team/image-${i}:${'x'.repeat(40)}`)]);
    const old = { 'p-1': encodeProject(proj('g/a', [['a:1']])), 'p-2': encodeProject(proj('g/b', [['b:1']])), meta: JSON.stringify(meta) };
    const r = mergeData(old, new Map([[2, big]]), [], undefined, 600);
    expect(r.overflow).toBe(true);
    expect(r.bytes).toBeGreaterThan(600);
    expect(r.data['p-2']).toBeUndefined();
    expect(r.data['p-1']).toBe(old['p-1']);
    expect(JSON.parse(r.data.meta!)).toMatchObject({ complete: false, runner: meta.runner });
  });
});

describe('memoryImageSetStore', () => {
  it('two saves for different projects both survive; meta only moves when given', async () => {
    const s = memoryImageSetStore();
    await s.save(new Map([[1, proj('g/a', [['a:1']])]]), [], meta);
    await s.save(new Map([[2, proj('g/b', [['b:1']])]]), []);
    const d = await s.load();
    expect([...d.projects.keys()].sort()).toEqual([1, 2]);
    expect(d.meta).toEqual(meta);
    await s.save(new Map(), [1]);
    expect([...(await s.load()).projects.keys()]).toEqual([2]);
  });
});
