import { DRILL_BOOT_SH } from './drill-boot-sh';
import { DRILL_COUNTS_SH } from './drill-counts-sh';
import { RESTORE_HEAD_SH } from './restore-head-sh';
import { RESTORE_STEPS_SH } from './restore-steps-sh';

/**
 * The bash template of the restore drill pod's script (docs/adr/0026): the restore head and steps the host script
 * runs too, with the pod's boot of GitLab before them and the counts after.
 */
export const DRILL_SH_TEMPLATE = RESTORE_HEAD_SH + DRILL_BOOT_SH + RESTORE_STEPS_SH + DRILL_COUNTS_SH;
