import { failed, ok, skipped, type Check } from '#shared/checks/index';
import type { Mailer } from '#shared/mail/index';

/** `mail.sender`: MAIL_FROM exists and is usable in DM_REGION, so failure mails can go out (QueryMailAddressByParam). */
export function mailSenderCheck(mail: Mailer): Check {
  return {
    id: 'mail.sender',
    service: 'directmail',
    async run() {
      if (!mail.senderStatus) return skipped('this mailer cannot check its sender');
      let s;
      try {
        s = await mail.senderStatus();
      } catch (e) {
        return failed(`DirectMail did not answer: ${(e as Error).message}`, 'check DirectMail (DM_REGION, DM_ENDPOINT) and the role\'s dm:QueryMailAddressByParam; until it answers, backup reports cannot be mailed');
      }
      if (s.kind === 'skipped') return skipped(`mail is off: ${s.reason}`);
      const where = `DirectMail ${s.region}`;
      if (!s.found) return failed(`${s.address} is not a sender address in ${where}`, `create and verify ${s.address} in the DirectMail console of ${s.region} (Sender Addresses), or set MAIL_FROM/DM_REGION to one that is`);
      if (s.accountStatus && s.accountStatus !== '0') return failed(`${s.address} is frozen in ${where} (AccountStatus ${s.accountStatus})`, 'unfreeze the sender address in the DirectMail console, or use another MAIL_FROM');
      if (s.domainStatus && s.domainStatus !== '0') return failed(`the domain of ${s.address} is not verified in ${where} (DomainStatus ${s.domainStatus})`, 'verify the sender domain (SPF/MX/CNAME records) in the DirectMail console');
      return ok(`${s.address} is a usable sender in ${where}`);
    },
  };
}
