import type { PermissionsService } from '@backstage/backend-plugin-api';
import {
  createTemplateAction,
  type TemplateAction,
} from '@backstage/plugin-scaffolder-node';
import {
  instanceEntityRef,
  xaasInstanceCreatePermission,
} from '@kaas-platform/plugin-kaas-common';
import { operateInstanceAs } from '@kaas-platform/plugin-kaas-node';
import type {
  InstanceService,
  OwnerAuthorizer,
} from '@kaas-platform/plugin-kaas-node';
import type {
  XaasInstanceOperateInput,
  XaasInstanceOperateOutput,
} from './actionTypes';
import * as inputProps from './inputProperties';
import { examples } from './instanceOperate.examples';
import * as outputProps from './outputProperties';
import { requirePermission } from './requirePermission';

/**
 * Runs a day-2 operation that the instance's capability declares in configuration (a
 * backup, a backup schedule, ...): its parameters checked against the operation's
 * schema, its objects applied next to the instance with the operation and run marks,
 * and, unless told otherwise, waited for until its readiness rule holds.
 *
 * @public
 */
export function createXaasInstanceOperateAction(options: {
  instances: InstanceService;
  owners: OwnerAuthorizer;
  permissions: PermissionsService;
}): TemplateAction<XaasInstanceOperateInput, XaasInstanceOperateOutput, 'v2'> {
  const { instances, owners, permissions } = options;

  return createTemplateAction({
    id: 'xaas:instance:operate',
    description:
      "Runs a day-2 operation the instance's capability declares (such as a PostgreSQL backup or backup schedule): parameters checked against the operation's schema, objects applied next to the instance, then waited for. The same runName re-applies the same run.",
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        tenant: inputProps.tenant,
        name: inputProps.instanceName,
        operation: inputProps.operation,
        parameters: z =>
          inputProps
            .parameters(z)
            .describe(
              "The operation's parameters, within its own schema (for a backup schedule `{ schedule: '0 0 2 * * *' }`). Unknown or invalid ones are refused before anything is written.",
            ),
        runName: inputProps.runName,
        wait: inputProps.operationWait,
        timeoutSeconds: inputProps.timeoutSeconds,
      },
      output: {
        instance: outputProps.instance,
        entityRef: outputProps.instanceEntityRef,
        namespace: outputProps.instanceNamespace,
        cluster: outputProps.instanceCluster,
        operation: z => z.string().describe('The operation that ran'),
        run: z =>
          z
            .string()
            .describe(
              'The run name: the label value of its objects in the history',
            ),
        objects: outputProps.operationObjects,
        ready: z =>
          z
            .boolean()
            .optional()
            .describe('Whether the run is done; absent when not waited for'),
      },
    },
    async handler(ctx) {
      const credentials = await ctx.getInitiatorCredentials();
      // An operation writes objects of the instance, as creating it does.
      await requirePermission(
        permissions,
        credentials,
        xaasInstanceCreatePermission,
      );
      const { tenant, name, operation, parameters, runName } = ctx.input;
      const result = await operateInstanceAs(
        { instances, owners },
        credentials,
        { tenant, name, operation, parameters, runName },
        {
          dryRun: ctx.isDryRun === true,
          wait: ctx.input.wait ?? true,
          timeoutMs:
            (ctx.input.timeoutSeconds ?? inputProps.DEFAULT_TIMEOUT_SECONDS) *
            1000,
          logger: ctx.logger,
        },
      );
      ctx.output('instance', `${result.tenant}/${result.name}`);
      ctx.output('entityRef', instanceEntityRef(result.tenant, result.name));
      ctx.output('namespace', result.namespace);
      ctx.output('cluster', result.cluster);
      ctx.output('operation', result.operation);
      ctx.output('run', result.run);
      ctx.output(
        'objects',
        result.objects.map(o => ({
          kind: o.kind,
          name: o.name,
          action: o.action,
        })),
      );
      if (result.ready !== undefined) ctx.output('ready', result.ready);
    },
  });
}
