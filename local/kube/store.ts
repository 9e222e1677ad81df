import { randomUUID } from 'node:crypto';
import { IMAGECACHE_CRD } from './imagecache-crd';
import { BUILTIN_TYPES, typesFromCrd, type ResourceType } from './resources';
import { roundTrip } from './api-shapes';
import { clone } from './patch';
import type { KubeletHooks } from './kubelet/kubelet';

/** A stored Kubernetes object (plain JSON). */
export type KubeObject = Record<string, unknown> & {
  apiVersion?: string;
  kind?: string;
  metadata: Record<string, unknown> & { name: string; namespace?: string; resourceVersion?: string; uid?: string };
};

/** What changed, for the controllers. */
export interface StoreChange {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  resource: ResourceType;
  object: KubeObject;
  old?: KubeObject;
}

const key = (plural: string, ns: string | undefined, name: string) => `${plural}/${ns ?? ''}/${name}`;

/**
 * The emulator's etcd: objects by resource/namespace/name, one global resourceVersion counter, and the resource
 * types (built-ins plus every served version of every stored CRD). Reads return clones.
 */
export class KubeStore {
  private objects = new Map<string, KubeObject>();
  private rv = 1000;
  private listeners: Array<(c: StoreChange) => void> = [];
  /** Recent changes, oldest first, for watches that resume from a resourceVersion (the apiserver's watch cache). */
  private recent: StoreChange[] = [];
  /** How many changes the watch history keeps. */
  historySize = 5_000;
  /** Clock for timestamps (tests may pin it). */
  now: () => Date = () => new Date();
  /** The kubelet, when the emulator runs pods (pods/log, graceful pod deletion): kubelet/kubelet.ts. */
  kubelet?: KubeletHooks;

  constructor() {
    for (const ns of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) {
      this.put({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: { 'kubernetes.io/metadata.name': ns } }, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } });
    }
    this.put(clone(IMAGECACHE_CRD) as unknown as KubeObject);
  }

  /** Current global resourceVersion (list metadata). */
  get resourceVersion(): string {
    return String(this.rv);
  }

  /** Subscribe to changes (controllers); returns an unsubscribe function. */
  onChange(fn: (c: StoreChange) => void): () => void {
    this.listeners.push(fn);
    return () => {
      this.listeners = this.listeners.filter((l) => l !== fn);
    };
  }

  /** All served resource types. */
  types(): ResourceType[] {
    const crds = [...this.objects.values()].filter((o) => o.kind === 'CustomResourceDefinition');
    return [...BUILTIN_TYPES, ...crds.flatMap((c) => typesFromCrd(c as never))];
  }

  /** Find a type by plural (or short name / kind, for tests) and optional group. */
  type(plural: string, group?: string): ResourceType | undefined {
    const p = plural.toLowerCase();
    return this.types().find(
      (t) => (group === undefined || t.group === group) && (t.plural === p || t.shortNames.includes(p) || t.kind.toLowerCase() === p),
    );
  }

  private typeOf(obj: KubeObject): ResourceType {
    const [g, v] = obj.apiVersion?.includes('/') ? obj.apiVersion.split('/') : ['', obj.apiVersion];
    const t = this.types().find((x) => x.group === g && x.version === v && x.kind === obj.kind);
    if (!t) throw new Error(`no resource type for ${obj.apiVersion} ${obj.kind}`);
    return t;
  }

  get(plural: string, name: string, namespace?: string): KubeObject | undefined {
    const t = this.type(plural);
    const o = this.objects.get(key(t?.plural ?? plural, t?.namespaced === false ? undefined : namespace, name));
    return o && clone(o);
  }

  /** Objects of a type, in etcd key order; every namespace when `namespace` is undefined. */
  list(plural: string, namespace?: string): KubeObject[] {
    const prefix = namespace === undefined ? `${plural}/` : `${plural}/${namespace}/`;
    return [...this.objects.entries()]
      .filter(([k]) => k.startsWith(prefix))
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([, o]) => clone(o));
  }

  /**
   * Write an object (fills uid, creationTimestamp, a new resourceVersion; typed kinds round-trip through their Go
   * shape) and notify controllers. Tests use it to plant state directly; the HTTP handlers call it after admission
   * and validation.
   */
  put(input: KubeObject): KubeObject {
    const t = this.typeOf(input);
    // What etcd holds is what the Go types encode (zero values dropped, quantities canonical): ../../shared/kube/typed-decode.ts.
    const obj = clone(roundTrip(t.group, t.kind, input) as KubeObject);
    if (Array.isArray(obj.metadata.finalizers) && obj.metadata.finalizers.length === 0) delete obj.metadata.finalizers;
    const k = key(t.plural, t.namespaced ? obj.metadata.namespace : undefined, obj.metadata.name);
    const old = this.objects.get(k);
    if (!t.namespaced) delete obj.metadata.namespace;
    obj.metadata.uid ??= old?.metadata.uid ?? randomUUID();
    obj.metadata.creationTimestamp ??= old?.metadata.creationTimestamp ?? this.now().toISOString().replace(/\.\d+Z$/, 'Z');
    obj.metadata.resourceVersion = String(++this.rv);
    this.objects.set(k, obj);
    this.emit({ type: old ? 'MODIFIED' : 'ADDED', resource: t, object: clone(obj), ...(old ? { old: clone(old) } : {}) });
    return clone(obj);
  }

  /** Remove an object; returns it (with a fresh resourceVersion) or undefined when absent. */
  delete(plural: string, name: string, namespace?: string): KubeObject | undefined {
    const t = this.type(plural);
    if (!t) return undefined;
    const k = key(t.plural, t.namespaced ? namespace : undefined, name);
    const old = this.objects.get(k);
    if (!old) return undefined;
    this.objects.delete(k);
    old.metadata.resourceVersion = String(++this.rv);
    this.emit({ type: 'DELETED', resource: t, object: clone(old) });
    return clone(old);
  }

  /**
   * Changes after resourceVersion `rv`, or undefined when `rv` is older than the history holds (the caller answers
   * 410 Expired, and the client relists).
   */
  changesSince(rv: number): StoreChange[] | undefined {
    const first = this.recent[0];
    if (first && Number(first.object.metadata.resourceVersion) > rv + 1 && this.recent.length >= this.historySize) return undefined;
    return this.recent.filter((c) => Number(c.object.metadata.resourceVersion) > rv);
  }

  private emit(c: StoreChange): void {
    this.recent.push(c);
    while (this.recent.length > this.historySize) this.recent.shift();
    for (const l of this.listeners) l(c);
  }
}
