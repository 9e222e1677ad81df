import { DRILL_STEPS } from '#shared/restore/script/index';

/** The steps of the drill pod's script a drill can fail at (`done` is no failure). */
export const DRILL_SCRIPT_FAIL_STEPS = DRILL_STEPS.filter((s) => s !== 'done') as Array<Exclude<(typeof DRILL_STEPS)[number], 'done'>>;

/** Every step a drill can fail at, in run order: the worker's own around the pod, and the pod script's. */
export const DRILL_FAIL_STEPS = ['busy', 'preconditions', 'create', 'image', 'follow', 'deadline', 'result', ...DRILL_SCRIPT_FAIL_STEPS, 'compare'] as const;
export type DrillFailStep = (typeof DRILL_FAIL_STEPS)[number];

const LOG = 'read the pod\'s last log lines (in this report)';
const TIMEOUT = 'raise DRILL_TIMEOUT_MINUTES (and the worker\'s timeout) to the time this backup needs';

/**
 * What to check or do when a drill fails at each step (docs/operations.md "Restore drill"). `image` is the GitLab
 * image the pod ran. GitLab restores only onto exactly the backup's version and edition (GitLab docs,
 * doc/administration/backup_restore/restore_gitlab.md "exact same version and type").
 */
const stepFix = (image: string): Record<DrillFailStep, string> => ({
  busy: 'wait for it; a drill that died leaves its objects until their deadline, then the next drill removes them',
  preconditions: 'take a backup ({"action":"backup"}) and drill it once it is OSS-verified (`npm run -s ops -- backups`)',
  create: 'the functions need pods, pods/log and persistentvolumeclaims in DRILL_NAMESPACE (infra/k8s/rbac.yaml, docs/deploy.md §2)',
  image: `check that ${image} exists on Docker Hub and ASK can pull it (NAT gateway, or an ImageCache / ACR mirror of the image)`,
  follow: `see who deleted the pod (\`kubectl get events -n <DRILL_NAMESPACE>\`, the cluster's audit log), then drill again`,
  deadline: TIMEOUT,
  result: `${LOG}: the script ended without its result line — exit code 137 is an OOM kill or eviction (raise DRILL_SPECS), else the image's entrypoint or the pod's mounts`,
  params: 'the worker rendered a script with a backup name or version it refuses: check the backup\'s name and its manifest\'s gitlabVersion (`npm run -s ops -- backups`)',
  prepare: 'the drill\'s OSS volumes: the Secret named by DRILL_OSS_AUTH, its RAM user\'s policy (`npm run -s ops -- policy --drill`), and that the archive and the /etc/gitlab archive are under OSS_PREFIX / BACKUP_CONFIG_PREFIX',
  boot: `${LOG}: the first gitlab-ctl reconfigure's errors; then check the backup's gitlab.rb and gitlab-secrets.json against ${image} (a setting this version rejects, a service the pod cannot reach, a damaged secrets file)`,
  fetch: 'the copy from the OSS volume into the pod: the pod\'s extra ephemeral storage (3 × the archive) and the volume\'s reads; the reason is in the cause',
  stop: `${LOG}: gitlab-ctl status there shows which of puma and sidekiq of ${image} would not stop`,
  restore: `read GitLab's words in the cause (gitlab-backup restore's output) and ${LOG.replace(/^read /, '')}; check that the backup's version and edition are ${image}'s; a database dump that does not load means a damaged backup: drill an older one`,
  config: `${LOG}: the run's gitlab-secrets.json and gitlab.rb could not be put into /etc/gitlab of the pod`,
  reconfigure: `${LOG}: gitlab-ctl reconfigure's errors after the restore; then check the backup's gitlab.rb and gitlab-secrets.json against ${image}`,
  restart: `${LOG}: the services still down after gitlab-ctl restart (in the cause) and their errors; the restored database against ${image}`,
  check: 'read the failed gitlab:check lines in the cause: a restore onto the host would meet them too; fix them (or their cause in the backup) before relying on it',
  doctor: 'the rows gitlab:doctor:secrets cannot decrypt (in the cause): the backup\'s gitlab-secrets.json is not the one its database was written with — 2FA and CI variables would be lost; find the right /etc/gitlab archive, or drill an older backup',
  counts: `${LOG}: gitlab-rails runner could not count the restored instance (its restore and checks passed); report the error`,
  compare: 'the backup is not what it should be: drill an older one and investigate (who wrote the archive, OSS versioning)',
});

/** A script error code whose fix is more exact than its step's (shared/restore/script/templates). */
const CODE_FIX: Record<string, string> = {
  not_mounted: 'the drill\'s OSS volumes did not mount: the Secret named by DRILL_OSS_AUTH, its RAM user\'s policy (`npm run -s ops -- policy --drill`), the OSS CSI plugin on ASK',
  archive_missing: 'the archive is not under OSS_PREFIX on the bucket (deleted by retention or a lifecycle rule?): `npm run -s ops -- backups`, drill another',
  config_missing: 'the /etc/gitlab archive of this run is not under BACKUP_CONFIG_PREFIX: `npm run -s ops -- backups`, drill a backup that has it',
  config_unreadable: 'the backup\'s /etc/gitlab archive (<name>_gitlab_config.tar) must hold gitlab-secrets.json and gitlab.rb: take a new backup',
  checksum_mismatch: 'the archive on OSS is not what was verified (corrupt or truncated): drill an older backup and investigate who wrote it',
  version_mismatch: 'the image holds another GitLab than the backup (GitLab restores only onto exactly its version and edition): the image tag and the backup manifest\'s gitlabVersion',
  step_timeout: TIMEOUT,
  terminated: 'the pod was stopped (its deadline, or someone deleted it): raise DRILL_TIMEOUT_MINUTES if it was the deadline, else drill again',
};

/**
 * The fix of a drill that failed at `step` (a script step: with its error `code`); undefined for a step unknown here.
 * `image` is the GitLab image of the pod (unknown before the backup is picked).
 */
export function drillFix(step: DrillFailStep, image?: string, code?: string): string;
export function drillFix(step: string, image?: string, code?: string): string | undefined;
export function drillFix(step: string, image = 'the backup\'s GitLab image', code?: string): string | undefined {
  return (code && CODE_FIX[code]) || (stepFix(image) as Record<string, string | undefined>)[step];
}
