import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description: 'Create a PostgreSQL database of the small plan in a tenant',
    example: yaml.stringify({
      steps: [
        {
          id: 'create-instance',
          action: 'xaas:instance:create',
          name: 'Create the database',
          input: {
            tenant: 'checkout-dev',
            capability: 'postgresql',
            name: 'orders-db',
            plan: 'small',
          },
        },
      ],
    }),
  },
  {
    description:
      "Create a PostgreSQL database, overriding some of the plan's parameters",
    example: yaml.stringify({
      steps: [
        {
          id: 'create-instance',
          action: 'xaas:instance:create',
          name: 'Create the database',
          input: {
            tenant: 'checkout-dev',
            capability: 'postgresql',
            name: 'payments-db',
            plan: 'small',
            parameters: { version: '16', storage: '2Gi' },
          },
        },
      ],
    }),
  },
];
