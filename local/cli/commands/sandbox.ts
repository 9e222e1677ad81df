import { defineCommand } from '../registry';
import { getJson, printOverview, type Overview } from './sandbox-client';
import { sandboxPushCommand } from './sandbox-push';
import { sandboxFaultCommand } from './sandbox-fault';
import { sandboxTokenCommand } from './sandbox-token';

export { getJson, sandboxUrls } from './sandbox-client';

/** `sandbox status`: the FC tasks and ImageCaches the running sandbox's index page shows. */
export const sandboxStatusCommand = defineCommand({
  name: 'status',
  usage: '',
  summary: 'print the sandbox\'s FC async tasks and ImageCaches',
  targets: 'sandbox',
  async run({ io, sandbox }) {
    printOverview(io, await getJson<Overview>(`${sandbox!.urls.index}/index.json`));
    return 0;
  },
});

/**
 * `sandbox <subcommand>` drives the running `npm start` sandbox. Subcommands are commands of their own
 * (`defineCommand` with `targets: 'sandbox'`), one line each below: help, did-you-mean and dispatch come from the list.
 */
export const sandboxCommand = defineCommand({
  name: 'sandbox',
  summary: 'drive the running npm start sandbox (push to its GitLab, show tasks and ImageCaches)',
  subcommands: [
    sandboxPushCommand,
    sandboxStatusCommand,
    sandboxTokenCommand,
    sandboxFaultCommand,
  ],
});
