import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Roll a changed profile out to every tenant of that profile, ten at a time, stopping at the first failure',
    example: yaml.stringify({
      steps: [
        {
          id: 'reconcile',
          action: 'kaas:tenant:reconcile',
          name: 'Roll the policy out',
          input: { profile: 'small', batchSize: 10, stopOnFirstFailure: true },
        },
      ],
    }),
  },
];
