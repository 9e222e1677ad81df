import { startDirectMailEmulator } from '#local/pop/start-product-emulators';
import type { SandboxPart } from '../boot';
import { ruleFault, stateFault } from '../named-faults';

/** `dm-account`'s argument → DescAccountSummary UserStatus (1 frozen, 2 overdue, 4 restricted, 8 deleted). */
const ACCOUNT_STATUS: Record<string, number> = { frozen: 1, overdue: 2, restricted: 4, deleted: 8 };

/** The sender address the sandbox's DirectMail accepts (a verified sender in a real console). */
export const SANDBOX_MAIL_FROM = 'ops@mail.sandbox.example';
export const SANDBOX_MAIL_TO = 'platform-team@sandbox.example';

/**
 * DirectMail emulator: SingleSendMail with the real validation, and an outbox served at `/outbox` (HTML) and
 * `/outbox.json`, so `npm start` shows every mail the platform would send. Faults: `dm-down`, `dm-account`.
 */
export const mailSandboxPart: SandboxPart = {
  name: 'directmail',
  async start(ctx) {
    const dm = await startDirectMailEmulator({ credentials: [ctx.credentials], senders: [SANDBOX_MAIL_FROM] });
    return {
      env: { DM_ENDPOINT: dm.url, MAIL_FROM: SANDBOX_MAIL_FROM, MAIL_TO: SANDBOX_MAIL_TO, MAIL_ENABLED: 'true' },
      urls: { outbox: `${dm.url}/outbox`, 'outbox.json': `${dm.url}/outbox.json` },
      faults: [
        ruleFault({
          name: 'dm-down',
          description: 'DirectMail answers every call with 503 ServiceUnavailable (POP error JSON); the mailer retries, then gives up',
          faults: dm.faults,
          // `times` counts calls: the mailer makes up to 4 attempts per mail.
          rule: () => ({ status: 503, body: { Code: 'ServiceUnavailable', Message: 'The request has failed due to a temporary failure of the server.' } }),
        }),
        stateFault({
          name: 'dm-account',
          description: 'the DirectMail account is not in good standing (DescAccountSummary UserStatus): every SingleSendMail is refused with InvalidSendMail.Spam; `ops doctor` names the status',
          argHelp: '"overdue" (default), "frozen", "restricted" or "deleted"',
          apply(s) {
            const status = ACCOUNT_STATUS[s.arg ?? 'overdue'];
            if (status === undefined) throw new Error(`dm-account takes ${Object.keys(ACCOUNT_STATUS).join(', ')}; got "${s.arg}"`);
            dm.account.userStatus = status;
          },
          revert() {
            dm.account.userStatus = 0;
          },
        }),
      ],
      close: () => dm.close(),
    };
  },
};
