import type { Entity } from '@backstage/catalog-model';
import {
  TENANT_ENTITY_TYPE,
  type TenantIsolation,
} from '@kaas-platform/plugin-kaas-common';
import type { GeneratedEntityOptions } from './capabilityTemplate';
import {
  TENANT_PROFILES_LOCATION,
  locationAnnotations,
  templateMarkKeys,
} from './templateMarks';

/** How each isolation is offered: the texts of the former templates/tenants/*.yaml. */
const ISOLATIONS: Record<
  TenantIsolation,
  {
    title: string;
    description: string;
    clusterRole: string;
    timeoutSeconds: number;
  }
> = {
  namespace: {
    title: 'Request a Kubernetes tenant (namespace)',
    description:
      "A namespace of your team's own on a shared cluster, with quotas, network isolation, Pod Security and RBAC set by the platform team. Cheapest; the weakest isolation.",
    clusterRole: 'tenants',
    timeoutSeconds: 300,
  },
  vcluster: {
    title: 'Request a virtual Kubernetes cluster',
    description:
      'A virtual cluster (vCluster through Cluster API) in a guarded namespace: your own API server and CRDs, at the cost of a namespace.',
    clusterRole: 'management',
    timeoutSeconds: 1800,
  },
  cluster: {
    title: 'Request a dedicated Kubernetes cluster',
    description:
      "A whole cluster of your team's own, built by Cluster API from the platform's ClusterClass. The strongest isolation; the most expensive.",
    clusterRole: 'management',
    timeoutSeconds: 1800,
  },
};

/** Name of an isolation's template: `kubernetes-tenant-<isolation>`. */
export function tenantTemplateName(isolation: TenantIsolation): string {
  return `${TENANT_ENTITY_TYPE}-${isolation}`;
}

/**
 * The Software Template that requests a tenant of one isolation: name, owning team,
 * a profile offering the isolation, cluster and purpose, then `kaas:tenant:create` and
 * `kaas:tenant:wait`.
 */
export function tenantTemplate(
  isolation: TenantIsolation,
  { markPrefix, defaultOwner }: GeneratedEntityOptions,
): Entity {
  const texts = ISOLATIONS[isolation];
  return {
    apiVersion: 'scaffolder.backstage.io/v1beta3',
    kind: 'Template',
    metadata: {
      name: tenantTemplateName(isolation),
      title: texts.title,
      description: texts.description,
      tags: ['kubernetes', 'tenant', isolation],
      annotations: {
        ...locationAnnotations(TENANT_PROFILES_LOCATION),
        [templateMarkKeys(markPrefix).generatedFrom]: `isolation:${isolation}`,
      },
    },
    spec: {
      ...(defaultOwner ? { owner: defaultOwner } : {}),
      type: TENANT_ENTITY_TYPE,
      parameters: [
        {
          title: 'Tenant',
          required: ['name', 'owner', 'profile'],
          properties: {
            name: {
              title: 'Tenant name',
              type: 'string',
              description:
                "Lower-case letters, digits and dashes. It names the tenant's home namespace (the platform adds its prefix, e.g. t-checkout).",
              pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$',
              maxLength: 61,
              'ui:autofocus': true,
              'ui:help': 'Example: checkout-dev',
            },
            owner: {
              title: 'Owning team',
              type: 'string',
              description:
                'The team that owns the tenant; its members administer it.',
              'ui:field': 'MyGroupsPicker',
            },
            profile: {
              title: 'Profile',
              type: 'string',
              description: 'Quotas and policy the tenant gets.',
              'ui:field': 'KaasProfilePicker',
              'ui:options': { isolation },
            },
            cluster: {
              title: 'Cluster',
              type: 'string',
              description: 'Where the tenant lives.',
              'ui:field': 'KaasClusterPicker',
              'ui:options': { role: texts.clusterRole },
            },
            description: {
              title: 'Purpose',
              type: 'string',
              description: 'What the tenant is for (shown on its page).',
              maxLength: 300,
            },
          },
        },
      ],
      steps: [
        {
          id: 'create',
          name: 'Create the tenant',
          action: 'kaas:tenant:create',
          input: {
            name: '${{ parameters.name }}',
            owner: '${{ parameters.owner }}',
            isolation,
            profile: '${{ parameters.profile }}',
            cluster: '${{ parameters.cluster }}',
            description: '${{ parameters.description }}',
          },
        },
        {
          id: 'wait',
          name: 'Wait until the tenant is ready',
          action: 'kaas:tenant:wait',
          input: {
            name: '${{ steps.create.output.tenant }}',
            timeoutSeconds: texts.timeoutSeconds,
          },
        },
      ],
      output: {
        links: [
          {
            title: 'Open the tenant',
            url: '${{ steps.create.output.statusUrl }}',
          },
        ],
        text: [
          {
            title: 'Your tenant',
            content:
              "Tenant **${{ steps.create.output.tenant }}** is ready in namespace `${{ steps.create.output.namespace }}` on cluster `${{ steps.create.output.cluster }}`.\nDownload a kubeconfig from the tenant's page.",
          },
        ],
      },
    },
  };
}
