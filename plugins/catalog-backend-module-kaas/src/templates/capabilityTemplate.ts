import type { Entity } from '@backstage/catalog-model';
import {
  instanceEntityType,
  type Capability,
} from '@kaas-platform/plugin-kaas-common';
import { settingsField, type JsonSchema } from './schemaToFormFields';
import {
  CAPABILITIES_LOCATION,
  locationAnnotations,
  templateMarkKeys,
} from './templateMarks';

/** What a generated entity needs besides its capability or isolation. */
export interface GeneratedEntityOptions {
  /** `kaas.tenants.markPrefix`. */
  markPrefix: string;
  /** Owner when a capability names none: the first of `kaas.platformAdmins`. */
  defaultOwner?: string;
  /** `app.baseUrl`, for links to the Create page (entity links must be absolute). */
  appBaseUrl?: string;
}

/** Name of a capability's template: `xaas-<id>` (the Create page links use it). */
export function capabilityTemplateName(capability: string): string {
  return instanceEntityType(capability);
}

/**
 * The Software Template that requests an instance of `capability`, as the hand-written
 * templates of templates/xaas did: a page with the tenant picker, the name and the plan
 * picker, a Settings page from the capability's parameter schema, then
 * `xaas:instance:create` and `xaas:instance:wait`.
 */
export function capabilityTemplate(
  capability: Capability,
  { markPrefix, defaultOwner }: GeneratedEntityOptions,
): Entity {
  const { id, title } = capability;
  const owner = capability.owner ?? defaultOwner;
  const secret = capability.connection?.secretName
    ? "\nConnection details are in the Secret `${{ steps.create.output.connection.secretName }}` of that namespace; the instance's page in the catalog shows how to connect."
    : "\nThe instance's page in the catalog shows its status.";
  return {
    apiVersion: 'scaffolder.backstage.io/v1beta3',
    kind: 'Template',
    metadata: {
      name: capabilityTemplateName(id),
      title: `Request ${title}`,
      description: capability.description ?? `${title} in one of your tenants.`,
      tags: ['xaas', id],
      annotations: {
        ...locationAnnotations(CAPABILITIES_LOCATION),
        [templateMarkKeys(markPrefix).generatedFrom]: `capability:${id}`,
      },
    },
    spec: {
      ...(owner ? { owner } : {}),
      type: instanceEntityType(id),
      parameters: [
        {
          title,
          required: ['tenant', 'name', 'plan'],
          properties: {
            tenant: {
              title: 'Tenant',
              type: 'string',
              description: `The tenant the ${title} instance belongs to; it gets the tenant's owner.`,
              'ui:field': 'KaasTenantPicker',
            },
            name: {
              title: 'Name',
              type: 'string',
              description:
                'Lower-case letters, digits and dashes; unique within the tenant.',
              pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$',
              maxLength: 40,
              'ui:autofocus': true,
            },
            plan: {
              title: 'Plan',
              type: 'string',
              description:
                'The size of the instance; the settings on the next page adjust it.',
              'ui:field': 'KaasPlanPicker',
              'ui:options': { capability: id },
            },
          },
        },
        {
          title: 'Settings',
          properties: {
            settings: settingsField(
              capability.parameters as JsonSchema,
              capability.plans,
            ),
          },
        },
      ],
      steps: [
        {
          id: 'create',
          name: `Create the ${title} instance`,
          action: 'xaas:instance:create',
          input: {
            tenant: '${{ parameters.tenant }}',
            capability: id,
            name: '${{ parameters.name }}',
            plan: '${{ parameters.plan }}',
            parameters: '${{ parameters.settings }}',
          },
        },
        {
          id: 'wait',
          name: 'Wait until it is ready',
          action: 'xaas:instance:wait',
          input: {
            tenant: '${{ parameters.tenant }}',
            name: '${{ parameters.name }}',
            timeoutSeconds: 600,
          },
        },
      ],
      output: {
        links: [
          {
            title: 'Open the instance',
            icon: 'catalog',
            entityRef: '${{ steps.create.output.entityRef }}',
          },
        ],
        text: [
          {
            title: `Your ${title} instance`,
            content: `${title} **\${{ steps.create.output.instance }}** is ready in namespace \`\${{ steps.create.output.namespace }}\` on cluster \`\${{ steps.create.output.cluster }}\`.${secret}`,
          },
        ],
      },
    },
  };
}
