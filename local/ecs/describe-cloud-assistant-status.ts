import type { EmulatedHost } from './emulated-host';

// Alibaba timestamps: `2026-11-27T09:30:00Z` (seconds, UTC).
const iso = (d: Date): string => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

/** The agent version the emulated hosts report (any recent Linux agent looks like this). */
export const EMULATED_AGENT_VERSION = '2.2.3.857';

/**
 * DescribeCloudAssistantStatus (ECS 2014-05-26): one row per requested instance the region knows, with
 * `CloudAssistantStatus` as the string "true"/"false" (heartbeat within the last 2 minutes; heartbeats about 60 s
 * apart) and an empty `CloudAssistantVersion` when the agent is not running (TS SDK
 * `ecs-20140526/src/models/DescribeCloudAssistantStatusResponseBody.ts`). An agent that is down, or a stopped
 * instance, reports "false". Unknown instance ids are left out of the set (UNCONFIRMED: the real API may error).
 */
export function describeCloudAssistantStatus(hosts: Map<string, EmulatedHost>, params: Record<string, string>, now: Date, invoked: (id: string) => { count: number; last?: Date }): unknown {
  const ids = Object.keys(params).filter((k) => /^InstanceId\.\d+$/.test(k)).map((k) => params[k]!);
  const pick = ids.length ? ids.filter((id) => hosts.has(id)) : [...hosts.keys()];
  const pageSize = Math.min(50, Math.max(1, Number(params.MaxResults ?? 10) || 10));
  const rows = pick.slice(0, pageSize).map((id) => {
    const h = hosts.get(id)!;
    const up = h.status === 'Running' && !h.faults.agentNotRunning;
    const inv = invoked(id);
    return {
      InstanceId: id,
      CloudAssistantStatus: up ? 'true' : 'false',
      CloudAssistantVersion: up ? EMULATED_AGENT_VERSION : '',
      OSType: 'Linux',
      ActiveTaskCount: 0,
      InvocationCount: inv.count,
      LastInvokedTime: inv.last ? iso(inv.last) : '',
      // Down agents stopped sending heartbeats a while ago.
      LastHeartbeatTime: iso(up ? now : new Date(now.getTime() - 10 * 60_000)),
      SupportSessionManager: false,
    };
  });
  return {
    InstanceCloudAssistantStatusSet: { InstanceCloudAssistantStatus: rows },
    TotalCount: pick.length,
    PageNumber: 1,
    PageSize: pageSize,
    NextToken: '',
  };
}

/**
 * DescribeInstanceStatus (ECS 2014-05-26): `InstanceStatuses.InstanceStatus[]{InstanceId, Status}` with Status one of
 * Pending|Running|Starting|Stopping|Stopped (TS SDK `ecs-20140526/src/models/DescribeInstanceStatusResponseBody.ts`)
 * — how a power-off or reboot by exit code 193/194 shows from outside.
 */
export function describeInstanceStatus(hosts: Map<string, EmulatedHost>, params: Record<string, string>): unknown {
  const ids = Object.keys(params).filter((k) => /^InstanceId\.\d+$/.test(k)).map((k) => params[k]!);
  const pick = ids.length ? ids.filter((id) => hosts.has(id)) : [...hosts.keys()];
  const pageSize = Math.min(50, Math.max(1, Number(params.PageSize ?? 10) || 10));
  return {
    InstanceStatuses: { InstanceStatus: pick.slice(0, pageSize).map((id) => ({ InstanceId: id, Status: hosts.get(id)!.status })) },
    TotalCount: pick.length,
    PageNumber: 1,
    PageSize: pageSize,
  };
}
