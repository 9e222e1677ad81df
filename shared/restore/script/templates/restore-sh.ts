import { LOCK_SH } from '#shared/backup/script/templates/lock-sh';
import { RESTORE_HEAD_SH } from './restore-head-sh';
import { RESTORE_HOST_SH } from './restore-host-sh';
import { RESTORE_STEPS_SH } from './restore-steps-sh';

/**
 * The bash template of the host restore script (docs/adr/0026): the head and steps it shares with the drill pod's
 * script, the backup's lock (lock.sh) and the host's own preconditions (restore-host.sh).
 */
export const RESTORE_SH_TEMPLATE = RESTORE_HEAD_SH + LOCK_SH + RESTORE_HOST_SH + RESTORE_STEPS_SH;
