import { InputError } from '@backstage/errors';
import { stringify } from 'yaml';
import {
  MANAGED_BY_VALUE,
  type KaasMarkKeys,
} from '@kaas-platform/plugin-kaas-common';
import type { KubernetesManifest } from './kubernetesManifest';
import { inClusterObjectProblem } from './readInClusterPolicy';
import type { InClusterTemplate, TenantProfile } from './tenantPolicy';
import {
  substitutePlaceholders,
  type TenantTemplateValues,
} from './tenantPlaceholders';

/** Cluster API group and version of the `ClusterResourceSet` objects the platform writes. */
export const CLUSTER_RESOURCE_SET_API_VERSION =
  'addons.cluster.x-k8s.io/v1beta2';

/** The ConfigMap in the home namespace that holds a tenant's in-cluster objects. */
export function inClusterPolicyConfigMapName(tenant: string): string {
  return `${tenant}-in-cluster-policy`;
}

/** The ClusterResourceSet in the home namespace that delivers them. */
export function inClusterPolicyResourceSetName(tenant: string): string {
  return `${tenant}-policy`;
}

type Metadata = (name: string) => KubernetesManifest['metadata'];

/** Deep copy with every object's keys sorted, so the same policy is the same text. */
function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .sort(([a], [b]) => Number(a > b) - Number(a < b))
        .map(([key, item]) => [key, sortedKeys(item)]),
    );
  }
  return value;
}

/**
 * The objects of the profile's `inCluster` for this tenant, delivered into its own cluster
 * by Cluster API: a ConfigMap `<tenant>-in-cluster-policy` holding one YAML document per
 * object (keys `NN-<kind>-<name>.yaml`: Cluster API applies a ConfigMap's keys in sorted
 * order, so the configured order holds, namespaces first), and a ClusterResourceSet
 * `<tenant>-policy` selecting the tenant's Cluster by its tenant and managed-by labels, with
 * strategy `Reconcile` so a changed policy is applied again inside the cluster. Empty when
 * the profile has no `inCluster`. Only for tenants that have a Cluster API `Cluster`.
 */
export function renderInClusterPolicy(
  tenant: string,
  profile: TenantProfile,
  values: TenantTemplateValues,
  metadata: Metadata,
  marks: KaasMarkKeys,
): KubernetesManifest[] {
  if (!profile.inCluster?.length) return [];
  const data: Record<string, string> = {};
  profile.inCluster.forEach((template, index) => {
    const object = substitutePlaceholders<InClusterTemplate>(template, values);
    const problem = inClusterObjectProblem(object);
    if (problem) {
      throw new InputError(
        `kaas.tenantProfiles.${profile.name}.inCluster[${index}].${problem.field} ${problem.problem} for tenant '${tenant}' of ${values.owner}; the platform team must fix the template`,
      );
    }
    // Marked inside the tenant's cluster too, so the platform's objects there are known.
    const marked = {
      ...object,
      metadata: {
        ...object.metadata,
        labels: {
          ...object.metadata.labels,
          [marks.tenant]: tenant,
          [marks.managedBy]: MANAGED_BY_VALUE,
        },
        annotations: {
          ...object.metadata.annotations,
          [marks.owner]: values.owner,
        },
      },
    };
    const key = `${String(index).padStart(
      2,
      '0',
    )}-${object.kind.toLowerCase()}-${object.metadata.name}.yaml`;
    data[key] = stringify(sortedKeys(marked), { lineWidth: 0 });
  });
  const configMapName = inClusterPolicyConfigMapName(tenant);
  return [
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: metadata(configMapName),
      data,
    },
    {
      apiVersion: CLUSTER_RESOURCE_SET_API_VERSION,
      kind: 'ClusterResourceSet',
      metadata: metadata(inClusterPolicyResourceSetName(tenant)),
      spec: {
        clusterSelector: {
          matchLabels: {
            [marks.tenant]: tenant,
            [marks.managedBy]: MANAGED_BY_VALUE,
          },
        },
        resources: [{ kind: 'ConfigMap', name: configMapName }],
        strategy: 'Reconcile',
      },
    },
  ];
}
