import { ecsAgent, hostDisk, hostFstab, hostKeepTime, hostMount, hostOssfsParts, hostStaging, mailSender, ossLifecycle, ossRead } from './checks/backup-checks';
import { configValid } from './checks/config-check';
import { fcAsyncConfig, fcFunctions, fcTriggers, fcWebhook } from './checks/fc-checks';
import { gitlabReachable, gitlabScopes, gitlabToken } from './checks/gitlab-checks';
import { gitlabInfraHook, gitlabSystemHook } from './checks/hook-checks';
import { mailAccount } from './checks/mail-account';
import { kubeApi, kubeImageCacheCrd, kubeRbac, kubeRunnerNamespace } from './checks/kube-checks';
import type { DoctorCheck } from './doctor-check';

/**
 * Every check of `ops doctor`, in output order (grouped by service in the order services first appear). One line
 * each: a new check is a `doctorCheck({...})` (or a `reuse(...)` of a preflight check) and its line here. All are
 * read-only; each needs `config.valid` and is skipped when its feature is not configured.
 */
export const DOCTOR_CHECKS: readonly DoctorCheck[] = [
  configValid,
  gitlabReachable,
  gitlabToken,
  gitlabScopes,
  gitlabSystemHook,
  gitlabInfraHook,
  fcFunctions,
  fcAsyncConfig,
  fcTriggers,
  fcWebhook,
  ecsAgent,
  hostMount,
  hostFstab,
  hostDisk,
  hostOssfsParts,
  hostKeepTime,
  hostStaging,
  ossRead,
  ossLifecycle,
  mailSender,
  mailAccount,
  kubeApi,
  kubeRbac,
  kubeImageCacheCrd,
  kubeRunnerNamespace,
];
