import * as z from 'zod/mini';
import { envBool, envEnum, envHttpsPrefixList, envInt, envList, envMatch, envStr, envStrDef, envTimeZone, envUrl } from './env-helpers';

/**
 * The environment contract, one shape per concern. Keys a feature needs but the platform can run without (e.g.
 * backup settings for a team that only pre-warms caches) are optional here; the feature checks them with
 * `requireKeys` and reports every missing key at once. README's configuration table mirrors this file.
 */

/** The timers' zone as deployed (s.yaml `CRON_TZ=${env('TIMER_TZ', …)}`); backup names carry that zone's calendar day. */
export const DEFAULT_TIMER_TZ = 'Asia/Seoul';

/**
 * FC and cloud basics. `ALIBABA_CLOUD_*` and `FC_*` are FC system variables
 * (https://www.alibabacloud.com/help/en/functioncompute/fc/environment-variables).
 */
export const coreEnv = {
  LOG_LEVEL: envEnum(['debug', 'info', 'warn', 'error'] as const, 'info'),
  DRY_RUN: envBool(false),
  FC_REGION: envStrDef('ap-northeast-2'),
  FC_ACCOUNT_ID: envStr(),
  /** Override of the FC API endpoint (the sandbox sets it); default `https://<account>.<region>[-internal].fc.aliyuncs.com`. */
  FC_ENDPOINT: envUrl(),
  FC_INTERNAL: envBool(true),
  WORKER_FUNCTION: envStrDef('ops-worker'),
  ALIBABA_CLOUD_ACCESS_KEY_ID: envStr(),
  ALIBABA_CLOUD_ACCESS_KEY_SECRET: envStr(),
  ALIBABA_CLOUD_SECURITY_TOKEN: envStr(),
  /** IANA zone of the daily timers (CRON_TZ in s.yaml) and of the calendar day in backup names. */
  TIMER_TZ: envTimeZone(DEFAULT_TIMER_TZ),
};

export const webhookEnv = {
  WEBHOOK_SECRET: envStr(),
  /** Accepted too while rotating: set the new secret as WEBHOOK_SECRET and the old one here until GitLab is updated. */
  WEBHOOK_SECRET_PREVIOUS: envStr(),
  WEBHOOK_MAX_BODY_BYTES: envInt(1024 * 1024, 1024, 32 * 1024 * 1024),
  /** Default CI config path when the hook's project carries no `ci_config_path`. */
  CI_CONFIG_PATH: envStrDef('.gitlab-ci.yml'),
};

export const gitlabEnv = {
  GITLAB_URL: envUrl(),
  GITLAB_TOKEN: envStr(),
  /** `ops doctor` only, never deployed: an administrator's read_api token to read the system hooks (GET /hooks). */
  GITLAB_ADMIN_TOKEN: envStr(),
  GITLAB_CONCURRENCY: envInt(4, 1, 32),
  GITLAB_TIMEOUT_MS: envInt(15_000, 100, 300_000),
  /** `include:remote` is fetched only for https URLs on these prefixes (same origin, path prefix at `/`). */
  GITLAB_REMOTE_INCLUDE_ALLOWLIST: envHttpsPrefixList(),
  /** Known value of CI_DEPENDENCY_PROXY_GROUP_IMAGE_PREFIX's host part, e.g. gitlab.example.com:443. */
  GITLAB_DEPENDENCY_PROXY_HOST: envStr(),
  /** Registry host for CI_REGISTRY / CI_REGISTRY_IMAGE, e.g. registry.example.com. */
  GITLAB_REGISTRY_HOST: envStr(),
  /** Projects to walk on the daily refresh: all active projects unless this lists paths or ids. */
  GITLAB_PROJECTS: envList([]),
};

export const kubeEnv = {
  ASK_CLUSTER_ID: envStr(),
  CS_ENDPOINT: envUrl(),
  /** Base64 kubeconfig (as the seed's KUBE_CONFIG CI variable); used when ASK_CLUSTER_ID is not set. */
  KUBE_CONFIG: envStr(),
  /** Path to a kubeconfig file (local runs, the sandbox). */
  KUBECONFIG_PATH: envStr(),
  KUBE_TEMP_MINUTES: envInt(60, 15, 4320),
  KUBE_TIMEOUT_MS: envInt(15_000, 100, 300_000),
};

