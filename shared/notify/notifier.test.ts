import { describe, expect, it } from 'vitest';
import { memoryLogger } from '#shared/log/index';
import type { Finding } from './alert-rules';
import { memoryAlertStore, readOpenFindings } from './alert-store';
import type { Channel } from './channel';
import type { NotifyContent } from './content';
import { createNotifier, type NotifierOptions } from './notifier';
import { buildSubject } from './subject';

const clock = (h = 0) => ({ now: () => new Date(Date.UTC(2026, 11, 1) + h * 3_600_000), sleep: async () => undefined });

function recorder(name: string, behave: 'ok' | 'fail' | 'throw' | 'skip' = 'ok'): Channel & { got: NotifyContent[] } {
  const got: NotifyContent[] = [];
  return {
    name,
    got,
    async send(c) {
      got.push(c);
      if (behave === 'throw') throw new Error(`${name} exploded`);
      if (behave === 'skip') return { channel: name, ok: false, skipped: 'not configured' };
      return behave === 'ok' ? { channel: name, ok: true } : { channel: name, ok: false, detail: `${name} said no` };
    },
  };
}

const finding: Finding = { target: 'PersistentVolume/nas', cause: 'recreate blocked', severity: 'warn', summary: 'blocked while Bound' };
const build = (): NotifyContent => ({ action: 'reconcile', title: 'Reconcile', severity: 'warn', target: 'infra/', counts: '1 blocked', outcome: 'recreate blocked' });
const notifier = (o: Partial<NotifierOptions> & Pick<NotifierOptions, 'channels'>) => createNotifier({ clock: clock(), log: memoryLogger(), remindHours: 24, dryRun: false, store: memoryAlertStore(), ...o });

