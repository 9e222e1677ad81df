import { randomBytes } from 'node:crypto';
import { PopError } from '#local/pop/pop-error';
import type { PopProduct } from '#local/pop/types';
import { EmulatedHost, type EmulatedHostOptions } from './emulated-host';
import { runInvocation, type AgentTiming, type Invocation, type TerminationMode } from './invocation';
import { describeInvocationResults, describeInvocations } from './describe-invocations';
import { describeCloudAssistantStatus, describeInstanceStatus } from './describe-cloud-assistant-status';

/** RunCommand limit: CommandContent ≤ 24 KB after Base64, parameters included (RunCommand API reference). */
export const COMMAND_CONTENT_MAX_BYTES = 24 * 1024;

/** The Cloud Assistant's state: hosts by instance id and every invocation made. Plug `product` into any POP emulator. */
export interface CloudAssistant {
  product: PopProduct;
  hosts: Map<string, EmulatedHost>;
  invocations: Invocation[];
  /** Add a GitLab host (instance) backed by a scratch root. */
  addHost(opts: EmulatedHostOptions): EmulatedHost;
  /** Resolves when every invocation so far reached a terminal status. */
  settled(): Promise<void>;
  /** Called with each invocation when it reaches a terminal status (the sandbox's fault counters use it). */
  onInvocationDone(listener: (inv: Invocation) => void): void;
  /** Wait for running scripts (bounded by their Timeout), then remove every scratch root. */
  dispose(): Promise<void>;
}

// Alibaba ids look like `c-hz01jdfwcsr2k8q` / `t-hz0jdfwd9f3x2m`: a prefix, a region tag, lower-case base36.
function newId(prefix: 'c' | 't'): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  return `${prefix}-hz${Array.from(randomBytes(14), (b) => alphabet[b % 36]).join('')}`;
}

function required(params: Record<string, string>, key: string): string {
  const v = params[key];
  if (v === undefined || v === '') throw new PopError(400, 'MissingParameter', `The input parameter "${key}" that is mandatory for processing this request is not supplied.`);
  return v;
}

/** Substitute `{{name}}` and the `{{ACS::…}}` built-ins when EnableParameter=true. */
function applyParameters(content: string, params: Record<string, string>, builtins: Record<string, string>): string {
  let values: Record<string, unknown> = {};
  if (params.Parameters) {
    try {
      values = JSON.parse(params.Parameters) as Record<string, unknown>;
    } catch {
      // The official SDKs send the map as a JSON string; anything else is the caller's bug.
      throw new PopError(400, 'InvalidParameter.Parameters', 'The specified parameter "Parameters" is not valid JSON.');
    }
  }
  return content.replace(/\{\{\s*([A-Za-z0-9_:.-]+)\s*\}\}/g, (m, name: string) => {
    if (name.startsWith('ACS::')) return builtins[name] ?? m;
    if (!(name in values)) throw new PopError(400, 'MissingParameter.Parameters', `The parameter "${name}" of the command is not supplied.`);
    return String(values[name]);
  });
}

/**
 * The ECS Cloud Assistant product (API 2014-05-26) for the POP emulator: RunCommand really runs the script on the
 * emulated host; DescribeInvocationResults / DescribeInvocations report it with the real response shapes.
 */
