import { describe, it, expect } from 'vitest';
import { imageRefProblem, isValidImageRef, normalizeImageRef } from './image-ref';

describe('image references', () => {
  it.each([
    'alpine',
    'alpine:3.20',
    'library/alpine',
    'docker.io/library/alpine:latest',
    'registry.gitlab.com/gitlab-org/security-products/analyzers/semgrep:5',
    'registry.example.com:5000/group/sub/app:1.0-rc.1',
    'gitlab.example.com:443/mygroup/dependency_proxy/containers/node:22',
    'localhost/app',
    `busybox@sha256:${'a'.repeat(64)}`,
    `ghcr.io/o/r:v1@sha256:${'0'.repeat(64)}`,
    'my__image.name-x',
  ])('accepts %s', (ref) => expect(isValidImageRef(ref)).toBe(true));

  it.each([
    ['', /empty/],
    ['Alpine', /lowercase/],
    ['registry.example.com/Group/app', /lowercase/],
    ['a b', /whitespace/],
    ['app:', /not a valid/],
    ['-app', /not a valid/],
    ['app:tag:tag', /not a valid/],
    ['app@sha256:abc', /not a valid/],
    [`${'a'.repeat(256)}`, /longer than 255/],
    [`${'a'.repeat(2000)}!`, /longer than 1024/],
  ])('rejects %s', (ref, why) => expect(imageRefProblem(ref)).toMatch(why));

  it('normalizes only by trimming: alpine stays alpine', () => {
    expect(normalizeImageRef('  alpine \n')).toBe('alpine');
    expect(normalizeImageRef('docker.io/library/alpine')).toBe('docker.io/library/alpine');
  });
});
