import type { RpcClient } from '#shared/cloud/pop/index';

/** ECS API version of Cloud Assistant (RunCommand API reference: api-ecs-2014-05-26-runcommand). */
export const ECS_API_VERSION = '2014-05-26';

/** Per-instance statuses that will not change any more (aliyun/alibabacloud-typescript-sdk `ecs-20140526` DescribeInvocationResults models). */
export const TERMINAL_STATUSES = ['Success', 'Failed', 'Invalid', 'Aborted', 'Error', 'Timeout', 'Cancelled', 'Terminated', 'Stopped'] as const;

/** One instance's result of an invocation (DescribeInvocationResults, ContentEncoding=PlainText). */
export interface InvocationResultInfo {
  invokeId: string;
  instanceId: string;
  status: string;
  errorCode: string;
  errorInfo: string;
  exitCode: number;
  output: string;
  /** Bytes of output cut beyond the 24 KB Cloud Assistant keeps. */
  dropped: number;
  startTime?: Date;
  finishedTime?: Date;
}

/** An earlier invocation found by name (DescribeInvocations). */
export interface InvocationSummary {
  invokeId: string;
  name: string;
  status: string;
  createdAt?: Date;
}

/** The Cloud Assistant agent of one instance (DescribeCloudAssistantStatus). */
export interface AgentStatus {
  /** `CloudAssistantStatus` "true": the agent sent a heartbeat in the last 2 minutes. */
  online: boolean;
  /** Empty when the agent is not installed or not running. */
  version: string;
  lastHeartbeat?: Date;
}

/** The `ecs` port: Cloud Assistant calls the backup action makes. */
export interface EcsPort {
  /** RunCommand (RunShellScript, Base64, root, TerminationMode=ProcessTree). Not idempotent: throttling/ServiceUnavailable are the only retries. */
  runCommand(req: { instanceId: string; script: string; name: string; timeoutSec: number; description?: string }): Promise<{ invokeId: string; commandId: string }>;
  /** The agent's status on the instance; undefined when the service does not list the instance. */
  agentStatus(instanceId: string): Promise<AgentStatus | undefined>;
  /** The instance's record of an invocation; undefined when the service does not know it (yet). */
  invocationResult(invokeId: string, instanceId: string): Promise<InvocationResultInfo | undefined>;
  /** Invocations on the instance whose command name is `name`, newest first. */
  findInvocations(instanceId: string, name: string): Promise<InvocationSummary[]>;
}

const date = (s: unknown): Date | undefined => (typeof s === 'string' && s ? new Date(s) : undefined);

/**
 * The `ecs` port over a POP RPC client for `ecs.<region>.aliyuncs.com` (or ECS_ENDPOINT). RunCommand content goes
 * Base64 (ContentEncoding=Base64, so quoting never matters); results come back PlainText (the API default is Base64).
 * @example
 * const ecs = createEcsPort(createRpcClient({ endpoint, apiVersion: ECS_API_VERSION, credentials }), 'ap-northeast-2');
 */
export function createEcsPort(rpc: RpcClient, regionId: string): EcsPort {
  return {
    async runCommand(r) {
      const out = await rpc.request<{ InvokeId: string; CommandId: string }>(
        'RunCommand',
        {
          RegionId: regionId,
          Type: 'RunShellScript',
          CommandContent: Buffer.from(r.script, 'utf8').toString('base64'),
          ContentEncoding: 'Base64',
          InstanceId: [r.instanceId],
          Name: r.name,
          Timeout: r.timeoutSec,
          // On Timeout the agent kills the script *and its children*: with the default (Process) it SIGKILLs the script
          // alone and gitlab-backup, tar and cp run on holding the backup lock (RunCommand API reference;
          // aliyun/aliyun_assist_client agent/util/process/processcollection/processtree_unix.go).
          TerminationMode: 'ProcessTree',
          Username: 'root',
          Description: r.description ?? 'gitlab-ask-ops nightly backup',
        },
        { method: 'POST', idempotent: false },
      );
      return { invokeId: out.InvokeId, commandId: out.CommandId };
    },
    async agentStatus(instanceId) {
      // "Run commands … only when CloudAssistantStatus is true" (DescribeCloudAssistantStatus API reference).
      const out = await rpc.request<{ InstanceCloudAssistantStatusSet?: { InstanceCloudAssistantStatus?: Array<Record<string, unknown>> } }>(
        'DescribeCloudAssistantStatus',
        { RegionId: regionId, InstanceId: [instanceId] },
        { idempotent: true },
      );
      const row = out.InstanceCloudAssistantStatusSet?.InstanceCloudAssistantStatus?.find((r) => r.InstanceId === instanceId);
      if (!row) return undefined;
      const hb = date(row.LastHeartbeatTime);
      // The API documents the status as the string "true"/"false"; samples show booleans too.
      return { online: String(row.CloudAssistantStatus) === 'true', version: String(row.CloudAssistantVersion ?? ''), ...(hb ? { lastHeartbeat: hb } : {}) };
    },
    async invocationResult(invokeId, instanceId) {
      type Row = Record<string, unknown>;
      const out = await rpc.request<{ Invocation?: { InvocationResults?: { InvocationResult?: Row[] } } }>(
        'DescribeInvocationResults',
        { RegionId: regionId, InvokeId: invokeId, InstanceId: instanceId, ContentEncoding: 'PlainText' },
        { idempotent: true },
      );
      const row = out.Invocation?.InvocationResults?.InvocationResult?.[0];
      if (!row) return undefined;
      const s = (k: string): string => (row[k] === undefined || row[k] === null ? '' : String(row[k]));
      return {
        invokeId: s('InvokeId'),
        instanceId: s('InstanceId'),
        status: s('InvocationStatus'),
        errorCode: s('ErrorCode'),
        errorInfo: s('ErrorInfo'),
        exitCode: Number(row.ExitCode ?? 0),
        output: s('Output'),
        dropped: Number(row.Dropped ?? 0),
        ...(date(row.StartTime) ? { startTime: date(row.StartTime)! } : {}),
        ...(date(row.FinishedTime) ? { finishedTime: date(row.FinishedTime)! } : {}),
      };
    },
    async findInvocations(instanceId, name) {
      type Row = Record<string, unknown>;
      // CommandName filters server-side; the name check below also covers services that ignore it.
      const out = await rpc.request<{ Invocations?: { Invocation?: Row[] } }>(
        'DescribeInvocations',
        { RegionId: regionId, InstanceId: instanceId, CommandName: name, MaxResults: 50 },
        { idempotent: true },
      );
      return (out.Invocations?.Invocation ?? [])
        .filter((r) => r.CommandName === name)
        .map((r) => ({ invokeId: String(r.InvokeId), name: String(r.CommandName), status: String(r.InvocationStatus ?? ''), ...(date(r.CreationTime) ? { createdAt: date(r.CreationTime)! } : {}) }))
        .sort((a, b) => (b.createdAt?.getTime() ?? 0) - (a.createdAt?.getTime() ?? 0));
    },
  };
}
