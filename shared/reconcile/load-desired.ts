import { readFile } from 'node:fs/promises';
import { join, posix } from 'node:path';
import type { V1PersistentVolume, V1PersistentVolumeClaim } from '@kubernetes/client-node';
import { parseAllDocuments, parse } from 'yaml';
import { AppError } from '#shared/errors/index';
import type { GitlabPort, ProjectRef } from '#shared/gitlab/api/index';
import { parseHelmfile } from './parse-helmfile';
import type { DesiredState } from './types';

/** Where the desired files come from: read one path relative to the infra root (undefined = absent). */
export interface DesiredSource {
  describe: string;
  read(path: string): Promise<string | undefined>;
}

/** The bundled infra/ directory (or any local directory). */
export function diskDesiredSource(dir: string): DesiredSource {
  return {
    describe: dir,
    async read(path) {
      try {
        return await readFile(join(dir, path), 'utf8');
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw e;
      }
    },
  };
}

/** Files held in memory (the bundled infra/, tests). */
export function memoryDesiredSource(files: Readonly<Record<string, string>>, describe = 'bundled infra/'): DesiredSource {
  return { describe, read: async (path) => files[path] };
}

/**
 * INFRA_PROJECT at INFRA_REF under INFRA_PATH, read through the GitLab port (raw file API). `at` (a commit of `ref`,
 * its head when the run began) pins every file read to one commit, so a run never mixes two pushes.
 */
export function gitlabDesiredSource(gitlab: Pick<GitlabPort, 'readFile'>, project: ProjectRef, ref: string, root: string, at = ref): DesiredSource {
  const base = root.replace(/^\/+|\/+$/g, '');
  return { describe: `${project}@${ref}:${base || '.'}`, read: (path) => gitlab.readFile(project, base ? posix.join(base, path) : path, at) };
}

const invalid = (msg: string) => new AppError('ACTION_INVALID', msg, { status: 400 });

type Manifest = { kind?: string; metadata?: { namespace?: string } } | null;
/**
 * Parsed manifests by file text, kept for the warm instance: the desired state rarely changes between hourly runs,
 * and YAML parsing dominates a 1,000-pair reconcile (bench/reconcile.bench.ts). Callers get clones.
 */
const parsed = new Map<string, Manifest[]>();

function parseManifests(text: string, where: string): Manifest[] {
  let docs = parsed.get(text);
  if (!docs) {
    docs = parseAllDocuments(text).map((doc) => {
      if (doc.errors.length) throw invalid(`${where}: ${doc.errors[0]!.message.split('\n')[0]}`);
      return doc.toJS() as Manifest;
    });
    if (parsed.size >= 16) parsed.delete(parsed.keys().next().value!);
    parsed.set(text, docs);
  }
  return structuredClone(docs);
}

/**
 * Load the desired state: `k8s/kustomization.yaml` lists the manifest files (so a GitLab source needs no tree
 * listing), whose PersistentVolume and PersistentVolumeClaim documents are ours; `helmfile.yaml` declares the
 * releases. A `helmfile.yaml.gotmpl` is refused (NOT_SUPPORTED), as helmfile refuses both files side by side.
 */
export async function loadDesiredState(src: DesiredSource): Promise<DesiredState> {
  const kust = await src.read('k8s/kustomization.yaml');
  if (kust === undefined) throw invalid(`${src.describe}: k8s/kustomization.yaml not found (it lists the PV/PVC manifests)`);
  const resources = ((parse(kust) ?? {}) as { resources?: unknown }).resources;
  if (!Array.isArray(resources)) throw invalid(`${src.describe}: k8s/kustomization.yaml has no resources list`);
  const pvs: V1PersistentVolume[] = [];
  const pvcs: V1PersistentVolumeClaim[] = [];
  for (const file of resources.map(String)) {
    const text = await src.read(posix.join('k8s', file));
    if (text === undefined) throw invalid(`${src.describe}: k8s/${file} (listed in kustomization.yaml) not found`);
    for (const o of parseManifests(text, `${src.describe}: k8s/${file}`)) {
      if (!o) continue;
      if (o.kind === 'PersistentVolume') pvs.push(o as V1PersistentVolume);
      else if (o.kind === 'PersistentVolumeClaim') pvcs.push({ ...o, metadata: { ...o.metadata, namespace: o.metadata?.namespace ?? 'default' } } as V1PersistentVolumeClaim);
      else throw invalid(`${src.describe}: k8s/${file}: kind ${o.kind ?? '(none)'} is not reconciled (only PersistentVolume and PersistentVolumeClaim)`);
    }
  }
  if (await src.read('helmfile.yaml.gotmpl')) {
    throw new AppError('NOT_SUPPORTED', `${src.describe}: helmfile.yaml.gotmpl found; Go-template helmfiles are not supported, keep a plain helmfile.yaml`, { status: 400 });
  }
  const helmfile = await src.read('helmfile.yaml');
  const releases = helmfile === undefined ? [] : await parseHelmfile(helmfile, 'helmfile.yaml', (p) => src.read(posix.normalize(p)));
  return { source: src.describe, pvs, pvcs, releases };
}
