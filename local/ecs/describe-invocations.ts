import type { Invocation, InvocationStatus } from './invocation';

// Alibaba timestamps: `2026-11-27T09:30:00Z` (seconds, UTC).
const iso = (d: Date | undefined): string => (d ? d.toISOString().replace(/\.\d{3}Z$/, 'Z') : '');
const terminal = (s: InvocationStatus): boolean => s !== 'Pending' && s !== 'Running';

/** Record-level status: Running until done; then Finished (exit 0) or Failed (timeout, non-zero, not delivered). */
function recordStatus(s: InvocationStatus): string {
  if (!terminal(s)) return 'Running';
  return s === 'Success' ? 'Finished' : 'Failed';
}

function page(params: Record<string, string>): { pageNumber: number; pageSize: number } {
  const pageNumber = Math.max(1, Number(params.PageNumber ?? 1) || 1);
  const pageSize = Math.min(50, Math.max(1, Number(params.MaxResults ?? params.PageSize ?? 10) || 10));
  return { pageNumber, pageSize };
}

function filter(all: Invocation[], params: Record<string, string>): Invocation[] {
  return all
    .filter((i) => !params.InvokeId || i.invokeId === params.InvokeId)
    .filter((i) => !params.InstanceId || i.instanceId === params.InstanceId)
    .filter((i) => !params.CommandId || i.commandId === params.CommandId)
    .filter((i) => !params.CommandName || i.name === params.CommandName)
    .filter((i) => !params.InvokeRecordStatus || recordStatus(i.status) === params.InvokeRecordStatus)
    .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
}

/**
 * DescribeInvocationResults body (aliyun/alibabacloud-typescript-sdk `ecs-20140526/src/models/DescribeInvocationResultsResponseBody.ts`): Output is Base64 unless ContentEncoding=PlainText, at most
 * 24 KB (head + tail, see invocation.ts) with `Dropped` = bytes cut from the middle.
 */
export function describeInvocationResults(all: Invocation[], params: Record<string, string>): unknown {
  const { pageNumber, pageSize } = page(params);
  const hits = filter(all, params);
  const plain = (params.ContentEncoding ?? '').toLowerCase() === 'plaintext';
  const rows = hits.slice((pageNumber - 1) * pageSize, pageNumber * pageSize).map((i) => ({
    CommandId: i.commandId,
    InvokeId: i.invokeId,
    InstanceId: i.instanceId,
    InvocationStatus: i.status,
    InvokeRecordStatus: recordStatus(i.status),
    ExitCode: i.exitCode ?? 0,
    Output: plain ? i.output.toString('utf8') : i.output.toString('base64'),
    Dropped: i.outputBytes - i.output.length,
    ErrorCode: i.errorCode,
    ErrorInfo: i.errorInfo,
    StartTime: iso(i.startTime),
    FinishedTime: terminal(i.status) ? iso(i.finishedTime) : '',
    StopTime: '',
    Repeats: i.startTime ? 1 : 0,
    Username: i.username,
    ContainerId: '',
    ContainerName: '',
    Launcher: '',
    Tags: { Tag: [] },
  }));
  return {
    Invocation: {
      InvocationResults: { InvocationResult: rows },
      TotalCount: hits.length,
      PageSize: pageSize,
      PageNumber: pageNumber,
      NextToken: '',
    },
  };
}

/** Aggregate status over an invocation's instances (the overall InvocationStatus of DescribeInvocations). */
function aggregate(list: Invocation[]): string {
  if (list.some((i) => !terminal(i.status))) return list.some((i) => i.status === 'Running') ? 'Running' : 'Pending';
  const ok = list.filter((i) => i.status === 'Success').length;
  return ok === list.length ? 'Success' : ok === 0 ? 'Failed' : 'PartialFailed';
}

/** DescribeInvocations body: one entry per InvokeId with its per-instance records and the command (Base64). */
export function describeInvocations(all: Invocation[], params: Record<string, string>): unknown {
  const { pageNumber, pageSize } = page(params);
  const byId = new Map<string, Invocation[]>();
  for (const i of filter(all, { ...params, InvokeRecordStatus: '' })) byId.set(i.invokeId, [...(byId.get(i.invokeId) ?? []), i]);
  const groups = [...byId.values()];
  const rows = groups.slice((pageNumber - 1) * pageSize, pageNumber * pageSize).map((list) => {
    const first = list[0]!;
    const status = aggregate(list);
    return {
      InvokeId: first.invokeId,
      CommandId: first.commandId,
      CommandName: first.name,
      CommandType: 'RunShellScript',
      CommandContent: Buffer.from(first.commandContent).toString('base64'),
      InvocationStatus: status,
      InvokeStatus: status === 'Success' || status === 'Failed' || status === 'PartialFailed' ? 'Finished' : 'Running',
      CreationTime: iso(first.createdAt),
      Timeout: first.timeoutSec,
      Username: first.username,
      RepeatMode: 'Once',
      InvokeInstances: {
        InvokeInstance: list.map((i) => ({
          InstanceId: i.instanceId,
          InvocationStatus: i.status,
          InstanceInvokeStatus: recordStatus(i.status),
          ExitCode: i.exitCode ?? 0,
          ErrorCode: i.errorCode,
          ErrorInfo: i.errorInfo,
          StartTime: iso(i.startTime),
          FinishTime: terminal(i.status) ? iso(i.finishedTime) : '',
          Dropped: i.outputBytes - i.output.length,
          Repeats: i.startTime ? 1 : 0,
        })),
      },
    };
  });
  return { Invocations: { Invocation: rows }, TotalCount: groups.length, PageSize: pageSize, PageNumber: pageNumber };
}
