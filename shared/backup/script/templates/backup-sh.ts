import { BACKUP_HEAD_SH } from './backup-head-sh';
import { BACKUP_STEPS_SH } from './backup-steps-sh';
import { LOCK_SH } from './lock-sh';

/**
 * The bash template of the backup script: backup-head.sh, lock.sh (shared with the host restore script) and
 * backup-steps.sh — one script kept in parts under the size limit (the `.sh` files are the commented source).
 */
export const BACKUP_SH_TEMPLATE = BACKUP_HEAD_SH + LOCK_SH + BACKUP_STEPS_SH;
