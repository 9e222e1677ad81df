import { describe, expect, it } from 'vitest';
import { SECRET_KEYS } from '#shared/config/sections';
import { shellSettings } from './shell-settings';

describe('shellSettings (what npm start takes from the shell)', () => {
  it('passes tuning keys, never targets, endpoints, regions or secrets, nor keys that are not configuration', () => {
    const env = {
      BACKUP_TIMEOUT_SECONDS: '600', BACKUP_KEEP_DAYS: '0', LOG_LEVEL: 'warn', MAIL_TO: 'me@example.com',
      GITLAB_URL: 'https://gitlab.prod.example.com', OSS_BUCKET: 'prod-backups', ASK_CLUSTER_ID: 'c123', KUBECONFIG: '/home/me/.kube/prod',
      OSS_ENDPOINT: 'https://oss-ap-northeast-2.aliyuncs.com', FC_REGION: 'ap-northeast-2', HOME: '/home/me', PATH: '/usr/bin', RECONCILE_ALLOW_RECREATE: '',
      ...Object.fromEntries(SECRET_KEYS.map((k) => [k, 'prod-secret'])),
    };
    expect(shellSettings(env)).toEqual({ BACKUP_TIMEOUT_SECONDS: '600', BACKUP_KEEP_DAYS: '0', LOG_LEVEL: 'warn', MAIL_TO: 'me@example.com' });
  });
});
