import { describe, expect, it } from 'vitest';
import type { ImageCache, ImageCacheEvent } from '#shared/kube/port';
import { cacheHealth, failureCause } from './cache-status';

const ic = (status: ImageCache['status']): ImageCache => ({ apiVersion: 'eci.alibabacloud.com/v1', kind: 'ImageCache', metadata: { name: 'c' }, spec: { images: ['a:1', 'b:1'] }, ...(status ? { status } : {}) });
/** An event as Alibaba's ImageCache API page shows one (core/v1 Event named after the image). */
const ev = (image: string, type: string, message: string, at: string, count = 1): ImageCacheEvent => ({
  count,
  eventTime: null,
  firstTimestamp: at,
  lastTimestamp: at,
  involvedObject: {},
  message,
  metadata: { name: image },
  source: { component: 'kubelet', host: 'eci' },
  type,
});

describe('cacheHealth', () => {
  it('Ready is the only ready state; anything else without an expiry is still being built', () => {
    expect(cacheHealth(ic({ phase: 'Ready', expireDateTime: '2026-12-27T00:00:00Z' }))).toEqual({ state: 'ready', phase: 'Ready' });
    for (const phase of ['Creating', 'Preparing', 'Pending', 'Updating', undefined]) expect(cacheHealth(ic({ ...(phase ? { phase } : {}), imageCacheId: 'imc-1' })).state).toBe('pending');
    expect(cacheHealth(ic(undefined))).toEqual({ state: 'pending', phase: 'Pending' });
  });

  it('a failure phase, or a non-Ready cache carrying expireDateTime, has failed — whatever the phase string', () => {
    expect(cacheHealth(ic({ phase: 'Failed', expireDateTime: '2026-11-28T10:00:00Z' })).state).toBe('failed');
    expect(cacheHealth(ic({ phase: 'UpdateFailed' })).state).toBe('failed');
    const stuck = cacheHealth(ic({ phase: 'Creating', expireDateTime: '2026-11-28T10:00:00Z' }));
    expect(stuck).toEqual({ state: 'failed', phase: 'Creating', why: 'phase Creating, no failure event reported; ECI removes it at 2026-11-28T10:00:00Z' });
  });

  it('a cache being updated (Updating) is pending, though it still carries the expiry of its Ready days', () => {
    expect(cacheHealth(ic({ phase: 'Updating', imageCacheId: 'imc-1', expireDateTime: '2026-11-29T10:00:00Z' }))).toEqual({ state: 'pending', phase: 'Updating' });
  });

  it('names the cause from the newest Warning event, with its image', () => {
    const events = [
      ev('a:1', 'Normal', 'Success pull image a:1', '2026-11-27T10:00:00Z'),
      ev('b:1', 'Warning', 'manifest unknown', '2026-11-27T10:01:00Z', 3),
      ev('a:1', 'Warning', 'older failure', '2026-11-27T09:00:00Z'),
    ];
    expect(cacheHealth(ic({ phase: 'Failed', events }))).toMatchObject({ state: 'failed', why: 'b:1: manifest unknown (×3)' });
    expect(failureCause(ic({ events: [ev('b:1', 'Warning', 'Failed to pull image "b:1": not found', '2026-11-27T10:01:00Z')] }))).toBe('Failed to pull image "b:1": not found');
    expect(failureCause(ic({ events: [ev('a:1', 'Normal', 'Success pull image a:1', '2026-11-27T10:00:00Z')] }))).toBeUndefined();
  });
});
