import { randomBytes } from 'node:crypto';
import type { SandboxPart } from '#local/sandbox/boot';
import { ruleFault, stateFault } from '#local/sandbox/named-faults';
import { startSlackEmulator } from './slack-emulator';

/**
 * A Slack incoming webhook for `npm start`: SLACK_WEBHOOK_URL set for the functions, the outbox at `slack` /
 * `slack.json`. Faults: `slack-down` (500 `rollup_error`), `slack-archived` (410 `channel_is_archived`).
 */
export const slackSandboxPart: SandboxPart = {
  name: 'slack',
  async start() {
    const hook = `/services/T0SANDBOX/B0SANDBOX/${randomBytes(12).toString('hex')}`;
    const sl = await startSlackEmulator({ hooks: [hook] });
    return {
      env: { SLACK_WEBHOOK_URL: `${sl.url}${hook}` },
      urls: { slack: `${sl.url}/outbox`, 'slack.json': `${sl.url}/outbox.json` },
      faults: [
        ruleFault({ name: 'slack-down', description: 'the Slack webhook answers 500 rollup_error; the channel retries once, then reports the failure (other channels still send)', faults: sl.faults, rule: () => ({ path: '^/services/', status: 500, body: 'rollup_error', headers: { 'content-type': 'text/html' } }) }),
        stateFault({ name: 'slack-archived', description: "the webhook's channel was archived: 410 channel_is_archived until unarchived", apply: () => sl.archive(hook, true), revert: () => sl.archive(hook, false) }),
      ],
      close: () => sl.close(),
    };
  },
};
