import type { Entity } from '@backstage/catalog-model';
import {
  operationTemplateName,
  type Capability,
} from '@kaas-platform/plugin-kaas-common';
import type { GeneratedEntityOptions } from './capabilityTemplate';
import {
  operationParametersField,
  type JsonSchema,
} from './schemaToFormFields';
import {
  CAPABILITIES_LOCATION,
  locationAnnotations,
  templateMarkKeys,
} from './templateMarks';

/**
 * The Software Template that runs the day-2 operation `operation` of `capability`'s
 * instances (`xaas-<id>-op-<operation>`): the tenant and the instance (filled in when the
 * Instance tab's Operations card opens it), the operation's own parameters as typed form
 * fields and an optional run name, then `xaas:instance:operate` waiting for the run.
 */
export function operationTemplate(
  capability: Capability,
  operation: string,
  { markPrefix, defaultOwner }: GeneratedEntityOptions,
): Entity {
  const { id } = capability;
  const declared = capability.operations![operation];
  const name = operationTemplateName(id, operation);
  const owner = capability.owner ?? defaultOwner;
  const properties = (declared.parameters as JsonSchema).properties;
  const hasParameters =
    typeof properties === 'object' &&
    properties !== null &&
    Object.keys(properties).length > 0;
  return {
    apiVersion: 'scaffolder.backstage.io/v1beta3',
    kind: 'Template',
    metadata: {
      name,
      title: `${declared.title} (${capability.title})`,
      description:
        declared.description ??
        `Runs the operation ${operation} on a ${capability.title} instance.`,
      tags: ['xaas', id, 'day-2'],
      annotations: {
        ...locationAnnotations(CAPABILITIES_LOCATION),
        [templateMarkKeys(markPrefix)
          .generatedFrom]: `operation:${id}/${operation}`,
      },
    },
    spec: {
      ...(owner ? { owner } : {}),
      type: name,
      parameters: [
        {
          title: declared.title,
          required: ['tenant', 'name'],
          properties: {
            tenant: {
              title: 'Tenant',
              type: 'string',
              description: 'The tenant the instance belongs to.',
              'ui:field': 'KaasTenantPicker',
            },
            name: {
              title: 'Instance',
              type: 'string',
              description: `The ${capability.title} instance to operate on; open this template from its page.`,
              'ui:readonly': true,
            },
            ...(hasParameters
              ? {
                  settings: operationParametersField(
                    declared.parameters as JsonSchema,
                  ),
                }
              : {}),
            runName: {
              title: 'Run name',
              type: 'string',
              description:
                'Optional. Names this run; the same name again re-applies it. Generated from the operation and the time when empty.',
              pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$',
              maxLength: 63,
            },
          },
        },
      ],
      steps: [
        {
          id: 'operate',
          name: declared.title,
          action: 'xaas:instance:operate',
          input: {
            tenant: '${{ parameters.tenant }}',
            name: '${{ parameters.name }}',
            operation,
            ...(hasParameters
              ? { parameters: '${{ parameters.settings }}' }
              : {}),
            runName: '${{ parameters.runName }}',
            wait: true,
            timeoutSeconds: 600,
          },
        },
      ],
      output: {
        links: [
          {
            title: 'Open the instance',
            icon: 'catalog',
            entityRef: '${{ steps.operate.output.entityRef }}',
          },
        ],
        text: [
          {
            title: 'The run',
            content: `${declared.title}: run \`\${{ steps.operate.output.run }}\` on instance **\${{ steps.operate.output.instance }}** is done.`,
          },
        ],
      },
    },
  };
}
