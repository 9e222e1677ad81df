import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { str, UsageError } from '../args';
import { defineCommand } from '../registry';
import { getJson, printOverview, type Overview } from './sandbox-client';

/**
 * `sandbox push <project>` acts as a developer pushing to the running sandbox's GitLab (default change: a comment
 * appended to the CI config, enough for the webhook to hand a prewarm to the worker); with `--wait`, it follows the
 * worker tasks the push causes to the end.
 */
export const sandboxPushCommand = defineCommand({
  name: 'push',
  usage: '<project> [--file PATH=LOCAL]... [--branch B] [--message M] [--wait]',
  summary: 'push to the sandbox GitLab (a comment appended to the CI file by default)',
  flags: [
    { name: '--file', value: 'PATH=LOCAL', repeatable: true, summary: 'commit LOCAL (a file here) as PATH in the project; repeatable' },
    { name: '--branch', value: 'B', summary: 'branch to push to (default: the project\'s default branch)' },
    { name: '--message', value: 'M', summary: 'commit message' },
    { name: '--wait', summary: 'follow the worker tasks the push causes; exit 1 if one failed' },
  ],
  targets: 'sandbox',
  check: (a) => {
    if (!a.positionals[0]) throw new UsageError('missing <project>');
    if (a.positionals.length > 1) throw new UsageError(`unexpected argument "${a.positionals[1]}"`);
  },
  async run({ args, io, sandbox }) {
    const project = args.positionals[0]!;
    const files: Record<string, string> = {};
    for (const spec of args.lists.file ?? []) {
      const [path, local] = spec.split('=', 2);
      if (!path || !local) throw new UsageError('--file wants REPO_PATH=LOCAL_FILE');
      files[path] = readFileSync(resolve(io.cwd, local), 'utf8');
    }
    const urls = sandbox!.urls;
    if (!urls['gitlab-admin']) throw new Error('this sandbox has no GitLab part (no gitlab-admin URL in sandbox.json)');
    const since = new Date().toISOString();
    const branch = str(args, 'branch');
    const message = str(args, 'message');
    const body = { project, ...(Object.keys(files).length ? { files } : {}), ...(branch ? { branch } : {}), ...(message ? { message } : {}) };
    const r = await getJson<{ project: string; branch: string; commit: string; files: string[] }>(`${urls['gitlab-admin']}/push`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    io.out(`pushed ${r.files.join(', ')} to ${r.project}@${r.branch}: ${r.commit.slice(0, 12)}`);
    if (!args.flags.wait || !urls.index) return 0;
    // Bounded: hooks arrive within ms, a prewarm waits for ECI (2 s in the sandbox) with 2 s, 4 s, ... polls.
    for (let i = 0; i < 120; i++) {
      await new Promise((res) => setTimeout(res, 500));
      const o = await getJson<Overview>(`${urls.index}/index.json`);
      const mine = o.tasks.filter((t) => t.enqueuedAt >= since);
      if (mine.length > 0 && mine.every((t) => t.status === 'Succeeded' || t.status === 'Failed')) {
        printOverview(io, o, since);
        return mine.every((t) => t.status === 'Succeeded') ? 0 : 1;
      }
    }
    io.err('gave up waiting after 60 s; see the index page');
    return 1;
  },
});
