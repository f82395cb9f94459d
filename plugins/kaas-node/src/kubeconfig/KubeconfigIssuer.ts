import crypto from 'node:crypto';
import type { LoggerService } from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import { InputError, NotFoundError } from '@backstage/errors';
import {
  CoreV1Api,
  PatchStrategy,
  setHeaderOptions,
  type V1Secret,
} from '@kubernetes/client-node';
import {
  KUBECONFIG_MODES,
  MANAGED_BY_VALUE,
  MIN_KUBECONFIG_TTL_SECONDS,
  kaasMarkKeys,
  kubeconfigModesFor,
  type IssuedKubeconfig,
  type KaasMarkKeys,
  type KubeconfigIssuance,
  type KubeconfigMode,
  type KubeconfigOptions,
  type TenantIsolation,
} from '@internal/plugin-kaas-common';
import { statusCode } from '../clusters/statusCode';
import type { ClusterRegistry } from '../clusters/ClusterRegistry';
import type { KaasCluster } from '../clusters/KaasCluster';
import { kubeconfigSecretName } from '../tenants/renderClusterApi';
import type { TenantService } from '../tenants/TenantService';
import type { TenantSummary } from '../tenants/tenantSummary';
import {
  describeSeconds,
  readKubeconfigSettings,
  type KubeconfigSettings,
} from './readKubeconfigSettings';
import { ExpiringMap } from './ExpiringMap';
import {
  KubeconfigServiceAccounts,
  type KubeconfigAccount,
} from './kubeconfigServiceAccount';
import { plainKubeconfigContext } from './plainKubeconfig';
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

/** Keys of the issuance records under the configured mark prefix. */
interface IssuanceKeys {
  /** Label `<prefix>/kubeconfig-issuance: "true"`, and the Secret type. */
  issuance: string;
  issuedTo: string;
  issuedAt: string;
  expiresAt: string;
}

/**
 * Issuance Secrets are deleted this long after their expiry, so a clock running a little
 * ahead of the API server's never deletes the record of a token that still works.
 */
const EXPIRY_GRACE_MS = 60_000;
/**
 * Expired records are swept on an issuance at most this often per tenant: listing every
 * record of a busy tenant on each issuance would cost more than the issuance itself.
 */
