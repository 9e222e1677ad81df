import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { blocksValid } from '#local/slack/slack-emulator';
import type { NotifyContent } from './content';
import { mergeContents } from './merge-contents';
import { renderNotifyMail } from './render-mail';
import { escapeMd, renderMarkdown } from './render-markdown';
import { renderSlack } from './render-slack';

const content: NotifyContent = {
  action: 'reconcile',
  title: 'Reconcile: 1 object(s) need attention',
  severity: 'warn',
  target: 'ops/infra@main:infra',
  counts: '1 blocked',
  outcome: 'recreate blocked while Bound',
  summary: '3 synced, 1 out of sync',
  notes: ['Reminder: unchanged since 2026-12-01T00:00:00Z'],
  sections: [
    { heading: 'Cause', rows: [['author', '[evil](http://x.example) *bold*'], ['commit', 'abc123']] },
    { heading: 'What was not done, and why', table: { columns: ['step', 'object', 'why'], rows: [['recreate', 'PersistentVolume/nas', 'Bound']] } },
    { heading: 'Diff: PersistentVolume/nas', text: '- spec.nfs.server: a\n+ spec.nfs.server: b' },
  ],
  links: [{ label: 'GitLab commit abc123', url: 'https://gl.example/ops/infra/-/commit/abc123' }, { label: 'bad', url: 'javascript:alert(1)' }],
  footer: 'gitlab-ask-ops · ops-worker · FC request r1',
};

describe('one content, three channels', () => {
  it('mail: the notify subject, notes and links in HTML and text; only http(s) links are anchors', () => {
    const m = renderNotifyMail(content);
    expect(m.subject).toBe('⚠️ WARN reconcile ops/infra@main:infra: 1 blocked — recreate blocked while Bound');
    expect(m.html).toContain('<a href="https://gl.example/ops/infra/-/commit/abc123">GitLab commit abc123</a>');
    expect(m.html).not.toContain('href="javascript');
    expect(m.html).toContain('Reminder: unchanged since');
    expect(m.text).toMatch(/Links\n-----\nGitLab commit abc123: https:\/\/gl\.example/);
    expect(renderNotifyMail({ ...content, severity: 'resolved' }).html).toContain('RESOLVED');
  });

  it('DingTalk markdown: headings, bold, lists for rows and tables, quoted diff, links; user text cannot forge links', () => {
    const md = renderMarkdown(content, 15_000);
    expect(md.startsWith('### ⚠️ WARN reconcile ops/infra@main:infra\n\n**Reconcile: 1 object(s) need attention**')).toBe(true);
    expect(md).toContain('- **author**: \\[evil\\](http://x.example) \\*bold\\*');
    expect(md).toContain('- **recreate** · object: PersistentVolume/nas · why: Bound');
    expect(md).toContain('> \\- spec.nfs.server: a  \n> \\+ spec.nfs.server: b');
    expect(md).toContain('- [GitLab commit abc123](https://gl.example/ops/infra/-/commit/abc123)');
    expect(md).toContain('- bad: javascript:alert(1)');
    expect(escapeMd('# not a heading')).toBe('\\# not a heading');
  });

  it('DingTalk markdown is cut to its byte budget with a note', () => {
    const big = renderMarkdown({ ...content, sections: [{ heading: 'log', text: '가'.repeat(20_000) }] }, 15_000);
    expect(Buffer.byteLength(big)).toBeLessThanOrEqual(15_000);
    expect(big).toMatch(/message truncated/);
  });

  it('Slack: text = subject, a header block, mrkdwn sections with &<> escaped, links as <url|label>', () => {
    const s = renderSlack({ ...content, summary: 'a < b & c > d' });
    expect(s.text).toBe('⚠️ WARN reconcile ops/infra@main:infra: 1 blocked — recreate blocked while Bound');
    expect(s.blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: '⚠️ WARN reconcile ops/infra@main:infra', emoji: true } });
    expect(JSON.stringify(s.blocks)).toContain('a &lt; b &amp; c &gt; d');
    expect(JSON.stringify(s.blocks)).toContain('<https://gl.example/ops/infra/-/commit/abc123|GitLab commit abc123>');
    expect(blocksValid(s.blocks)).toBe(true);
  });

  it('Slack: any content stays within Block Kit limits (≤ 50 blocks, header ≤ 150, section ≤ 3000)', () => {
    const section = fc.oneof(
      fc.record({ heading: fc.string({ maxLength: 300 }), text: fc.string({ maxLength: 5000 }) }),
      fc.record({ heading: fc.string({ maxLength: 50 }), table: fc.record({ columns: fc.array(fc.string({ maxLength: 20 }), { maxLength: 4 }), rows: fc.array(fc.array(fc.string({ maxLength: 200 }), { maxLength: 4 }), { maxLength: 80 }) }) }),
    );
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), fc.array(section, { maxLength: 70 }), fc.array(fc.string({ maxLength: 400 }), { maxLength: 14 }), (target, sections, notes) => {
        expect(blocksValid(renderSlack({ ...content, target, sections, notes }).blocks)).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  it('several held-back messages merge into one that keeps every subject and section', () => {
    const m = mergeContents([content, { ...content, action: 'prewarm', severity: 'fail', target: 'demo/java-demo', counts: '1 failed', outcome: 'pull failed' }]);
    expect(m).toMatchObject({ severity: 'fail', action: 'reconcile+prewarm', counts: '2 messages' });
    expect(m.sections?.map((s) => s.heading)).toEqual(expect.arrayContaining(['1/2 ⚠️ WARN reconcile ops/infra@main:infra: 1 blocked — recreate blocked while Bound', '2/2 ❌ FAIL prewarm demo/java-demo: 1 failed — pull failed', '2/2 Cause']));
  });
});
