import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EciOptions } from '#local/kube/eci-controller';
import { startKubeEmulator } from '#local/kube/index';
import type { SandboxPart } from '../boot';

/**
 * The sandbox's ASK cluster for `npm start`: the Kubernetes emulator over https (self-signed), because kubectl and
 * helm send the bearer token only over TLS (local/kube/kube-emulator.ts), so the printed
 * `kubectl --kubeconfig .sandbox/kubeconfig get imagecaches` works. The kubeconfig is written to
 * `<stateDir>/kubeconfig` and handed on as KUBE_SANDBOX_KUBECONFIG for the CS part only: the functions get their
 * kubeconfig from CS DescribeClusterUserKubeconfig, as in production (no KUBECONFIG_PATH shortcut).
 */
export function createKubePart(eci: EciOptions = { readyAfterMs: 2_000, unpullable: ['unpullable.example.com/'] }): SandboxPart {
  return {
    name: 'kube',
    async start(ctx) {
      const kube = await startKubeEmulator({ eci, tls: true });
      mkdirSync(ctx.stateDir, { recursive: true });
      const path = join(ctx.stateDir, 'kubeconfig');
      writeFileSync(path, kube.kubeconfig, { mode: 0o600 });
      return {
        env: { KUBE_SANDBOX_KUBECONFIG: path },
        urls: { kube: kube.url },
        close: () => kube.close(),
      };
    },
  };
}

/** The default Kubernetes part of `sandboxParts` (ImageCaches turn Ready after 2 s, like a quick real pull). */
export const kubePart: SandboxPart = createKubePart();
