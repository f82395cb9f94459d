import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description: 'Wait until the instance created by an earlier step is ready',
    example: yaml.stringify({
      steps: [
        {
          id: 'wait-instance',
          action: 'xaas:instance:wait',
          name: 'Wait until the database is ready',
          input: {
            tenant: '${{ parameters.tenant }}',
            name: '${{ parameters.name }}',
          },
        },
      ],
    }),
  },
  {
    description: 'Wait for an instance for at most five minutes',
    example: yaml.stringify({
      steps: [
        {
          id: 'wait-instance',
          action: 'xaas:instance:wait',
          name: 'Wait until the database is ready',
          input: {
            tenant: 'checkout-dev',
            name: 'orders-db',
            timeoutSeconds: 300,
          },
        },
      ],
    }),
  },
];
