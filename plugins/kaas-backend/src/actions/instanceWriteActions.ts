import {
  instanceEntityRef,
  xaasInstanceCreatePermission,
  xaasInstanceDeletePermission,
} from '@kaas-platform/plugin-kaas-common';
import {
  createInstanceAs,
  deleteInstanceAs,
} from '@kaas-platform/plugin-kaas-node';
import { auditedAction } from './auditedAction';
import type { KaasActionDeps } from './kaasActionDeps';

const DEFAULT_TIMEOUT_SECONDS = 600;
const MAX_TIMEOUT_SECONDS = 1800;

/**
 * `kaas:create-instance` and `kaas:delete-instance`: the scaffolder actions' operations
 * (kaas-node `createInstanceAs`, `deleteInstanceAs`) with the caller's credentials,
 * audited. Outputs name where connection details are, never a Secret value.
 */
export function registerInstanceWriteActions(deps: KaasActionDeps): void {
  const { actionsRegistry, tenants, instances, owners, auditor } = deps;
  const services = { tenants, instances, owners };

  actionsRegistry.register({
    name: 'create-instance',
    title: 'Create or update an XaaS instance in a tenant',
    description: [
      'Creates an XaaS instance (a PostgreSQL database, a Kafka cluster, ...) in a tenant the caller may act for, or brings an existing one back to the request (idempotent).',
      "capability and plan come from kaas:list-capabilities; parameters may override the plan, within the capability's parameter schema.",
      'Set dryRun to validate against the cluster without writing.',
      'Example input: {"tenant": "team-a-dev", "capability": "postgresql", "name": "orders-db", "plan": "small"}.',
      'Then kaas:get-instance-status until ready.',
    ].join(' '),
    visibilityPermission: xaasInstanceCreatePermission,
    attributes: { readOnly: false, idempotent: true, destructive: false },
    schema: {
      input: z =>
        z
          .object({
            tenant: z.string().describe('Tenant name'),
            capability: z.string().describe('Capability id, e.g. postgresql'),
            name: z.string().describe('Instance name'),
            plan: z.string().describe('Plan name, e.g. small'),
            parameters: z
              .record(z.string(), z.unknown())
              .optional()
              .describe("Overrides of the plan's parameters"),
            dryRun: z.boolean().default(false),
          })
          .strict(),
      output: z =>
        z.object({
          instance: z.string().describe('<tenant>/<name>'),
          namespace: z.string(),
          cluster: z.string(),
          entityRef: z.string(),
          dryRun: z.boolean(),
          connection: z.object({
            secretName: z.string(),
            host: z.string().optional(),
            port: z.number().optional(),
            showKeys: z.array(z.string()),
          }),
          objects: z.array(
            z.object({
              kind: z.string(),
              name: z.string(),
              action: z.string(),
            }),
          ),
        }),
    },
    examples: [
      {
        title: 'A small PostgreSQL database',
        input: {
          tenant: 'team-a-dev',
          capability: 'postgresql',
          name: 'orders-db',
          plan: 'small',
          dryRun: false,
        },
      },
    ],
    async action({ input, credentials, logger }) {
      const { dryRun, ...request } = input;
      return auditedAction(
        auditor,
        {
          actionId: 'kaas:create-instance',
          credentials,
          meta: {
            tenant: request.tenant,
            instance: request.name,
            capability: request.capability,
            plan: request.plan,
            dryRun,
          },
        },
        async () => {
          const result = await createInstanceAs(
            services,
            credentials,
            request,
            { dryRun, logger },
          );
          return {
            result: {
              output: {
                instance: `${result.tenant}/${result.name}`,
                namespace: result.namespace,
                cluster: result.cluster,
                entityRef: instanceEntityRef(result.tenant, result.name),
                dryRun,
                connection: {
                  secretName: result.connection.secretName,
                  ...(result.connection.host !== undefined && {
                    host: result.connection.host,
                  }),
                  ...(result.connection.port !== undefined && {
                    port: result.connection.port,
                  }),
                  showKeys: [...result.connection.showKeys],
                },
                objects: result.objects.map(o => ({
                  kind: o.kind,
                  name: o.name,
                  action: o.action,
                })),
              },
            },
            meta: { cluster: result.cluster, objects: result.objects.length },
          };
        },
      );
    },
  });

  actionsRegistry.register({
    name: 'delete-instance',
    title: 'Delete an XaaS instance and its data',
    description: [
      'Deletes an XaaS instance and its data. confirm must be <tenant>/<name> of the instance, exactly, as in the scaffolder action.',
      'Only members of the owner group (or platform admins) may. Deleting an instance that is already gone succeeds.',
      'Example input: {"tenant": "team-a-dev", "name": "orders-db", "confirm": "team-a-dev/orders-db"}.',
    ].join(' '),
    visibilityPermission: xaasInstanceDeletePermission,
    attributes: { readOnly: false, idempotent: true, destructive: true },
    schema: {
      input: z =>
        z
          .object({
            tenant: z.string().describe('Tenant name'),
            name: z.string().describe('Instance name'),
            confirm: z
              .string()
              .describe('<tenant>/<name> of the instance, to confirm'),
            waitUntilGone: z.boolean().default(true),
            timeoutSeconds: z
              .number()
              .int()
              .min(1)
              .max(MAX_TIMEOUT_SECONDS)
              .default(DEFAULT_TIMEOUT_SECONDS),
            dryRun: z.boolean().default(false),
          })
          .strict(),
      output: z =>
        z.object({
          instance: z.string(),
          deleted: z
            .boolean()
            .describe('True once deleted or already gone; false in a dry run'),
          dryRun: z.boolean(),
        }),
    },
    async action({ input, credentials, logger }) {
      const { tenant, name, confirm, dryRun } = input;
      return auditedAction(
        auditor,
        {
          actionId: 'kaas:delete-instance',
          credentials,
          meta: { tenant, instance: name, dryRun },
        },
        async () => {
          const deleted = await deleteInstanceAs(
            { instances, owners },
            credentials,
            { tenant, name, confirm },
            {
              waitUntilGone: input.waitUntilGone,
              timeoutMs: input.timeoutSeconds * 1000,
              dryRun,
              logger,
            },
          );
          return {
            result: {
              output: {
                instance: `${tenant}/${name}`,
                deleted: !dryRun,
                dryRun,
              },
            },
            meta: { existed: !!deleted },
          };
        },
      );
    },
  });
}
