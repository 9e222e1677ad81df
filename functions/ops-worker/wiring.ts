/**
 * Port wiring for the worker: each feature registers its lazily built port here, e.g.
 *   registerPort('kube', (d) => createKubePort(d));
 * Kept in one file so the handler stays thin and bundles only what is wired.
 */
import { createMailPort } from '#shared/mail/index';
import { registerPort } from './deps';

// mail: DirectMail mailer, or one that logs "mail skipped" when MAIL_ENABLED=false or MAIL_FROM/MAIL_TO are unset.
registerPort('mail', (d) => createMailPort(d));
