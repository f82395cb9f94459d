import type { PermissionsService } from '@backstage/backend-plugin-api';
import {
  createTemplateAction,
  type TemplateAction,
} from '@backstage/plugin-scaffolder-node';
import { kaasTenantDeletePermission } from '@kaas-platform/plugin-kaas-common';
import { deleteTenantAs } from '@kaas-platform/plugin-kaas-node';
import type {
  OwnerAuthorizer,
  TenantService,
} from '@kaas-platform/plugin-kaas-node';
import * as inputProps from './inputProperties';
import * as outputProps from './outputProperties';
import { requirePermission } from './requirePermission';
import { examples } from './tenantDelete.examples';
import type {
  KaasTenantDeleteInput,
  KaasTenantDeleteOutput,
} from './actionTypes';

/**
 * Deletes a tenant and everything in it. The owner is checked again here, against the
 * owner recorded on the cluster rather than anything in the input. Idempotent: deleting a
 * tenant that is already gone succeeds.
 *
 * @public
 */
export function createKaasTenantDeleteAction(options: {
  tenants: TenantService;
  owners: OwnerAuthorizer;
  permissions: PermissionsService;
}): TemplateAction<KaasTenantDeleteInput, KaasTenantDeleteOutput, 'v2'> {
  const { tenants, owners, permissions } = options;

  return createTemplateAction({
    id: 'kaas:tenant:delete',
    description:
      'Deletes a tenant and everything in it. Refuses while XaaS instances live in the tenant unless deleteInstances is set.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        name: inputProps.name,
        deleteInstances: inputProps.deleteInstances,
        waitUntilGone: inputProps.waitUntilGone,
        timeoutSeconds: inputProps.timeoutSeconds,
      },
      output: {
        deleted: z =>
          z
            .boolean()
            .describe(
              'True once the tenant is deleted (or was already gone); false in a dry run, which deletes nothing.',
            ),
        tenant: outputProps.tenant,
      },
    },
    async handler(ctx) {
      const { name } = ctx.input;
      const deleteInstances = ctx.input.deleteInstances ?? false;
      const waitUntilGone = ctx.input.waitUntilGone ?? true;
      const timeoutSeconds =
        ctx.input.timeoutSeconds ?? inputProps.DEFAULT_TIMEOUT_SECONDS;
      const dryRun = ctx.isDryRun === true;

      const credentials = await ctx.getInitiatorCredentials();
      await requirePermission(
        permissions,
        credentials,
        kaasTenantDeletePermission,
      );

      // Checked again for delete, against the owner recorded on the cluster; the service
      // logs each object it deletes to the task log.
      const summary = await deleteTenantAs(
        { tenants, owners },
        credentials,
        name,
        {
          deleteInstances,
          waitUntilGone,
          timeoutMs: timeoutSeconds * 1000,
          dryRun,
          logger: ctx.logger,
        },
      );
      ctx.output('tenant', name);
      if (!summary) {
        ctx.output('deleted', !dryRun);
        return;
      }
      if (dryRun) {
        ctx.logger.info(
          `Dry run: tenant '${name}' and everything in namespace '${summary.namespace}' would be deleted`,
        );
        ctx.output('deleted', false);
        return;
      }
      ctx.logger.info(
        waitUntilGone
          ? `Tenant '${name}' is deleted`
          : `Tenant '${name}' is being deleted; its namespace '${summary.namespace}' goes away once Kubernetes has removed everything in it`,
      );
      ctx.output('deleted', true);
    },
  });
}