export function createCloudAssistant(timing: AgentTiming): CloudAssistant {
  const hosts = new Map<string, EmulatedHost>();
  const invocations: Invocation[] = [];
  const listeners: Array<(inv: Invocation) => void> = [];

  const RunCommand = (params: Record<string, string>): unknown => {
    const regionId = required(params, 'RegionId');
    const type = required(params, 'Type');
    const raw = required(params, 'CommandContent');
    if (!['RunShellScript', 'RunBatScript', 'RunPowerShellScript'].includes(type)) {
      throw new PopError(400, 'InvalidParameter.Type', 'The specified parameter "Type" is not valid.');
    }
    // ContentEncoding defaults to PlainText for RunCommand; invalid values count as PlainText (RunCommand API reference).
    const base64 = (params.ContentEncoding ?? '').toLowerCase() === 'base64';
    const b64Size = base64 ? raw.length : Buffer.from(raw).toString('base64').length;
    // Error code for an oversized command is UNCONFIRMED; the 24 KB limit itself is documented.
    if (b64Size > COMMAND_CONTENT_MAX_BYTES) {
      throw new PopError(400, 'InvalidCommandContent.LengthLimitExceeded', 'The specified parameter "CommandContent" exceeds the length limit.');
    }
    const content = base64 ? Buffer.from(raw, 'base64').toString('utf8') : raw;
    const ids = Object.keys(params).filter((k) => /^InstanceId\.\d+$/.test(k)).map((k) => params[k]!);
    if (ids.length === 0) required(params, 'InstanceId.1');
    for (const id of ids) {
      if (!hosts.has(id)) throw new PopError(404, 'InvalidInstanceId.NotFound', `The specified instance ${id} does not exist.`);
    }
    const timeoutSec = params.Timeout ? Number(params.Timeout) : 60;
    if (!Number.isInteger(timeoutSec) || timeoutSec < 1 || timeoutSec > 86_400) {
      throw new PopError(400, 'InvalidParameter.Timeout', 'The specified parameter "Timeout" is not valid.');
    }
    // TerminationMode: Process (default) | ProcessTree (RunCommand API reference; the error code for another value
    // is UNCONFIRMED).
    const terminationMode = (params.TerminationMode || 'Process') as TerminationMode;
    if (terminationMode !== 'Process' && terminationMode !== 'ProcessTree') {
      throw new PopError(400, 'InvalidParameter.TerminationMode', 'The specified parameter "TerminationMode" is not valid.');
    }
    const commandId = newId('c');
    const invokeId = newId('t');
    for (const instanceId of ids) {
      const host = hosts.get(instanceId)!;
      const inv: Invocation = {
        invokeId, commandId, instanceId,
        name: params.Name ?? '',
        commandContent: params.EnableParameter === 'true'
          ? applyParameters(content, params, { 'ACS::RegionId': regionId, 'ACS::InstanceId': instanceId, 'ACS::InvokeId': invokeId, 'ACS::CommandId': commandId })
          : content,
        timeoutSec,
        terminationMode,
        username: params.Username || 'root',
        workingDir: params.WorkingDir || '/root',
        createdAt: new Date(),
        status: 'Pending', exitCode: undefined, errorCode: '', errorInfo: '',
        startTime: undefined, finishedTime: undefined,
        output: Buffer.alloc(0), outputBytes: 0,
        done: Promise.resolve(),
      };
      invocations.push(inv);
      if (type !== 'RunShellScript') {
        Object.assign(inv, { status: 'Invalid', errorCode: 'CommandNotApplicable', errorInfo: 'the command is not applicable', finishedTime: new Date() });
      } else if (inv.username !== 'root') {
        Object.assign(inv, { status: 'Invalid', errorCode: 'AccountNotExists', errorInfo: 'the specified account does not exists', finishedTime: new Date() });
      } else {
        runInvocation(inv, host, timing);
      }
      void inv.done.then(() => listeners.forEach((l) => l(inv)));
    }
    return { CommandId: commandId, InvokeId: invokeId };
  };

  const product: PopProduct = {
    name: 'ecs',
    version: '2014-05-26',
    actions: {
      RunCommand,
      DescribeInvocationResults: (params) => {
        required(params, 'RegionId');
        return describeInvocationResults(invocations, params);
      },
      DescribeInvocations: (params) => {
        required(params, 'RegionId');
        return describeInvocations(invocations, params);
      },
      DescribeInstanceStatus: (params) => {
        required(params, 'RegionId');
        return describeInstanceStatus(hosts, params);
      },
      DescribeCloudAssistantStatus: (params, ctx) => {
        required(params, 'RegionId');
        return describeCloudAssistantStatus(hosts, params, ctx.now, (id) => {
          const mine = invocations.filter((i) => i.instanceId === id);
          return { count: mine.length, ...(mine.at(-1) ? { last: mine.at(-1)!.createdAt } : {}) };
        });
      },
    },
  };
  const settled = async (): Promise<void> => {
    await Promise.all(invocations.map((i) => i.done));
  };
  const addHost = (h: EmulatedHostOptions): EmulatedHost => {
    if (hosts.has(h.instanceId)) throw new Error(`host ${h.instanceId} exists`);
    const host = new EmulatedHost(h);
    hosts.set(h.instanceId, host);
    return host;
  };
  const dispose = async (): Promise<void> => {
    await settled();
    for (const h of hosts.values()) h.dispose();
  };
  return { product, hosts, invocations, addHost, settled, dispose, onInvocationDone: (l) => void listeners.push(l) };
}
