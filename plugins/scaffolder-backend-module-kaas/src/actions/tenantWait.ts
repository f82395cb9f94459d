import { InputError } from '@backstage/errors';
import {
  createTemplateAction,
  type TemplateAction,
} from '@backstage/plugin-scaffolder-node';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { tenantEntityRef } from '@kaas-platform/plugin-kaas-common';
import type {
  OwnerAuthorizer,
  TenantService,
} from '@kaas-platform/plugin-kaas-node';
import { waitUntilCataloged } from './waitUntilCataloged';
import * as inputProps from './inputProperties';
import { examples } from './tenantWait.examples';
import type { KaasTenantWaitInput, KaasTenantWaitOutput } from './actionTypes';

/**
 * Waits until a tenant is ready to use, logging what it is still waiting for, and then
 * (bounded) until the catalog serves its entity, so the template's link to the tenant page
 * works. Reading a tenant's state follows the same rule as changing it: the user running
 * the template must be allowed to act for the tenant's owner.
 *
 * @public
 */
export function createKaasTenantWaitAction(options: {
  tenants: TenantService;
  owners: OwnerAuthorizer;
  /** When given, the wait ends once the catalog serves the tenant's entity too. */
  catalog?: Pick<CatalogService, 'getEntityByRef'>;
}): TemplateAction<KaasTenantWaitInput, KaasTenantWaitOutput, 'v2'> {
  const { tenants, owners, catalog } = options;

  return createTemplateAction({
    id: 'kaas:tenant:wait',
    description:
      'Waits until a tenant is ready to use (namespace active, policy in place, virtual cluster or cluster up), or fails after a timeout naming what is still missing.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        name: inputProps.name,
        timeoutSeconds: inputProps.timeoutSeconds,
      },
      output: {
        ready: z =>
          z.boolean().describe('True once the tenant is ready to use.'),
        conditions: z =>
          z
            .array(
              z.object({
                type: z.string(),
                status: z.string(),
                message: z.string(),
              }),
            )
            .describe('The readiness checks of the tenant and their state.'),
      },
    },
    async handler(ctx) {
      const { name } = ctx.input;
      const timeoutSeconds =
        ctx.input.timeoutSeconds ?? inputProps.DEFAULT_TIMEOUT_SECONDS;
      const credentials = await ctx.getInitiatorCredentials();

      const summary = await tenants.get(name);
      if (!summary) {
        if (ctx.isDryRun) {
          // In a dry run the create step before this one created nothing.
          ctx.logger.info(
            `Dry run: tenant '${name}' does not exist yet; would wait up to ${timeoutSeconds}s for it to be ready`,
          );
          ctx.output('ready', true);
          ctx.output('conditions', []);
          return;
        }
        throw new InputError(
          `There is no tenant named '${name}'; check the name, or create the tenant first with kaas:tenant:create.`,
        );
      }
      await owners.assertMayActFor(credentials, summary.owner);

      if (ctx.isDryRun) {
        ctx.logger.info(
          `Dry run: would wait up to ${timeoutSeconds}s for tenant '${name}' to be ready`,
        );
        ctx.output('ready', true);
        ctx.output('conditions', []);
        return;
      }

      ctx.logger.info(
        `Waiting up to ${timeoutSeconds}s for tenant '${name}' to be ready`,
      );
      const readiness = await tenants.waitUntilReady(name, {
        timeoutMs: timeoutSeconds * 1000,
        onProgress: message => ctx.logger.info(message),
      });
      if (catalog) {
        await waitUntilCataloged(catalog, tenantEntityRef(name), {
          credentials,
          logger: ctx.logger,
        });
      }
      ctx.output('ready', true);
      ctx.output(
        'conditions',
        readiness.conditions.map(({ type, status, message }) => ({
          type,
          status,
          message,
        })),
      );
    },
  });
}