export const imageCacheEnv = {
  /** Images always cached (the seed's hand-written list). */
  IMAGECACHE_BASELINE: envList([
    'registry.cn-hangzhou.aliyuncs.com/eci/kaniko:1.0',
    'registry.cn-hangzhou.aliyuncs.com/eci/kubectl:1.0',
    'registry.cn-hangzhou.aliyuncs.com/eci/java-demo:1.0',
  ]),
  /** `namespace:secretName` pairs for private registries. */
  IMAGECACHE_PULL_SECRETS: envList([]),
  IMAGECACHE_SIZE_GIB: envInt(20, 20, 32768),
  IMAGECACHE_RETENTION_DAYS: envInt(30, 1, 65536),
  IMAGECACHE_REFRESH_BEFORE_DAYS: envInt(2, 0, 365),
  IMAGECACHE_MUTABLE_REFRESH_HOURS: envInt(24, 1, 24 * 365),
  IMAGECACHE_MAX_CACHES: envInt(50, 1, 1000),
  IMAGECACHE_MAX_IMAGES: envInt(400, 1, 20_000),
  /** Helper image override when the runner config cannot be read. */
  RUNNER_HELPER_IMAGE: envStr(),
  /**
   * The prewarm commit status when a commit's images could not be cached for a reason its developer cannot fix (a
   * cache failed, the budget, GitLab unreadable): `failed` (its pipeline turns red) or `success` with the reason.
   */
  PREWARM_STATUS_ON_PLATFORM_FAILURE: envEnum(['failed', 'success'] as const, 'failed'),
};

export const backupEnv = {
  BACKUP_INSTANCE_ID: envStr(),
  ECS_REGION: envStr(),
  ECS_ENDPOINT: envUrl(),
  BACKUP_MOUNT_DIR: envStrDef('/mnt/gitlab-backups'),
  BACKUP_STAGING_DIR: envStrDef('/var/opt/gitlab/backups'),
  BACKUP_MODE: envEnum(['staged', 'direct'] as const, 'staged'),
  BACKUP_REPAIR_MOUNT: envBool(false),
  BACKUP_KEEP_MIN: envInt(3, 1, 1000),
  BACKUP_KEEP_DAYS: envInt(7, 0, 3650),
  BACKUP_TIMEOUT_SECONDS: envInt(4 * 3600, 60, 86_400),
  BACKUP_MIN_FREE_GIB: envInt(10, 0, 1_000_000),
  BACKUP_RPO_HOURS: envInt(26, 1, 24 * 30),
  BACKUP_KEEP_LABELLED: envBool(true),
  OSS_BUCKET: envStr(),
  OSS_REGION: envStr(),
  OSS_ENDPOINT: envUrl(),
  OSS_PREFIX: envStrDef('gitlab-backups/'),
  /** Object prefix of the /etc/gitlab archives, apart from the data backups (docs/adr/0022). */
  BACKUP_CONFIG_PREFIX: envStrDef('gitlab-config-backups/'),
  BACKUP_CONFIG_SSH_HOST_KEYS: envBool(true),
};

export const mailEnv = {
  MAIL_ENABLED: envBool(true),
  /**
   * DirectMail region: where the sender address is configured (no Seoul region:
   * https://www.alibabacloud.com/help/en/direct-mail/api-endpoints).
   */
  DM_REGION: envStrDef('ap-southeast-1'),
  DM_ENDPOINT: envUrl(),
  MAIL_FROM: envStr(),
  MAIL_FROM_ALIAS: envStr(),
  MAIL_TO: envList([]),
  /**
   * Heads every mail subject. DirectMail allows 100 chars (https://www.alibabacloud.com/help/doc-detail/29444.htm);
   * capped at 40 so severity, action and counts keep at least 59 (the notifier fits its subject to what is left).
   */
  MAIL_SUBJECT_PREFIX: envMatch('[gitlab-ask-ops]', /^[\s\S]{1,40}$/, 'at most 40 characters (DirectMail allows 100 for the whole subject; the message needs the rest)'),
};

/** Messages beyond mail (ADR 0023): the alert rules' reminder interval, a DingTalk robot, a Slack webhook. */
export const notifyEnv = {
  /** An unchanged open finding is told again after this many hours. */
  NOTIFY_REMIND_HOURS: envInt(24, 1, 24 * 30),
  /** DingTalk custom robot: `https://oapi.dingtalk.com/robot/send?access_token=…` (the token is a credential). */
  DINGTALK_WEBHOOK_URL: envUrl(),
  /** The robot's signing (加签) secret, `SEC…`. */
  DINGTALK_SECRET: envStr(),
  /** Slack incoming webhook `https://hooks.slack.com/services/T…/B…/…`. */
  SLACK_WEBHOOK_URL: envUrl(),
  /** Where docs/operations.md is published (e.g. its GitLab blob URL): messages link its runbooks; unset = the path as text. */
  RUNBOOK_URL: envUrl(),
};

