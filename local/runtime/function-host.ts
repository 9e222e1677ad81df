import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { FcContext, FcHandler } from '#shared/runtime/fc-types';
import type { FcCredential } from '#local/fc/fc-auth';
import type { FunctionSpec } from './s-yaml';

export interface FunctionHostOptions {
  functions: FunctionSpec[];
  /** Where `functions/<functionName>/handler.ts` live (default `<repo>/functions`). */
  functionsDir?: string;
  /** Per-function override of the handler module directory (tests use fixture handlers). */
  functionDirs?: Record<string, string>;
  /** The sandbox's STS keys, handed to handlers as `context.credentials` like the function role's. */
  credentials: FcCredential;
  accountId: string;
}

/** Per-invocation facts FC puts on `context`. */
export interface InvocationMeta {
  requestId: string;
  retryCount?: number;
}

/** Thrown when a function runs past its `timeout` (FC ends the instance; the invocation fails). */
export class FunctionTimeoutError extends Error {
  constructor(fn: string, seconds: number) {
    super(`function ${fn} timed out after ${seconds}s`);
    this.name = 'FunctionTimeout';
  }
}

const REPO_ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));

/**
 * Loads each function's handler in-process, once (a warm instance), and calls it FC-style: the event as a Buffer
 * and a context with requestId, STS credentials, function {name, handler, memory, timeout}, region and accountId.
 */
export class FunctionHost {
  private readonly modules = new Map<string, Promise<FcHandler>>();
  private readonly specs: Map<string, FunctionSpec>;

  constructor(private readonly opts: FunctionHostOptions) {
    this.specs = new Map(opts.functions.map((f) => [f.functionName, f]));
  }

  has(fn: string): boolean {
    return this.specs.has(fn);
  }

  spec(fn: string): FunctionSpec | undefined {
    return this.specs.get(fn);
  }

  /** The handler file for a function: `functions/<name>/handler.ts` unless overridden. */
  handlerPath(fn: string): string {
    const dir = this.opts.functionDirs?.[fn] ?? join(this.opts.functionsDir ?? join(REPO_ROOT, 'functions'), fn);
    return join(dir, 'handler.ts');
  }

  private load(spec: FunctionSpec): Promise<FcHandler> {
    let p = this.modules.get(spec.functionName);
    if (!p) {
      const file = this.handlerPath(spec.functionName);
      // `index.handler` → export `handler` (esbuild bundles handler.ts as index.js for FC).
      const exportName = spec.handler.includes('.') ? spec.handler.slice(spec.handler.lastIndexOf('.') + 1) : 'handler';
      p = (async () => {
        if (!existsSync(file)) throw new Error(`no handler for ${spec.functionName}: ${file} does not exist`);
        const mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
        const fn = mod[exportName];
        if (typeof fn !== 'function') throw new Error(`${file} does not export "${exportName}"`);
        return fn as FcHandler;
      })();
      this.modules.set(spec.functionName, p);
      p.catch(() => this.modules.delete(spec.functionName)); // a failed cold start is retried by the next call
    }
    return p;
  }

  /** Invoke a function with the raw event bytes; rejects with its error or a FunctionTimeoutError. */
  async invoke(fn: string, event: Buffer, meta: InvocationMeta): Promise<unknown> {
    const spec = this.specs.get(fn);
    if (!spec) throw new Error(`function ${fn} is not defined in s.yaml`);
    const handler = await this.load(spec);
    const context: FcContext & Record<string, unknown> = {
      requestId: meta.requestId,
      credentials: { ...this.opts.credentials },
      function: { name: fn, handler: spec.handler, memory: spec.memorySize, timeout: spec.timeout },
      service: {},
      region: spec.region,
      accountId: this.opts.accountId,
      retryCount: meta.retryCount ?? 0,
      callbackWaitsForEmptyEventLoop: false,
      tracing: {},
    };
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new FunctionTimeoutError(fn, spec.timeout)), spec.timeout * 1000);
      timer.unref();
    });
    try {
      return await Promise.race([handler(event, context), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}
