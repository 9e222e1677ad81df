import { randomBytes } from 'node:crypto';
import type { SandboxPart } from '#local/sandbox/boot';
import { ruleFault, stateFault } from '#local/sandbox/named-faults';
import { startDingtalkEmulator } from './dingtalk-emulator';

/**
 * A DingTalk group robot for `npm start`: signed (加签) with a fresh `SEC…` secret, DINGTALK_WEBHOOK_URL and
 * DINGTALK_SECRET set for the functions, the outbox at `dingtalk` / `dingtalk.json`. Faults: `dingtalk-down`
 * (HTTP 503), `dingtalk-throttled` (errcode 130101), `dingtalk-secret` (the group owner reset the secret: 310000).
 */
export const dingtalkSandboxPart: SandboxPart = {
  name: 'dingtalk',
  async start() {
    const accessToken = randomBytes(16).toString('hex');
    const secret = `SEC${randomBytes(24).toString('hex')}`;
    const dt = await startDingtalkEmulator({ robots: [{ accessToken, secret }] });
    return {
      env: { DINGTALK_WEBHOOK_URL: `${dt.url}/robot/send?access_token=${accessToken}`, DINGTALK_SECRET: secret },
      urls: { dingtalk: `${dt.url}/outbox`, 'dingtalk.json': `${dt.url}/outbox.json` },
      faults: [
        ruleFault({ name: 'dingtalk-down', description: 'the DingTalk robot API answers HTTP 503; the channel retries once, then reports the failure (other channels still send)', faults: dt.faults, rule: () => ({ path: '^/robot/send$', status: 503, body: 'Service Unavailable', headers: { 'content-type': 'text/plain' } }) }),
        ruleFault({ name: 'dingtalk-throttled', description: 'the robot answers errcode 130101 (over 20 messages a minute; DingTalk blocks it ~10 min)', faults: dt.faults, rule: () => ({ path: '^/robot/send$', status: 200, body: { errcode: 130101, errmsg: 'send too fast, exceed 20 times per minute' } }) }),
        stateFault({ name: 'dingtalk-secret', description: "the group owner reset the robot's signing secret: every message gets errcode 310000 (sign not match) until DINGTALK_SECRET is updated", apply: () => dt.setSecret(accessToken, `SEC${randomBytes(24).toString('hex')}`), revert: () => dt.setSecret(accessToken, secret) }),
      ],
      close: () => dt.close(),
    };
  },
};