describe('notifier', () => {
  it('one failing (or throwing) channel is logged and does not stop the others', async () => {
    const mail = recorder('mail', 'throw');
    const dingtalk = recorder('dingtalk', 'fail');
    const slack = recorder('slack');
    const log = memoryLogger();
    const o = await notifier({ channels: [mail, dingtalk, slack], log }).notify({ action: 'reconcile', findings: [finding], build });
    expect(o).toMatchObject({ told: true, delivered: true, allFailed: false });
    expect(o.results.map((r) => [r.channel, r.ok])).toEqual([['mail', false], ['dingtalk', false], ['slack', true]]);
    expect([mail, dingtalk, slack].map((c) => c.got.length)).toEqual([1, 1, 1]);
    expect(log.lines.filter((l) => l.msg === 'notify channel failed').map((l) => l.detail)).toEqual(['mail exploded', 'dingtalk said no']);
  });

  it('every configured channel failing is allFailed, and the finding is told again next run; skipped channels do not count', async () => {
    const store = memoryAlertStore();
    const chans = [recorder('mail', 'fail'), recorder('slack', 'fail'), recorder('dingtalk', 'skip')];
    const first = await notifier({ channels: chans, store }).notify({ action: 'reconcile', findings: [finding], build });
    expect(first).toMatchObject({ delivered: false, allFailed: true, counts: { new: 1 } });
    const second = await notifier({ channels: [recorder('mail')], store, clock: clock(1) }).notify({ action: 'reconcile', findings: [finding], build });
    expect(second).toMatchObject({ delivered: true, counts: { new: 1 } });
    const third = await notifier({ channels: [recorder('mail')], store, clock: clock(2) }).notify({ action: 'reconcile', findings: [finding], build });
    expect(third).toMatchObject({ told: false, counts: { quiet: 1 } });
    const none = await notifier({ channels: [recorder('mail', 'skip')] }).notify({ action: 'backup', event: true, build });
    expect(none).toMatchObject({ told: true, delivered: false, allFailed: false });
  });

  it('an event-only call (no findings) never touches the alert state, so an unreachable store adds no note', async () => {
    const store = memoryAlertStore();
    store.fail = new Error('no cluster');
    const mail = recorder('mail');
    expect(await notifier({ channels: [mail], store }).notify({ action: 'backup', event: true, build })).toMatchObject({ delivered: true, state: 'none' });
    expect(mail.got[0]!.notes).toEqual([]);
  });

  it('a dry run tells nothing unless notify:true; then DRY RUN is in the subject and nothing is recorded', async () => {
    const store = memoryAlertStore();
    const mail = recorder('mail');
    expect(await notifier({ channels: [mail], store, dryRun: true }).notify({ action: 'reconcile', findings: [finding], build })).toMatchObject({ told: false, skipped: expect.stringMatching(/dry run/) });
    expect(mail.got).toHaveLength(0);
    const o = await notifier({ channels: [mail], store, dryRun: true, notify: true }).notify({ action: 'reconcile', findings: [finding], build });
    expect(o).toMatchObject({ told: true, delivered: true, state: 'none' });
    expect(buildSubject(mail.got[0]!)).toMatch(/^⚠️ WARN DRY RUN reconcile infra\/: 1 blocked/);
    expect(mail.got[0]!.notes).toContain('DRY RUN: nothing was changed; sent because the request said "notify": true.');
    expect(store.writes).toBe(0);
  });

  it('an unreadable alert state: tells every finding and says so (better twice than silent)', async () => {
    const store = memoryAlertStore();
    store.fail = new Error('configmaps "gitlab-ask-ops-alerts" is forbidden');
    const mail = recorder('mail');
    const n = notifier({ channels: [mail], store });
    for (let i = 0; i < 2; i++) expect(await n.notify({ action: 'reconcile', findings: [finding], build })).toMatchObject({ told: true, state: 'unavailable' });
    expect(mail.got).toHaveLength(2);
    expect(mail.got[0]!.notes?.[0]).toMatch(/^Alert state unavailable \(configmaps "gitlab-ask-ops-alerts" is forbidden\): this message may repeat/);
  });

  it('adds the cause (trigger: hook, project, commit, author) first, the commit link and the FC request', async () => {
    const mail = recorder('mail');
    const trigger = { hook: 'System Hook: push', project: { id: 7, path: 'demo/java-demo', webUrl: 'https://gl.example/demo/java-demo' }, ref: 'refs/heads/main', sha: 'a'.repeat(40), author: 'Dev One', commitUrl: `https://gl.example/demo/java-demo/-/commit/${'a'.repeat(40)}` };
    await notifier({ channels: [mail], context: { source: { kind: 'webhook', id: 'd1', trigger }, requestId: 'req-9' } }).notify({ action: 'prewarm', event: true, build });
    const c = mail.got[0]!;
    expect(c.sections?.[0]).toEqual({ heading: 'Cause', rows: [['hook', 'System Hook: push'], ['project', 'demo/java-demo'], ['ref', 'refs/heads/main'], ['commit', 'aaaaaaaaaaaa'], ['author', 'Dev One']] });
    expect(c.links?.map((l) => l.label)).toEqual(['GitLab commit aaaaaaaaaaaa', 'GitLab project demo/java-demo']);
    expect(c.footer).toContain('FC request req-9');
  });

  it('the read function for `ops status` lists open findings, worst and oldest first', async () => {
    const store = memoryAlertStore();
    const n = notifier({ channels: [recorder('mail')], store });
    await n.notify({ action: 'reconcile', findings: [finding], build });
    await n.notify({ action: 'watchdog', findings: [{ target: 'oss://b/p/', cause: 'rpo breached', severity: 'fail', summary: 'no verified backup' }], build });
    expect((await readOpenFindings(store)).map((e) => [e.action, e.severity, e.told])).toEqual([['watchdog', 'fail', 1], ['reconcile', 'warn', 1]]);
    expect((await readOpenFindings(store, 'reconcile')).map((e) => e.target)).toEqual(['PersistentVolume/nas']);
  });
});
