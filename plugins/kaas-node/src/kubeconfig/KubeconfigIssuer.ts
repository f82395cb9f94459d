import crypto from 'node:crypto';
import type { LoggerService } from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import { InputError, NotFoundError } from '@backstage/errors';
import { CoreV1Api } from '@kubernetes/client-node';
import {
  KUBECONFIG_MODES,
  MIN_KUBECONFIG_TTL_SECONDS,
  kaasMarkKeys,
  kubeconfigModesFor,
  type IssuedKubeconfig,
  type KubeconfigIssuance,
  type KubeconfigMode,
  type KubeconfigOptions,
  type TenantIsolation,
} from '@kaas-platform/plugin-kaas-common';
import type { ClusterRegistry } from '../clusters/ClusterRegistry';
import { instancePlacement } from '../instances/renderInstance';
import type { KaasCluster } from '../clusters/KaasCluster';
import { statusCode } from '../clusters/statusCode';
import type { TenantService } from '../tenants/TenantService';
import type { TenantSummary } from '../tenants/tenantSummary';
import { IssuanceRecords } from './IssuanceRecords';
import {
  KubeconfigServiceAccounts,
  type KubeconfigAccount,
} from './kubeconfigServiceAccount';
import { readClusterKubeconfig } from './readClusterKubeconfig';
import {
  describeSeconds,
  readKubeconfigSettings,
  type KubeconfigSettings,
} from './readKubeconfigSettings';
import {
  kubeconfigYaml,
  oidcLoginExec,
  renderKubeconfig,
} from './renderKubeconfig';

/** What to issue, to whom. @public */
export interface KubeconfigIssueRequest {
  mode: KubeconfigMode;
  /** Token mode only (ignored otherwise); the configured default when absent. */
  ttlSeconds?: number;
  /** Entity ref of the user (or subject of the service) the kubeconfig is for. */
  issuedTo: string;
}

/**
 * Issues kubeconfigs for tenants (docs/tenant-pages-contracts.md, Kubeconfigs): short-lived
 * ServiceAccount tokens bound to one issuance Secret each (revoked by deleting it), both
 * kept in the platform namespace where the tenant cannot write; OIDC kubeconfigs without
 * a secret; and the plain kubeconfig Cluster API wrote for virtual and whole-cluster
 * tenants. Never logs a token.
 *
 * @public
 */
export class KubeconfigIssuer {
  static fromConfig(
    config: Config,
    options: {
      clusters: ClusterRegistry;
      tenants: TenantService;
      logger?: LoggerService;
    },
  ): KubeconfigIssuer {
    return new KubeconfigIssuer({
      ...options,
      settings: readKubeconfigSettings(config),
    });
  }

  private readonly records: IssuanceRecords;
  private readonly accounts: KubeconfigServiceAccounts;

  constructor(
    private readonly options: {
      clusters: ClusterRegistry;
      tenants: TenantService;
      settings: KubeconfigSettings;
      logger?: LoggerService;
    },
  ) {
    const { settings } = options.tenants.policy;
    this.records = new IssuanceRecords(
      settings.markPrefix,
      kaasMarkKeys(settings.markPrefix),
      settings.platformNamespace,
    );
    this.accounts = new KubeconfigServiceAccounts(
      settings,
      this.records.issuanceKey,
    );
  }

  get settings(): KubeconfigSettings {
    return this.options.settings;
  }

  /** What a download form may offer (`GET /kubeconfig-options`). */
  kubeconfigOptions(): KubeconfigOptions {
    const { settings } = this.options;
    return {
      modes: KUBECONFIG_MODES.filter(m => m !== 'oidc' || !!settings.oidc),
      defaultTtlSeconds: settings.defaultTtlSeconds,
      maxTtlSeconds: settings.maxTtlSeconds,
      minTtlSeconds: MIN_KUBECONFIG_TTL_SECONDS,
    };
  }

  /** The modes a tenant of `isolation` offers. */
  modesFor(isolation: TenantIsolation): KubeconfigMode[] {
    return kubeconfigModesFor(isolation, !!this.options.settings.oidc);
  }

