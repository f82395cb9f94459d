import { ApiextensionsV1Api } from '@kubernetes/client-node';
import type { KaasMarkKeys } from '@internal/plugin-kaas-common';
import type { KaasCluster } from '../clusters/ClusterRegistry';
import { DiscoveringObjectApi } from '../apply/objectApi';
import type { KubernetesManifest } from './kubernetesManifest';

/** A kind of object that XaaS instances are made of. @public */
export interface InstanceKind {
  apiVersion: string;
  kind: string;
}

/**
 * API groups of the operators whose objects are XaaS instances, used when no capability
 * says which kinds to look for.
 */
export const KNOWN_INSTANCE_GROUPS = [
  'postgresql.cnpg.io',
  'moco.cybozu.com',
  'planetscale.com',
  'kafka.strimzi.io',
];

/** The namespaced kinds of the known operator groups that `cluster` serves. */
export async function discoverInstanceKinds(
  cluster: KaasCluster,
): Promise<InstanceKind[]> {
  const crds = await cluster
    .client(ApiextensionsV1Api)
    .listCustomResourceDefinition({});
  return crds.items
    .filter(
      crd =>
        KNOWN_INSTANCE_GROUPS.includes(crd.spec.group) &&
        crd.spec.scope === 'Namespaced',
    )
    .flatMap(crd => {
      const version =
        crd.spec.versions.find(v => v.storage && v.served) ??
        crd.spec.versions.find(v => v.served);
      return version
        ? [
            {
              apiVersion: `${crd.spec.group}/${version.name}`,
              kind: crd.spec.names.kind,
            },
          ]
        : [];
    });
}

/**
 * The XaaS instances of a tenant on `cluster`: objects of the given kinds (default: the
 * known operator kinds the cluster serves) labelled with the tenant and a capability,
 * in `namespace` or, without it, in every namespace.
 *
 * @public
 */
export async function findTenantInstances(
  cluster: KaasCluster,
  tenant: string,
  marks: KaasMarkKeys,
  kinds?: InstanceKind[],
  namespace?: string,
): Promise<KubernetesManifest[]> {
  const api = DiscoveringObjectApi.forKubeConfig(cluster.kubeConfig());
  const candidates = kinds ?? (await discoverInstanceKinds(cluster));
  const lists = await Promise.all(
    candidates.map(async ({ apiVersion, kind }) => {
      if (!(await api.discover(apiVersion, kind))) return [];
      const list = await api.list(
        apiVersion,
        kind,
        namespace,
        undefined,
        undefined,
        undefined,
        undefined,
        `${marks.tenant}=${tenant},${marks.capability}`,
      );
      return list.items.map(
        item => ({ ...item, apiVersion, kind } as KubernetesManifest),
      );
    }),
  );
  return lists.flat();
}
