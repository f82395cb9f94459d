import type { LoggerService } from '@backstage/backend-plugin-api';
import { ConflictError } from '@backstage/errors';
import {
  PatchStrategy,
  RbacAuthorizationV1Api,
  setHeaderOptions,
  type KubernetesObject,
  type RbacV1Subject,
} from '@kubernetes/client-node';
import {
  MANAGED_BY_VALUE,
  parseGroupRef,
  sameEntityRef,
  type KaasMarkKeys,
} from '@kaas-platform/plugin-kaas-common';
import { applyManifests } from '../apply/applyManifests';
import { describeAppliedObject } from '../apply/describeOutcome';
import { objectKey } from '../apply/ownershipGuard';
import type { ClusterRegistry } from '../clusters/ClusterRegistry';
import type { KaasCluster } from '../clusters/KaasCluster';
import { statusCode } from '../clusters/statusCode';
import type { KubeconfigIssuer } from '../kubeconfig/KubeconfigIssuer';
import { kubeconfigServiceAccountName } from '../kubeconfig/kubeconfigServiceAccount';
import {
  INSTANCE_NAMESPACE_VIEWER_BINDING,
  instanceNamespaceManifests,
} from '../instances/instanceNamespace';
import { clusterGroupName } from './clusterGroupName';
import { instancesOf } from './deleteTenant';
import { describeChanges, type ObjectChange } from './describeChanges';
import { describeObject, type KubernetesManifest } from './kubernetesManifest';
import type { TenantPlan } from './renderTenant';
import type { InstanceKind } from './tenantInstances';
import type { TenantSettings } from './tenantPolicy';
import type { TenantSummary } from './tenantSummary';

/** Options of `TenantService.transfer`. @public */
export interface TenantTransferOptions {
  /** The tenant's kubeconfig issuer: every token kubeconfig of the tenant is revoked. */
  kubeconfigs: Pick<KubeconfigIssuer, 'revoke' | 'list'>;
  dryRun?: boolean;
  logger?: LoggerService;
}

/** What `TenantService.transfer` did (in a dry run: would do). @public */
export interface TenantTransferResult {
  tenant: string;
  namespace: string;
  cluster: string;
  /** The owner before, and after, the transfer (full group refs). */
  from: string;
  to: string;
  dryRun: boolean;
  /** Each object of the tenant and its instances whose owner mark moved, as the task log names it. */
  moved: string[];
  /** Each field the tenant's objects rendered for the new owner change (RoleBinding subjects among them). */
  changes: ObjectChange[];
  /** RoleBindings of the home namespace that granted the old group access and no longer do. */
  accessRemoved: string[];
  /** Token kubeconfigs revoked (in a dry run: that would be). */
  revokedKubeconfigs: number;
}

/** What a transfer needs of the service. */
export interface TenantTransferContext {
  clusters: ClusterRegistry;
  marks: KaasMarkKeys;
  settings: TenantSettings;
  instanceKinds: InstanceKind[];
}

interface Located {
  cluster: KaasCluster;
  object: KubernetesManifest;
}

/**
 * Moves `tenant` (as found on the cluster) and its instances to `plan.owner` (`plan` is
 * the tenant rendered for the new owner). Every object marked for the tenant is checked
 * first: one marked for an owner other than the old or the new one stops the transfer
 * before anything is written. Then, each write conditional on the object being unchanged
 * since it was read: the owner mark of the instances, their namespaces and the tenant's
 * objects moves; the tenant's objects are applied as rendered for the new owner; the old
 * group is removed from every other RoleBinding of the home namespace; the token
 * kubeconfigs are revoked; and last the home namespace, whose mark is what the tenant's
 * owner is, moves. A run that failed part-way can be run again.
 */
