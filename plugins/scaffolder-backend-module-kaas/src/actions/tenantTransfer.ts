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
import { transferTenantAs } from '@kaas-platform/plugin-kaas-node';
import type {
  KubeconfigIssuer,
  OwnerAuthorizer,
  TenantService,
} from '@kaas-platform/plugin-kaas-node';
import type {
  KaasTenantTransferInput,
  KaasTenantTransferOutput,
} from './actionTypes';
import * as inputProps from './inputProperties';
import * as outputProps from './outputProperties';
import { requirePermission } from './requirePermission';
import { examples } from './tenantTransfer.examples';

/**
 * Moves a tenant and its XaaS instances to another group: owner marks, RoleBindings and
 * the catalog owner follow, the old group's access and token kubeconfigs go. Platform
 * admins may, and those who may act for both groups. Idempotent.
 *
 * @public
 */
export function createKaasTenantTransferAction(options: {
  tenants: TenantService;
  owners: OwnerAuthorizer;
  kubeconfigs: Pick<KubeconfigIssuer, 'revoke' | 'list'>;
  permissions: PermissionsService;
  config: Config;
}): TemplateAction<KaasTenantTransferInput, KaasTenantTransferOutput, 'v2'> {
  const { tenants, owners, kubeconfigs, permissions, config } = options;
  const appBaseUrl = config.getString('app.baseUrl');

  return createTemplateAction({
    id: 'kaas:tenant:transfer',
    description:
      "Moves a tenant and its XaaS instances to another group: RoleBindings, owner marks and the catalog owner follow; the old group's RoleBindings and token kubeconfigs go. Platform admins, or members of both groups.",
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        name: inputProps.name,
        newOwner: z =>
          z
            .string()
            .min(1)
            .describe(
              'Group the tenant moves to: an entity ref (`group:default/team-b`) or a group name (`team-b`). The user running the template must be a member of both this group and the current owner, or a platform admin.',
            ),
      },
      output: {
        tenant: outputProps.tenant,
        namespace: outputProps.namespace,
        cluster: outputProps.cluster,
        from: z => z.string().describe('The owner before the transfer'),
        to: z => z.string().describe('The owner after the transfer'),
        moved: z =>
          z
            .array(z.string())
            .describe(
              'Each object of the tenant and its instances whose owner mark moved (in a dry run: would move)',
            ),
        accessRemoved: z =>
          z
            .array(z.string())
            .describe(
              'RoleBindings of the home namespace that no longer grant the old group access',
            ),
        revokedKubeconfigs: z =>
          z
            .number()
            .describe(
              'Token kubeconfigs revoked (in a dry run: that would be); the old group must not keep using them',
            ),
        statusUrl: outputProps.statusUrl,
      },
    },
    async handler(ctx) {
      const credentials = await ctx.getInitiatorCredentials();
      // Moving a tenant re-applies it for another owner: what creating one may do.
      await requirePermission(
        permissions,
        credentials,
        kaasTenantCreatePermission,
      );
      const result = await transferTenantAs(
        { tenants, owners, kubeconfigs },
        credentials,
        { name: ctx.input.name, newOwner: ctx.input.newOwner },
        { dryRun: ctx.isDryRun === true, logger: ctx.logger },
      );
      ctx.output('tenant', result.tenant);
      ctx.output('namespace', result.namespace);
      ctx.output('cluster', result.cluster);
      ctx.output('from', result.from);
      ctx.output('to', result.to);
      ctx.output('moved', result.moved);
      ctx.output('accessRemoved', result.accessRemoved);
      ctx.output('revokedKubeconfigs', result.revokedKubeconfigs);
      ctx.output('statusUrl', kaasEntityPageUrl(appBaseUrl, result.tenant));
    },
  });
}
