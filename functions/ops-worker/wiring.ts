/**
 * Port wiring for the worker: each feature registers its lazily built port here, e.g.
 *   registerPort('kube', (d) => createKubePort(d));
 * Kept in one file so the handler stays thin and bundles only what is wired.
 */
export {};