export async function transferTenant(
  context: TenantTransferContext,
  tenant: TenantSummary,
  plan: TenantPlan,
  options: TenantTransferOptions,
): Promise<TenantTransferResult> {
  const { clusters, marks, settings } = context;
  const { name, namespace } = tenant;
  const from = tenant.owner;
  const to = plan.owner;
  const cluster = clusters.get(tenant.cluster);
  const dryRun = !!options.dryRun;
  const logger = options.logger;
  const base = { tenant: name, namespace, cluster: cluster.name, from, to };
  const apply = async (manifests: KubernetesManifest[]) => {
    const { objects } = await applyManifests(cluster, manifests, {
      fieldManager: settings.fieldManager,
      marks,
      tenant: name,
      owner: to,
    });
    for (const object of objects) logger?.info(describeAppliedObject(object));
  };

  const changes = await describeChanges(cluster, plan.manifests);
  if (sameEntityRef(from, to)) {
    // Moved already (or moved but for the last apply of a run that failed): apply again.
    logger?.info(`Tenant '${name}' belongs to ${to} already`);
    if (!dryRun) await apply(plan.manifests);
    return {
      ...base,
      dryRun,
      moved: [],
      changes,
      accessRemoved: [],
      revokedKubeconfigs: 0,
    };
  }

  const home = plan.manifests[0];
  const located = await objectsOf(context, tenant, cluster, plan);
  const namespaceOwners = new Map([[namespace, from]]);
  for (const { object } of located) {
    if (object.kind === 'Namespace') {
      namespaceOwners.set(object.metadata.name, from);
    }
  }
  const ownerOf = (object: KubernetesObject) =>
    object.metadata?.annotations?.[marks.owner] ??
    (object.kind !== 'Namespace' && object.metadata?.namespace
      ? namespaceOwners.get(object.metadata.namespace)
      : undefined);
  const refused = located
    .filter(({ object }) => {
      const owner = ownerOf(object);
      return (
        !owner || !(sameEntityRef(owner, from) || sameEntityRef(owner, to))
      );
    })
    .map(
      ({ object }) =>
        `${describeObject(
          object,
        )} is marked for tenant '${name}' but belongs to ${
          ownerOf(object) ?? 'no owner'
        }, not ${from}.`,
    );
  if (refused.length) {
    throw new ConflictError(
      `Tenant '${name}' was not transferred, nor was anything of it: ${refused.join(
        ' ',
      )} Ask the platform team to look into these objects.`,
    );
  }
  // Moved by an earlier run that failed part-way: nothing to do for those.
  const toRemark = located.filter(({ object }) =>
    sameEntityRef(ownerOf(object)!, from),
  );
  const where = (on: KaasCluster) =>
    on.name === cluster.name ? '' : ` on cluster '${on.name}'`;
  const moved = [
    ...toRemark.map(
      ({ cluster: on, object }) => `${describeObject(object)}${where(on)}`,
    ),
    describeObject(home),
  ];
  const oldGroup = parseGroupRef(from);
  const accessOfOld = () =>
    accessOfOldGroup(
      cluster,
      plan,
      'group' in oldGroup
        ? clusterGroupName(oldGroup.group, settings)
        : undefined,
    );

  if (dryRun) {
    const accessRemoved = (await accessOfOld()).map(a => a.description);
    for (const object of moved) {
      logger?.info(`Would move ${object} from ${from} to ${to}`);
    }
    for (const removed of accessRemoved) logger?.info(`Would ${removed}`);
    const { length } = await options.kubeconfigs.list(tenant);
    logger?.info(`Would revoke ${length} token kubeconfig(s)`);
    return {
      ...base,
      dryRun,
      moved,
      changes,
      accessRemoved,
      revokedKubeconfigs: length,
    };
  }

  const remark = async ({ cluster: on, object }: Located) => {
    await conditionally(object, () =>
      on.objects().patch(
        {
          apiVersion: object.apiVersion,
          kind: object.kind,
          metadata: {
            name: object.metadata.name,
            ...(object.metadata.namespace
              ? { namespace: object.metadata.namespace }
              : {}),
            // The patch applies only to the object as it was checked.
            resourceVersion: object.metadata.resourceVersion,
            annotations: { [marks.owner]: to },
          },
        },
        undefined,
        undefined,
        settings.fieldManager,
        undefined,
        PatchStrategy.MergePatch,
      ),
    );
    logger?.info(
      `Moved ${describeObject(object)}${where(on)} from ${from} to ${to}`,
    );
  };
  // In order: an instance namespace moves after its instances, so a run that failed
  // part-way finds the instances of a namespace it has not moved yet.
  for (const object of toRemark) await remark(object);
  // The owner group's view of each XaaS namespace moves with it.
  for (const { cluster: on, object } of located) {
    if (object.kind !== 'Namespace') continue;
    const { objects } = await applyManifests(
      on,
      instanceNamespaceManifests({
        namespace: object.metadata.name,
        tenant: { name, owner: to },
        marks,
        settings,
      }).slice(1),
      { fieldManager: settings.fieldManager, marks, tenant: name, owner: to },
    );
    for (const applied of objects) {
      logger?.info(`${describeAppliedObject(applied)}${where(on)}`);
    }
  }
  await apply(plan.manifests.slice(1));
  // Read after the moves: those changed the RoleBindings of the platform.
  const access = await accessOfOld();
  const accessRemoved = access.map(a => a.description);
  for (const binding of access) {
    await conditionally(binding.object, binding.remove);
    logger?.info(`${capitalized(binding.description)}`);
  }
  let { revoked } = await options.kubeconfigs.revoke(tenant);
  // Last: from now on the tenant is the new owner's.
  const current = await cluster.objects().read<KubernetesManifest>({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: namespace },
  });
  if (!sameEntityRef(current.metadata.annotations?.[marks.owner] ?? '', from)) {
    throw new ConflictError(
      `The home namespace '${namespace}' no longer belongs to ${from}; it was changed while tenant '${name}' was being transferred. Try again.`,
    );
  }
  await remark({
    cluster,
    object: { ...current, apiVersion: 'v1', kind: 'Namespace' },
  });
  await apply([home]);
  // A token issued to the old group between the revocation and the move goes too.
  try {
    revoked += (await options.kubeconfigs.revoke(tenant)).revoked;
  } catch (error) {
    logger?.warn(
      `Tenant '${name}' now belongs to ${to}, but a second check for token kubeconfigs issued during the transfer failed (${error}); revoke the tenant's kubeconfigs from its Kubeconfig tab`,
    );
  }
  logger?.info(
    `Tenant '${name}' now belongs to ${to}; revoked ${revoked} token kubeconfig(s) issued before the transfer`,
  );
  return {
    ...base,
    dryRun,
    moved,
    changes,
    accessRemoved,
    revokedKubeconfigs: revoked,
  };
}

