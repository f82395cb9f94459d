import { ConflictError } from '@backstage/errors';
import { CoreV1Api, type V1Namespace } from '@kubernetes/client-node';
import {
  INSTANCE_NAMESPACE_SUFFIX,
  type KaasMarkKeys,
} from '@kaas-platform/plugin-kaas-common';
import { describeDeletedObject } from '../apply/describeOutcome';
import { foreignOwnership } from '../apply/ownershipGuard';
import { waitUntilAbsent } from '../apply/waitUntilAbsent';
import {
  askEveryCluster,
  clustersUnavailable,
} from '../clusters/askEveryCluster';
import type { ClusterObjectApi } from '../clusters/ClusterObjectApi';
import type { ClusterRegistry } from '../clusters/ClusterRegistry';
import type { KaasCluster } from '../clusters/KaasCluster';
import { statusCode } from '../clusters/statusCode';
import { describeObject, type KubernetesManifest } from './kubernetesManifest';
import { CLUSTER_API_VERSION } from './renderClusterApi';
import { findTenantInstances, type InstanceKind } from './tenantInstances';
import type { TenantPolicy } from './tenantPolicy';
import type { TenantDeleteOptions, TenantDeleteResult } from './tenantResults';
import type { TenantSummary } from './tenantSummary';

/** What deleting a tenant needs of the service. */
export interface TenantDeleteContext {
  clusters: ClusterRegistry;
  marks: KaasMarkKeys;
  profiles: TenantPolicy['profiles'];
  /** Kinds of XaaS instance objects, looked for before a tenant is deleted. */
  instanceKinds: InstanceKind[];
}

/**
 * Deletes `tenant` (as found and checked by the caller): its instances when
 * `deleteInstances` (refused while any exist otherwise), its Cluster API / Crossplane
 * objects, then the home namespace. Every object is checked to be this tenant's and
 * owner's before the first is deleted.
 */
export async function deleteTenant(
  context: TenantDeleteContext,
  tenant: TenantSummary,
  options: TenantDeleteOptions,
): Promise<TenantDeleteResult> {
  const { clusters, marks } = context;
  const name = tenant.name;
  const timeoutMs = options.timeoutMs ?? 120_000;
  const deadline = Date.now() + timeoutMs;
  const cluster = clusters.get(tenant.cluster);
  const dryRun = options.dryRun ? 'All' : undefined;
  const api = cluster.objects();
  const logger = options.logger;
  const deleted: TenantDeleteResult['deleted'] = [];
  const remove = async (
    object: KubernetesManifest,
    on: { cluster: KaasCluster; api: ClusterObjectApi } = {
      cluster,
      api,
    },
  ) => {
    await on.api.delete(object, undefined, dryRun);
    const entry = {
      apiVersion: object.apiVersion,
      kind: object.kind,
      name: object.metadata.name,
      ...(object.metadata.namespace
        ? { namespace: object.metadata.namespace }
        : {}),
    };
    deleted.push(entry);
    // A task log names the tenant's cluster once, up front; only objects elsewhere
    // (instances on an xaas cluster) say where they were.
    logger?.info(
      describeDeletedObject(
        entry,
        !!options.dryRun,
        on.cluster.name === cluster.name ? undefined : on.cluster.name,
      ),
    );
  };

  const ownership = {
    marks: marks,
    tenant: name,
    owner: tenant.owner,
  };
  const instances = await instancesOf(context, tenant, cluster);
  const instanceObjects = instances.flatMap(i => i.objects);
  if (instanceObjects.length && !options.deleteInstances) {
    throw new ConflictError(
      `Tenant '${name}' still has ${
        instanceObjects.length
      } XaaS instance(s): ${instanceObjects
        .map(
          i =>
            `${describeObject(i)} (${i.metadata.labels?.[marks.capability]})`,
        )
        .join(
          ', ',
        )}; delete them first, or delete the tenant with its instances.`,
    );
  }
  const provisioners = await provisionersOf(context, tenant, api);
  // Every object is checked before the first is deleted: a label anyone who may write
  // there can set does not make an object this tenant's.
  const homeOwner = new Map([[tenant.namespace, tenant.owner]]);
  const refused = [...instanceObjects, ...provisioners].flatMap(
    object =>
      foreignOwnership(object, ownership, 'delete', {
        namespaceOwners: homeOwner,
      }) ?? [],
  );
  if (refused.length) {
    throw new ConflictError(
      `Tenant '${name}' was not deleted, nor was anything of it: ${refused.join(
        ' ',
      )} Ask the platform team to look into these objects.`,
    );
  }
  for (const group of instances) {
    // Instances of vcluster/cluster tenants may live on another (xaas) cluster.
    const on = {
      cluster: group.cluster,
      api: group.cluster.objects(),
    };
    for (const instance of group.objects) await remove(instance, on);
  }
  // The per-tenant namespaces that only hold instances (`<namespace>-xaas`) go too.
  for (const group of instances) {
    if (group.instanceNamespace) {
      await remove(group.instanceNamespace, {
        cluster: group.cluster,
        api: group.cluster.objects(),
      });
    }
  }
  for (const object of provisioners) await remove(object);
  if (!options.dryRun) {
    // Cluster API needs the namespace (its Secrets, the provider objects) to tear the
    // cluster down, so the namespace goes only once the Cluster is gone.
    for (const object of provisioners) {
      await waitUntilAbsent(api, object, deadline);
    }
  }
  await remove({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: tenant.namespace },
  });
  if (options.waitUntilGone && !options.dryRun) {
    await waitUntilAbsent(
      api,
      {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: tenant.namespace },
      },
      deadline,
    );
  }
  return {
    tenant: name,
    namespace: tenant.namespace,
    cluster: cluster.name,
    dryRun: !!options.dryRun,
    deleted,
  };
}

