import {
  CoreV1Api,
  RbacAuthorizationV1Api,
  type V1ObjectMeta,
  type V1OwnerReference,
} from '@kubernetes/client-node';
import {
  MANAGED_BY_VALUE,
  kaasMarkKeys,
  type KaasMarkKeys,
} from '@kaas-platform/plugin-kaas-common';
import { applyManifests } from '../apply/applyManifests';
import { statusCode } from '../clusters/statusCode';
import type { KaasCluster } from '../clusters/KaasCluster';
import { ensurePlatformNamespace } from '../platform/platformNamespace';
import type { KubernetesManifest } from '../tenants/kubernetesManifest';
import type { TenantSettings } from '../tenants/tenantPolicy';
import type { TenantSummary } from '../tenants/tenantSummary';
import { ExpiringMap } from './ExpiringMap';

/**
 * The ServiceAccount the token kubeconfigs of `tenant` authenticate as. It lives in the
 * platform namespace, where no tenant can write: a tenant could otherwise mint its own
 * long-lived tokens for it, or edit the issuance records its tokens are bound to.
 *
 * @public
 */
export function kubeconfigServiceAccountName(tenant: string): string {
  return `kubeconfig-${tenant}`;
}

/** The RoleBinding giving that ServiceAccount ClusterRole `admin` in the home namespace. @public */
export const KUBECONFIG_ROLE_BINDING = 'kaas-kubeconfig-admin';

/** Where earlier versions kept the ServiceAccount: in the home namespace, writable by the tenant. */
const LEGACY_SERVICE_ACCOUNT = 'kaas-kubeconfig';

/**
 * How long the ServiceAccount and RoleBinding of a tenant are taken as present after
 * they were applied. A TokenRequest that finds the ServiceAccount gone applies them again.
 */
const ENSURED_TTL_MS = 60_000;

/** Where a tenant's token kubeconfigs come from, once applied. */
export interface KubeconfigAccount {
  /** The platform namespace: the ServiceAccount and the issuance records live there. */
  namespace: string;
  serviceAccount: string;
  /** Makes an object in the platform namespace go when the tenant's home namespace goes. */
  ownerReference: V1OwnerReference;
}

/**
 * Applies (guarded, server-side) a tenant's kubeconfig ServiceAccount in the platform
 * namespace and the RoleBinding that makes it `admin` of the home namespace, at most
 * once a minute per tenant; concurrent issuances share one apply. Both the ServiceAccount
 * and the issuance records are owned (ownerReferences) by the home Namespace, so the
 * garbage collector removes them with the tenant and a later tenant of the same name
 * never inherits them. Retires what earlier versions kept in the home namespace.
 */
export class KubeconfigServiceAccounts {
  private readonly marks: KaasMarkKeys;
  private readonly ensured = new ExpiringMap<
    string,
    Promise<KubeconfigAccount>
  >(ENSURED_TTL_MS);

  constructor(
    private readonly settings: TenantSettings,
    /** Label key marking issuance records (`<prefix>/kubeconfig-issuance`), also their Secret type. */
    private readonly issuanceKey: string,
  ) {
    this.marks = kaasMarkKeys(settings.markPrefix);
  }

  /** The account of the tenant, applied when it was not seen within a minute. */
  async ensure(
    cluster: KaasCluster,
    tenant: TenantSummary,
  ): Promise<KubeconfigAccount> {
    const key = keyOf(cluster, tenant);
    const known = this.ensured.get(key);
    if (known) return known;
    const done = this.apply(cluster, tenant);
    this.ensured.set(key, done);
    try {
      return await done;
    } catch (error) {
      this.ensured.delete(key);
      throw error;
    }
  }

  /** Applies it again on the next {@link ensure} (the ServiceAccount was found gone). */
  forget(cluster: KaasCluster, tenant: TenantSummary): void {
    this.ensured.delete(keyOf(cluster, tenant));
  }

