import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Move a tenant and its instances from its current owner to team-b; token kubeconfigs issued before are revoked',
    example: yaml.stringify({
      steps: [
        {
          id: 'transfer-tenant',
          action: 'kaas:tenant:transfer',
          name: 'Move the tenant to team-b',
          input: {
            name: 'checkout-dev',
            newOwner: 'group:default/team-b',
          },
        },
      ],
    }),
  },
  {
    description:
      'Move a tenant chosen in the form to the group chosen in the form',
    example: yaml.stringify({
      steps: [
        {
          id: 'transfer-tenant',
          action: 'kaas:tenant:transfer',
          name: 'Move the tenant',
          input: {
            name: '${{ parameters.tenant }}',
            newOwner: '${{ parameters.newOwner }}',
          },
        },
      ],
    }),
  },
];
