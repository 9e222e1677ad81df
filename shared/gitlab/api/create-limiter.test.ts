import { describe, expect, it } from 'vitest';
import { createLimiter } from './create-limiter';

describe('createLimiter', () => {
  it('never runs more than the limit at once, even when newcomers arrive as slots free up', async () => {
    const limiter = createLimiter(2);
    let active = 0;
    let peak = 0;
    const task = async (): Promise<void> => {
      active++;
      peak = Math.max(peak, active);
      await new Promise((r) => setImmediate(r));
      active--;
    };
    const first = Array.from({ length: 5 }, () => limiter.run(task));
    await first[0];
    const more = Array.from({ length: 5 }, () => limiter.run(task));
    await Promise.all([...first, ...more]);
    expect(peak).toBe(2);
  });

  it('releases the slot when a task fails', async () => {
    const limiter = createLimiter(1);
    await expect(limiter.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(limiter.run(() => Promise.resolve(7))).resolves.toBe(7);
  });
});
