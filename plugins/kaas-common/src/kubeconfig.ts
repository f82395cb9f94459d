import { z } from 'zod';
import type { TenantIsolation } from './tenantRequest';

/**
 * How a kubeconfig authenticates (docs/tenant-pages-contracts.md, Kubeconfigs): `token`
 * a short-lived ServiceAccount token bound to an issuance record, `oidc` the user's own
 * login through the `kubectl kaas-login` exec plugin, `cluster` the kubeconfig Cluster
 * API (or a Crossplane composition) wrote for a virtual or whole cluster.
 *
 * @public
 */
export const KUBECONFIG_MODES = ['token', 'oidc', 'cluster'] as const;

/** @public */
export type KubeconfigMode = (typeof KUBECONFIG_MODES)[number];

/** Shortest token lifetime: the TokenRequest API refuses less than 10 minutes. @public */
export const MIN_KUBECONFIG_TTL_SECONDS = 600;

/**
 * The modes a tenant offers: namespace tenants a token (and OIDC when `kaas.oidc` is
 * configured), virtual and whole-cluster tenants their cluster's own kubeconfig.
 *
 * @public
 */
export function kubeconfigModesFor(
  isolation: TenantIsolation,
  oidcConfigured: boolean,
): KubeconfigMode[] {
  if (isolation !== 'namespace') return ['cluster'];
  return oidcConfigured ? ['token', 'oidc'] : ['token'];
}

/** Body of `POST /tenants/:tenant/kubeconfig`. @public */
export interface KubeconfigRequest {
  mode: KubeconfigMode;
  /** Token mode only; the configured default when absent. */
  ttlSeconds?: number;
}

/**
 * Schema of {@link KubeconfigRequest}. The TTL's range depends on configuration
 * (`kaas.kubeconfig.maxTtl`) and is checked by the issuer.
 *
 * @public
 */
export const kubeconfigRequestSchema = z.strictObject({
  mode: z.enum(KUBECONFIG_MODES, {
    error: `must be one of ${KUBECONFIG_MODES.join(', ')}`,
  }),
  ttlSeconds: z
    .number({ error: 'must be a number of seconds' })
    .int({ error: 'must be a whole number of seconds' })
    .optional(),
});

/** A kubeconfig as `POST /tenants/:tenant/kubeconfig` returns it. @public */
export interface IssuedKubeconfig {
  tenant: string;
  /** The `kaas.clusters` entry the tenant lives on. */
  cluster: string;
  /** The context's namespace: the home namespace (token, oidc), or as the Secret says (cluster). */
  namespace: string;
  /** The current context of the file. */
  context: string;
  /**
   * OIDC mode: the other contexts of the file, one for each further place the tenant
   * lives (its XaaS namespace on an XaaS cluster), all with the same login.
   */
  otherContexts?: Array<{
    context: string;
    cluster: string;
    namespace: string;
  }>;
  mode: KubeconfigMode;
  /** `<tenant>.kubeconfig` */
  filename: string;
  /** The file, YAML. */
  kubeconfig: string;
  /** Token mode: when the token stops working. */
  expiresAt?: string;
  /** Token mode: the issuance record; revoking deletes it and so invalidates the token. */
  issuanceId?: string;
  /** A first command to try, e.g. `kubectl --kubeconfig t.kubeconfig get pods`. */
  kubectl: string;
}

/** One unexpired token kubeconfig of a tenant (never the token itself). @public */
export interface KubeconfigIssuance {
  id: string;
  /** Entity ref of the user (or the service subject) it was issued to. */
  issuedTo: string;
  issuedAt: string;
  expiresAt: string;
  mode: 'token';
}

/** `GET /kubeconfig-options`: what a download form may offer. @public */
export interface KubeconfigOptions {
  /** Every mode the platform can issue; a tenant offers those of {@link kubeconfigModesFor}. */
  modes: KubeconfigMode[];
  defaultTtlSeconds: number;
  maxTtlSeconds: number;
  minTtlSeconds: number;
}

/** `POST /tenants/:tenant/instances/:instance/credentials`: every key of the connection Secret. @public */
export interface InstanceCredentials {
  secretName: string;
  values: Record<string, string>;
}
