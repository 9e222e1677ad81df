export * from './types';
export * from './cache-identity';
export { isMutableRef } from './mutable-tag';
export { normalizePodSets } from './normalize-pod-sets';
export { planImageCaches, MAX_IMAGES_PER_CACHE } from './plan-image-caches';
export { simulateApply } from './simulate-apply';
