import type { KubernetesObject } from '@kubernetes/client-node';
import {
  MANAGED_BY_VALUE,
  type KaasMarkKeys,
} from '@kaas-platform/plugin-kaas-common';
import type { KaasCluster } from '../clusters/KaasCluster';
import { instanceSummaryOf, type InstanceSummary } from './instanceSummary';
import type { LoadedCapability } from './readCapabilities';

/** An instance as its main object (the readiness object) shows it on the cluster. */
export interface FoundInstance {
  summary: InstanceSummary;
  /** The main object as read now, status included. */
  object: KubernetesObject;
  loaded: LoadedCapability;
}

/** The label selector of platform-managed instance objects, narrowed to what is given. */
export function instanceSelector(
  marks: KaasMarkKeys,
  of: { tenant?: string; instance?: string; capability?: string },
): string {
  return [
    `${marks.managedBy}=${MANAGED_BY_VALUE}`,
    of.tenant ? `${marks.tenant}=${of.tenant}` : marks.tenant,
    of.capability ? `${marks.capability}=${of.capability}` : marks.capability,
    of.instance ? `${marks.instance}=${of.instance}` : marks.instance,
  ].join(',');
}

/**
 * The instances in `namespace` of `cluster` (every namespace when undefined), found by
 * their marks on the main object of each capability: the object its readiness rule
 * reads, the only one of its kind in a capability.
 */
export async function findInstances(
  cluster: KaasCluster,
  capabilities: LoadedCapability[],
  marks: KaasMarkKeys,
  where: { namespace?: string; tenant?: string; instance?: string },
): Promise<FoundInstance[]> {
  const api = cluster.objects();
  const perCapability = await Promise.all(
    capabilities.map(async loaded => {
      const { capability } = loaded;
      const main = capability.objects[capability.readiness.object ?? 0];
      if (!(await api.discover(main.apiVersion, main.kind))) return [];
      const list = await api.list(
        main.apiVersion,
        main.kind,
        where.namespace,
        undefined,
        undefined,
        undefined,
        undefined,
        instanceSelector(marks, {
          tenant: where.tenant,
          capability: capability.id,
          instance: where.instance,
        }),
      );
      return list.items.flatMap(item => {
        const summary = instanceSummaryOf(
          item,
          cluster.name,
          capability.id,
          marks,
        );
        return summary
          ? [
              {
                summary,
                object: {
                  ...item,
                  apiVersion: main.apiVersion,
                  kind: main.kind,
                },
                loaded,
              },
            ]
          : [];
      });
    }),
  );
  return perCapability.flat();
}
