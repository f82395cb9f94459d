import type { PermissionsService } from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import {
  createTemplateAction,
  type TemplateAction,
} from '@backstage/plugin-scaffolder-node';
import {
  kaasEntityPageUrl,
  kaasTenantCreatePermission,
} from '@kaas-platform/plugin-kaas-common';
import { repairTenantAs } from '@kaas-platform/plugin-kaas-node';
import type {
  OwnerAuthorizer,
  TenantService,
} from '@kaas-platform/plugin-kaas-node';
import type {
  KaasTenantRepairInput,
  KaasTenantUpdateOutput,
} from './actionTypes';
import * as outputProps from './outputProperties';
import { requirePermission } from './requirePermission';
import { examples } from './tenantRepair.examples';

/**
 * Repairs a drifted tenant: re-applies what today's policy renders for its recorded
 * request, so the policy objects changed, deleted or loosened by hand are put back (the
 * tenant's `Drifted` condition names them). Objects the tenant created itself are left
 * alone. Members of the owner group recorded on the cluster and platform admins only; a
 * dry run lists each field that would be put back.
 *
 * @public
 */
export function createKaasTenantRepairAction(options: {
  tenants: TenantService;
  owners: OwnerAuthorizer;
  permissions: PermissionsService;
  config: Config;
}): TemplateAction<KaasTenantRepairInput, KaasTenantUpdateOutput, 'v2'> {
  const { tenants, owners, permissions, config } = options;
  const appBaseUrl = config.getString('app.baseUrl');

  return createTemplateAction({
    id: 'kaas:tenant:repair',
    description:
      "Re-applies today's policy to a tenant whose policy objects were changed, deleted or loosened by hand. A dry run lists what would be put back.",
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        name: z => z.string().describe('Name of the tenant to repair'),
      },
      output: {
        tenant: outputProps.tenant,
        namespace: outputProps.namespace,
        cluster: outputProps.cluster,
        statusUrl: outputProps.statusUrl,
        changes: outputProps.changes,
      },
    },
    async handler(ctx) {
      const credentials = await ctx.getInitiatorCredentials();
      await requirePermission(
        permissions,
        credentials,
        kaasTenantCreatePermission,
      );
      const result = await repairTenantAs(
        { tenants, owners },
        credentials,
        ctx.input.name,
        { dryRun: ctx.isDryRun === true, logger: ctx.logger },
      );
      if (result.changes.length === 0) {
        ctx.logger.info(
          `Tenant '${result.tenant}' is as today's policy renders it; nothing to repair`,
        );
      }
      ctx.output('tenant', result.tenant);
      ctx.output('namespace', result.namespace);
      ctx.output('cluster', result.cluster);
      ctx.output('changes', result.changes);
      ctx.output('statusUrl', kaasEntityPageUrl(appBaseUrl, result.tenant));
    },
  });
}
