import { gunzipSync } from 'node:zlib';
import { parse as parseToml } from 'smol-toml';
import { parse as parseYaml } from 'yaml';
import type { V1Secret } from '@kubernetes/client-node';

/** The images the runner itself brings: its own pod, the helper in every job pod, the default job image. */
export interface RunnerImages {
  /** The runner manager pod (Helm value `image`). */
  runnerImage?: string;
  /** `[runners.kubernetes] helper_image`, or the default for the chart's runner version. */
  helperImage?: string;
  /** `[runners.kubernetes] image`: the build image of jobs that name none. */
  defaultImage?: string;
  source: 'helm-release' | 'helmfile' | 'env' | 'none';
  problems: string[];
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);

/**
 * Decode a Helm release Secret (`decodeRelease` in
 * https://github.com/helm/helm/blob/v3.21.4/pkg/storage/driver/util.go): `data.release` is base64 (Secret API) of
 * base64 of gzip of the release JSON; old releases skip the gzip.
 */
export function decodeHelmRelease(secret: V1Secret): Obj {
  const inner = Buffer.from(Buffer.from(secret.data?.release ?? '', 'base64').toString('utf8'), 'base64');
  const raw = inner[0] === 0x1f && inner[1] === 0x8b ? gunzipSync(inner) : inner;
  return JSON.parse(raw.toString('utf8')) as Obj;
}

/** The release Helm calls deployed: the highest revision labelled status=deployed, else the highest revision. */
export function pickRelease(secrets: readonly V1Secret[]): V1Secret | undefined {
  const rev = (s: V1Secret) => Number(s.metadata?.labels?.version ?? 0);
  const sorted = [...secrets].sort((a, b) => rev(b) - rev(a));
  return sorted.find((s) => s.metadata?.labels?.status === 'deployed') ?? sorted[0];
}

/**
 * Runner images from chart values (user values over chart defaults). `runners.config` is the TOML the chart renders
 * into config.toml; Helm `tpl` expressions inside quoted strings parse fine and are never image names we use.
 * The helper default follows "Helper image" in
 * https://github.com/gitlabhq/gitlab-runner/blob/d79f3e7b/docs/configuration/advanced-configuration.md.
 */
export function runnerImagesFromValues(values: Obj, defaults: Obj, appVersion: string | undefined, source: RunnerImages['source']): RunnerImages {
  const problems: string[] = [];
  const runners = { ...(isObj(defaults.runners) ? defaults.runners : {}), ...(isObj(values.runners) ? values.runners : {}) };
  let kube: Obj = {};
  const toml = str(runners.config);
  if (toml) {
    try {
      const cfg = parseToml(toml) as Obj;
      const first = Array.isArray(cfg.runners) ? (cfg.runners[0] as Obj | undefined) : undefined;
      kube = isObj(first?.kubernetes) ? first.kubernetes : {};
    } catch (e) {
      problems.push(`runners.config is not valid TOML: ${(e as Error).message.split('\n')[0]}`);
    }
  }
  const version = appVersion?.replace(/^v/, '');
  const helperImage = str(kube.helper_image) ?? (version ? `registry.gitlab.com/gitlab-org/gitlab-runner/gitlab-runner-helper:x86_64-v${version}` : undefined);
  const img = values.image ?? defaults.image;
  let runnerImage = str(img);
  if (isObj(img) && str(img.image)) {
    const tag = str(img.tag) ?? (appVersion ? `alpine-${appVersion.startsWith('v') ? appVersion : `v${appVersion}`}` : 'latest');
    runnerImage = `${str(img.registry) ? `${str(img.registry)}/` : ''}${str(img.image)}:${tag}`;
  }
  if (!helperImage) problems.push('no helper_image in runners.config and no chart version to derive it from');
  const defaultImage = str(kube.image);
  return { ...(runnerImage ? { runnerImage } : {}), ...(helperImage ? { helperImage } : {}), ...(defaultImage ? { defaultImage } : {}), source, problems };
}

/** Runner images from a live Helm release Secret. */
export function runnerImagesFromRelease(secret: V1Secret): RunnerImages {
  const rel = decodeHelmRelease(secret);
  const chart = isObj(rel.chart) ? rel.chart : {};
  const meta = isObj(chart.metadata) ? chart.metadata : {};
  return runnerImagesFromValues(isObj(rel.config) ? rel.config : {}, isObj(chart.values) ? chart.values : {}, str(meta.appVersion), 'helm-release');
}

/** Runner images from a helmfile.yaml: the release named `release`, its inline `values:` entries merged in order. */
export function runnerImagesFromHelmfile(helmfileYaml: string, release: string): RunnerImages | undefined {
  const doc = parseYaml(helmfileYaml) as Obj | null;
  const rel = (Array.isArray(doc?.releases) ? (doc!.releases as unknown[]) : []).find((r): r is Obj => isObj(r) && r.name === release);
  if (!rel) return undefined;
  const values = (Array.isArray(rel.values) ? rel.values : []).filter(isObj).reduce<Obj>((acc, v) => ({ ...acc, ...v }), {});
  return runnerImagesFromValues(values, {}, undefined, 'helmfile');
}
