import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Move a PostgreSQL database to a larger plan; its other settings stay',
    example: yaml.stringify({
      steps: [
        {
          id: 'update-instance',
          action: 'xaas:instance:update',
          name: 'Resize the database',
          input: {
            tenant: 'checkout-dev',
            capability: 'postgresql',
            name: 'orders-db',
            plan: 'medium',
          },
        },
      ],
    }),
  },
  {
    description:
      'Give a PostgreSQL database more storage, keeping its plan (storage can grow, never shrink)',
    example: yaml.stringify({
      steps: [
        {
          id: 'update-instance',
          action: 'xaas:instance:update',
          name: 'Grow the database',
          input: {
            tenant: 'checkout-dev',
            capability: 'postgresql',
            name: 'orders-db',
            parameters: { storage: '20Gi' },
          },
        },
      ],
    }),
  },
];
