import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Delete a tenant and wait until it is gone; refused while XaaS instances live in it',
    example: yaml.stringify({
      steps: [
        {
          id: 'delete-tenant',
          action: 'kaas:tenant:delete',
          name: 'Delete the tenant',
          input: {
            name: 'checkout-dev',
          },
        },
      ],
    }),
  },
  {
    description:
      'Delete a tenant together with its XaaS instances, without waiting for it to be gone',
    example: yaml.stringify({
      steps: [
        {
          id: 'delete-tenant',
          action: 'kaas:tenant:delete',
          name: 'Delete the tenant and its instances',
          input: {
            name: 'payments-staging',
            deleteInstances: true,
            waitUntilGone: false,
          },
        },
      ],
    }),
  },
];
