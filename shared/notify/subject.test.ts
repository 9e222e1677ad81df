import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { NotifyContent } from './content';
import { buildSubject, NOTIFY_SUBJECT_BUDGET } from './subject';

const base: NotifyContent = { action: 'prewarm', title: 'ImageCache pre-warm', severity: 'fail', target: 'demo/java-demo@main', counts: '2 created, 1 failed', outcome: 'bad.registry.example/pg:17 could not be pulled' };

describe('buildSubject', () => {
  it('is severity, action, target, counts and outcome, in that order', () => {
    expect(buildSubject(base)).toBe('❌ FAIL prewarm demo/java-demo@main: 2 created, 1 failed — bad.registry.example/…');
    expect(buildSubject({ ...base, severity: 'ok', counts: '', outcome: 'nothing to do' })).toBe('✅ OK prewarm demo/java-demo@main: nothing to do');
  });

  it('says DRY RUN and reminder in the head, where no cut reaches them', () => {
    const s = buildSubject({ ...base, dryRun: true, reminder: true, target: 'g/'.repeat(60) + 'project', outcome: 'x'.repeat(200) });
    expect(s.startsWith('❌ FAIL reminder DRY RUN prewarm ')).toBe(true);
    expect(s).toContain(': 2 created, 1 failed');
  });

  it('shortens the outcome first, then the target from its start (the last segment names the thing)', () => {
    const s = buildSubject({ ...base, target: 'platform/backend/services/payments/api-gateway', outcome: 'a long explanation of what went wrong with the cache' });
    expect(s.length).toBeLessThanOrEqual(NOTIFY_SUBJECT_BUDGET);
    expect(s).toMatch(/ …\S*api-gateway: 2 created, 1 failed/);
  });

  it('never cuts the counts, whatever the target and outcome (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), fc.string({ unit: 'grapheme', maxLength: 300 }), fc.integer({ min: 0, max: 9999 }), (target, outcome, n) => {
        const counts = `${n} applied, ${n + 1} blocked`;
        const s = buildSubject({ ...base, target, outcome, counts });
        expect(s).toContain(counts);
        expect(s.length).toBeLessThanOrEqual(NOTIFY_SUBJECT_BUDGET);
        expect(s).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
      }),
    );
  });
});
