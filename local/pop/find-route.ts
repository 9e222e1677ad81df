import type { PopProduct, RoaRoute } from './types';

/** Match `/k8s/:ClusterId/user_config` style patterns; `:Name` segments come back decoded. */
export function findRoute(
  products: PopProduct[],
  method: string,
  path: string,
): { product: PopProduct; route: RoaRoute; params: Record<string, string> } | undefined {
  const segs = path.split('/');
  for (const product of products) {
    for (const route of product.roaRoutes ?? []) {
      if (route.method.toUpperCase() !== method) continue;
      const pat = route.path.split('/');
      if (pat.length !== segs.length) continue;
      const params: Record<string, string> = {};
      const ok = pat.every((p, i) => (p.startsWith(':') ? ((params[p.slice(1)] = decodeURIComponent(segs[i]!)), segs[i] !== '') : p === segs[i]));
      if (ok) return { product, route, params };
    }
  }
  return undefined;
}
