import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Delete an instance and its data, confirmed by typing its tenant and name',
    example: yaml.stringify({
      steps: [
        {
          id: 'delete-instance',
          action: 'xaas:instance:delete',
          name: 'Delete the database',
          input: {
            tenant: 'checkout-dev',
            name: 'orders-db',
            confirm: 'checkout-dev/orders-db',
          },
        },
      ],
    }),
  },
  {
    description:
      'Start deleting an instance without waiting until it is gone, with the confirmation from the form',
    example: yaml.stringify({
      steps: [
        {
          id: 'delete-instance',
          action: 'xaas:instance:delete',
          name: 'Delete the database',
          input: {
            tenant: '${{ parameters.tenant }}',
            name: '${{ parameters.name }}',
            confirm: '${{ parameters.confirm }}',
            waitUntilGone: false,
          },
        },
      ],
    }),
  },
];
