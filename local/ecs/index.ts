import { startPopEmulator, type PopCredential, type PopEmulator } from '#local/pop/index';
import type { Faults } from '#local/sandbox/faults';
import { createCloudAssistant } from './cloud-assistant';
import type { EmulatedHost, EmulatedHostOptions } from './emulated-host';
import type { Invocation } from './invocation';

export { EmulatedHost, type EmulatedHostOptions, type FstabEntry, type HostFaults, type InstanceState, type PowerEvent } from './emulated-host';
export { createCloudAssistant, type CloudAssistant } from './cloud-assistant';
export { hostFaults, legacyLockDaemon } from './host-faults';
export { killProcessTree } from './process-tree';
export { EXIT_CODE_POWEROFF, EXIT_CODE_REBOOT, type Invocation, type InvocationStatus, type TerminationMode } from './invocation';

/** Options of the ECS Cloud Assistant emulator. */
export interface EcsEmulatorOptions {
  port?: number;
  /** Keys the POP gateway accepts (default: one sandbox key). */
  credentials?: PopCredential[];
  /** Hosts to create up front. */
  hosts?: EmulatedHostOptions[];
  /** Pending time before the agent runs a command (default 20 ms) and the delivery-timeout delay (default 200 ms). */
  deliveryMs?: number;
  deliveryTimeoutMs?: number;
}

/** A running ECS emulator: the POP endpoint plus control over the emulated hosts. */
export interface EcsEmulator {
  url: string;
  close(): Promise<void>;
  faults: Faults;
  pop: PopEmulator;
  /** Add a GitLab host (instance) backed by a scratch root. */
  addHost(opts: EmulatedHostOptions): EmulatedHost;
  host(instanceId: string): EmulatedHost;
  invocations: Invocation[];
  /** Resolves when every invocation so far reached a terminal status. */
  settled(): Promise<void>;
  /** Called with each invocation when it reaches a terminal status. */
  onInvocationDone(listener: (inv: Invocation) => void): void;
}

/** The sandbox's default key pair. */
export const ECS_SANDBOX_CREDENTIAL: PopCredential = { accessKeyId: 'LTAIsandboxEcs', accessKeySecret: 'sandbox-ecs-secret' };

/**
 * Start the ECS Cloud Assistant emulator on 127.0.0.1 (port 0 = random), served through the signed POP core so
 * pop-core's RPCClient works unchanged (apiVersion 2014-05-26).
 *
 * @example
 * const ecs = await startEcsEmulator({ hosts: [{ instanceId: 'i-gitlab', mountBackingDir: oss.bucketDir('backups') }] });
 */
export async function startEcsEmulator(opts: EcsEmulatorOptions = {}): Promise<EcsEmulator> {
  const ca = createCloudAssistant({ deliveryMs: opts.deliveryMs ?? 20, deliveryTimeoutMs: opts.deliveryTimeoutMs ?? 200 });
  const pop = await startPopEmulator({ port: opts.port, credentials: opts.credentials ?? [ECS_SANDBOX_CREDENTIAL], products: [ca.product] });
  for (const h of opts.hosts ?? []) ca.addHost(h);
  return {
    url: pop.url,
    faults: pop.faults,
    pop,
    addHost: ca.addHost,
    host: (id) => {
      const h = ca.hosts.get(id);
      if (!h) throw new Error(`no emulated host ${id}`);
      return h;
    },
    invocations: ca.invocations,
    settled: ca.settled,
    onInvocationDone: ca.onInvocationDone,
    close: async () => {
      await pop.close();
      await ca.dispose();
    },
  };
}
