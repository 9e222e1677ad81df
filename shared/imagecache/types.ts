import type { ImageCache, ImageCacheEvent } from '#shared/kube/port';

/** Who runs a pod set: a CI job of a project, the runner manager pod, or the configured baseline list. */
export interface PodSetSource {
  kind: 'job' | 'runner' | 'baseline';
  projectId?: number;
  project?: string;
  job?: string;
}

/** The images of one pod (build + helper + svc-N): a cache must hold all of them for `imc-perfect-match`. */
export interface PodSet {
  images: string[];
  sources: PodSetSource[];
}

/** Options of the planner, all from the parsed Config (IMAGECACHE_*) plus `now`. */
export interface PlanOptions {
  now: Date;
  pullSecrets: string[];
  sizeGiB: number;
  retentionDays: number;
  refreshBeforeDays: number;
  mutableRefreshHours: number;
  maxCaches: number;
  maxImages: number;
  /** ROS caps a cache at 20 images (https://help.aliyun.com/document_detail/142180.htm). */
  maxImagesPerCache?: number;
  /**
   * Source keys (`p<projectId>`) whose pod sets are unknown this run (discovery failed): caches recorded for them,
   * or recording nothing, are kept rather than judged unused.
   */
  unknownSources?: string[];
}

/** A pod set after normalisation: sorted unique images, merged sources, `key` = images joined. */
export interface NormalPodSet {
  key: string;
  images: string[];
  sources: PodSetSource[];
  /** Number of sources (jobs) that run this pod set: the budget priority. */
  uses: number;
  /** Baseline and runner sets go first when the budget is short. */
  priority: 0 | 1;
}

/** One cache the plan wants to exist after apply. */
export interface PlannedCache {
  name: string;
  images: string[];
  /** Observed phase, or `absent` when this plan creates it. */
  phase: string;
  /** Keys of the pod sets it covers. */
  covers: string[];
}

interface StepBase {
  target: string;
  reason: string;
}

/** A step of the plan; every step says why. */
export type ImageCacheStep =
  | (StepBase & { kind: 'create'; manifest: ImageCache })
  | (StepBase & { kind: 'refresh'; replaces: string; manifest: ImageCache })
  | (StepBase & { kind: 'keep' })
  | (StepBase & { kind: 'failed'; events: ImageCacheEvent[] })
  | (StepBase & { kind: 'delete-superseded'; after: string[] });

/** A pod set the plan could not cache, and why. */
export interface Uncached {
  images: string[];
  uses: number;
  sources: PodSetSource[];
  reason: string;
}

/** What the budget (IMAGECACHE_MAX_CACHES / IMAGECACHE_MAX_IMAGES) allowed and what did not fit. */
export interface BudgetReport {
  caches: { used: number; max: number };
  images: { used: number; max: number };
  /** Pod sets left out because the budget was full (lowest priority first to go). */
  dropped: Uncached[];
  /** Lower bound on the number of caches: ceil(distinct cacheable images / 20). */
  lowerBoundCaches: number;
}

/** Output of `planImageCaches`. */
export interface ImageCachePlan {
  steps: ImageCacheStep[];
  caches: PlannedCache[];
  podSets: number;
  /** Pod sets over the per-cache image limit: no single cache can serve them with perfect match. */
  notCacheable: Uncached[];
  budget: BudgetReport;
  /** Caches without our label: never touched, listed for the operator. */
  foreign: string[];
}
