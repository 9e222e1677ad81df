import { UsageError } from '../args';
import { doctorJson, renderDoctor, runDoctor } from '../doctor/run-doctor';
import { defineCommand } from '../registry';

/**
 * `doctor [--json]`: every read-only check of the configured services — config, GitLab (version, token, hooks), FC
 * (functions, async config, triggers, webhook), the GitLab host (Cloud Assistant, ossfs mount, fstab, disk), OSS,
 * DirectMail, Kubernetes (RBAC per verb, ImageCache CRD, runner namespace) — each ok, failed (with its fix) or
 * skipped. Exit 0 only when nothing failed. Checks are listed in local/cli/doctor/checks.ts.
 */
export const doctorCommand = defineCommand({
  name: 'doctor',
  summary: 'check every prerequisite against the configured services (read-only); exit 1 if any check fails',
  flags: [{ name: '--json', summary: 'print {"checks":[{"id","service","status","detail","fix"}],"elapsedMs"} (fix: null when none)' }],
  targets: ['gitlab', 'cluster', 'instance', 'bucket', 'fc'],
  details: 'exit: 0 nothing failed, 1 a check failed (or doctor could not run), 2 usage error.\nPermission checks (oss.read, k8s.rbac) answer for the keys doctor runs with: the functions\' role\'s for an exact answer.',
  check: (a) => {
    if (a.positionals.length) throw new UsageError(`unexpected argument "${a.positionals[0]}"`);
  },
  async run({ args, io }) {
    const report = await runDoctor(io.env, io.cwd);
    if (args.flags.json) io.out(doctorJson(report));
    else for (const l of renderDoctor(report)) io.out(l);
    return report.checks.some((c) => c.status === 'failed') ? 1 : 0;
  },
});