  private async apply(
    cluster: KaasCluster,
    tenant: TenantSummary,
  ): Promise<KubeconfigAccount> {
    const namespace = await ensurePlatformNamespace(cluster, this.settings);
    const home = await cluster.api(CoreV1Api).readNamespace({
      name: tenant.namespace,
    });
    const ownerReference: V1OwnerReference = {
      apiVersion: 'v1',
      kind: 'Namespace',
      name: tenant.namespace,
      uid: home.metadata!.uid!,
    };
    const serviceAccount = kubeconfigServiceAccountName(tenant.name);
    const metadata = (
      name: string,
      inNamespace: string,
    ): V1ObjectMeta & { name: string } => ({
      name,
      namespace: inNamespace,
      labels: {
        [this.marks.managedBy]: MANAGED_BY_VALUE,
        [this.marks.tenant]: tenant.name,
      },
      annotations: { [this.marks.owner]: tenant.owner },
    });
    // The old RoleBinding names the old ServiceAccount; retire both before binding anew.
    await this.retireLegacy(cluster, tenant);
    const manifests: KubernetesManifest[] = [
      {
        apiVersion: 'v1',
        kind: 'ServiceAccount',
        metadata: {
          ...metadata(serviceAccount, namespace),
          ownerReferences: [ownerReference],
        },
        // Its tokens come from TokenRequest only; no Secret is ever mounted or created.
        automountServiceAccountToken: false,
      },
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: metadata(KUBECONFIG_ROLE_BINDING, tenant.namespace),
        roleRef: {
          apiGroup: 'rbac.authorization.k8s.io',
          kind: 'ClusterRole',
          name: 'admin',
        },
        subjects: [{ kind: 'ServiceAccount', name: serviceAccount, namespace }],
      },
    ];
    await applyManifests(cluster, manifests, {
      fieldManager: this.settings.fieldManager,
      marks: this.marks,
      tenant: tenant.name,
      owner: tenant.owner,
    });
    return { namespace, serviceAccount, ownerReference };
  }

  /**
   * Deletes what earlier versions kept in the home namespace, where the tenant could
   * mint tokens for it: the issuance records (revoking their tokens), the `kaas-kubeconfig`
   * ServiceAccount (revoking every token ever minted for it) and the RoleBinding naming
   * it. Only objects carrying the platform's marks for this tenant. Resolves to the
   * number of records deleted.
   */
  async retireLegacy(
    cluster: KaasCluster,
    tenant: TenantSummary,
  ): Promise<number> {
    const core = cluster.api(CoreV1Api);
    const rbac = cluster.api(RbacAuthorizationV1Api);
    const namespace = tenant.namespace;
    const records = (
      await core.listNamespacedSecret({
        namespace,
        labelSelector: `${this.marks.managedBy}=${MANAGED_BY_VALUE},${this.marks.tenant}=${tenant.name},${this.issuanceKey}=true`,
      })
    ).items.filter(s => s.type === this.issuanceKey);
    const deleted = await Promise.all(
      records.map(s =>
        ignoreGone(
          core.deleteNamespacedSecret({ name: s.metadata!.name!, namespace }),
        ),
      ),
    );
    const account = await ignoreGone(
      core.readNamespacedServiceAccount({
        name: LEGACY_SERVICE_ACCOUNT,
        namespace,
      }),
    );
    if (account && this.isOurs(account.metadata, tenant)) {
      await ignoreGone(
        core.deleteNamespacedServiceAccount({
          name: LEGACY_SERVICE_ACCOUNT,
          namespace,
        }),
      );
    }
    const binding = await ignoreGone(
      rbac.readNamespacedRoleBinding({
        name: KUBECONFIG_ROLE_BINDING,
        namespace,
      }),
    );
    if (
      binding &&
      this.isOurs(binding.metadata, tenant) &&
      (binding.subjects ?? []).some(
        s =>
          s.kind === 'ServiceAccount' &&
          s.name === LEGACY_SERVICE_ACCOUNT &&
          (s.namespace ?? namespace) === namespace,
      )
    ) {
      await ignoreGone(
        rbac.deleteNamespacedRoleBinding({
          name: KUBECONFIG_ROLE_BINDING,
          namespace,
        }),
      );
    }
    return deleted.filter(d => d !== undefined).length;
  }

  private isOurs(
    metadata: V1ObjectMeta | undefined,
    tenant: TenantSummary,
  ): boolean {
    const labels = metadata?.labels ?? {};
    return (
      labels[this.marks.managedBy] === MANAGED_BY_VALUE &&
      labels[this.marks.tenant] === tenant.name
    );
  }
}

function keyOf(cluster: KaasCluster, tenant: TenantSummary): string {
  return `${cluster.name}/${tenant.namespace}`;
}

/** The result, or undefined when the object was not there (404). */
async function ignoreGone<T>(request: Promise<T>): Promise<T | undefined> {
  try {
    return await request;
  } catch (error) {
    if (statusCode(error) === 404) return undefined;
    throw error;
  }
}
