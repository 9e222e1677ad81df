import { loadConfig } from '#shared/config/index';
import { memoryLogger } from '#shared/log/index';
import { createChannels, type Channel } from '#shared/notify/index';
import type { Clock } from '#shared/runtime/index';
import { startDingtalkEmulator, type DingtalkEmulator } from '#local/dingtalk/dingtalk-emulator';
import { startDirectMailEmulator, type DmMail, type PopEmulator } from '#local/pop/index';
import { startSlackEmulator, type SlackEmulator } from '#local/slack/slack-emulator';

export const STS = { accessKeyId: 'STS.notifyTest', accessKeySecret: 'notify-test-secret', securityToken: 'notify-test-token' };
export const SENDER = 'ops@mail.example.com';
export const ROBOT = { accessToken: 'dt0123456789abcdef', secret: 'SECnotifytest0123456789abcdef' };
export const HOOK = '/services/T0TEST/B0TEST/xyz0123456789';

/** A clock the test moves: `sleep` advances it (no wall-clock waits). */
export function simClock(start: Date): Clock & { set(d: Date): void; advance(ms: number): void } {
  let t = start.getTime();
  return { now: () => new Date(t), sleep: async (ms) => void (t += ms), set: (d) => void (t = d.getTime()), advance: (ms) => void (t += ms) };
}

/** DirectMail, a signed DingTalk robot and a Slack webhook, all answering like the services; the env for the worker. */
export interface ChannelBed {
  dm: PopEmulator & { outbox: DmMail[] };
  dingtalk: DingtalkEmulator;
  slack: SlackEmulator;
  env: Record<string, string>;
  /** The worker's channels over the emulators, with `clock` (DingTalk signs with it and counts its minute with it). */
  channels(clock: Clock): Channel[];
  /** Messages each channel's service has accepted so far. */
  counts(): { mail: number; dingtalk: number; slack: number };
  close(): Promise<void>;
}

/** Start the three channel emulators; `now` is the DingTalk robot's clock (it checks the signed timestamp ±1 h). */
export async function startChannelBed(now?: () => Date): Promise<ChannelBed> {
  const dm = await startDirectMailEmulator({ credentials: [STS], senders: [SENDER] });
  const dingtalk = await startDingtalkEmulator({ robots: [ROBOT], ...(now ? { now } : {}) });
  const slack = await startSlackEmulator({ hooks: [HOOK] });
  const env = {
    DM_ENDPOINT: dm.url,
    MAIL_FROM: SENDER,
    MAIL_TO: 'team@example.com',
    DINGTALK_WEBHOOK_URL: `${dingtalk.url}/robot/send?access_token=${ROBOT.accessToken}`,
    DINGTALK_SECRET: ROBOT.secret,
    SLACK_WEBHOOK_URL: `${slack.url}${HOOK}`,
  };
  return {
    dm,
    dingtalk,
    slack,
    env,
    channels: (clock) => createChannels({ config: loadConfig(env), log: memoryLogger('error'), credentials: () => STS, clock }),
    counts: () => ({ mail: dm.outbox.length, dingtalk: dingtalk.outbox.length, slack: slack.outbox.length }),
    close: async () => {
      await dm.close();
      await dingtalk.close();
      await slack.close();
    },
  };
}
