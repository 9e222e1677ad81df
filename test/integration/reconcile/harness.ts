import { fileURLToPath } from 'node:url';
import { startKubeEmulator, type KubeEmulator } from '#local/kube/index';
import { seedReconcileState } from '#local/sandbox/parts/reconcile-seed';
import { createKubePort, type KubePort } from '#shared/kube/index';
import { memoryLogger } from '#shared/log/index';
import type { Mailer, MailMessage } from '#shared/mail/index';
import { createNotifier, mailChannel, memoryAlertStore, type AlertStore, type Notifier } from '#shared/notify/index';
import { diskDesiredSource, memoryDesiredSource, runReconcile, type DesiredSource, type ReconcileOptions, type ReconcilePorts } from '#shared/reconcile/index';
import { infraFiles } from '#shared/reconcile/bundle-infra';

export const INFRA_DIR = fileURLToPath(new URL('../../../infra/', import.meta.url));

/** A mailer that records what it would send. */
export function recordingMailer(): Mailer & { sent: MailMessage[] } {
  const sent: MailMessage[] = [];
  return { sent, send: async (m) => (sent.push(m), { sent: true, envIds: ['env-1'], recipients: 1 }) };
}

/** A notifier over one mailer and an in-memory alert state (as the worker builds it over the ConfigMap). */
export function mailNotifier(mail: Mailer, store: AlertStore = memoryAlertStore(), log = memoryLogger()): Notifier {
  return createNotifier({ channels: [mailChannel(mail)], store, clock: { now: () => new Date(), sleep: async () => undefined }, log, remindHours: 24, dryRun: false });
}

/** infra/ files with edits applied (`edit(files)` mutates the copy). */
export async function editedInfra(edit: (files: Record<string, string>) => void): Promise<DesiredSource> {
  const files = await infraFiles(INFRA_DIR);
  edit(files);
  return memoryDesiredSource(files, 'edited infra/');
}

/** Wait for a cluster state (the binder and protection controllers run asynchronously); bounded by attempts. */
export async function until(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 1000 && !cond(); i++) await new Promise((r) => setTimeout(r, 5));
  if (!cond()) throw new Error(`gave up waiting for ${what}`);
}

/** Every claim in `namespace` is Bound (the seed's pre-bound pairs after the binder's pass). */
export const claimsBound = (kube: KubeEmulator, namespace = 'default') => () =>
  kube.store.list('persistentvolumeclaims', namespace).every((c) => (c.status as { phase?: string } | undefined)?.phase === 'Bound');

export interface Harness {
  kube: KubeEmulator;
  port: KubePort;
  mail: ReturnType<typeof recordingMailer>;
  /** The alert state the harness's notifier keeps between runs. */
  alerts: ReturnType<typeof memoryAlertStore>;
  log: ReturnType<typeof memoryLogger>;
  run(o?: Partial<ReconcileOptions>, extra?: Partial<ReconcilePorts>): ReturnType<typeof runReconcile>;
  close(): Promise<void>;
}

/** Kube emulator seeded with the guide's PV/PVCs and runner release, a real KubePort on it, and a run() shortcut. */
export async function startHarness(opts: { seed?: boolean; attempts?: number } = {}): Promise<Harness> {
  const kube = await startKubeEmulator();
  if (opts.seed !== false) {
    seedReconcileState(kube);
    await until(claimsBound(kube), 'the seed claims to bind');
  }
  const port = createKubePort({ kubeconfigYaml: kube.kubeconfig, retryBaseMs: 1, attempts: opts.attempts ?? 3 });
  const mail = recordingMailer();
  const log = memoryLogger();
  const alerts = memoryAlertStore();
  const notifier = mailNotifier(mail, alerts, log);
  const run = (o: Partial<ReconcileOptions> = {}, extra: Partial<ReconcilePorts> = {}) =>
    runReconcile(
      { kube: port, notifier, log, clock: { now: () => new Date(), sleep: (ms) => new Promise((r) => setTimeout(r, Math.min(ms, 20))) }, ...extra },
      { source: diskDesiredSource(INFRA_DIR), dryRun: false, apply: true, allowRecreate: false, nasCapacity: '10Pi', pendingMinutes: 10, remediate: false, infraRef: 'main', ...o },
    );
  return { kube, port, mail, alerts, log, run, close: () => kube.close() };
}
