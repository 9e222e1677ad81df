import { csProduct, type CsProductOptions } from './cs-product';
import type { DmAccount } from './dm-account-summary';
import { dmProduct, type DmMail } from './dm-product';
import { startPopEmulator, type PopEmulator } from './pop-emulator';
import type { PopCredential } from './types';

interface Common {
  port?: number;
  credentials: PopCredential[];
  now?: () => Date;
}

/**
 * DirectMail alone (the sandbox's `DM_ENDPOINT`): SingleSendMail + `/outbox` pages.
 * @example const dm = await startDirectMailEmulator({ credentials, senders: ['ops@mail.example.com'] }); // dm.outbox
 */
export async function startDirectMailEmulator(opts: Common & { senders: string[]; frozenSenders?: string[] }): Promise<PopEmulator & { outbox: DmMail[]; account: DmAccount }> {
  const dm = dmProduct({ senders: opts.senders, ...(opts.frozenSenders ? { frozenSenders: opts.frozenSenders } : {}) });
  const emu = await startPopEmulator({ ...common(opts), products: [dm] });
  return Object.assign(emu, { outbox: dm.outbox, account: dm.account });
}

/** CS alone (the sandbox's `CS_ENDPOINT`): DescribeClusterUserKubeconfig handing out `kubeconfig()`. */
export async function startCsEmulator(opts: Common & CsProductOptions): Promise<PopEmulator> {
  const { port: _p, credentials: _c, ...cs } = opts;
  return startPopEmulator({ ...common(opts), products: [csProduct(cs)] });
}

function common(o: Common): { port?: number; credentials: PopCredential[]; now?: () => Date } {
  return { credentials: o.credentials, ...(o.port !== undefined ? { port: o.port } : {}), ...(o.now ? { now: o.now } : {}) };
}
