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
import { updateTenantAs } from '@kaas-platform/plugin-kaas-node';
import type {
  OwnerAuthorizer,
  TenantService,
} from '@kaas-platform/plugin-kaas-node';
import type {
  KaasTenantUpdateInput,
  KaasTenantUpdateOutput,
} from './actionTypes';
import * as inputProps from './inputProperties';
import * as outputProps from './outputProperties';
import { requirePermission } from './requirePermission';
import { examples } from './tenantUpdate.examples';

/**
 * Changes an existing tenant: its profile (quota and limits up or down), description and
 * labels, by server-side apply. A profile whose quota is below what the tenant uses now is
 * refused, naming each resource and its usage; a dry run lists each field that would
 * change. Idempotent. The owner and the isolation stay what the cluster records.
 *
 * @public
 */
export function createKaasTenantUpdateAction(options: {
  tenants: TenantService;
  owners: OwnerAuthorizer;
  permissions: PermissionsService;
  config: Config;
}): TemplateAction<KaasTenantUpdateInput, KaasTenantUpdateOutput, 'v2'> {
  const { tenants, owners, permissions, config } = options;
  const appBaseUrl = config.getString('app.baseUrl');

  return createTemplateAction({
    id: 'kaas:tenant:update',
    description:
      "Changes an existing tenant's profile (quota and limits), description and labels. Refuses a quota below what the tenant uses now; a dry run lists what would change.",
    examples,
    supportsDryRun: true,
    schema: {
      input: inputProps.tenantRequest,
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
      // Re-applying a tenant is what creating one is allowed to do.
      await requirePermission(
        permissions,
        credentials,
        kaasTenantCreatePermission,
      );
      const dryRun = ctx.isDryRun === true;
      const result = await updateTenantAs(
        { tenants, owners },
        credentials,
        ctx.input,
        { dryRun, logger: ctx.logger },
      );
      if (result.changes.length === 0) {
        ctx.logger.info(`Tenant '${result.tenant}' is already as asked`);
      }
      ctx.output('tenant', result.tenant);
      ctx.output('namespace', result.namespace);
      ctx.output('cluster', result.cluster);
      ctx.output('changes', result.changes);
      ctx.output('statusUrl', kaasEntityPageUrl(appBaseUrl, result.tenant));
    },
  });
}
