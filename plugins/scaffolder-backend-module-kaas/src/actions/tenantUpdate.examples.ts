import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Move a tenant to a larger profile (more quota), keeping its owner and isolation',
    example: yaml.stringify({
      steps: [
        {
          id: 'update-tenant',
          action: 'kaas:tenant:update',
          name: 'Update the tenant',
          input: {
            name: 'checkout-dev',
            owner: 'group:default/team-a',
            isolation: 'namespace',
            profile: 'medium',
            description: 'Checkout service, development',
            labels: { 'example.com/cost-center': 'cc-4711' },
          },
        },
      ],
    }),
  },
];
