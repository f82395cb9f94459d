import type {
  Capability,
  KaasMarkKeys,
} from '@kaas-platform/plugin-kaas-common';
import type { KaasCluster } from '../clusters/KaasCluster';
import type { KubernetesManifest } from './kubernetesManifest';

/** A kind of object that XaaS instances are made of. @public */
export interface InstanceKind {
  apiVersion: string;
  kind: string;
}

/**
 * The distinct kinds of the capabilities' objects, those of their operations included
 * (a backup schedule goes with its instance), for finding instances' objects. @public
 */
export function capabilityInstanceKinds(
  capabilities: Capability[],
): InstanceKind[] {
  const kinds = new Map<string, InstanceKind>();
  for (const capability of capabilities) {
    const operationObjects = Object.values(capability.operations ?? {}).flatMap(
      o => o.objects,
    );
    for (const { apiVersion, kind } of [
      ...capability.objects,
      ...operationObjects,
    ]) {
      kinds.set(`${apiVersion}/${kind}`, { apiVersion, kind });
    }
  }
  return [...kinds.values()];
}

/**
 * The XaaS instances of a tenant on `cluster`: objects of the given kinds (those of the
 * configured capabilities, {@link capabilityInstanceKinds}) labelled with the tenant and
 * a capability, in `namespace` or, without it, in every namespace.
 *
 * @public
 */
export async function findTenantInstances(
  cluster: KaasCluster,
  tenant: string,
  marks: KaasMarkKeys,
  kinds: InstanceKind[],
  namespace?: string,
): Promise<KubernetesManifest[]> {
  const api = cluster.objects();
  const lists = await Promise.all(
    kinds.map(async ({ apiVersion, kind }) => {
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