  /**
   * Issues a kubeconfig for a tenant, given by name or as the caller just read it.
   * NotFoundError for an unknown tenant (or a cluster kubeconfig Cluster API has not
   * written yet), InputError for a mode the tenant does not offer or a TTL out of range.
   */
  async issue(
    nameOrTenant: string | TenantSummary,
    request: KubeconfigIssueRequest,
  ): Promise<IssuedKubeconfig> {
    const tenant = await this.tenantOf(nameOrTenant);
    const name = tenant.name;
    const modes = this.modesFor(tenant.isolation);
    if (!modes.includes(request.mode)) {
      throw new InputError(
        `Tenant '${name}' (isolation ${tenant.isolation}) offers ${modes.join(
          ', ',
        )} kubeconfigs, not ${request.mode}${
          request.mode === 'oidc' && !this.options.settings.oidc
            ? ' (kaas.oidc is not configured)'
            : ''
        }`,
      );
    }
    const cluster = this.options.clusters.get(tenant.cluster);
    switch (request.mode) {
      case 'token':
        return this.issueToken(tenant, cluster, request);
      case 'oidc':
        return this.issueOidc(tenant, cluster);
      default:
        return this.issueCluster(tenant, cluster);
    }
  }

  /** The unexpired token kubeconfigs of a tenant, newest first. */
  async list(
    nameOrTenant: string | TenantSummary,
  ): Promise<KubeconfigIssuance[]> {
    const tenant = await this.tenantOf(nameOrTenant);
    return this.records.unexpired(this.core(tenant), tenant);
  }

  /**
   * Revokes every token kubeconfig of a tenant by deleting the issuance Secrets
   * the tokens are bound to; the API server refuses those tokens from then on.
   * Resolves to how many records were deleted.
   */
  async revoke(
    nameOrTenant: string | TenantSummary,
  ): Promise<{ revoked: number }> {
    const tenant = await this.tenantOf(nameOrTenant);
    const [deleted, legacy] = await Promise.all([
      this.records.deleteAll(this.core(tenant), tenant),
      this.accounts.retireLegacy(
        this.options.clusters.get(tenant.cluster),
        tenant,
      ),
    ]);
    const revoked = deleted + legacy;
    this.options.logger?.info(
      `revoked ${revoked} token kubeconfig(s) of tenant '${tenant.name}'`,
    );
    return { revoked };
  }

  private async tenantOf(
    nameOrTenant: string | TenantSummary,
  ): Promise<TenantSummary> {
    if (typeof nameOrTenant !== 'string') return nameOrTenant;
    const tenant = await this.options.tenants.get(nameOrTenant);
    if (!tenant) {
      throw new NotFoundError(`Tenant '${nameOrTenant}' does not exist`);
    }
    return tenant;
  }

  private core(tenant: TenantSummary): CoreV1Api {
    return this.options.clusters.get(tenant.cluster).api(CoreV1Api);
  }

  private checkTtl(ttlSeconds: number | undefined): number {
    const { defaultTtlSeconds, maxTtlSeconds } = this.options.settings;
    const ttl = ttlSeconds ?? defaultTtlSeconds;
    if (
      !Number.isInteger(ttl) ||
      ttl < MIN_KUBECONFIG_TTL_SECONDS ||
      ttl > maxTtlSeconds
    ) {
      throw new InputError(
        `ttlSeconds ${ttl} is out of range; a token kubeconfig lives from ${MIN_KUBECONFIG_TTL_SECONDS} s (${describeSeconds(
          MIN_KUBECONFIG_TTL_SECONDS,
        )}) to ${maxTtlSeconds} s (${describeSeconds(
          maxTtlSeconds,
        )}, kaas.kubeconfig.maxTtl)`,
      );
    }
    return ttl;
  }

  private async issueToken(
    tenant: TenantSummary,
    cluster: KaasCluster,
    request: KubeconfigIssueRequest,
  ): Promise<IssuedKubeconfig> {
    const ttl = this.checkTtl(request.ttlSeconds);
    const core = this.core(tenant);
    // Housekeeping runs beside the issuance; its failure does not fail the issuance.
    const cleanup = this.records
      .sweep(core, cluster.name, tenant)
      .catch(error =>
        this.options.logger?.warn(
          `could not delete expired kubeconfig issuances of tenant '${tenant.name}': ${error}`,
        ),
      );
    const account = await this.accounts.ensure(cluster, tenant);
    const id = `${account.serviceAccount}-${crypto
      .randomBytes(5)
      .toString('hex')}`;
    const record = await this.records.create(core, {
      id,
      tenant,
      issuedTo: request.issuedTo,
      ttl,
      // Goes with the tenant's home namespace (and with it every token bound to it).
      ownerReference: account.ownerReference,
    });

    let status;
    let expiresAt: string;
    try {
      status = await this.requestToken(cluster, tenant, account, {
        name: id,
        uid: record.metadata!.uid!,
        ttl,
      });
      // The record says when the token really expires (the API server's clock, whole
      // seconds), so the list, the audit log and the token's exp claim agree.
      expiresAt = new Date(status.expirationTimestamp).toISOString();
      await this.records.setExpiry(core, id, expiresAt);
    } catch (error) {
      // A record without a token would list an issuance that never happened.
      await this.records.delete(core, id).catch(() => undefined);
      throw error;
    }
    await cleanup;

    const { context, file } = renderKubeconfig({
      cluster,
      tenant: tenant.name,
      namespace: tenant.namespace,
      user: { name: `${tenant.name}-token`, token: status.token },
    });
    this.options.logger?.info(
      `issued token kubeconfig ${id} of tenant '${tenant.name}' to ${request.issuedTo}, valid ${ttl} s until ${expiresAt}`,
    );
    return {
      ...this.fileFields(tenant, cluster, 'token', tenant.namespace, context),
      kubeconfig: kubeconfigYaml(file),
      expiresAt,
      issuanceId: id,
    };
  }

