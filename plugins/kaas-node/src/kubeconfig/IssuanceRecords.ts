import {
  PatchStrategy,
  setHeaderOptions,
  type CoreV1Api,
  type V1OwnerReference,
  type V1Secret,
} from '@kubernetes/client-node';
import {
  MANAGED_BY_VALUE,
  type KaasMarkKeys,
  type KubeconfigIssuance,
} from '@kaas-platform/plugin-kaas-common';
import { statusCode } from '../clusters/statusCode';
import type { TenantSummary } from '../tenants/tenantSummary';
import { ExpiringMap } from './ExpiringMap';

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
 * The issuance records of token kubeconfigs: one Secret per token in the platform
 * namespace, which the token is bound to (deleting the record revokes the token). The
 * record says who it was issued to and when it expires; it never holds the token.
 */
export class IssuanceRecords {
  /** Label `<prefix>/kubeconfig-issuance: "true"`, and the Secret type. */
  readonly issuanceKey: string;
  private readonly issuedToKey: string;
  private readonly issuedAtKey: string;
  private readonly expiresAtKey: string;
  /** Tenants whose expired records were swept within the last interval. */
  private readonly swept = new ExpiringMap<string, true>(SWEEP_INTERVAL_MS);

  constructor(
    markPrefix: string,
    private readonly marks: KaasMarkKeys,
    /** The platform namespace, where the records live. */
    private readonly namespace: string,
  ) {
    this.issuanceKey = `${markPrefix}/kubeconfig-issuance`;
    this.issuedToKey = `${markPrefix}/issued-to`;
    this.issuedAtKey = `${markPrefix}/issued-at`;
    this.expiresAtKey = `${markPrefix}/expires-at`;
  }

  /** Writes the record of a token about to be requested; it expires `ttl` s from now until {@link IssuanceRecords.setExpiry} says exactly when. */
  create(
    core: CoreV1Api,
    record: {
      id: string;
      tenant: TenantSummary;
      issuedTo: string;
      ttl: number;
      /** The record goes with what this points at (and with it every token bound to it). */
      ownerReference: V1OwnerReference;
    },
  ): Promise<V1Secret> {
    const issuedAt = new Date();
    return core.createNamespacedSecret({
      namespace: this.namespace,
      body: {
        metadata: {
          name: record.id,
          namespace: this.namespace,
          ownerReferences: [record.ownerReference],
          labels: {
            [this.marks.managedBy]: MANAGED_BY_VALUE,
            [this.marks.tenant]: record.tenant.name,
            [this.issuanceKey]: 'true',
          },
          annotations: {
            [this.issuedToKey]: record.issuedTo,
            [this.issuedAtKey]: issuedAt.toISOString(),
            [this.expiresAtKey]: new Date(
              issuedAt.getTime() + record.ttl * 1000,
            ).toISOString(),
          },
        },
        type: this.issuanceKey,
      },
    });
  }

  /** Records when the token really expires (the API server's clock, whole seconds). */
  async setExpiry(core: CoreV1Api, id: string, expiresAt: string) {
    await core.patchNamespacedSecret(
      {
        name: id,
        namespace: this.namespace,
        body: {
          metadata: { annotations: { [this.expiresAtKey]: expiresAt } },
        },
      },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
  }

  /** The tenant's unexpired issuances, newest first. */
  async unexpired(
    core: CoreV1Api,
    tenant: TenantSummary,
  ): Promise<KubeconfigIssuance[]> {
    const now = Date.now();
    return (await this.secrets(core, tenant))
      .map(secret => this.issuanceOf(secret))
      .filter(i => Date.parse(i.expiresAt) > now)
      .sort((a, b) => b.issuedAt.localeCompare(a.issuedAt));
  }

  /** Deletes every record of the tenant (revoking its tokens); resolves to how many were deleted. */
  async deleteAll(core: CoreV1Api, tenant: TenantSummary): Promise<number> {
    const secrets = await this.secrets(core, tenant);
    const deleted = await Promise.all(
      secrets.map(s => this.delete(core, s.metadata!.name!)),
    );
    return deleted.filter(Boolean).length;
  }

  /** Deletes the expired records of the tenant, unless that was done less than a minute ago. */
  async sweep(
    core: CoreV1Api,
    cluster: string,
    tenant: TenantSummary,
  ): Promise<void> {
    const key = `${cluster}/${tenant.namespace}`;
    if (this.swept.get(key)) return;
    this.swept.set(key, true);
    try {
      await this.deleteExpired(core, tenant);
    } catch (error) {
      this.swept.delete(key);
      throw error;
    }
  }

  /** Deletes one record; false when it was already gone. */
  async delete(core: CoreV1Api, name: string): Promise<boolean> {
    try {
      await core.deleteNamespacedSecret({ name, namespace: this.namespace });
      return true;
    } catch (error) {
      if (statusCode(error) === 404) return false;
      throw error;
    }
  }

  private async deleteExpired(
    core: CoreV1Api,
    tenant: TenantSummary,
  ): Promise<void> {
    const cutoff = Date.now() - EXPIRY_GRACE_MS;
    const expired = (await this.secrets(core, tenant)).filter(s => {
      const expiresAt = Date.parse(this.issuanceOf(s).expiresAt);
      return Number.isNaN(expiresAt) || expiresAt < cutoff;
    });
    await Promise.all(expired.map(s => this.delete(core, s.metadata!.name!)));
  }

  private async secrets(
    core: CoreV1Api,
    tenant: TenantSummary,
  ): Promise<V1Secret[]> {
    const list = await core.listNamespacedSecret({
      namespace: this.namespace,
      labelSelector: `${this.marks.managedBy}=${MANAGED_BY_VALUE},${this.marks.tenant}=${tenant.name},${this.issuanceKey}=true`,
    });
    return list.items.filter(
      s => s.type === this.issuanceKey && !s.metadata?.deletionTimestamp,
    );
  }

  private issuanceOf(secret: V1Secret): KubeconfigIssuance {
    const annotations = secret.metadata?.annotations ?? {};
    return {
      id: secret.metadata!.name!,
      issuedTo: annotations[this.issuedToKey] ?? '',
      issuedAt: annotations[this.issuedAtKey] ?? '',
      expiresAt: annotations[this.expiresAtKey] ?? '',
      mode: 'token',
    };
  }
}
