import { stateFault, type NamedFault } from '#local/sandbox/named-faults';
import type { SandboxLinks } from '#local/sandbox/boot';
import type { EmulatedHost } from './emulated-host';
import { RESTORE_FAIL_POINTS, type RestoreFailPoint } from './host-faults-types';
import type { Invocation } from './invocation';

/** A restore run on the host (not its read-only preflight probe). */
const isRestoreRun = (inv: Invocation): boolean => inv.name.startsWith('gitlab-ask-ops-restore-') && inv.name !== 'gitlab-ask-ops-restore-preflight';

/** Another patch release of a GitLab version (`17.5.1-ee` → `17.5.2-ee`): what an unplanned package upgrade leaves. */
export const nextPatch = (v: string): string => v.replace(/^(\d+\.\d+\.)(\d+)/, (_m, a: string, b: string) => `${a}${Number(b) + 1}`);

/**
 * The sandbox's restore faults, acting on every emulated GitLab: the ECS host (the restore action) and, through
 * `links.gitlabFaults`, the kube emulator's drill pods (the restore drill). `times` counts restore runs on the host and
 * drill pods that ended.
 * - `restore-fails`: a restore step fails as GitLab's would — `restore` (default: the database dump does not load,
 *   "Restore failed"), `stop`, `reconfigure`, `restart` (gitlab-ctl), `check` (gitlab:check), `doctor`
 *   (gitlab:doctor:secrets);
 * - `version-mismatch`: the host runs the next patch release (the restore refuses), and a drill pod's image holds
 *   another GitLab than its tag (gitlab-backup restore says "GitLab version mismatch" and exits 1).
 */
export function restoreFaults(host: EmulatedHost, links: SandboxLinks, onInvocationDone: (l: (inv: Invocation) => void) => void): NamedFault[] {
  const shared = (links.gitlabFaults ??= {});
  let before: string | undefined;
  const faults = [
    stateFault({
      name: 'restore-fails',
      description: 'a restore step fails on the GitLab host and in drill pods: the database dump does not load ("Restore failed", default), or gitlab-ctl stop/reconfigure/restart, gitlab:check or gitlab:doctor:secrets fails',
      argHelp: `${RESTORE_FAIL_POINTS.join(' | ')} (default restore)`,
      apply: (s) => {
        const at = (s.arg ?? 'restore') as RestoreFailPoint;
        if (!RESTORE_FAIL_POINTS.includes(at)) throw new Error(`restore-fails: ${s.arg} is not one of ${RESTORE_FAIL_POINTS.join(', ')}`);
        host.faults.restoreFails = at;
        shared.restoreFails = at;
      },
      revert: () => {
        delete host.faults.restoreFails;
        delete shared.restoreFails;
      },
    }),
    stateFault({
      name: 'version-mismatch',
      description: 'the GitLab host runs the next patch release (a restore refuses: GitLab restores only onto the same version), and a drill pod\'s image holds another GitLab than its tag ("GitLab version mismatch")',
      apply: () => {
        before ??= host.version;
        host.version = nextPatch(before);
        shared.versionShift = true;
      },
      revert: () => {
        if (before) host.version = before;
        before = undefined;
        delete shared.versionShift;
      },
    }),
  ];
  shared.used = () => {
    for (const f of faults) f.used();
  };
  onInvocationDone((inv) => {
    if (inv.instanceId === host.instanceId && isRestoreRun(inv)) shared.used?.();
  });
  return faults;
}
