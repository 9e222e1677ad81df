import { pipelinePayload, pushPayload, repositoryUpdatePayload, type PipelineState, type PushFacts } from './hook-payloads';
import type { HookSender } from './hook-sender';
import type { Project } from './repo-store';
import type { HookConfig } from './types';

/**
 * A disabled hook does not fire (WebHooks::AutoDisabling#executable?); a temporary disable ends at disabled_until.
 * A system hook is always executable: SystemHook does not include WebHooks::AutoDisabling
 * (gitlabhq app/models/hooks/system_hook.rb).
 */
const executable = (h: HookConfig): boolean =>
  h.kind === 'system' || (h.alertStatus ?? 'executable') === 'executable' || (h.alertStatus === 'temporarily_disabled' && !!h.disabledUntil && Date.parse(h.disabledUntil) <= Date.now());

/** Registered hooks and which GitLab event goes to which of them, with which X-Gitlab-Event. */
export class HookFanout {
  private readonly registered: HookConfig[] = [];
  private nextId = 1;

  constructor(private readonly sender: HookSender, private readonly base: () => string) {}

  /** A system hook with the events it fires on ('push', 'repository_update', 'merge_request'). */
  addSystem(h: { url: string; token?: string }, events: string[]): HookConfig {
    return this.add({ id: this.nextId++, url: h.url, token: h.token, kind: 'system', events });
  }

  /** A project hook; events as GitLab's flags without `_events`: 'push', 'pipeline', 'merge_requests'. */
  addProject(projectId: number, h: { url: string; token?: string; events: string[] }): HookConfig {
    return this.add({ id: this.nextId++, url: h.url, token: h.token, kind: 'project', projectId, events: h.events });
  }

  /**
   * System `push`, project `Push Hook`, system `repository_update`. Each hook execution is its own WebHookWorker job
   * and so gets its own X-Gitlab-Event-UUID, unless the action came from a hook-triggered request whose UUID is
   * recycled (gitlabhq lib/gitlab/web_hooks/recursion_detection/uuid.rb `uuid_for_hook`: `request_uuid ||
   * new_uuid_for_hook(hook)`; app/services/web_hook_service.rb `async_execute` passes only the request's UUID on).
   */
  push(facts: PushFacts, recycledUuid?: string): void {
    for (const hook of this.system('push')) this.send(hook, 'System Hook', pushPayload(facts), recycledUuid);
    for (const hook of this.project(facts.project.id, 'push')) this.send(hook, 'Push Hook', pushPayload(facts, { project: true }), recycledUuid);
    for (const hook of this.system('repository_update')) this.send(hook, 'System Hook', repositoryUpdatePayload(facts), recycledUuid);
  }

  /** Project `Pipeline Hook` (pipelines have no system hook). */
  pipeline(p: Project, pl: PipelineState): void {
    const payload = pipelinePayload(p, pl, p.commits.get(pl.sha), this.base());
    for (const hook of this.project(p.id, 'pipeline')) this.send(hook, 'Pipeline Hook', payload, pl.eventUuid);
  }

  /** System `merge_request` (object_kind payload, still `System Hook`) and project `Merge Request Hook`. */
  mergeRequest(projectId: number, payload: Record<string, unknown>, recycledUuid?: string): void {
    for (const hook of this.system('merge_request')) this.send(hook, 'System Hook', payload, recycledUuid);
    for (const hook of this.project(projectId, 'merge_requests')) this.send(hook, 'Merge Request Hook', payload, recycledUuid);
  }

  /** Every registered hook (GET /hooks, GET /projects/:id/hooks). */
  list(): HookConfig[] {
    return [...this.registered];
  }

  private add(h: HookConfig): HookConfig {
    this.registered.push(h);
    return h;
  }

  private system(event: string): HookConfig[] {
    return this.registered.filter((h) => h.kind === 'system' && h.events.includes(event) && executable(h));
  }

  private project(id: number, event: string): HookConfig[] {
    return this.registered.filter((h) => h.kind === 'project' && h.projectId === id && h.events.includes(event) && executable(h));
  }

  // Fire and forget, like GitLab's async WebHookWorker; tests wait with `sender.idle()`.
  private send(hook: HookConfig, event: string, payload: Record<string, unknown>, eventUuid?: string): void {
    void this.sender.deliver({ hook, event, payload, ...(eventUuid ? { eventUuid } : {}) });
  }
}
