import type { PermissionsService } from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import {
  createTemplateAction,
  type TemplateAction,
} from '@backstage/plugin-scaffolder-node';
import {
  kaasEntityPageUrl,
  kaasTenantCreatePermission,
  tenantEntityRef,
} from '@kaas-platform/plugin-kaas-common';
import { createTenantAs } from '@kaas-platform/plugin-kaas-node';
import type {
  OwnerAuthorizer,
  TenantApplyResult,
  TenantService,
} from '@kaas-platform/plugin-kaas-node';
import * as inputProps from './inputProperties';
import * as outputProps from './outputProperties';
import { requirePermission } from './requirePermission';
import { examples } from './tenantCreate.examples';
import type {
  KaasTenantCreateInput,
  KaasTenantCreateOutput,
} from './actionTypes';

/**
 * Creates a tenant, or brings an existing one back to what the input asks: the home
 * namespace with the profile's policy, as `kaas-node` renders it. Idempotent.
 *
 * @public
 */
export function createKaasTenantCreateAction(options: {
  tenants: TenantService;
  owners: OwnerAuthorizer;
  permissions: PermissionsService;
  config: Config;
}): TemplateAction<KaasTenantCreateInput, KaasTenantCreateOutput, 'v2'> {
  const { tenants, owners, permissions, config } = options;
  const appBaseUrl = config.getString('app.baseUrl');

  return createTemplateAction({
    id: 'kaas:tenant:create',
    description:
      'Creates a Kubernetes tenant (namespace, virtual cluster or cluster) owned by a group, with the policy of a tenant profile. A re-run with the same input changes nothing.',
    examples,
    supportsDryRun: true,
    schema: {
      input: inputProps.tenantRequest,
      output: {
        tenant: outputProps.tenant,
        namespace: outputProps.namespace,
        cluster: outputProps.cluster,
        isolation: outputProps.isolation,
        entityRef: outputProps.entityRef,
        statusUrl: outputProps.statusUrl,
        manifests: outputProps.manifests,
      },
    },
    async handler(ctx) {
      const credentials = await ctx.getInitiatorCredentials();
      await requirePermission(
        permissions,
        credentials,
        kaasTenantCreatePermission,
      );
      const dryRun = ctx.isDryRun === true;
      // Validates, checks the owner before anything is written, and logs each object it
      // applied, and how, to the task log.
      const create = () =>
        createTenantAs({ tenants, owners }, credentials, ctx.input, {
          dryRun,
          logger: ctx.logger,
        });
      const report = (result: Omit<TenantApplyResult, 'objects'>) => {
        ctx.output('tenant', result.tenant);
        ctx.output('namespace', result.namespace);
        ctx.output('cluster', result.cluster);
        ctx.output('isolation', result.isolation);
        ctx.output('entityRef', tenantEntityRef(result.tenant));
        ctx.output('statusUrl', kaasEntityPageUrl(appBaseUrl, result.tenant));
      };

      if (dryRun) {
        const result = await create();
        report(result);
        // Plain JSON: the task log and the template editor show outputs as JSON.
        ctx.output(
          'manifests',
          JSON.parse(JSON.stringify(result.manifests ?? [])),
        );
        return;
      }
      // A task that the scaffolder recovers after a restart (scaffolder.taskRecovery) and
      // that had applied the tenant already reports that run's outputs without applying
      // the tenant again.
      report(
        await ctx.checkpoint({
          key: 'tenant-applied',
          fn: async () => {
            const { tenant, namespace, cluster, isolation } = await create();
            return { tenant, namespace, cluster, isolation };
          },
        }),
      );
    },
  });
}
