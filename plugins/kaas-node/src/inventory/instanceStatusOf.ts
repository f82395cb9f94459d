import {
  instanceEntityRef,
  kubernetesGroupName,
  parseGroupRef,
  type InstanceStatus,
} from '@internal/plugin-kaas-common';
import { substituteInstancePlaceholders } from '../instances/instanceTemplates';
import type { LoadedCapability } from '../instances/readCapabilities';
import { staticConnection } from '../instances/staticConnection';
import type { TenantSummary } from '../tenants/tenantSummary';
import type { InstanceProjection } from './objectProjections';

/**
 * An instance's status from its watched main object: readiness as its capability's rule
 * judged it, and where its connection details are (the rule's placeholders filled from
 * the recorded request, the plan and the parameters' defaults). Never a Secret value.
 */
export function instanceStatusOf(options: {
  instance: InstanceProjection;
  loaded: LoadedCapability;
  tenant: TenantSummary;
}): InstanceStatus {
  const { instance, loaded, tenant } = options;
  const { capability } = loaded;
  const summary = { ...instance.summary, owner: tenant.owner };
  let connection: InstanceStatus['connection'] = {
    secretName: '',
    showKeys: [],
  };
  if (capability.connection) {
    const { parameters } = loaded.checkParameters({
      ...capability.plans[summary.plan]?.parameters,
      ...summary.parameters,
    });
    const ownerRef = parseGroupRef(tenant.owner);
    const rule = substituteInstancePlaceholders(capability.connection, {
      instance: {
        name: summary.name,
        namespace: summary.namespace,
        capability: capability.id,
        plan: summary.plan,
        tenant: tenant.name,
      },
      parameters,
      tenant: {
        name: tenant.name,
        namespace: tenant.namespace,
        owner: tenant.owner,
        ownerName:
          'group' in ownerRef
            ? kubernetesGroupName(ownerRef.group)
            : tenant.owner,
        isolation: tenant.isolation,
        profile: tenant.profile,
      },
    });
    connection = staticConnection(rule, summary.namespace);
    if (rule.fromStatus && instance.statusService) {
      connection.host = `${instance.statusService}.${summary.namespace}.svc`;
    }
  }
  return {
    ...summary,
    entityRef: instanceEntityRef(summary.tenant, summary.name),
    title: capability.title,
    ready: instance.ready,
    message: instance.message,
    ...(instance.phase ? { phase: instance.phase } : {}),
    conditions: instance.conditions,
    connection,
  };
}