/**
 * The tenant's XaaS instance objects, by the (cluster, namespace) they live in: its
 * home namespace on its own cluster, and (for vcluster and cluster tenants, and namespace
 * tenants of a cluster without the `xaas` role) its `-xaas` namespace on each xaas cluster where that namespace is marked for this tenant and
 * its owner. A namespace of the same name marked for another owner (another cluster's
 * tenant of the same name) is not this tenant's, and neither is anything labelled as
 * its instance elsewhere. Fails closed, naming the cluster, when an xaas cluster cannot
 * be asked: instances there would be left behind.
 */
export async function instancesOf(
  { clusters, marks, instanceKinds }: Omit<TenantDeleteContext, 'profiles'>,
  tenant: TenantSummary,
  home: KaasCluster,
  /** What a failure says was not done. */
  nothingDone = 'nothing was deleted',
): Promise<
  Array<{
    cluster: KaasCluster;
    objects: KubernetesManifest[];
    /** The `-xaas` namespace the objects are in, when it is this tenant's. */
    instanceNamespace?: KubernetesManifest;
  }>
> {
  const find = (cluster: KaasCluster, namespace: string) =>
    findTenantInstances(cluster, tenant.name, marks, instanceKinds, namespace);
  const inHome = {
    cluster: home,
    objects: await find(home, tenant.namespace),
  };
  const xaasClusters = clusters.withRole('xaas');
  // Where instancePlacement keeps a namespace tenant's instances at home.
  if (
    tenant.isolation === 'namespace' &&
    (!xaasClusters.length || xaasClusters.some(c => c.name === home.name))
  ) {
    return [inHome];
  }

  const name = `${tenant.namespace}${INSTANCE_NAMESPACE_SUFFIX}`;
  const { answered, failed } = await askEveryCluster(
    xaasClusters,
    async cluster => {
      let namespace: V1Namespace;
      try {
        namespace = await cluster.api(CoreV1Api).readNamespace({ name });
      } catch (error) {
        if (statusCode(error) === 404) return undefined;
        throw error;
      }
      const manifest = {
        ...namespace,
        apiVersion: 'v1',
        kind: 'Namespace',
      } as KubernetesManifest;
      const mine = !foreignOwnership(
        manifest,
        { marks: marks, tenant: tenant.name, owner: tenant.owner },
        'delete',
      );
      if (!mine) return undefined;
      return {
        cluster,
        objects: await find(cluster, name),
        ...(namespace.metadata?.deletionTimestamp
          ? {}
          : { instanceNamespace: manifest }),
      };
    },
  );
  if (failed.length) {
    throw clustersUnavailable(
      failed,
      `for instances of tenant '${tenant.name}' (${nothingDone})`,
    );
  }
  return [inHome, ...answered.flatMap(a => a.value ?? [])];
}

/** The Cluster API Cluster or Crossplane claim of a vcluster/cluster tenant, if present. */
async function provisionersOf(
  { profiles }: TenantDeleteContext,
  tenant: TenantSummary,
  api: ClusterObjectApi,
): Promise<KubernetesManifest[]> {
  if (tenant.isolation === 'namespace') return [];
  const crossplane =
    tenant.isolation === 'cluster'
      ? profiles[tenant.profile]?.crossplane
      : undefined;
  const header = {
    apiVersion: crossplane?.apiVersion ?? CLUSTER_API_VERSION,
    kind: crossplane?.kind ?? 'Cluster',
    metadata: { name: tenant.name, namespace: tenant.namespace },
  };
  if (!(await api.discover(header.apiVersion, header.kind))) return [];
  try {
    const object = await api.read(header);
    return [
      {
        ...object,
        ...header,
        metadata: object.metadata ?? header.metadata,
      } as KubernetesManifest,
    ];
  } catch (error) {
    if (statusCode(error) === 404) return [];
    throw error;
  }
}
