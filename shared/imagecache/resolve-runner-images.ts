import type { KubePort } from '#shared/kube/port';
import { pickRelease, runnerImagesFromHelmfile, runnerImagesFromRelease, type RunnerImages } from './read-runner-images';

/** Where to look for the runner's deployed configuration. */
export interface RunnerSource {
  /** RUNNER_NAMESPACE / RUNNER_RELEASE. */
  namespace: string;
  release: string;
  /** infra/helmfile.yaml content (read only when the live release is missing; undefined = none). */
  helmfile?: () => Promise<string | undefined>;
  /** RUNNER_HELPER_IMAGE: used when neither the release nor the helmfile names a helper image. */
  helperOverride?: string;
}

/**
 * The runner's images, first from the live Helm release (what really runs), else from the helmfile (what should
 * run), else RUNNER_HELPER_IMAGE. Never throws: what could not be read lands in `problems`.
 */
export async function resolveRunnerImages(kube: Pick<KubePort, 'listSecrets'>, src: RunnerSource): Promise<RunnerImages> {
  const problems: string[] = [];
  let found: RunnerImages | undefined;
  try {
    const secret = pickRelease(await kube.listSecrets(src.namespace, `owner=helm,name=${src.release}`));
    if (secret) found = runnerImagesFromRelease(secret);
    else problems.push(`no Helm release ${src.namespace}/${src.release} in the cluster`);
  } catch (e) {
    problems.push(`Helm release ${src.namespace}/${src.release} unreadable: ${(e as Error).message}`);
  }
  if (!found && src.helmfile) {
    try {
      const yaml = await src.helmfile();
      if (yaml !== undefined) found = runnerImagesFromHelmfile(yaml, src.release);
    } catch (e) {
      problems.push(`helmfile unreadable: ${(e as Error).message.split('\n')[0]}`);
    }
  }
  const out: RunnerImages = found ?? { source: 'none', problems: [] };
  if (!out.helperImage && src.helperOverride) Object.assign(out, { helperImage: src.helperOverride, source: found ? out.source : 'env' });
  return { ...out, problems: [...problems, ...out.problems.filter((p) => !(out.helperImage && p.startsWith('no helper_image')))] };
}
