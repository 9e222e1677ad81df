import type { V1PersistentVolumeClaim } from '@kubernetes/client-node';
import { parse as parseToml } from 'smol-toml';
import { isQuantity, parseQuantity } from '#shared/kube/quantity';
import type { Finding } from './types';

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});

/** What the doctor looks at: a release's values and the claims that exist in the cluster. */
export interface RunnerDoctorInput {
  /** `HelmRelease/<ns>/<name>`: findings are reported against it. */
  target: string;
  /** The runner's user values (live release, or helmfile's when not installed). */
  values: Obj;
  /** Release namespace: the executor's default namespace. */
  namespace: string;
  pvcs: V1PersistentVolumeClaim[];
  /** `ns/name` of claims this run created: Pending is expected until the PV controller's next pass. */
  justCreated?: ReadonlySet<string>;
}

const IMAGE_CACHE_ANNOTATION = 'k8s.aliyun.com/eci-image-cache';
/** Registration tokens start with GR1348941 (GitLab ≥ 15.6); authentication tokens with glrt-. */
const REGISTRATION_TOKEN = /^GR1348941/;

function tagOf(ref: string): string | undefined {
  const at = ref.split('@')[0]!;
  const slash = at.lastIndexOf('/');
  const colon = at.lastIndexOf(':');
  return colon > slash ? at.slice(colon + 1) : undefined;
}

/** The runner image from values: the seed's string form, or the chart's {registry, image, tag} map. */
function runnerImage(values: Obj): string | undefined {
  const v = values.image;
  if (typeof v === 'string') return v;
  const m = obj(v);
  if (typeof m.image !== 'string') return undefined;
  return `${typeof m.registry === 'string' && m.registry ? `${m.registry}/` : ''}${m.image}${m.tag ? `:${String(m.tag)}` : ''}`;
}

/** Pairs of request/limit keys in [runners.kubernetes] (build, helper, services). */
const RESOURCE_PAIRS = ['', 'helper_', 'service_'].flatMap((p) => ['cpu', 'memory', 'ephemeral_storage'].map((r) => [`${p}${r}_request`, `${p}${r}_limit`] as const));

function kubernetesChecks(k: Obj, index: number, input: RunnerDoctorInput, f: (rule: string, sev: Finding['severity'], msg: string) => void): void {
  const where = `runners[${index}].kubernetes`;
  const helper = typeof k.helper_image === 'string' ? k.helper_image : undefined;
  if (helper && (!tagOf(helper) || /(^|-)latest$/.test(tagOf(helper)!))) {
    f('helper-image-pinned', 'warn', `${where}.helper_image ${helper} is not pinned: pin x86_64-v<runner version> so cached ImageCaches stay valid`);
  }
  if (String(obj(k.pod_annotations)[IMAGE_CACHE_ANNOTATION]) !== 'true') {
    f('image-cache-annotation', 'warn', `${where}.pod_annotations lacks "${IMAGE_CACHE_ANNOTATION}" = "true": job pods pull every image instead of using ImageCaches`);
  }
  const ns = typeof k.namespace === 'string' ? k.namespace : input.namespace;
  const volumes = obj(k.volumes);
  for (const pvc of Array.isArray(volumes.pvc) ? (volumes.pvc as unknown[]).map(obj) : []) {
    const name = String(pvc.name ?? '');
    const live = input.pvcs.find((c) => c.metadata?.name === name && (c.metadata?.namespace ?? 'default') === ns);
    if (!live) f('runner-pvc', 'error', `${where}.volumes.pvc "${name}" does not exist in ${ns}: every job pod would fail to start`);
    else if (live.status?.phase !== 'Bound' && input.justCreated?.has(`${ns}/${name}`)) f('runner-pvc', 'warn', `${where}.volumes.pvc "${name}" was created by this run and is not Bound yet (the PV controller binds it on its next pass)`);
    else if (live.status?.phase !== 'Bound') f('runner-pvc', 'error', `${where}.volumes.pvc "${name}" is ${live.status?.phase ?? 'Pending'}, not Bound: job pods stay Pending`);
  }
  for (const [req, lim] of RESOURCE_PAIRS) {
    const r = k[req];
    const l = k[lim];
    if (r === undefined || l === undefined || !isQuantity(String(r)) || !isQuantity(String(l))) continue;
    if (parseQuantity(String(r)) > parseQuantity(String(l))) f('requests-limits', 'error', `${where}.${req} ${String(r)} exceeds ${lim} ${String(l)}: pods are rejected`);
  }
}

/**
 * Check the runner's configuration the way the seed guide asks: runner image not `latest` (use alpine tags), helper
 * image pinned, the ECI image-cache pod annotation present, every volumes.pvc existing and Bound, requests ≤ limits,
 * and no deprecated registration token. `runners.config` is parsed as TOML. Pure.
 */
export function doctorRunner(input: RunnerDoctorInput): Finding[] {
  const out: Finding[] = [];
  const f = (rule: string, severity: Finding['severity'], message: string) => out.push({ rule, target: input.target, severity, message });
  const image = runnerImage(input.values);
  if (image) {
    const tag = tagOf(image);
    if (!tag || tag === 'latest') f('runner-image', 'warn', `image ${image} floats on latest: the seed guide reports problems with it; use an alpine-v<version> tag`);
    else if (!tag.startsWith('alpine')) f('runner-image', 'warn', `image ${image}: the seed guide recommends the alpine-based tags`);
  }
  if (input.values.runnerRegistrationToken !== undefined) {
    f('registration-token', 'warn', 'runnerRegistrationToken is deprecated (registration tokens are being removed); create a runner in GitLab and set runnerToken (glrt-…) instead');
  }
  const config = obj(input.values.runners).config;
  if (typeof config !== 'string') return out;
  let toml: Obj;
  try {
    toml = parseToml(config) as Obj;
  } catch (e) {
    f('runner-config', 'error', `runners.config is not valid TOML: ${(e as Error).message.split('\n')[0]}`);
    return out;
  }
  const runners = Array.isArray(toml.runners) ? (toml.runners as unknown[]).map(obj) : [];
  runners.forEach((r, i) => {
    if (typeof r.token === 'string' && REGISTRATION_TOKEN.test(r.token)) f('registration-token', 'warn', `runners[${i}].token is a registration token (deprecated); use an authentication token (glrt-…)`);
    kubernetesChecks(obj(r.kubernetes), i, input, f);
  });
  return out;
}
