import type { Entity } from '@backstage/catalog-model';
import {
  CAPABILITY_ENTITY_TYPE,
  capabilityEntityName,
  type Capability,
} from '@kaas-platform/plugin-kaas-common';
import {
  capabilityTemplateName,
  type GeneratedEntityOptions,
} from './capabilityTemplate';
import {
  CAPABILITIES_LOCATION,
  locationAnnotations,
  templateMarkKeys,
} from './templateMarks';

/**
 * A capability's catalog entity: a Resource `xaas-capability-<id>` of type
 * `xaas-capability` owned by the capability team, with its plans in `spec.plans`; its
 * instances depend on it. Undefined when neither the capability nor
 * `kaas.platformAdmins` names an owner (a Resource needs one).
 */
export function capabilityEntity(
  capability: Capability,
  { markPrefix, defaultOwner, appBaseUrl }: GeneratedEntityOptions,
): Entity | undefined {
  const owner = capability.owner ?? defaultOwner;
  if (!owner) return undefined;
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      name: capabilityEntityName(capability.id),
      namespace: 'default',
      title: capability.title,
      ...(capability.description
        ? { description: capability.description }
        : {}),
      tags: ['xaas', capability.id],
      annotations: {
        ...locationAnnotations(CAPABILITIES_LOCATION),
        [templateMarkKeys(markPrefix)
          .generatedFrom]: `capability:${capability.id}`,
        [templateMarkKeys(markPrefix).capability]: capability.id,
      },
      ...(appBaseUrl
        ? {
            links: [
              {
                url: `${appBaseUrl.replace(
                  /\/+$/,
                  '',
                )}/create/templates/default/${capabilityTemplateName(
                  capability.id,
                )}`,
                title: `Request ${capability.title}`,
              },
            ],
          }
        : {}),
    },
    spec: {
      type: CAPABILITY_ENTITY_TYPE,
      owner,
      capability: capability.id,
      plans: Object.entries(capability.plans).map(([name, plan]) => ({
        name,
        title: plan.title,
        ...(plan.description ? { description: plan.description } : {}),
      })),
      ...(capability.operator ? { operator: capability.operator.name } : {}),
    },
  };
}
