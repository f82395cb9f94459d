import type { PermissionsService } from '@backstage/backend-plugin-api';
import {
  createTemplateAction,
  type TemplateAction,
} from '@backstage/plugin-scaffolder-node';
import { xaasInstanceDeletePermission } from '@kaas-platform/plugin-kaas-common';
import { deleteInstanceAs } from '@kaas-platform/plugin-kaas-node';
import type {
  InstanceService,
  OwnerAuthorizer,
} from '@kaas-platform/plugin-kaas-node';
import { examples } from './instanceDelete.examples';
import * as inputProps from './inputProperties';
import * as outputProps from './outputProperties';
import { requirePermission } from './requirePermission';
import type {
  XaasInstanceDeleteInput,
  XaasInstanceDeleteOutput,
} from './actionTypes';

/**
 * Deletes an XaaS instance and its data. The input must repeat `<tenant>/<name>` in
 * `confirm`; the owner is checked against the owner recorded on the cluster. Idempotent:
 * deleting an instance that is already gone succeeds.
 *
 * @public
 */
export function createXaasInstanceDeleteAction(options: {
  instances: InstanceService;
  owners: OwnerAuthorizer;
  permissions: PermissionsService;
}): TemplateAction<XaasInstanceDeleteInput, XaasInstanceDeleteOutput, 'v2'> {
  const { instances, owners, permissions } = options;

  return createTemplateAction({
    id: 'xaas:instance:delete',
    description:
      'Deletes an XaaS instance and its data. `confirm` must be `<tenant>/<name>` of the instance, exactly.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        tenant: inputProps.tenant,
        name: inputProps.instanceName,
        confirm: inputProps.confirm,
        waitUntilGone: inputProps.instanceWaitUntilGone,
        timeoutSeconds: inputProps.instanceTimeoutSeconds,
      },
      output: {
        deleted: z =>
          z
            .boolean()
            .describe(
              'True once the instance is deleted (or was already gone); false in a dry run, which deletes nothing.',
            ),
        instance: outputProps.instance,
      },
    },
    async handler(ctx) {
      const { tenant, name, confirm } = ctx.input;
      const waitUntilGone = ctx.input.waitUntilGone ?? true;
      const timeoutSeconds =
        ctx.input.timeoutSeconds ?? inputProps.DEFAULT_INSTANCE_TIMEOUT_SECONDS;
      const dryRun = ctx.isDryRun === true;
      const instance = `${tenant}/${name}`;

      const credentials = await ctx.getInitiatorCredentials();
      await requirePermission(
        permissions,
        credentials,
        xaasInstanceDeletePermission,
      );
      // A typed confirmation, then the owner recorded on the cluster; the service logs
      // each object it deletes to the task log. Nothing comes back when it is gone.
      const summary = await deleteInstanceAs(
        { instances, owners },
        credentials,
        { tenant, name, confirm },
        {
          waitUntilGone,
          timeoutMs: timeoutSeconds * 1000,
          dryRun,
          logger: ctx.logger,
        },
      );
      ctx.output('instance', instance);
      if (!summary) {
        ctx.output('deleted', !dryRun);
        return;
      }
      if (dryRun) {
        ctx.logger.info(
          `Dry run: instance '${instance}' would be deleted, with its data`,
        );
        ctx.output('deleted', false);
        return;
      }
      ctx.logger.info(
        waitUntilGone
          ? `Instance '${instance}' is deleted`
          : `Instance '${instance}' is being deleted; its operator removes the rest`,
      );
      ctx.output('deleted', true);
    },
  });
}