  /** TokenRequest bound to the issuance Secret; applies the ServiceAccount again if it is gone. */
  private async requestToken(
    cluster: KaasCluster,
    tenant: TenantSummary,
    account: KubeconfigAccount,
    bound: { name: string; uid: string; ttl: number },
  ): Promise<{ token: string; expirationTimestamp: Date }> {
    const core = this.core(tenant);
    for (let attempt = 0; ; attempt++) {
      try {
        const response = await core.createNamespacedServiceAccountToken({
          name: account.serviceAccount,
          namespace: account.namespace,
          body: {
            spec: {
              // Empty: the API server's own audiences, which it accepts as bearer tokens.
              audiences: [],
              expirationSeconds: bound.ttl,
              boundObjectRef: {
                apiVersion: 'v1',
                kind: 'Secret',
                name: bound.name,
                uid: bound.uid,
              },
            },
          },
        });
        return response.status!;
      } catch (error) {
        if (statusCode(error) !== 404 || attempt > 0) throw error;
        this.accounts.forget(cluster, tenant);
        await this.accounts.ensure(cluster, tenant);
      }
    }
  }

  /**
   * One login for every place the tenant lives: its home namespace and, where its
   * instances go to an XaaS namespace (another cluster's, for namespace tenants), that
   * namespace too. The XaaS context is there before the first instance makes the namespace.
   */
  private async issueOidc(
    tenant: TenantSummary,
    cluster: KaasCluster,
  ): Promise<IssuedKubeconfig> {
    const { clusters, tenants } = this.options;
    const placement = instancePlacement(
      tenant,
      clusters,
      tenants.policy.settings,
    );
    const alsoIn = placement.dedicatedNamespace
      ? [
          {
            context: `${tenant.name}-xaas@${placement.cluster}`,
            cluster: clusters.get(placement.cluster),
            namespace: placement.namespace,
          },
        ]
      : [];
    const { context, file } = renderKubeconfig({
      cluster,
      tenant: tenant.name,
      namespace: tenant.namespace,
      user: {
        name: `${tenant.name}-oidc`,
        exec: oidcLoginExec(this.options.settings.oidc!),
      },
      alsoIn,
    });
    return {
      ...this.fileFields(tenant, cluster, 'oidc', tenant.namespace, context),
      ...(alsoIn.length
        ? {
            otherContexts: alsoIn.map(p => ({
              context: p.context,
              cluster: p.cluster.name,
              namespace: p.namespace,
            })),
          }
        : {}),
      kubeconfig: kubeconfigYaml(file),
    };
  }

  /** The plain kubeconfig Cluster API or Crossplane wrote for the tenant's own cluster. */
  private async issueCluster(
    tenant: TenantSummary,
    cluster: KaasCluster,
  ): Promise<IssuedKubeconfig> {
    const { kubeconfig, context, namespace } = await readClusterKubeconfig(
      this.core(tenant),
      tenant,
      this.options.tenants.policy.profiles[tenant.profile],
    );
    return {
      ...this.fileFields(tenant, cluster, 'cluster', namespace, context),
      kubeconfig,
    };
  }

  private fileFields(
    tenant: TenantSummary,
    cluster: KaasCluster,
    mode: KubeconfigMode,
    namespace: string,
    context: string,
  ) {
    const filename = `${tenant.name}.kubeconfig`;
    return {
      tenant: tenant.name,
      cluster: cluster.name,
      namespace,
      context,
      mode,
      filename,
      kubectl: `kubectl --kubeconfig ${filename} get ${
        mode === 'cluster' ? 'namespaces' : 'pods'
      }`,
    };
  }
}
