import { kaasOperatorHealthReadPermission } from '@kaas-platform/plugin-kaas-common';
import { readOperatorHealth } from '@kaas-platform/plugin-kaas-node';
import type { KaasActionDeps } from './kaasActionDeps';

/**
 * `kaas:get-operator-health` (platform admins), as `GET /operator-health`: per capability
 * and cluster, the operator's Deployment (presence, ready replicas, version) and the
 * versions the capability's CRDs serve, with each problem in words.
 */
export function registerOperatorHealthActions(deps: KaasActionDeps): void {
  const { actionsRegistry, registry, instances, owners } = deps;

  actionsRegistry.register({
    name: 'get-operator-health',
    title: "Get the XaaS operators' health",
    description: [
      "For platform admins: per capability and cluster, whether the capability's operator Deployment is there, its ready replicas and version (image tag),",
      'and the versions the CRDs of the kinds the capability creates serve, so an operator missing or an upgrade that drops a version the capability uses is seen before developers hit it.',
      'problems says each thing that will stop instances, in words; empty when none is seen.',
      'Example input: {}.',
    ].join(' '),
    visibilityPermission: kaasOperatorHealthReadPermission,
    attributes: { readOnly: true, idempotent: true, destructive: false },
    schema: {
      input: z => z.object({}).strict(),
      output: z =>
        z.object({
          items: z.array(
            z.object({
              capability: z.string(),
              title: z.string(),
              owner: z.string().optional().describe('The capability team'),
              operator: z
                .string()
                .optional()
                .describe("The operator's name; absent when none is declared"),
              cluster: z.string(),
              deployment: z
                .object({
                  present: z.boolean(),
                  namespace: z.string().optional(),
                  name: z.string().optional(),
                  replicas: z.number().optional(),
                  readyReplicas: z.number().optional(),
                  version: z
                    .string()
                    .optional()
                    .describe('Image tag of its first container'),
                })
                .optional()
                .describe('Absent when the capability declares no Deployment'),
              kinds: z.array(
                z.object({
                  apiVersion: z.string(),
                  kind: z.string(),
                  crd: z.string().optional(),
                  servedVersions: z.array(z.string()),
                  served: z
                    .boolean()
                    .describe(
                      'Whether the version the capability uses is served',
                    ),
                }),
              ),
              problems: z.array(z.string()),
            }),
          ),
        }),
    },
    examples: [
      {
        title: 'CloudNativePG not installed on the local cluster',
        input: {},
        output: {
          items: [
            {
              capability: 'postgresql',
              title: 'PostgreSQL',
              owner: 'group:default/platform-team',
              operator: 'CloudNativePG',
              cluster: 'local',
              deployment: { present: false },
              kinds: [
                {
                  apiVersion: 'postgresql.cnpg.io/v1',
                  kind: 'Cluster',
                  crd: 'clusters.postgresql.cnpg.io',
                  servedVersions: ['v1'],
                  served: true,
                },
              ],
              problems: [
                "CloudNativePG operator Deployment (cnpg-system/cnpg-controller-manager) is not on cluster 'local'",
              ],
            },
          ],
        },
      },
    ],
    async action({ credentials }) {
      await owners.assertPlatformAdmin(
        credentials,
        "see the operators' health",
      );
      const items = await readOperatorHealth(
        registry,
        instances.capabilities(),
      );
      return { output: { items: JSON.parse(JSON.stringify(items)) } };
    },
  });
}