const SWEEP_INTERVAL_MS = 60_000;

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

  private readonly marks: KaasMarkKeys;
  private readonly keys: IssuanceKeys;
  private readonly accounts: KubeconfigServiceAccounts;
  /** Tenants whose expired records were swept within the last interval. */
  private readonly swept = new ExpiringMap<string, true>(SWEEP_INTERVAL_MS);

  constructor(
    private readonly options: {
      clusters: ClusterRegistry;
      tenants: TenantService;
      settings: KubeconfigSettings;
      logger?: LoggerService;
    },
  ) {
    const prefix = options.tenants.policy.settings.markPrefix;
    this.marks = kaasMarkKeys(prefix);
    this.keys = {
      issuance: `${prefix}/kubeconfig-issuance`,
      issuedTo: `${prefix}/issued-to`,
      issuedAt: `${prefix}/issued-at`,
      expiresAt: `${prefix}/expires-at`,
    };
    this.accounts = new KubeconfigServiceAccounts(
      options.tenants.policy.settings,
      this.keys.issuance,
    );
  }

  /** The platform namespace, where the issuance records live. */
  private get recordNamespace(): string {
    return this.options.tenants.policy.settings.platformNamespace;
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
    const core = this.core(tenant);
    const now = Date.now();
    return (await this.issuanceSecrets(core, tenant))
      .map(secret => this.issuanceOf(secret))
      .filter(i => Date.parse(i.expiresAt) > now)
      .sort((a, b) => b.issuedAt.localeCompare(a.issuedAt));
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
    const core = this.core(tenant);
    const secrets = await this.issuanceSecrets(core, tenant);
    const [deleted, legacy] = await Promise.all([
      Promise.all(secrets.map(s => this.deleteSecret(core, s.metadata!.name!))),
      this.accounts.retireLegacy(
        this.options.clusters.get(tenant.cluster),
        tenant,
      ),
    ]);
    const revoked = deleted.filter(Boolean).length + legacy;
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
    const cleanup = this.sweep(core, cluster, tenant).catch(error =>
      this.options.logger?.warn(
        `could not delete expired kubeconfig issuances of tenant '${tenant.name}': ${error}`,
      ),
    );
    const account = await this.accounts.ensure(cluster, tenant);
    const namespace = account.namespace;

    const id = `${account.serviceAccount}-${crypto
      .randomBytes(5)
      .toString('hex')}`;
    const issuedAt = new Date();
    const record = await core.createNamespacedSecret({
      namespace,
      body: {
        metadata: {
          name: id,
          namespace,
          // Goes with the tenant's home namespace (and with it every token bound to it).
          ownerReferences: [account.ownerReference],
          labels: {
            [this.marks.managedBy]: MANAGED_BY_VALUE,
            [this.marks.tenant]: tenant.name,
            [this.keys.issuance]: 'true',
          },
          annotations: {
            [this.keys.issuedTo]: request.issuedTo,
            [this.keys.issuedAt]: issuedAt.toISOString(),
            [this.keys.expiresAt]: new Date(
              issuedAt.getTime() + ttl * 1000,
            ).toISOString(),
          },
        },
        type: this.keys.issuance,
      },
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
      await core.patchNamespacedSecret(
        {
          name: id,
          namespace,
          body: {
            metadata: { annotations: { [this.keys.expiresAt]: expiresAt } },
          },
        },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      );
    } catch (error) {
      // A record without a token would list an issuance that never happened.
      await this.deleteSecret(core, id).catch(() => undefined);
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

  private async issuanceSecrets(
    core: CoreV1Api,
    tenant: TenantSummary,
  ): Promise<V1Secret[]> {
    const list = await core.listNamespacedSecret({
      namespace: this.recordNamespace,
      labelSelector: `${this.marks.managedBy}=${MANAGED_BY_VALUE},${this.marks.tenant}=${tenant.name},${this.keys.issuance}=true`,
    });
    return list.items.filter(
      s => s.type === this.keys.issuance && !s.metadata?.deletionTimestamp,
    );
  }

  private issuanceOf(secret: V1Secret): KubeconfigIssuance {
    const annotations = secret.metadata?.annotations ?? {};
    return {
      id: secret.metadata!.name!,
      issuedTo: annotations[this.keys.issuedTo] ?? '',
      issuedAt: annotations[this.keys.issuedAt] ?? '',
      expiresAt: annotations[this.keys.expiresAt] ?? '',
      mode: 'token',
    };
  }

  /** Deletes the expired records of the tenant, unless that was done less than a minute ago. */
  private async sweep(
    core: CoreV1Api,
    cluster: KaasCluster,
    tenant: TenantSummary,
  ): Promise<void> {
    const key = `${cluster.name}/${tenant.namespace}`;
    if (this.swept.get(key)) return;
    this.swept.set(key, true);
    try {
      await this.deleteExpired(core, tenant);
    } catch (error) {
      this.swept.delete(key);
      throw error;
    }
  }

  private async deleteExpired(
    core: CoreV1Api,
    tenant: TenantSummary,
  ): Promise<void> {
    const cutoff = Date.now() - EXPIRY_GRACE_MS;
    const expired = (await this.issuanceSecrets(core, tenant)).filter(s => {
      const expiresAt = Date.parse(this.issuanceOf(s).expiresAt);
      return Number.isNaN(expiresAt) || expiresAt < cutoff;
    });
    await Promise.all(
      expired.map(s => this.deleteSecret(core, s.metadata!.name!)),
    );
  }

  /** Deletes one issuance Secret; false when it was already gone. */
  private async deleteSecret(core: CoreV1Api, name: string): Promise<boolean> {
    try {
      await core.deleteNamespacedSecret({
        name,
        namespace: this.recordNamespace,
      });
      return true;
    } catch (error) {
      if (statusCode(error) === 404) return false;
      throw error;
    }
  }

  private async issueOidc(
    tenant: TenantSummary,
    cluster: KaasCluster,
  ): Promise<IssuedKubeconfig> {
    const { context, file } = renderKubeconfig({
      cluster,
      tenant: tenant.name,
      namespace: tenant.namespace,
      user: {
        name: `${tenant.name}-oidc`,
        exec: oidcLoginExec(this.options.settings.oidc!),
      },
    });
    return {
      ...this.fileFields(tenant, cluster, 'oidc', tenant.namespace, context),
      kubeconfig: kubeconfigYaml(file),
    };
  }

  /**
   * The kubeconfig Cluster API (or the Crossplane composition) wrote, as written, once it
   * is a plain one: whoever can write that Secret must not be able to make the file run
   * a command on the machine of whoever downloads it.
   */
  private async issueCluster(
    tenant: TenantSummary,
    cluster: KaasCluster,
  ): Promise<IssuedKubeconfig> {
    const profile = this.options.tenants.policy.profiles[tenant.profile];
    const secretName =
      (tenant.isolation === 'cluster'
        ? profile?.crossplane?.connectionSecretName
        : undefined) ?? kubeconfigSecretName(tenant.name);
    const where = `Secret '${tenant.namespace}/${secretName}'`;
    let secret: V1Secret;
    try {
      secret = await this.core(tenant).readNamespacedSecret({
        name: secretName,
        namespace: tenant.namespace,
      });
    } catch (error) {
      if (statusCode(error) !== 404) throw error;
      throw new NotFoundError(
        `${where} with the kubeconfig of tenant '${tenant.name}' does not exist yet; wait until the tenant is ready`,
      );
    }
    // Cluster API writes `value`; Crossplane compositions conventionally `kubeconfig`.
    const encoded = secret.data?.value ?? secret.data?.kubeconfig;
    if (!encoded) {
      throw new NotFoundError(
        `${where} has no 'value' (or 'kubeconfig') key; it holds: ${
          Object.keys(secret.data ?? {}).join(', ') || 'nothing'
        }`,
      );
    }
    const kubeconfig = Buffer.from(encoded, 'base64').toString('utf8');
    const { context, namespace } = plainKubeconfigContext(kubeconfig, where);
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
