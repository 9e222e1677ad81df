import { Faults } from '#local/sandbox/faults';
import { listen, readBody, sendJson, type Listening } from '#local/sandbox/http-util';
import { sendOutbox } from '#local/sandbox/outbox-page';
import { BAD_BODY, checkBody, checkSignature, NO_TOKEN, OK, RobotRate, type RobotAnswer } from './robot-rules';

/** A custom robot of a group: its access_token and, for 加签 security, its `SEC…` secret. */
export interface RobotConfig {
  accessToken: string;
  secret?: string;
}

/** One accepted message, as the outbox lists it. */
export interface RobotMessage {
  at: string;
  /** The robot's token, first 6 characters (enough to tell robots apart; the token is a credential). */
  robot: string;
  msgtype: string;
  title?: string;
  text: string;
}

export interface DingtalkEmulator extends Listening {
  outbox: RobotMessage[];
  /** Every refused request's answer, newest last (tests and the outbox page). */
  refused: Array<RobotAnswer & { at: string }>;
  faults: Faults;
  /** Reset a robot's secret, as a group owner does in DingTalk: requests signed with the old one get 310000. */
  setSecret(accessToken: string, secret: string | undefined): void;
}

/**
 * The DingTalk custom robot API on loopback: `POST /robot/send?access_token=…[&timestamp=…&sign=…]` answering
 * `{errcode, errmsg}` as DingTalk does (HTTP 200, errcode 310000 for a bad or stale signature, 130101 over 20 a
 * minute, then refused for 10 minutes), and an outbox at `/outbox` and `/outbox.json`. `now` lets tests run a
 * simulated clock; `faults` answers instead of the robot (match on the path `/robot/send`).
 * @example const dt = await startDingtalkEmulator({ robots: [{ accessToken: 't', secret: 'SECabc' }] });
 */
export async function startDingtalkEmulator(o: { robots: RobotConfig[]; now?: () => Date; port?: number }): Promise<DingtalkEmulator> {
  const robots = new Map(o.robots.map((r) => [r.accessToken, { ...r, rate: new RobotRate() }]));
  const outbox: RobotMessage[] = [];
  const refused: DingtalkEmulator['refused'] = [];
  const faults = new Faults();
  const now = (): Date => (o.now ? o.now() : new Date());
  const answer = (res: Parameters<typeof sendJson>[0], a: RobotAnswer): void => {
    if (a.errcode !== 0) refused.push({ ...a, at: now().toISOString() });
    sendJson(res, 200, a);
  };
  const server = await listen(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://robot');
    if (req.method === 'GET' && (url.pathname === '/outbox' || url.pathname === '/outbox.json')) {
      return sendOutbox(res, url.pathname.endsWith('.json'), 'DingTalk robot', { messages: [...outbox].reverse(), refused: [...refused].reverse() }, outbox.map((m) => ({ title: m.title ?? m.msgtype, meta: `${m.at} · robot ${m.robot}… · ${m.msgtype}`, body: m.text })));
    }
    if (await faults.apply(req, res, url.pathname)) return;
    if (req.method !== 'POST' || url.pathname !== '/robot/send') return sendJson(res, 404, { errcode: 404, errmsg: 'not found' });
    const robot = robots.get(url.searchParams.get('access_token') ?? '');
    if (!robot) return answer(res, NO_TOKEN);
    const t = now().getTime();
    if (robot.secret) {
      const bad = checkSignature(robot.secret, url.searchParams, t);
      if (bad) return answer(res, bad);
    }
    const body = checkBody((await readBody(req, 1024 * 1024)).toString('utf8'));
    if (!body.ok) return answer(res, BAD_BODY);
    const limited = robot.rate.take(t);
    if (limited) return answer(res, limited);
    outbox.push({ at: now().toISOString(), robot: robot.accessToken.slice(0, 6), msgtype: body.msgtype, ...(body.title !== undefined ? { title: body.title } : {}), text: body.text });
    answer(res, OK);
  });
  return {
    ...server,
    outbox,
    refused,
    faults,
    setSecret(accessToken, secret) {
      const r = robots.get(accessToken);
      if (!r) throw new Error(`no robot ${accessToken.slice(0, 6)}…`);
      if (secret) r.secret = secret;
      else delete r.secret;
    },
  };
}
