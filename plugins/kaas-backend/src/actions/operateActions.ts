import { xaasInstanceCreatePermission } from '@kaas-platform/plugin-kaas-common';
import { operateInstanceAs } from '@kaas-platform/plugin-kaas-node';
import { auditedAction } from './auditedAction';
import type { KaasActionDeps } from './kaasActionDeps';

const DEFAULT_TIMEOUT_SECONDS = 300;
const MAX_TIMEOUT_SECONDS = 1800;

/**
 * `kaas:operate-instance`: the scaffolder's `xaas:instance:operate` (kaas-node
 * `operateInstanceAs`) with the caller's credentials, audited: a day-2 operation the
 * instance's capability declares in configuration (a backup, a backup schedule, ...).
 */
export function registerOperateActions(deps: KaasActionDeps): void {
  const { actionsRegistry, instances, owners, auditor } = deps;

  actionsRegistry.register({
    name: 'operate-instance',
    title: 'Run a day-2 operation on an XaaS instance',
    description: [
      "Runs an operation the instance's capability declares (kaas:list-capabilities lists them under operations; for postgresql: backup, backup-schedule), with parameters within the operation's own schema.",
      'Members of the owner group and platform admins; operations declared runBy admins, platform admins only. An unknown operation is refused naming those there are.',
      'The same runName re-applies the same run (idempotent); without one a new run is started. Set wait to wait until the run is done; dryRun validates without writing.',
      'Example input: {"tenant": "team-a-dev", "name": "orders-db", "operation": "backup-schedule", "parameters": {"schedule": "0 0 2 * * *"}}.',
    ].join(' '),
    visibilityPermission: xaasInstanceCreatePermission,
    attributes: { readOnly: false, idempotent: false, destructive: false },
    schema: {
      input: z =>
        z
          .object({
            tenant: z.string().describe('Tenant name'),
            name: z.string().describe('Instance name'),
            operation: z.string().describe('Operation name, e.g. backup'),
            parameters: z
              .record(z.string(), z.unknown())
              .optional()
              .describe("The operation's parameters"),
            runName: z
              .string()
              .optional()
              .describe('Name of the run; the same name re-applies it'),
            wait: z.boolean().default(false),
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
          operation: z.string(),
          run: z.string(),
          dryRun: z.boolean(),
          objects: z.array(
            z.object({
              kind: z.string(),
              name: z.string(),
              action: z.string(),
            }),
          ),
          ready: z.boolean().optional(),
        }),
    },
    async action({ input, credentials, logger }) {
      const { dryRun, wait, timeoutSeconds, ...request } = input;
      return auditedAction(
        auditor,
        {
          actionId: 'kaas:operate-instance',
          credentials,
          meta: {
            tenant: request.tenant,
            instance: request.name,
            operation: request.operation,
            dryRun,
          },
        },
        async () => {
          const result = await operateInstanceAs(
            { instances, owners },
            credentials,
            request,
            { dryRun, wait, timeoutMs: timeoutSeconds * 1000, logger },
          );
          return {
            result: {
              output: {
                instance: `${result.tenant}/${result.name}`,
                operation: result.operation,
                run: result.run,
                dryRun,
                objects: result.objects.map(o => ({
                  kind: o.kind,
                  name: o.name,
                  action: o.action,
                })),
                ...(result.ready !== undefined ? { ready: result.ready } : {}),
              },
            },
            meta: { run: result.run },
          };
        },
      );
    },
  });
}
