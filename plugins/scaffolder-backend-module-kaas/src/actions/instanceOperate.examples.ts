import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Back up a PostgreSQL database now and wait until the backup is completed',
    example: yaml.stringify({
      steps: [
        {
          id: 'backup',
          action: 'xaas:instance:operate',
          name: 'Back up the database',
          input: {
            tenant: 'checkout-dev',
            name: 'orders-db',
            operation: 'backup',
            parameters: { method: 'volumeSnapshot' },
          },
        },
      ],
    }),
  },
  {
    description:
      'Back up a PostgreSQL database every night at 02:00 (six cron fields, seconds first); running it again changes the schedule',
    example: yaml.stringify({
      steps: [
        {
          id: 'schedule',
          action: 'xaas:instance:operate',
          name: 'Schedule nightly backups',
          input: {
            tenant: 'checkout-dev',
            name: 'orders-db',
            operation: 'backup-schedule',
            parameters: { schedule: '0 0 2 * * *' },
            runName: 'nightly',
          },
        },
      ],
    }),
  },
];
