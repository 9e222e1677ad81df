import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SandboxPart } from '#local/sandbox/boot';
import type { EciOptions } from './eci-controller';
import { startKubeEmulator } from './kube-emulator';

/**
 * The sandbox's ASK cluster: a Kubernetes emulator whose kubeconfig is written to `<stateDir>/kube/kubeconfig` and
 * handed to the functions as KUBECONFIG_PATH (and to a CS emulator part as KUBE_SANDBOX_KUBECONFIG, to serve from
 * DescribeClusterUserKubeconfig). Plain http: client-node sends the token over it; kubectl users pass the file too.
 */
export function createKubeSandboxPart(eci: EciOptions = { readyAfterMs: 2_000, unpullable: ['unpullable.example.com/'] }): SandboxPart {
  return {
    name: 'kube',
    async start(ctx) {
      const kube = await startKubeEmulator({ eci });
      const dir = join(ctx.stateDir, 'kube');
      mkdirSync(dir, { recursive: true });
      const path = join(dir, 'kubeconfig');
      writeFileSync(path, kube.kubeconfig, { mode: 0o600 });
      return {
        env: { KUBECONFIG_PATH: path, KUBE_SANDBOX_KUBECONFIG: path },
        urls: { kube: kube.url },
        close: () => kube.close(),
      };
    },
  };
}

/** The default Kubernetes part for `sandboxParts` in local/sandbox/boot.ts. */
export const kubeSandboxPart: SandboxPart = createKubeSandboxPart();
