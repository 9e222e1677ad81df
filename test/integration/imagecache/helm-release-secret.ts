import { gzipSync } from 'node:zlib';
import type { V1Secret } from '@kubernetes/client-node';

/** The seed guide's runners.config (its helmfile.yaml; docs/background.md, step 5) trimmed to what matters for images. */
export const SEED_RUNNER_TOML = `concurrent = 2
check_interval = 0
[[runners]]
  [runners.kubernetes]
    namespace = "{{.Release.Namespace}}"
    pull_policy = "if-not-present"
    helper_image = "gitlab/gitlab-runner-helper:x86_64-latest"
    [runners.kubernetes.pod_annotations]
      "k8s.aliyun.com/eci-image-cache" = "true"
`;

/**
 * A Helm release Secret as helm stores it (`encodeRelease` in
 * https://github.com/helm/helm/blob/v3.21.4/pkg/storage/driver/util.go), with `config` as the user values.
 */
export function helmReleaseSecret(name: string, namespace: string, config: Record<string, unknown>, revision = 1, appVersion = 'v18.9.0'): V1Secret {
  const release = { name, namespace, version: revision, config, info: { status: 'deployed' }, chart: { metadata: { name: 'gitlab-runner', version: '0.86.0', appVersion }, values: { image: { registry: 'registry.gitlab.com', image: 'gitlab-org/gitlab-runner' } } } };
  const helmBytes = Buffer.from(gzipSync(Buffer.from(JSON.stringify(release))).toString('base64'));
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'helm.sh/release.v1',
    metadata: { name: `sh.helm.release.v1.${name}.v${revision}`, namespace, labels: { name, owner: 'helm', status: 'deployed', version: String(revision) } },
    data: { release: helmBytes.toString('base64') },
  };
}
