import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description: 'Wait until a tenant is ready to use, for up to five minutes',
    example: yaml.stringify({
      steps: [
        {
          id: 'wait-for-tenant',
          action: 'kaas:tenant:wait',
          name: 'Wait for the tenant',
          input: {
            name: 'checkout-dev',
          },
        },
      ],
    }),
  },
  {
    description:
      'Wait for the tenant a previous `kaas:tenant:create` step created, for up to ten minutes',
    example: yaml.stringify({
      steps: [
        {
          id: 'wait-for-tenant',
          action: 'kaas:tenant:wait',
          name: 'Wait for the tenant',
          input: {
            name: "${{ steps['create-tenant'].output.tenant }}",
            timeoutSeconds: 600,
          },
        },
      ],
    }),
  },
];
