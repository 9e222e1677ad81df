import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { renderMail } from './render-mail';

describe('renderMail', () => {
  const report = {
    title: 'Backup verified 2026-11-28',
    status: 'ok' as const,
    summary: '3 backups, 41 GiB',
    sections: [
      { heading: 'Run', rows: [['host', 'i-gitlab'], ['duration', '42 min'], ['note', null]] as const },
      { heading: 'Backups', table: { columns: ['name', 'size'], rows: [['1764300000_2026_11_28_17.5.1-ee_gitlab_backup.tar', '14 GiB'], ['older.tar', 13]] } },
      { heading: 'Log tail', text: 'line 1\nline 2' },
    ],
    footer: 'gitlab-ask-ops · ops-worker',
  };

  it('builds a short subject with the status icon and summary', () => {
    expect(renderMail(report).subject).toBe('✅ Backup verified 2026-11-28 — 3 backups, 41 GiB');
    expect(renderMail({ ...report, status: 'fail', summary: '' }).subject).toBe('❌ Backup verified 2026-11-28');
    expect(renderMail({ ...report, status: 'warn', summary: 'x\n  y' }).subject).toBe('⚠️ Backup verified 2026-11-28 — x y');
  });

  it('keeps subjects within budget without splitting emoji', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), fc.string({ maxLength: 200 }), (title, summary) => {
        const s = renderMail({ title, status: 'warn', summary }).subject;
        expect(s.length).toBeLessThanOrEqual(80);
        expect(s).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
      }),
    );
  });

  it('escapes every value in the HTML and colours the status', () => {
    const evil = '<script>alert("x")</script> & \'q\'';
    const { html } = renderMail({
      title: evil,
      status: 'fail',
      summary: evil,
      sections: [{ heading: evil, rows: { [evil]: evil } }, { heading: 't', table: { columns: [evil], rows: [[evil]] } }, { heading: 'x', text: evil }],
      footer: evil,
    });
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;q&#39;');
    expect(html).toContain('#cf222e');
    expect(renderMail(report).html).toContain('#1a7f37');
  });

  it('renders a readable plain-text twin with aligned rows and tables', () => {
    const { text } = renderMail(report);
    expect(text).toContain('✅ OK — Backup verified 2026-11-28');
    expect(text).toContain('host:     i-gitlab');
    expect(text).toContain('note:     —');
    expect(text).toMatch(/name\s+size\n-+\n1764300000_2026_11_28_17\.5\.1-ee_gitlab_backup\.tar {2}14 GiB\nolder\.tar\s+13/);
    expect(text).toContain('Log tail\n--------\nline 1\nline 2');
    expect(text.trimEnd().endsWith('gitlab-ask-ops · ops-worker')).toBe(true);
    expect(text).not.toMatch(/<[a-z]/);
  });
});
