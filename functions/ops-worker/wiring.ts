/**
 * Port wiring for the worker: each feature registers its lazily built port here, e.g.
 *   registerPort('kube', (d) => createKubePort(d));
 * Kept in one file so the handler stays thin and bundles only what is wired.
 */
import { ecsPortFromConfig } from '#shared/backup/ecs-port-from-config';
import { ossPortFromConfig } from '#shared/cloud/oss/index';
import { createRemoteReader } from '#shared/ci/remote-reader';
import { requireKeys } from '#shared/config/index';
import { createGitlabPort } from '#shared/gitlab/api/index';
import { createKubePortFromConfig } from '#shared/kube/kube-port-from-config';
import { createMailPort } from '#shared/mail/index';
import { createChannels } from '#shared/notify/create-channels';
import { registerPort } from './deps';

// mail: DirectMail mailer, or one that logs "mail skipped" when MAIL_ENABLED=false or MAIL_FROM/MAIL_TO are unset.
registerPort('mail', (d) => createMailPort(d));

// channels: DirectMail + the DingTalk robot and Slack webhook when configured, kept per warm instance (DingTalk's
// rate-limit window lives in it). Actions reach them through functions/ops-worker/notify.ts (ADR 0023).
registerPort('channels', (d) => createChannels(d));

// gitlab: @gitbeaker/rest behind GitlabPort; GITLAB_URL and GITLAB_TOKEN are checked when a feature first uses it.
registerPort('gitlab', ({ config, log }) => {
  requireKeys(config, 'gitlab', ['GITLAB_URL', 'GITLAB_TOKEN']);
  const e = config.env;
  return createGitlabPort({ url: e.GITLAB_URL!, token: e.GITLAB_TOKEN!, timeoutMs: e.GITLAB_TIMEOUT_MS, concurrency: e.GITLAB_CONCURRENCY, log });
});

// remoteIncludes: https fetcher for `include:remote` URLs on GITLAB_REMOTE_INCLUDE_ALLOWLIST (ADR 0019), with its
// own 10 s per file (GitLab's, under its 30 s config deadline), not GITLAB_TIMEOUT_MS: these are not GitLab's API.
registerPort('remoteIncludes', ({ config }) => createRemoteReader({ allowlist: config.env.GITLAB_REMOTE_INCLUDE_ALLOWLIST }));

// kube: client-node behind KubePort; kubeconfig from CS (ASK_CLUSTER_ID), KUBE_CONFIG or KUBECONFIG_PATH, checked on first use.
registerPort('kube', (d) => createKubePortFromConfig(d));

// oss: ali-oss behind OssPort (backup verification, retention, watchdog); OSS_BUCKET checked on first use.
registerPort('oss', (d) => ossPortFromConfig(d));

// ecs: Cloud Assistant (RunCommand / DescribeInvocationResults) over pop-core for the backup action.
registerPort('ecs', (d) => ecsPortFromConfig(d));
