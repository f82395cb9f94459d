import {
  instanceEntityRef,
  type InstanceStatus,
} from '@kaas-platform/plugin-kaas-common';
import {
  connectionOf,
  instanceConnectionRule,
} from '../instances/instanceConnection';
import {
  operatorSilence,
  operatorSilenceCondition,
} from '../instances/operatorActivity';
import { recordedInstanceValues } from '../instances/instanceValues';
import type { LoadedCapability } from '../instances/readCapabilities';
import type { TenantSettings } from '../tenants/tenantPolicy';
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
  settings: Pick<TenantSettings, 'ownerGroupPrefix'>;
}): InstanceStatus {
  const { instance, loaded, tenant, settings } = options;
  const { capability } = loaded;
  const summary = { ...instance.summary, owner: tenant.owner };
  const silence = instance.ready
    ? undefined
    : operatorSilence({
        signs: instance.operator,
        capability,
        cluster: summary.cluster,
      });
  return {
    ...summary,
    entityRef: instanceEntityRef(summary.tenant, summary.name),
    title: capability.title,
    ready: instance.ready,
    message: instance.message,
    ...(instance.phase ? { phase: instance.phase } : {}),
    conditions: silence
      ? [...instance.conditions, operatorSilenceCondition(silence)]
      : instance.conditions,
    connection: connectionOf(
      instanceConnectionRule(
        capability,
        recordedInstanceValues(loaded, summary, tenant, settings),
      ),
      summary.namespace,
      instance.statusService,
    ),
  };
}
