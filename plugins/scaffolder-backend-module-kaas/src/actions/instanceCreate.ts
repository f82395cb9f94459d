import type { PermissionsService } from '@backstage/backend-plugin-api';
import {
  createTemplateAction,
  type TemplateAction,
} from '@backstage/plugin-scaffolder-node';
import {
  instanceEntityRef,
  xaasInstanceCreatePermission,
} from '@kaas-platform/plugin-kaas-common';
import { createInstanceAs } from '@kaas-platform/plugin-kaas-node';
import type {
  InstanceApplyResult,
  InstanceService,
  OwnerAuthorizer,
  TenantService,
} from '@kaas-platform/plugin-kaas-node';
import { examples } from './instanceCreate.examples';
import * as inputProps from './inputProperties';
import * as outputProps from './outputProperties';
import { requirePermission } from './requirePermission';
import type {
  XaasInstanceCreateInput,
  XaasInstanceCreateOutput,
} from './actionTypes';

/**
 * Creates an XaaS instance (a database, a queue, ...) in a tenant, or brings an existing
 * one back to what the input asks: the capability's objects with the plan's parameters,
 * as `kaas-node` renders them. Idempotent.
 *
 * @public
 */
export function createXaasInstanceCreateAction(options: {
  instances: InstanceService;
  tenants: TenantService;
  owners: OwnerAuthorizer;
  permissions: PermissionsService;
}): TemplateAction<XaasInstanceCreateInput, XaasInstanceCreateOutput, 'v2'> {
  const { instances, tenants, owners, permissions } = options;

  return createTemplateAction({
    id: 'xaas:instance:create',
    description:
      "Creates an instance of an XaaS capability (PostgreSQL, MySQL, Kafka, ...) in a tenant, sized by a plan, owned by the tenant's owner. A re-run with the same input changes nothing.",
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        tenant: inputProps.tenant,
        capability: inputProps.capability,
        name: inputProps.instanceName,
        plan: inputProps.plan,
        parameters: inputProps.parameters,
      },
      output: {
        instance: outputProps.instance,
        namespace: outputProps.instanceNamespace,
        cluster: outputProps.instanceCluster,
        entityRef: outputProps.instanceEntityRef,
        connection: outputProps.connection,
        manifests: outputProps.manifests,
      },
    },
    async handler(ctx) {
      const credentials = await ctx.getInitiatorCredentials();
      await requirePermission(
        permissions,
        credentials,
        xaasInstanceCreatePermission,
      );
      const dryRun = ctx.isDryRun === true;
      // Validates, finds the tenant, checks its recorded owner before anything is
      // written, and logs each object it applied, and how, to the task log.
      const create = () =>
        createInstanceAs(
          { tenants, instances, owners },
          credentials,
          ctx.input,
          {
            dryRun,
            logger: ctx.logger,
          },
        );
      const report = (
        result: Pick<
          InstanceApplyResult,
          'tenant' | 'name' | 'namespace' | 'cluster' | 'connection'
        >,
      ) => {
        ctx.output('instance', `${result.tenant}/${result.name}`);
        ctx.output('namespace', result.namespace);
        ctx.output('cluster', result.cluster);
        ctx.output('entityRef', instanceEntityRef(result.tenant, result.name));
        const { connection } = result;
        // Names only: the values stay in the Secret, for those allowed to read it.
        if (
          connection.secretName ||
          connection.host ||
          connection.port !== undefined
        ) {
          ctx.output('connection', {
            secretName: connection.secretName,
            namespace: result.namespace,
            ...(connection.host !== undefined && { host: connection.host }),
            ...(connection.port !== undefined && { port: connection.port }),
            keys: [...connection.showKeys],
          });
        }
      };

      if (dryRun) {
        const result = await create();
        report(result);
        // Plain JSON: the task log and the template editor show outputs as JSON.
        ctx.output(
          'manifests',
          JSON.parse(
            JSON.stringify((result.manifests ?? []).map(withoutSecretValues)),
          ),
        );
        return;
      }
      // A task that the scaffolder recovers after a restart (scaffolder.taskRecovery) and
      // that had applied the instance already reports that run's outputs without applying
      // the instance again. Plain JSON, as the checkpoint stores it.
      report(
        await ctx.checkpoint({
          key: 'instance-applied',
          fn: async () => {
            const { tenant, name, namespace, cluster, connection } =
              await create();
            return JSON.parse(
              JSON.stringify({ tenant, name, namespace, cluster, connection }),
            );
          },
        }),
      );
    },
  });
}

/** A Secret a capability creates keeps its keys in the output, never its values. */
function withoutSecretValues<T extends { kind?: string }>(manifest: T): T {
  if (manifest.kind !== 'Secret') return manifest;
  const hide = (values: unknown) =>
    values && typeof values === 'object'
      ? Object.fromEntries(Object.keys(values).map(key => [key, '(hidden)']))
      : values;
  const secret = manifest as T & { data?: unknown; stringData?: unknown };
  return {
    ...secret,
    ...(secret.data !== undefined && { data: hide(secret.data) }),
    ...(secret.stringData !== undefined && {
      stringData: hide(secret.stringData),
    }),
  };
}
