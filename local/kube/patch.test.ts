import { describe, expect, it } from 'vitest';
import { jsonPatch, mergePatch, strategicMergePatch } from './patch';

describe('merge patch (RFC 7386 appendix A)', () => {
  it.each([
    [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
    [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
    [{ a: 'b' }, { a: null }, {}],
    [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
    [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
    [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
    [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
    [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
  ])('%j + %j', (target, patch, want) => expect(mergePatch(target, patch)).toEqual(want));
});

describe('strategic merge patch', () => {
  it('unions finalizers, merges ownerReferences by uid, honours $patch and $deleteFromPrimitiveList', () => {
    const live = { metadata: { finalizers: ['a'], ownerReferences: [{ uid: '1', name: 'x' }], labels: { k: 'v' } }, spec: { mountOptions: ['vers=3'] } };
    const out = strategicMergePatch(live, {
      metadata: { finalizers: ['b'], ownerReferences: [{ uid: '1', name: 'y' }, { uid: '2', name: 'z' }], '$setElementOrder/finalizers': ['a', 'b'], labels: { $patch: 'replace', n: 'w' } },
      spec: { mountOptions: ['vers=4'] },
    });
    expect(out).toEqual({ metadata: { finalizers: ['a', 'b'], ownerReferences: [{ uid: '1', name: 'y' }, { uid: '2', name: 'z' }], labels: { n: 'w' } }, spec: { mountOptions: ['vers=4'] } });
    expect(strategicMergePatch(out, { metadata: { '$deleteFromPrimitiveList/finalizers': ['a'], labels: { $patch: 'delete' } } })).toMatchObject({ metadata: { finalizers: ['b'] } });
  });
});

describe('JSON patch (RFC 6902)', () => {
  it('adds, replaces, removes, moves, copies and tests', () => {
    const doc = { spec: { images: ['a'] }, metadata: { name: 'n' } };
    const out = jsonPatch(doc, [
      { op: 'add', path: '/spec/images/-', value: 'b' },
      { op: 'replace', path: '/spec/images/0', value: 'a2' },
      { op: 'copy', from: '/metadata/name', path: '/metadata/generateName' },
      { op: 'move', from: '/metadata/generateName', path: '/spec/x' },
      { op: 'test', path: '/spec/x', value: 'n' },
      { op: 'remove', path: '/metadata/name' },
    ]);
    expect(out).toEqual({ spec: { images: ['a2', 'b'], x: 'n' }, metadata: {} });
    expect(doc.spec.images).toEqual(['a']);
  });
  it('fails a test or a missing path with 422', () => {
    expect(() => jsonPatch({ a: 1 }, [{ op: 'test', path: '/a', value: 2 }])).toThrow(expect.objectContaining({ code: 422 }));
    expect(() => jsonPatch({ a: 1 }, [{ op: 'replace', path: '/b', value: 2 }])).toThrow(expect.objectContaining({ code: 422 }));
  });
});
