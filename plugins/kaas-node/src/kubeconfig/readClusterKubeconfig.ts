import { NotFoundError } from '@backstage/errors';
import type { CoreV1Api, V1Secret } from '@kubernetes/client-node';
import { statusCode } from '../clusters/statusCode';
import { kubeconfigSecretName } from '../tenants/renderClusterApi';
import type { TenantProfile } from '../tenants/tenantPolicy';
import type { TenantSummary } from '../tenants/tenantSummary';
import { plainKubeconfigContext } from './plainKubeconfig';

/**
 * The kubeconfig Cluster API (or the Crossplane composition) wrote for a virtual or
 * whole-cluster tenant, as written, once it is a plain one: whoever can write that
 * Secret must not be able to make the file run a command on the machine of whoever
 * downloads it. NotFoundError until it is written.
 */
export async function readClusterKubeconfig(
  core: CoreV1Api,
  tenant: TenantSummary,
  profile: TenantProfile | undefined,
): Promise<{ kubeconfig: string; context: string; namespace: string }> {
  const secretName =
    (tenant.isolation === 'cluster'
      ? profile?.crossplane?.connectionSecretName
      : undefined) ?? kubeconfigSecretName(tenant.name);
  const where = `Secret '${tenant.namespace}/${secretName}'`;
  let secret: V1Secret;
  try {
    secret = await core.readNamespacedSecret({
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
  return { kubeconfig, ...plainKubeconfigContext(kubeconfig, where) };
}
