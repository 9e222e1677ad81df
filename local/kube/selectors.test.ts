import { describe, expect, it } from 'vitest';
import { matchFields, matchLabels, parseFieldSelector, parseLabelSelector } from './selectors';

describe('label selectors', () => {
  const labels = { owner: 'helm', name: 'gitlab-runner', version: '3' };
  it.each([
    ['owner=helm,name=gitlab-runner', true],
    ['owner==helm', true],
    ['owner!=helm', false],
    ['status!=deployed', true],
    ['version in (1, 3)', true],
    ['version notin (3)', false],
    ['name', true],
    ['!name', false],
    ['!status', true],
    ['owner=helm,status', false],
    ['', true],
  ])('%s → %s', (sel, want) => expect(matchLabels(parseLabelSelector(sel), labels)).toBe(want));

  it('rejects malformed requirements with 400', () => {
    expect(() => parseLabelSelector('a in b')).toThrow(expect.objectContaining({ code: 400 }));
  });
});

describe('field selectors', () => {
  const ev = { metadata: { name: 'e1', namespace: 'default' }, involvedObject: { name: 'pvc-a', kind: 'PersistentVolumeClaim' }, type: 'Warning', source: { component: 'persistentvolume-controller' } };
  it('matches metadata and the per-kind fields, with = and !=', () => {
    expect(matchFields(parseFieldSelector('involvedObject.name=pvc-a,type=Warning', 'events'), ev)).toBe(true);
    expect(matchFields(parseFieldSelector('involvedObject.name!=pvc-a', 'events'), ev)).toBe(false);
    expect(matchFields(parseFieldSelector('source=persistentvolume-controller', 'events'), ev)).toBe(true);
    expect(matchFields(parseFieldSelector('metadata.name=e2', 'events'), ev)).toBe(false);
  });
  it('rejects fields the kind does not index', () => {
    expect(() => parseFieldSelector('involvedObject.name=x', 'configmaps')).toThrow(expect.objectContaining({ code: 400 }));
  });
});