/**
 * Every object marked for the tenant, home namespace aside: its instances and their
 * namespaces (each after its instances), the objects of the home namespace of the kinds
 * the platform writes there, and the kubeconfig ServiceAccount in the platform namespace.
 */
async function objectsOf(
  context: TenantTransferContext,
  tenant: TenantSummary,
  cluster: KaasCluster,
  plan: TenantPlan,
): Promise<Located[]> {
  const { marks, settings } = context;
  const located: Located[] = [];
  const seen = new Set<string>();
  const add = (on: KaasCluster, object: KubernetesManifest) => {
    const key = `${on.name}/${objectKey(object)}`;
    if (seen.has(key)) return;
    seen.add(key);
    located.push({ cluster: on, object });
  };
  const instances = await instancesOf(
    context,
    tenant,
    cluster,
    'nothing was transferred',
  );
  for (const group of instances) {
    for (const object of group.objects) add(group.cluster, object);
    if (group.instanceNamespace) {
      const viewer = await readObject(group.cluster, {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: {
          name: INSTANCE_NAMESPACE_VIEWER_BINDING,
          namespace: group.instanceNamespace.metadata.name,
        },
      });
      if (viewer) add(group.cluster, viewer);
      add(group.cluster, group.instanceNamespace);
    }
  }

  const api = cluster.objects();
  const selector = `${marks.tenant}=${tenant.name},${marks.managedBy}=${MANAGED_BY_VALUE}`;
  // The kinds the platform writes there: those of the render, the kubeconfig RoleBinding
  // and the instances'.
  const kinds = new Map<string, { apiVersion: string; kind: string }>([
    [
      'rbac.authorization.k8s.io/v1/RoleBinding',
      { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding' },
    ],
  ]);
  for (const { apiVersion, kind } of plan.manifests.slice(1)) {
    kinds.set(`${apiVersion}/${kind}`, { apiVersion, kind });
  }
  for (const { apiVersion, kind } of context.instanceKinds) {
    kinds.set(`${apiVersion}/${kind}`, { apiVersion, kind });
  }
  for (const { apiVersion, kind } of [...kinds.values()]) {
    if (!(await api.discover(apiVersion, kind))) continue;
    const list = await api.list(
      apiVersion,
      kind,
      tenant.namespace,
      undefined,
      undefined,
      undefined,
      undefined,
      selector,
    );
    for (const item of list.items) {
      add(cluster, { ...item, apiVersion, kind } as KubernetesManifest);
    }
  }

  try {
    const account = await api.read<KubernetesManifest>({
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: {
        name: kubeconfigServiceAccountName(tenant.name),
        namespace: settings.platformNamespace,
      },
    });
    const labels = account.metadata.labels ?? {};
    if (
      labels[marks.tenant] === tenant.name &&
      labels[marks.managedBy] === MANAGED_BY_VALUE
    ) {
      add(cluster, { ...account, apiVersion: 'v1', kind: 'ServiceAccount' });
    }
  } catch (error) {
    if (statusCode(error) !== 404) throw error;
  }
  return located;
}

/**
 * The RoleBindings of the home namespace other than those the platform renders for the
 * new owner (applied anew, with the new group) that name the old group, and how each
 * loses it: deleted when the old group is all it names, else the group removed.
 */
async function accessOfOldGroup(
  cluster: KaasCluster,
  plan: TenantPlan,
  oldGroup: string | undefined,
): Promise<
  Array<{
    object: KubernetesManifest;
    description: string;
    remove: () => Promise<unknown>;
  }>
> {
  if (!oldGroup) return [];
  const rbac = cluster.api(RbacAuthorizationV1Api);
  const rendered = new Set(
    plan.manifests
      .filter(m => m.kind === 'RoleBinding')
      .map(m => m.metadata.name),
  );
  const isOldGroup = (s: RbacV1Subject) =>
    s.kind === 'Group' && s.name === oldGroup;
  const { items } = await rbac.listNamespacedRoleBinding({
    namespace: plan.namespace,
  });
  return items
    .filter(b => !rendered.has(b.metadata!.name!))
    .filter(b => (b.subjects ?? []).some(isOldGroup))
    .map(binding => {
      const name = binding.metadata!.name!;
      const object = {
        ...binding,
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
      } as KubernetesManifest;
      const rest = (binding.subjects ?? []).filter(s => !isOldGroup(s));
      const resourceVersion = binding.metadata!.resourceVersion;
      if (!rest.length) {
        return {
          object,
          description: `delete ${describeObject(
            object,
          )}, which granted group ${oldGroup} access`,
          remove: () =>
            rbac.deleteNamespacedRoleBinding({
              name,
              namespace: plan.namespace,
              body: { preconditions: { resourceVersion } },
            }),
        };
      }
      return {
        object,
        description: `remove group ${oldGroup} from ${describeObject(object)}`,
        remove: () =>
          rbac.patchNamespacedRoleBinding(
            {
              name,
              namespace: plan.namespace,
              body: { metadata: { resourceVersion }, subjects: rest },
            },
            setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
          ),
      };
    });
}

/** Runs a write made conditional on the object's resourceVersion; a 409 says which object changed. */
async function conditionally(
  object: KubernetesObject,
  write: () => Promise<unknown>,
): Promise<void> {
  try {
    await write();
  } catch (error) {
    if (statusCode(error) !== 409) throw error;
    throw new ConflictError(
      `${describeObject(
        object,
      )} changed while its tenant was being transferred; nothing more was changed. Run the transfer again.`,
    );
  }
}

function capitalized(text: string): string {
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}`;
}

/** The object as the cluster has it, kind included; undefined when it does not exist. */
async function readObject(
  cluster: KaasCluster,
  header: KubernetesManifest,
): Promise<KubernetesManifest | undefined> {
  try {
    const object = await cluster.objects().read<KubernetesManifest>(header);
    return { ...object, apiVersion: header.apiVersion, kind: header.kind };
  } catch (error) {
    if (statusCode(error) === 404) return undefined;
    throw error;
  }
}
