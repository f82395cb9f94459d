import {
  kubeconfigModesFor,
  type TenantDrift,
  tenantEntityRef,
  type TenantStatus,
} from '@kaas-platform/plugin-kaas-common';
import {
  tenantProvisioner,
  tenantReadinessOf,
} from '../tenants/tenantReadiness';
import type { TenantPolicy } from '../tenants/tenantPolicy';
import type { ClusterWatches } from './ClusterWatches';
import type { NamespaceProjection } from './objectProjections';
import { quotaFraction } from './quantity';

/**
 * A tenant's status from the watches of its cluster: the readiness conditions exactly as
 * `readTenantReadiness` words them, and what the tenant page shows besides.
 */
export function tenantStatusOf(options: {
  home: NamespaceProjection;
  watches: ClusterWatches;
  policy: TenantPolicy;
  /** The Drifted condition (`tenantDriftOf`), which the inventory keeps between changes. */
  drift: TenantDrift;
  oidc: boolean;
  observedAt: string;
}): TenantStatus {
  const { home, watches, policy } = options;
  const { summary } = home;
  const { namespace } = summary;
  const crossplane =
    summary.isolation === 'cluster'
      ? policy.profiles[summary.profile]?.crossplane
      : undefined;
  const tenant = { ...summary, crossplane };

  const quotas = (watches.quotas?.inNamespace(namespace) ?? [])
    .filter(q => q.tenant === summary.name)
    .sort((a, b) => a.name.localeCompare(b.name));
  const provisioner = tenantProvisioner(tenant);
  const clusterObject =
    summary.isolation === 'namespace'
      ? undefined
      : watches.clusterObject(
          provisioner.apiVersion,
          provisioner.kind,
          namespace,
          summary.name,
        );
  const readiness = tenantReadinessOf(
    { ...tenant, cluster: summary.cluster },
    {
      // The namespace watch selects home namespaces only; this one was seen.
      namespace: { phase: home.phase },
      quotas: quotas.map(q => ({ name: q.name, counted: q.counted })),
      clusterObject: clusterObject
        ? {
            status: {
              phase: clusterObject.phase,
              conditions: clusterObject.conditions,
            },
          }
        : undefined,
      kubeconfigSecret: !!watches.kubeconfigSecrets?.get(
        namespace,
        provisioner.secretName,
      ),
    },
  );

  const pods = watches.pods?.inNamespace(namespace) ?? [];
  let phase: TenantStatus['phase'] = readiness.ready ? 'Ready' : 'Provisioning';
  if (home.terminating || home.phase === 'Terminating') phase = 'Terminating';

  return {
    ...summary,
    entityRef: tenantEntityRef(summary.name),
    phase,
    ready: readiness.ready,
    conditions: readiness.conditions,
    quotas: quotas.map(q => ({
      name: q.name,
      resources: Object.keys(q.hard)
        .sort()
        .map(resource => ({
          resource,
          used: q.used[resource] ?? '0',
          hard: q.hard[resource],
          fraction: quotaFraction(q.used[resource], q.hard[resource]),
        })),
    })),
    limitRanges: (watches.limitRanges?.inNamespace(namespace) ?? [])
      .map(({ name, limits }) => ({ name, limits }))
      .sort((a, b) => a.name.localeCompare(b.name)),
    networkPolicies: (watches.networkPolicies?.inNamespace(namespace) ?? [])
      .map(({ name, policyTypes }) => ({ name, policyTypes }))
      .sort((a, b) => a.name.localeCompare(b.name)),
    workloads: {
      pods: pods.length,
      podsRunning: pods.filter(p => p === 'Running').length,
      deployments: watches.deployments?.countInNamespace(namespace) ?? 0,
      statefulSets: watches.statefulSets?.countInNamespace(namespace) ?? 0,
    },
    events: (watches.events?.inNamespace(namespace) ?? [])
      .sort((a, b) => b.at - a.at)
      .map(({ at: _at, ...event }) => event),
    ...(clusterObject ? { clusterObject } : {}),
    kubeconfigModes: kubeconfigModesFor(summary.isolation, options.oidc),
    drift: options.drift,
    observedAt: options.observedAt,
  };
}
