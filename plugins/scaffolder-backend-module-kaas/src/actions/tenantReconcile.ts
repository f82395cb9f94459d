import type { PermissionsService } from '@backstage/backend-plugin-api';
import {
  createTemplateAction,
  type TemplateAction,
} from '@backstage/plugin-scaffolder-node';
import { kaasTenantCreatePermission } from '@kaas-platform/plugin-kaas-common';
import { rollOutPolicyAs } from '@kaas-platform/plugin-kaas-node';
import type {
  OwnerAuthorizer,
  TenantService,
} from '@kaas-platform/plugin-kaas-node';
import type {
  KaasTenantReconcileInput,
  KaasTenantReconcileOutput,
} from './actionTypes';
import * as outputProps from './outputProperties';
import { requirePermission } from './requirePermission';
import { examples } from './tenantReconcile.examples';

/**
 * Rolls today's policy (profiles and baseline as configured now) out to existing tenants,
 * for platform admins: the tenants a selector chooses are brought up to date in waves of
 * `batchSize`, each to its own recorded request, stopping after a wave with a failure
 * unless told otherwise. The template editor's dry run lists the tenants behind the
 * policy with what differs, and changes nothing.
 *
 * @public
 */
export function createKaasTenantReconcileAction(options: {
  tenants: TenantService;
  owners: OwnerAuthorizer;
  permissions: PermissionsService;
}): TemplateAction<KaasTenantReconcileInput, KaasTenantReconcileOutput, 'v2'> {
  const { tenants, owners, permissions } = options;

  return createTemplateAction({
    id: 'kaas:tenant:reconcile',
    description:
      "Brings existing tenants up to today's policy in waves (platform admins). A dry run lists the tenants behind the policy and what differs.",
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        owner: z =>
          z.string().optional().describe('Only tenants of this owner group'),
        profile: z =>
          z.string().optional().describe('Only tenants of this profile'),
        isolation: z =>
          z
            .string()
            .optional()
            .describe(
              'Only tenants of this isolation (namespace, vcluster, cluster)',
            ),
        names: z =>
          z.array(z.string()).optional().describe('Only these tenants'),
        batchSize: z =>
          z
            .number()
            .int()
            .min(1)
            .max(100)
            .optional()
            .describe(
              'Tenants brought up to date side by side in one wave. Default 10.',
            ),
        stopOnFirstFailure: z =>
          z
            .boolean()
            .optional()
            .describe(
              'Start no further wave after one with a failure. Default true.',
            ),
      },
      output: {
        selected: z => z.number().describe('Tenants the selector chose'),
        behind: outputProps.tenantsBehind,
        reconciled: z =>
          z.array(z.string()).describe('Tenants brought up to date'),
        failed: z =>
          z.array(z.object({ tenant: z.string(), message: z.string() })),
        skipped: z =>
          z.array(z.string()).describe('Tenants not reached after a failure'),
      },
    },
    async handler(ctx) {
      const credentials = await ctx.getInitiatorCredentials();
      await requirePermission(
        permissions,
        credentials,
        kaasTenantCreatePermission,
      );
      const { batchSize, stopOnFirstFailure, ...selector } = ctx.input;
      const result = await rollOutPolicyAs(
        { tenants, owners },
        credentials,
        selector,
        {
          batchSize: batchSize ?? 10,
          stopOnFirstFailure: stopOnFirstFailure ?? true,
          dryRun: ctx.isDryRun === true,
          logger: ctx.logger,
        },
      );
      ctx.output('selected', result.selected);
      ctx.output('behind', result.behind);
      ctx.output('reconciled', result.reconciled);
      ctx.output('failed', result.failed);
      ctx.output('skipped', result.skipped);
      if (result.failed.length) {
        throw new Error(
          `${
            result.failed.length
          } tenant(s) could not be brought up to date: ${result.failed
            .map(f => `${f.tenant}: ${f.message}`)
            .join('; ')}`,
        );
      }
    },
  });
}
