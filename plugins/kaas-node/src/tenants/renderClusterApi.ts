import { InputError } from '@backstage/errors';
import type { TenantProfile } from './tenantPolicy';
import type { KubernetesManifest } from './kubernetesManifest';
import {
  substitutePlaceholders,
  type TenantTemplateValues,
} from './tenantPlaceholders';

/** Cluster API group and version of the `Cluster` objects the platform writes. */
export const CLUSTER_API_VERSION = 'cluster.x-k8s.io/v1beta2';
const VCLUSTER_CONTROL_PLANE_GROUP = 'controlplane.cluster.x-k8s.io';
const VCLUSTER_INFRASTRUCTURE_GROUP = 'infrastructure.cluster.x-k8s.io';
const VCLUSTER_VERSION = 'v1alpha1';

type Metadata = (name: string) => KubernetesManifest['metadata'];

/** The Secret Cluster API (and our Crossplane compositions) write a cluster's kubeconfig into. */
export function kubeconfigSecretName(tenant: string): string {
  return `${tenant}-kubeconfig`;
}

/** A version as `v<major>.<minor>.<patch>`, the form Kubernetes images and Cluster API use. */
export function withV(version: string): string {
  return version.startsWith('v') ? version : `v${version}`;
}

/**
 * A virtual cluster: a Cluster API `Cluster` whose control plane and infrastructure are
 * the vCluster provider's `VCluster` objects. The Helm release (values, Kubernetes
 * version as the chart's `controlPlane.distro.k8s.version`) sits on the control-plane
 * object, which deploys the virtual cluster. `kubernetesVersion` is the request's, else
 * the profile's.
 */
export function renderVirtualCluster(
  tenant: string,
  profile: TenantProfile,
  metadata: Metadata,
  kubernetesVersion?: string,
): KubernetesManifest[] {
  const vcluster = profile.vcluster ?? {};
  const helmRelease: Record<string, unknown> = {};
  if (vcluster.chart) helmRelease.chart = vcluster.chart;
  if (typeof vcluster.values === 'string') helmRelease.values = vcluster.values;
  let valuesObject =
    typeof vcluster.values === 'object' ? { ...vcluster.values } : undefined;
  const version = kubernetesVersion ?? vcluster.kubernetesVersion;
  if (version) {
    valuesObject = deepMerge(valuesObject ?? {}, {
      controlPlane: { distro: { k8s: { version: withV(version) } } },
    });
  }
  if (valuesObject) helmRelease.valuesObject = valuesObject;

  return [
    {
      apiVersion: CLUSTER_API_VERSION,
      kind: 'Cluster',
      metadata: metadata(tenant),
      spec: {
        controlPlaneRef: {
          apiGroup: VCLUSTER_CONTROL_PLANE_GROUP,
          kind: 'VCluster',
          name: tenant,
        },
        infrastructureRef: {
          apiGroup: VCLUSTER_INFRASTRUCTURE_GROUP,
          kind: 'VCluster',
          name: tenant,
        },
      },
    },
    {
      apiVersion: `${VCLUSTER_CONTROL_PLANE_GROUP}/${VCLUSTER_VERSION}`,
      kind: 'VCluster',
      metadata: metadata(tenant),
      spec: Object.keys(helmRelease).length ? { helmRelease } : {},
    },
    {
      apiVersion: `${VCLUSTER_INFRASTRUCTURE_GROUP}/${VCLUSTER_VERSION}`,
      kind: 'VCluster',
      metadata: metadata(tenant),
      spec: {},
    },
  ];
}

/**
 * A whole cluster: a Cluster API `Cluster` with a managed topology from the profile's
 * ClusterClass (at `kubernetesVersion`, else the profile's), or the profile's Crossplane
 * claim.
 */
export function renderWorkloadCluster(
  tenant: string,
  profile: TenantProfile,
  values: TenantTemplateValues,
  metadata: Metadata,
  kubernetesVersion?: string,
): KubernetesManifest[] {
  if (profile.crossplane) {
    const { apiVersion, kind, parameters, connectionSecretName } =
      profile.crossplane;
    return [
      {
        apiVersion,
        kind,
        metadata: metadata(tenant),
        spec: {
          parameters: substitutePlaceholders(parameters, values),
          writeConnectionSecretToRef: {
            name: connectionSecretName ?? kubeconfigSecretName(tenant),
          },
        },
      },
    ];
  }
  if (profile.clusterClass) {
    const { name, namespace, version, workers, variables } =
      profile.clusterClass;
    const topology: Record<string, unknown> = {
      classRef: namespace ? { name, namespace } : { name },
      version: withV(kubernetesVersion ?? version),
    };
    if (workers) topology.workers = substitutePlaceholders(workers, values);
    if (variables) {
      topology.variables = substitutePlaceholders(variables, values);
    }
    return [
      {
        apiVersion: CLUSTER_API_VERSION,
        kind: 'Cluster',
        metadata: metadata(tenant),
        spec: { topology },
      },
    ];
  }
  throw new InputError(
    `Profile '${profile.name}' offers no isolation 'cluster' (it has neither clusterClass nor crossplane); choose another profile or isolation`,
  );
}

function deepMerge(
  base: Record<string, unknown>,
  extra: Record<string, unknown>,
): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(extra)) {
    const current = merged[key];
    merged[key] =
      isPlainObject(current) && isPlainObject(value)
        ? deepMerge(current, value)
        : value;
  }
  return merged;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return !!value && typeof value === 'object' && !Array.isArray(value);
}