export const reconcileEnv = {
  /** Perform safe steps (create, patch); false = report only. */
  RECONCILE_APPLY: envBool(true),
  /** Allow recreating an unbound PV/PVC whose immutable fields drifted. Never applies to a Bound PV. */
  RECONCILE_ALLOW_RECREATE: envBool(false),
  NAS_CAPACITY: envStrDef('10Pi'),
  PVC_PENDING_MINUTES: envInt(10, 1, 24 * 60),
  /** GitLab infra project (path or id) holding the desired state; absent = the bundled infra/ directory. */
  INFRA_PROJECT: envStr(),
  INFRA_REF: envStrDef('main'),
  INFRA_PATH: envStrDef('infra'),
  HELM_REMEDIATE: envBool(false),
  RUNNER_RELEASE: envStrDef('gitlab-runner'),
  RUNNER_NAMESPACE: envStrDef('default'),
  /** How long a recreate waits for the deleted PV/PVC to be gone (finalizers) before reporting it Terminating. */
  RECONCILE_DELETE_WAIT_SECONDS: envInt(60, 0, 600),
};

/** DRILL_OSS_AUTH: `secret:<name>` (a Secret in DRILL_NAMESPACE) or `role:<RamRoleName>`. */
export const DRILL_OSS_AUTH_RE = /^(secret|role):([A-Za-z0-9][A-Za-z0-9._-]{0,127})$/;
/** ECI `eci-use-specs`: up to 5 of `<vCPU>-<mem>Gi` or an ECS instance type, comma-separated, tried in order. */
const DRILL_SPEC = String.raw`(?:\d+(?:\.\d+)?-\d+(?:\.\d+)?Gi|ecs\.[a-z0-9-]+\.[a-z0-9-]+)`;
export const DRILL_SPECS_RE = new RegExp(`^${DRILL_SPEC}(?:,${DRILL_SPEC}){0,4}$`);

/** The restore drill in ASK (docs/adr/0026): a throwaway GitLab pod restores a backup and is compared with the live one. */
export const drillEnv = {
  /** Namespace of the drill's pod and claims; the functions' drill role is bound there only (infra/k8s/rbac-grants.json). */
  DRILL_NAMESPACE: envStrDef('gitlab-ask-ops-drill'),
  /** ECI sizes (`k8s.aliyun.com/eci-use-specs`, tried in order): GitLab's documented minimum is 8 vCPU / 16 GB. */
  DRILL_SPECS: envMatch('8-16Gi', DRILL_SPECS_RE, 'up to 5 ECI sizes such as 8-16Gi or ECS types such as ecs.c6.2xlarge, comma-separated'),
  /** OSS volume auth of the drill pod: `secret:<name>` (an admin-made Secret in DRILL_NAMESPACE) or `role:<RamRoleName>`. */
  DRILL_OSS_AUTH: envMatch('secret:gitlab-ask-ops-drill-oss', DRILL_OSS_AUTH_RE, 'secret:<Secret name> or role:<RamRoleName>'),
  /** Stop following the drill pod after this long (the worker's own deadline comes first when sooner). */
  DRILL_TIMEOUT_MINUTES: envInt(240, 5, 24 * 60),
  /** Repositories whose HEAD the drill compares with the live instance. */
  DRILL_SAMPLE_REPOS: envInt(5, 0, 50),
  /** An administrator's read_api token for the comparison (GET /application/statistics is admin-only); unset = GITLAB_TOKEN. */
  DRILL_GITLAB_TOKEN: envStr(),
};

/** Every env key whose value is a secret: never printed, registered for scrubbing. */
export const SECRET_KEYS = [
  'WEBHOOK_SECRET',
  'WEBHOOK_SECRET_PREVIOUS',
  'GITLAB_TOKEN',
  'GITLAB_ADMIN_TOKEN',
  'KUBE_CONFIG',
  'ALIBABA_CLOUD_ACCESS_KEY_SECRET',
  'ALIBABA_CLOUD_SECURITY_TOKEN',
  'DINGTALK_WEBHOOK_URL',
  'DINGTALK_SECRET',
  'SLACK_WEBHOOK_URL',
  'DRILL_GITLAB_TOKEN',
] as const;

export const envSchema = z.object({
  ...coreEnv,
  ...webhookEnv,
  ...gitlabEnv,
  ...kubeEnv,
  ...imageCacheEnv,
  ...backupEnv,
  ...mailEnv,
  ...notifyEnv,
  ...reconcileEnv,
  ...drillEnv,
});

/** The parsed environment: flat, typed, defaults applied. */
export type Env = z.output<typeof envSchema>;
export type EnvKey = keyof Env;
