import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '@internal/kaas-test-cluster';
import yaml from 'yaml';

/** The `kaas` section of the repository's app-config.yaml, as plain data. */
export function repoKaas(): Record<string, any> {
  return yaml.parse(
    fs.readFileSync(path.join(REPO_ROOT, 'app-config.yaml'), 'utf8'),
  ).kaas;
}

/** A sixth capability, only in this test's configuration. */
export const REDIS = {
  title: 'Redis',
  description: 'A Redis cache',
  owner: 'group:default/team-b',
  parameters: {
    type: 'object',
    additionalProperties: false,
    properties: {
      memory: {
        type: 'string',
        pattern: '^[0-9]+Mi$',
        'x-kaas-update': 'grow-only',
      },
      replicas: { type: 'integer', minimum: 1, maximum: 3 },
      persistence: { type: 'boolean', default: false },
    },
    required: ['memory'],
  },
  plans: {
    small: { title: 'Small', parameters: { memory: '256Mi' } },
  },
  objects: [
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: '${{ instance.name }}' },
      data: { memory: '${{ parameters.memory }}' },
    },
  ],
  readiness: {
    field: { path: 'metadata.name', equals: '${{ instance.name }}' },
  },
};
