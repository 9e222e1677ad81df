export * from './types';
export { discoverImages } from './discover-images';
export { predefinedVariables, refSlug, type ProjectFacts } from './predefined-variables';
export { parseCiYaml, type ParsedCiFile } from './parse-ci-yaml';
export { isValidImageRef, imageRefProblem, normalizeImageRef } from './image-ref';
export { CiReference } from './ci-reference';
export { memoryCiSource, type MemoryCiFiles } from './memory-ci-source';
export { clearParseCache } from './parse-cache';
