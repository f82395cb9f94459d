import { ConflictError } from '@backstage/errors';
import { CoreV1Api, type V1Namespace } from '@kubernetes/client-node';
import {
  MANAGED_BY_VALUE,
  kaasMarkKeys,
} from '@kaas-platform/plugin-kaas-common';
import { statusCode } from '../clusters/statusCode';
import type { KaasCluster } from '../clusters/KaasCluster';
import type { TenantSettings } from '../tenants/tenantPolicy';

/** Value of the `<markPrefix>/role` label of the platform namespace. @public */
export const PLATFORM_NAMESPACE_ROLE = 'platform';

/** How long a namespace found present is taken as present without asking again. */
const KNOWN_TTL_MS = 60_000;

const known = new Map<string, { done: Promise<string>; expires: number }>();

/**
 * The platform's own namespace on a cluster (`kaas.tenants.platformNamespace`): it holds
 * what a tenant must not be able to write (the ServiceAccounts token kubeconfigs
 * authenticate as, and their issuance records), and dry runs of new tenants are validated
 * in it, never in another tenant's namespace. No tenant RoleBinding ever points into it.
 *
 * Creates it when missing, marked `managed-by` and `role: platform`. An existing namespace
 * of that name without those marks is never adopted (ConflictError naming it).
 */
export function ensurePlatformNamespace(
  cluster: KaasCluster,
  settings: TenantSettings,
): Promise<string> {
  const key = `${cluster.name}/${settings.platformNamespace}`;
  const entry = known.get(key);
  if (entry && entry.expires > Date.now()) return entry.done;
  const done = createOrCheck(cluster, settings);
  known.set(key, { done, expires: Date.now() + KNOWN_TTL_MS });
  done.catch(() => known.delete(key));
  return done;
}

/** The labels that make a namespace the platform namespace. @public */
export function platformNamespaceLabels(
  settings: Pick<TenantSettings, 'markPrefix'>,
): Record<string, string> {
  const marks = kaasMarkKeys(settings.markPrefix);
  return {
    [marks.managedBy]: MANAGED_BY_VALUE,
    [`${settings.markPrefix}/role`]: PLATFORM_NAMESPACE_ROLE,
    // Nothing runs there; the strictest level costs nothing.
    'pod-security.kubernetes.io/enforce': 'restricted',
  };
}

async function createOrCheck(
  cluster: KaasCluster,
  settings: TenantSettings,
): Promise<string> {
  const name = settings.platformNamespace;
  const labels = platformNamespaceLabels(settings);
  const core = cluster.api(CoreV1Api);
  let namespace: V1Namespace;
  try {
    namespace = await core.readNamespace({ name });
  } catch (error) {
    if (statusCode(error) !== 404) throw error;
    try {
      await core.createNamespace({ body: { metadata: { name, labels } } });
      return name;
    } catch (createError) {
      if (statusCode(createError) !== 409) throw createError;
      namespace = await core.readNamespace({ name });
    }
  }
  const actual = namespace.metadata?.labels ?? {};
  const missing = Object.keys(labels).filter(
    k => k !== 'pod-security.kubernetes.io/enforce' && actual[k] !== labels[k],
  );
  if (missing.length) {
    throw new ConflictError(
      `Namespace '${name}' on cluster '${
        cluster.name
      }' exists but is not the platform namespace (it lacks ${missing
        .map(k => `${k}=${labels[k]}`)
        .join(
          ', ',
        )}); delete or rename it, or set kaas.tenants.platformNamespace to another name`,
    );
  }
  return name;
}
