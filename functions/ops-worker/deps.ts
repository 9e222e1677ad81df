import type { Config } from '#shared/config/index';
import type { Logger } from '#shared/log/index';
import type { CloudCredentials } from '#shared/runtime/index';

/**
 * The worker's ports, each built on first use and then kept for the warm instance. Features add a lazy getter here
 * (e.g. `kube`, `gitlab`, `ecs`, `oss`, `mail`) backed by a factory in shared/<feature>/.
 */
export interface WorkerPorts {
  /** Populated by feature modules; see createWorkerPorts. */
  readonly [name: string]: unknown;
}

export interface PortDeps {
  config: Config;
  log: Logger;
  /** Credentials of this invocation (STS keys rotate; ports that sign requests read them through this getter). */
  credentials: () => CloudCredentials | undefined;
}

type Factory = (deps: PortDeps) => unknown;
const factories = new Map<string, Factory>();

/** Register a lazily built port (called at module load by the feature's wiring file). */
export function registerPort(name: string, factory: Factory): void {
  factories.set(name, factory);
}

/** Ports object whose properties are built on first access and cached. */
export function createWorkerPorts(deps: PortDeps): WorkerPorts {
  const cache = new Map<string, unknown>();
  return new Proxy({} as WorkerPorts, {
    get(_t, prop) {
      if (typeof prop !== 'string') return undefined;
      if (cache.has(prop)) return cache.get(prop);
      const f = factories.get(prop);
      if (!f) return undefined;
      const port = f(deps);
      cache.set(prop, port);
      return port;
    },
  });
}
