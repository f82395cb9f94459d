import type {
  ClusterRegistry,
  KaasCluster,
} from '@kaas-platform/plugin-kaas-node';

function sameApiServer(a: string, b: string): boolean {
  try {
    const [x, y] = [new URL(a), new URL(b)];
    const path = (u: URL) => u.pathname.replace(/\/+$/, '');
    return x.origin === y.origin && path(x) === path(y);
  } catch {
    return false;
  }
}

/**
 * The kaas cluster a cluster of the Kubernetes plugin is: the one with the same API
 * server URL, else the one of the same name; undefined when kaas does not know it
 * (then no tenant lives there).
 */
export function kaasClusterOf(
  pluginCluster: { name: string; url?: string },
  clusters: ClusterRegistry,
): KaasCluster | undefined {
  const all = clusters.list();
  const { url } = pluginCluster;
  return (
    (url ? all.find(c => sameApiServer(c.url, url)) : undefined) ??
    all.find(c => c.name === pluginCluster.name)
  );
}
