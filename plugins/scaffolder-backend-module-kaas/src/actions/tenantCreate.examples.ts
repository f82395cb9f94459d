import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description: 'Create a namespace tenant for a team',
    example: yaml.stringify({
      steps: [
        {
          id: 'create-tenant',
          action: 'kaas:tenant:create',
          name: 'Create the tenant',
          input: {
            name: 'checkout-dev',
            owner: 'group:default/team-a',
            isolation: 'namespace',
            profile: 'small',
          },
        },
      ],
    }),
  },
  {
    description:
      'Create a tenant on a chosen cluster, with a description and extra labels and annotations',
    example: yaml.stringify({
      steps: [
        {
          id: 'create-tenant',
          action: 'kaas:tenant:create',
          name: 'Create the tenant',
          input: {
            name: 'payments-staging',
            owner: 'team-b',
            isolation: 'namespace',
            profile: 'small',
            cluster: 'local',
            description: 'Staging environment of the payments service',
            labels: { 'example.com/cost-center': 'cc-4711' },
            annotations: {
              'example.com/runbook': 'https://runbooks.example.com/payments',
            },
          },
        },
      ],
    }),
  },
];
