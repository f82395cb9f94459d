import { NotFoundError } from '@backstage/errors';
import { CoreV1Api, type V1Secret } from '@kubernetes/client-node';
import type { ConnectionDetails } from '@kaas-platform/plugin-kaas-common';
import type { KaasCluster } from '../clusters/KaasCluster';
import { statusCode } from '../clusters/statusCode';
import { describeObject } from '../tenants/kubernetesManifest';
import type { TenantSettings } from '../tenants/tenantPolicy';
import type { TenantSummary } from '../tenants/tenantSummary';
import type { FoundInstance } from './findInstances';
import { connectionOf, instanceConnectionRule } from './instanceConnection';
import { valueAt } from './instanceReadiness';
import { recordedInstanceValues } from './instanceValues';

/** The instance's connection rule, its placeholders filled from the recorded request. */
function ruleOf(
  found: FoundInstance,
  tenant: TenantSummary,
  settings: Pick<TenantSettings, 'ownerGroupPrefix'>,
) {
  return instanceConnectionRule(
    found.loaded.capability,
    recordedInstanceValues(found.loaded, found.summary, tenant, settings),
  );
}

/**
 * Host, port and the shown keys of the instance's Secret. Values of other keys are
 * never read into the result; only their names are listed.
 */
export async function readConnectionDetails(
  cluster: KaasCluster,
  found: FoundInstance,
  tenant: TenantSummary,
  settings: Pick<TenantSettings, 'ownerGroupPrefix'>,
): Promise<ConnectionDetails> {
  const { summary, loaded, object } = found;
  const rule = ruleOf(found, tenant, settings);
  if (!rule) {
    throw new NotFoundError(
      `Capability '${loaded.capability.id}' declares no connection details`,
    );
  }
  let service: string | undefined;
  if (rule.fromStatus) {
    const value = valueAt(object, rule.fromStatus);
    if (typeof value !== 'string' || !value) {
      throw new NotFoundError(
        `${describeObject(object)} does not report ${
          rule.fromStatus
        } yet; wait until the instance is ready`,
      );
    }
    service = value;
  }
  const { showKeys: _showKeys, ...where } = connectionOf(
    rule,
    summary.namespace,
    service,
  );
  const details: ConnectionDetails = {
    ...where,
    shownValues: {},
    hiddenKeys: [],
  };
  if (rule.secretName) {
    const secret = await readSecret(cluster, found, rule.secretName);
    const shown = new Set(rule.showKeys ?? []);
    const data = { ...secret.data };
    for (const key of Object.keys(data).sort()) {
      if (shown.has(key)) {
        details.shownValues[key] = Buffer.from(data[key], 'base64').toString(
          'utf8',
        );
      } else {
        details.hiddenKeys.push(key);
      }
    }
  }
  return details;
}

/**
 * Every key and value of the instance's connection Secret, decoded, for the owners'
 * "reveal credentials". NotFoundError when the capability declares no Secret or the
 * operator has not written it yet. The caller audits; nothing here logs a value.
 */
export async function readCredentials(
  cluster: KaasCluster,
  found: FoundInstance,
  tenant: TenantSummary,
  settings: Pick<TenantSettings, 'ownerGroupPrefix'>,
): Promise<{ secretName: string; values: Record<string, string> }> {
  const secretName = ruleOf(found, tenant, settings)?.secretName;
  if (!secretName) {
    throw new NotFoundError(
      `Capability '${found.loaded.capability.id}' declares no connection Secret`,
    );
  }
  const secret = await readSecret(cluster, found, secretName);
  const decoded: Record<string, string> = {};
  for (const key of Object.keys(secret.data ?? {}).sort()) {
    decoded[key] = Buffer.from(secret.data![key], 'base64').toString('utf8');
  }
  return { secretName, values: decoded };
}

async function readSecret(
  cluster: KaasCluster,
  found: FoundInstance,
  secretName: string,
): Promise<V1Secret> {
  const { namespace, name } = found.summary;
  try {
    return await cluster.api(CoreV1Api).readNamespacedSecret({
      name: secretName,
      namespace,
    });
  } catch (error) {
    if (statusCode(error) !== 404) throw error;
    throw new NotFoundError(
      `Secret '${namespace}/${secretName}' of instance '${name}' does not exist yet; wait until the instance is ready`,
    );
  }
}
