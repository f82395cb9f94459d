import { InputError } from '@backstage/errors';
import {
  createTemplateAction,
  type TemplateAction,
} from '@backstage/plugin-scaffolder-node';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { instanceEntityRef } from '@kaas-platform/plugin-kaas-common';
import type {
  InstanceService,
  OwnerAuthorizer,
} from '@kaas-platform/plugin-kaas-node';
import { waitUntilCataloged } from './waitUntilCataloged';
import { examples } from './instanceWait.examples';
import * as inputProps from './inputProperties';
import type {
  XaasInstanceWaitInput,
  XaasInstanceWaitOutput,
} from './actionTypes';

/**
 * Waits until an XaaS instance is ready to use, by the readiness rule of its capability,
 * logging what it is still waiting for, and then (bounded) until the catalog serves its
 * entity, so the template's link to the instance page works. The user running the
 * template must be allowed to act for the instance's owner as recorded on the cluster.
 *
 * @public
 */
export function createXaasInstanceWaitAction(options: {
  instances: InstanceService;
  owners: OwnerAuthorizer;
  /** When given, the wait ends once the catalog serves the instance's entity too. */
  catalog?: Pick<CatalogService, 'getEntityByRef'>;
}): TemplateAction<XaasInstanceWaitInput, XaasInstanceWaitOutput, 'v2'> {
  const { instances, owners, catalog } = options;

  return createTemplateAction({
    id: 'xaas:instance:wait',
    description:
      "Waits until an XaaS instance is ready to use (by its capability's readiness rule), or fails after a timeout naming what is still missing.",
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        tenant: inputProps.tenant,
        name: inputProps.instanceName,
        timeoutSeconds: inputProps.instanceTimeoutSeconds,
      },
      output: {
        ready: z =>
          z.boolean().describe('True once the instance is ready to use.'),
      },
    },
    async handler(ctx) {
      const { tenant, name } = ctx.input;
      const timeoutSeconds =
        ctx.input.timeoutSeconds ?? inputProps.DEFAULT_INSTANCE_TIMEOUT_SECONDS;
      const instance = `${tenant}/${name}`;
      const credentials = await ctx.getInitiatorCredentials();

      const summary = await instances.get(tenant, name);
      if (!summary) {
        if (ctx.isDryRun) {
          // In a dry run the create step before this one created nothing.
          ctx.logger.info(
            `Dry run: instance '${instance}' does not exist yet; would wait up to ${timeoutSeconds}s for it to be ready`,
          );
          ctx.output('ready', true);
          return;
        }
        throw new InputError(
          `There is no instance '${instance}'; check the tenant and the name, or create the instance first with xaas:instance:create.`,
        );
      }
      await owners.assertMayActFor(credentials, summary.owner);

      if (ctx.isDryRun) {
        ctx.logger.info(
          `Dry run: would wait up to ${timeoutSeconds}s for instance '${instance}' to be ready`,
        );
        ctx.output('ready', true);
        return;
      }

      ctx.logger.info(
        `Waiting up to ${timeoutSeconds}s for ${summary.capability} instance '${instance}' to be ready`,
      );
      await instances.waitUntilReady(tenant, name, {
        timeoutMs: timeoutSeconds * 1000,
        onProgress: message => ctx.logger.info(message),
      });
      if (catalog) {
        await waitUntilCataloged(catalog, instanceEntityRef(tenant, name), {
          credentials,
          logger: ctx.logger,
        });
      }
      ctx.output('ready', true);
    },
  });
}
