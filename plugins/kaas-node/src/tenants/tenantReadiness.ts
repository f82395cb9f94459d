import { CoreV1Api, type V1ResourceQuota } from '@kubernetes/client-node';
import type {
  KaasMarkKeys,
  TenantIsolation,
} from '@kaas-platform/plugin-kaas-common';
import type { KaasCluster } from '../clusters/KaasCluster';
import { statusCode } from '../clusters/statusCode';
import { CLUSTER_API_VERSION, kubeconfigSecretName } from './renderClusterApi';
import type { CrossplaneProfile } from './tenantPolicy';

/**
 * One thing a tenant needs before it is ready, shaped like a Kubernetes condition:
 * `type` says what (e.g. `NamespaceActive`, `ClusterAvailable`), `message` what was seen.
 *
 * @public
 */
export interface ReadinessCondition {
  type: string;
  status: 'True' | 'False';
  /** What was seen, e.g. "Namespace 't-a': phase Active". */
  message: string;
}

/** Whether a tenant is ready, and what is still missing. @public */
export interface TenantReadiness {
  tenant: string;
  namespace: string;
  cluster: string;
  isolation: TenantIsolation;
  ready: boolean;
  conditions: ReadinessCondition[];
}

export interface Condition {
  type?: string;
  status?: string;
  reason?: string;
  message?: string;
}

interface ClusterLike {
  status?: { phase?: string; conditions?: Condition[] };
}

async function readOptional<T>(read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch (error) {
    if (statusCode(error) === 404) return undefined;
    throw error;
  }
}

function describeConditions(conditions: Condition[] | undefined): string {
  return (conditions ?? [])
    .map(c => `${c.type}=${c.status}${c.reason ? ` (${c.reason})` : ''}`)
    .join(', ');
}

/** What a tenant's readiness is judged on, as read from the cluster or from a cache. */
export interface ObservedTenant {
  /** The home namespace, or undefined when it does not exist. */
  namespace?: { phase?: string };
  /** The tenant's ResourceQuotas in its home namespace. */
  quotas: Array<{ name: string; counted: boolean }>;
  /** The Cluster API `Cluster` or Crossplane claim (vcluster/cluster tenants), if it exists. */
  clusterObject?: { status?: { phase?: string; conditions?: Condition[] } };
  /** Whether the kubeconfig Secret (vcluster/cluster tenants) exists. */
  kubeconfigSecret: boolean;
}

/** The provisioning object of a vcluster/cluster tenant and its kubeconfig Secret's name. */
export function tenantProvisioner(tenant: {
  name: string;
  namespace: string;
  crossplane?: CrossplaneProfile;
}) {
  return {
    apiVersion: tenant.crossplane?.apiVersion ?? CLUSTER_API_VERSION,
    kind: tenant.crossplane?.kind ?? 'Cluster',
    metadata: { name: tenant.name, namespace: tenant.namespace },
    secretName:
      tenant.crossplane?.connectionSecretName ??
      kubeconfigSecretName(tenant.name),
  };
}

/**
 * Judges a tenant's readiness from what was observed: its namespace Active and every
 * ResourceQuota of the tenant counted by the quota controller (`status.hard` set); for
 * virtual and workload clusters also the Cluster API `Cluster` Provisioned and Available
 * (or the Crossplane claim Ready) and the kubeconfig Secret present.
 */
export function tenantReadinessOf(
  tenant: {
    name: string;
    namespace: string;
    cluster: string;
    isolation: TenantIsolation;
    crossplane?: CrossplaneProfile;
  },
  observed: ObservedTenant,
): TenantReadiness {
  const checks: ReadinessCondition[] = [];
  const check = (type: string, ok: boolean, message: string) =>
    checks.push({ type, status: ok ? 'True' : 'False', message });
  const ns = observed.namespace;
  const phase = ns?.phase;
  check(
    'NamespaceActive',
    phase === 'Active',
    `Namespace '${tenant.namespace}' ${ns ? `is ${phase}` : 'does not exist'}`,
  );

  if (observed.quotas.length === 0) {
    check('QuotaCounted', false, 'no ResourceQuota of the tenant exists yet');
  }
  for (const quota of observed.quotas) {
    check(
      'QuotaCounted',
      quota.counted,
      `ResourceQuota '${quota.name}' ${
        quota.counted
          ? 'is counted by the quota controller'
          : 'is not yet counted by the quota controller (status.hard is empty)'
      }`,
    );
  }

  if (tenant.isolation !== 'namespace') {
    const header = tenantProvisioner(tenant);
    const object = observed.clusterObject;
    const conditions = object?.status?.conditions;
    const condition = (type: string) => conditions?.find(c => c.type === type);
    if (tenant.crossplane) {
      const ready = condition('Ready')?.status === 'True';
      check(
        'ClaimReady',
        ready,
        `${header.kind} '${tenant.name}' ${
          object
            ? `has conditions: ${describeConditions(conditions) || 'none yet'}`
            : 'does not exist'
        }`,
      );
    } else {
      const provisioned = object?.status?.phase === 'Provisioned';
      const available = condition('Available')?.status === 'True';
      check(
        'ClusterAvailable',
        provisioned && available,
        `Cluster '${tenant.name}' ${
          object
            ? `is in phase ${
                object.status?.phase ?? '(none yet)'
              } with conditions: ${
                describeConditions(conditions) || 'none yet'
              }`
            : 'does not exist'
        }`,
      );
    }
    check(
      'KubeconfigAvailable',
      observed.kubeconfigSecret,
      `Secret '${header.secretName}' ${
        observed.kubeconfigSecret ? 'is present' : 'does not exist yet'
      }`,
    );
  }

  return {
    tenant: tenant.name,
    namespace: tenant.namespace,
    cluster: tenant.cluster,
    isolation: tenant.isolation,
    ready: checks.every(c => c.status === 'True'),
    conditions: checks,
  };
}

/**
 * Reads whether a tenant is ready now from the cluster (see {@link tenantReadinessOf} for
 * what is checked).
 *
 * @public
 */
export async function readTenantReadiness(
  cluster: KaasCluster,
  tenant: {
    name: string;
    namespace: string;
    isolation: TenantIsolation;
    crossplane?: CrossplaneProfile;
  },
  marks: KaasMarkKeys,
): Promise<TenantReadiness> {
  const core = cluster.api(CoreV1Api);
  const ns = await readOptional(() =>
    core.readNamespace({ name: tenant.namespace }),
  );
  const quotas: V1ResourceQuota[] = ns
    ? (
        await core.listNamespacedResourceQuota({
          namespace: tenant.namespace,
          labelSelector: `${marks.tenant}=${tenant.name}`,
        })
      ).items
    : [];
  let clusterObject: ClusterLike | undefined;
  let kubeconfigSecret = false;
  if (tenant.isolation !== 'namespace') {
    const api = cluster.objects();
    const { secretName, ...header } = tenantProvisioner(tenant);
    clusterObject = (await readOptional(() => api.read(header))) as
      | ClusterLike
      | undefined;
    kubeconfigSecret =
      !!ns &&
      !!(await readOptional(() =>
        core.readNamespacedSecret({
          name: secretName,
          namespace: tenant.namespace,
        }),
      ));
  }
  return tenantReadinessOf(
    { ...tenant, cluster: cluster.name },
    {
      namespace: ns ? { phase: ns.status?.phase } : undefined,
      quotas: quotas.map(quota => ({
        name: quota.metadata?.name ?? '',
        counted: Object.keys(quota.status?.hard ?? {}).length > 0,
      })),
      clusterObject,
      kubeconfigSecret,
    },
  );
}
