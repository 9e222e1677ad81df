import type { KubePort } from '#shared/kube/port';
import type { Clock } from '#shared/runtime/index';
import { DRILL_DEADLINE_ANNOTATION, DRILL_ID_LABEL, DRILL_SELECTOR, drillNames } from './drill-manifests';

/** One drill object found by label. */
export interface DrillObject {
  kind: 'Pod' | 'PersistentVolumeClaim' | 'PersistentVolume';
  name: string;
  namespace?: string;
  drill: string;
  /** The deadline its drill set; undefined when absent (treated as passed). */
  deadline?: Date;
}

const describe = (o: DrillObject): string => `${o.kind === 'PersistentVolumeClaim' ? 'pvc' : o.kind === 'PersistentVolume' ? 'pv' : 'pod'}/${o.name}`;

/** Every drill object (pods and claims in the namespace, volumes cluster-wide), found by the drill labels. */
export async function listDrillObjects(kube: KubePort, namespace: string): Promise<DrillObject[]> {
  type Meta = { metadata?: { name?: string; labels?: Record<string, string>; annotations?: Record<string, string> } };
  const of = (kind: DrillObject['kind'], x: Meta, ns?: string): DrillObject => {
    const at = x.metadata?.annotations?.[DRILL_DEADLINE_ANNOTATION];
    const t = at ? Date.parse(at) : Number.NaN;
    return { kind, name: x.metadata?.name ?? '', ...(ns ? { namespace: ns } : {}), drill: x.metadata?.labels?.[DRILL_ID_LABEL] ?? '', ...(Number.isNaN(t) ? {} : { deadline: new Date(t) }) };
  };
  const [pods, claims, volumes] = await Promise.all([kube.listPods(namespace, DRILL_SELECTOR), kube.listPersistentVolumeClaims(namespace, DRILL_SELECTOR), kube.listPersistentVolumes(DRILL_SELECTOR)]);
  return [...pods.map((p) => of('Pod', p, namespace)), ...claims.map((c) => of('PersistentVolumeClaim', c, namespace)), ...volumes.map((v) => of('PersistentVolume', v))];
}

/**
 * Delete drill objects — pods first (gracefully: the kubelet stops GitLab), then claims and volumes, whose protection
 * finalizers hold them until the pod is gone — and wait up to `waitMs` for all of them to be gone. Returns what was
 * deleted and what is still there (the next drill removes it), each with its delete's error when the cluster refused it.
 */
export async function deleteDrillObjects(d: { kube: KubePort; clock: Clock }, objs: readonly DrillObject[], o: { graceSeconds?: number; waitMs?: number } = {}): Promise<{ deleted: string[]; leftover: string[] }> {
  const errors: string[] = [];
  const refused = new Set<DrillObject>();
  const del = async (x: DrillObject): Promise<void> => {
    try {
      if (x.kind === 'Pod') await d.kube.deletePod(x.namespace!, x.name, o.graceSeconds ?? 30);
      else if (x.kind === 'PersistentVolumeClaim') await d.kube.deletePersistentVolumeClaim(x.namespace!, x.name);
      else await d.kube.deletePersistentVolume(x.name);
    } catch (e) {
      refused.add(x);
      errors.push(`${describe(x)}: ${(e as Error).message}`);
    }
  };
  for (const kind of ['Pod', 'PersistentVolumeClaim', 'PersistentVolume'] as const) await Promise.all(objs.filter((x) => x.kind === kind).map(del));
  const until = d.clock.now().getTime() + (o.waitMs ?? 90_000);
  let left = [...objs];
  for (let wait = 200; ; wait = Math.min(5_000, wait * 2)) {
    const still = await Promise.all(left.map(async (x) => ((await gone(d.kube, x)) ? undefined : x)));
    left = still.filter((x): x is DrillObject => x !== undefined);
    // An object whose delete was refused does not go away by waiting: wait only for the others.
    if (!left.some((x) => !refused.has(x)) || d.clock.now().getTime() >= until) break;
    await d.clock.sleep(Math.min(wait, until - d.clock.now().getTime()));
  }
  // What is still there carries its delete's refusal (a 403 names the missing RBAC verb), so the report says why.
  const refusal = (x: DrillObject): string | undefined => errors.find((e) => e.startsWith(`${describe(x)}: `));
  return { deleted: objs.filter((x) => !left.includes(x)).map(describe), leftover: [...left.map((x) => refusal(x) ?? describe(x)), ...errors.filter((e) => !left.some((x) => e.startsWith(`${describe(x)}: `)))] };
}

/**
 * Remove one drill's objects at its end: by their known names (drillNames), whatever a listing says, plus anything
 * else labelled with its id. An object already absent is neither deleted nor left over; a listing or a delete the
 * cluster refuses is reported in `leftover` (the next drill removes what is still there), never swallowed.
 */
export async function cleanupDrill(d: { kube: KubePort; clock: Clock }, namespace: string, id: string, o: { graceSeconds?: number; waitMs?: number } = {}): Promise<{ deleted: string[]; leftover: string[] }> {
  const n = drillNames(id);
  const known: DrillObject[] = [
    { kind: 'Pod', name: n.pod, namespace, drill: id },
    ...[n.backupVolume, n.configVolume].map((name): DrillObject => ({ kind: 'PersistentVolumeClaim', name, namespace, drill: id })),
    ...[n.backupVolume, n.configVolume].map((name): DrillObject => ({ kind: 'PersistentVolume', name, drill: id })),
  ];
  const problems: string[] = [];
  let extra: DrillObject[] = [];
  try {
    extra = (await listDrillObjects(d.kube, namespace)).filter((x) => x.drill === id && !known.some((k) => k.kind === x.kind && k.name === x.name));
  } catch (e) {
    problems.push(`listing drill objects by label failed (${(e as Error).message}): only the known names were deleted`);
  }
  // Never made (a create that failed early): nothing to delete. Unknown (the read failed): try the delete anyway.
  const there = (await Promise.all(known.map(async (x) => ((await gone(d.kube, x)) ? undefined : x)))).filter((x): x is DrillObject => x !== undefined);
  const del = await deleteDrillObjects(d, [...there, ...extra], o);
  return { deleted: del.deleted, leftover: [...del.leftover, ...problems] };
}

async function gone(kube: KubePort, x: DrillObject): Promise<boolean> {
  try {
    if (x.kind === 'Pod') return (await kube.getPod(x.namespace!, x.name)) === undefined;
    if (x.kind === 'PersistentVolumeClaim') return (await kube.getPersistentVolumeClaim(x.namespace!, x.name)) === undefined;
    return (await kube.getPersistentVolume(x.name)) === undefined;
  } catch {
    // Unknown: count it as still there (the report lists it; the next drill looks again).
    return false;
  }
}
