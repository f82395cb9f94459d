import type { PermissionsService } from '@backstage/backend-plugin-api';
import {
  createTemplateAction,
  type TemplateAction,
} from '@backstage/plugin-scaffolder-node';
import {
  instanceEntityRef,
  xaasInstanceCreatePermission,
} from '@kaas-platform/plugin-kaas-common';
import { updateInstanceAs } from '@kaas-platform/plugin-kaas-node';
import type {
  InstanceService,
  OwnerAuthorizer,
} from '@kaas-platform/plugin-kaas-node';
import type {
  XaasInstanceUpdateInput,
  XaasInstanceUpdateOutput,
} from './actionTypes';
import * as inputProps from './inputProperties';
import { examples } from './instanceUpdate.examples';
import * as outputProps from './outputProperties';
import { requirePermission } from './requirePermission';

/**
 * Changes an existing XaaS instance: another plan, or other parameters within its
 * capability's schema. What the input leaves out stays as recorded on the instance;
 * changes the capability's `x-kaas-update` rules forbid (shrinking storage, a lower
 * version) are refused before anything is written. A dry run lists what would change.
 *
 * @public
 */
export function createXaasInstanceUpdateAction(options: {
  instances: InstanceService;
  owners: OwnerAuthorizer;
  permissions: PermissionsService;
}): TemplateAction<XaasInstanceUpdateInput, XaasInstanceUpdateOutput, 'v2'> {
  const { instances, owners, permissions } = options;

  return createTemplateAction({
    id: 'xaas:instance:update',
    description:
      "Changes an existing XaaS instance's plan or parameters; what the input leaves out stays. Refuses what the capability's operator cannot do (shrinking storage, a lower version); a dry run lists what would change.",
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        tenant: inputProps.tenant,
        capability: inputProps.capability,
        name: inputProps.instanceName,
        plan: z =>
          inputProps
            .plan(z)
            .optional()
            .describe(
              'Name of another plan of the capability, such as `medium`; left out, the plan stays.',
            ),
        parameters: z =>
          inputProps
            .parameters(z)
            .describe(
              "Settings to change, within the capability's parameter schema; those left out stay as they are, and one set to null goes back to the plan's value.",
            ),
      },
      output: {
        instance: outputProps.instance,
        namespace: outputProps.instanceNamespace,
        cluster: outputProps.instanceCluster,
        entityRef: outputProps.instanceEntityRef,
        plan: z => z.string().describe('The plan the instance has now'),
        changes: outputProps.changes,
      },
    },
    async handler(ctx) {
      const credentials = await ctx.getInitiatorCredentials();
      // Re-applying an instance is what creating one is allowed to do.
      await requirePermission(
        permissions,
        credentials,
        xaasInstanceCreatePermission,
      );
      const dryRun = ctx.isDryRun === true;
      const result = await updateInstanceAs(
        { instances, owners },
        credentials,
        ctx.input,
        { dryRun, logger: ctx.logger },
      );
      if (result.changes.length === 0) {
        ctx.logger.info(
          `Instance '${result.tenant}/${result.name}' is already as asked`,
        );
      }
      ctx.output('instance', `${result.tenant}/${result.name}`);
      ctx.output('namespace', result.namespace);
      ctx.output('cluster', result.cluster);
      ctx.output('entityRef', instanceEntityRef(result.tenant, result.name));
      ctx.output('plan', result.plan);
      ctx.output('changes', result.changes);
    },
  });
}
