import {
  kubernetesGroupName,
  parseGroupRef,
  type Capability,
} from '@kaas-platform/plugin-kaas-common';
import { clusterGroupOfOwner } from '../tenants/clusterGroupName';
import type { TenantSettings } from '../tenants/tenantPolicy';
import type { TenantSummary } from '../tenants/tenantSummary';
import type { InstanceSummary } from './instanceSummary';
import type { InstanceTemplateValueSet } from './instanceTemplates';
import type { LoadedCapability } from './readCapabilities';

/**
 * An instance's parameters: its plan's, overridden by the request's, with the schema's
 * defaults filled in, and what the capability's schema finds wrong with them.
 */
export function planParameters(
  loaded: LoadedCapability,
  plan: string,
  requested: Record<string, unknown> | undefined,
): ReturnType<LoadedCapability['checkParameters']> {
  return loaded.checkParameters({
    ...loaded.capability.plans[plan]?.parameters,
    ...requested,
  });
}

/** What the `${{ instance.* }}`, `${{ parameters.* }}` and `${{ tenant.* }}` placeholders of a capability stand for. */
export function instanceTemplateValues(options: {
  capability: Capability;
  name: string;
  plan: string;
  namespace: string;
  parameters: Record<string, unknown>;
  tenant: TenantSummary;
  settings: Pick<TenantSettings, 'ownerGroupPrefix'>;
}): InstanceTemplateValueSet {
  const { capability, name, plan, namespace, parameters, tenant, settings } =
    options;
  const ownerRef = parseGroupRef(tenant.owner);
  return {
    instance: {
      name,
      namespace,
      capability: capability.id,
      plan,
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
      ownerGroup: clusterGroupOfOwner(tenant.owner, settings) ?? tenant.owner,
      groupsPrefix: settings.ownerGroupPrefix ?? '',
      isolation: tenant.isolation,
      profile: tenant.profile,
    },
  };
}

/**
 * The template values of an existing instance, from the request recorded on it: what its
 * connection rule's placeholders stood for when it was made (the parameters' defaults
 * filled in; parameters today's schema would refuse are kept as recorded).
 */
export function recordedInstanceValues(
  loaded: LoadedCapability,
  instance: Pick<InstanceSummary, 'name' | 'plan' | 'namespace' | 'parameters'>,
  tenant: TenantSummary,
  settings: Pick<TenantSettings, 'ownerGroupPrefix'>,
): InstanceTemplateValueSet {
  return instanceTemplateValues({
    settings,
    capability: loaded.capability,
    name: instance.name,
    plan: instance.plan,
    namespace: instance.namespace,
    parameters: planParameters(loaded, instance.plan, instance.parameters)
      .parameters,
    tenant,
  });
}
