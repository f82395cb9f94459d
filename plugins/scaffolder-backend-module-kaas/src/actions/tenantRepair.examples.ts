import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      "Put a tenant's policy objects back after hand edits (its Drifted condition names them)",
    example: yaml.stringify({
      steps: [
        {
          id: 'repair-tenant',
          action: 'kaas:tenant:repair',
          name: 'Repair the tenant',
          input: { name: 'checkout-dev' },
        },
      ],
    }),
  },
];
