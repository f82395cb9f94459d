import { NotFoundError } from '@backstage/errors';
import type { z as Zod3 } from 'zod/v3';
import {
  kaasCapabilityReadPermission,
  kaasTenantListPermission,
  kaasTenantReadPermission,
  tenantEntityRef,
} from '@kaas-platform/plugin-kaas-common';
import { tenantFromInventory } from '../tenantFromInventory';
import { authorizeAction, type KaasActionDeps } from './kaasActionDeps';

type Zod = typeof Zod3;

/**
 * The read-only XaaS actions: `kaas:list-capabilities`, `kaas:list-tenant-instances`,
 * `kaas:get-instance-status`. Connection details say where an instance is (host, port,
 * the Secret's name and which keys are safe to show), never a value.
 */
export function registerInstanceReadActions(deps: KaasActionDeps): void {
  const { actionsRegistry, inventory, instances, permissions } = deps;
  const { operatorProblems } = deps;

  async function readableTenant(
    credentials: Parameters<typeof authorizeAction>[1],
    tenant: string,
  ) {
    await authorizeAction(
      permissions,
      credentials,
      {
        permission: kaasTenantReadPermission,
        resourceRef: tenantEntityRef(tenant),
      },
      `You are not allowed to read tenant '${tenant}'`,
    );
    return tenantFromInventory(inventory, tenant);
  }

  actionsRegistry.register({
    name: 'list-capabilities',
    title: 'List the XaaS capabilities and their plans',
    description: [
      'Lists what can be provisioned in a tenant (PostgreSQL, MySQL, Kafka, ...): each capability with its plans (named sizes with preset parameters)',
      'and the JSON Schema of the parameters a request may set on top of a plan. Use the capability id, a plan name and only parameters from the schema in kaas:create-instance.',
      "operatorProblems, when present, says what stops new instances now (the capability's operator missing on a cluster): tell the user, and who runs the capability, instead of creating an instance that would wait in vain.",
    ].join(' '),
    visibilityPermission: kaasCapabilityReadPermission,
    attributes: { readOnly: true, idempotent: true, destructive: false },
    schema: {
      input: z => z.object({}).strict(),
      output: z =>
        z.object({
          capabilities: z.array(
            z.object({
              id: z.string(),
              title: z.string(),
              description: z.string().optional(),
              owner: z.string().optional(),
              plans: z.array(
                z.object({
                  name: z.string(),
                  title: z.string(),
                  description: z.string().optional(),
                  parameters: z.record(z.string(), z.unknown()),
                }),
              ),
              parameters: z
                .record(z.string(), z.unknown())
                .describe('JSON Schema of the parameters'),
              operatorProblems: z
                .array(z.string())
                .optional()
                .describe('What stops new instances now, in words'),
            }),
          ),
        }),
    },
    async action() {
      const problems = await operatorProblems();
      return {
        output: {
          capabilities: instances.capabilities().map(capability => ({
            id: capability.id,
            title: capability.title,
            ...(capability.description
              ? { description: capability.description }
              : {}),
            ...(capability.owner ? { owner: capability.owner } : {}),
            plans: Object.entries(capability.plans).map(([name, plan]) => ({
              name,
              title: plan.title,
              ...(plan.description ? { description: plan.description } : {}),
              parameters: plan.parameters,
            })),
            parameters: capability.parameters as Record<string, unknown>,
            ...(problems.get(capability.id)?.length
              ? { operatorProblems: problems.get(capability.id) }
              : {}),
          })),
        },
      };
    },
  });

  const instanceStatus = (z: Zod) =>
    z
      .object({
        tenant: z.string(),
        name: z.string(),
        capability: z.string(),
        plan: z.string(),
        ready: z.boolean(),
        message: z.string(),
        connection: z.object({
          secretName: z.string(),
          host: z.string().optional(),
          port: z.number().optional(),
          showKeys: z.array(z.string()),
        }),
      })
      .passthrough();

  actionsRegistry.register({
    name: 'list-tenant-instances',
    title: "List a tenant's XaaS instances",
    description:
      'Lists the XaaS instances (databases, Kafka clusters, ...) of a tenant with their readiness and where their connection details are. Example input: {"tenant": "team-a-dev"}.',
    visibilityPermission: kaasTenantListPermission,
    attributes: { readOnly: true, idempotent: true, destructive: false },
    schema: {
      input: z =>
        z.object({ tenant: z.string().describe('Tenant name') }).strict(),
      output: z => z.object({ instances: z.array(instanceStatus(z)) }),
    },
    async action({ input, credentials }) {
      await readableTenant(credentials, input.tenant);
      return {
        output: {
          instances: JSON.parse(
            JSON.stringify(inventory.instances(input.tenant)),
          ),
        },
      };
    },
  });

  actionsRegistry.register({
    name: 'get-instance-status',
    title: "Get an XaaS instance's status",
    description: [
      "An instance's readiness (as its capability's rule judges it), its conditions, and where its connection details are:",
      "host, port, the Secret's name and the keys safe to show. Never a Secret value; owners reveal credentials on the instance page in Backstage.",
      'Example input: {"tenant": "team-a-dev", "instance": "orders-db"}.',
    ].join(' '),
    visibilityPermission: kaasTenantListPermission,
    attributes: { readOnly: true, idempotent: true, destructive: false },
    schema: {
      input: z =>
        z
          .object({
            tenant: z.string().describe('Tenant name'),
            instance: z.string().describe('Instance name'),
          })
          .strict(),
      output: z => z.object({ instance: instanceStatus(z) }),
    },
    async action({ input, credentials }) {
      await readableTenant(credentials, input.tenant);
      const instance = inventory.instance(input.tenant, input.instance);
      if (!instance) {
        throw new NotFoundError(
          `Instance '${input.instance}' of tenant '${input.tenant}' does not exist`,
        );
      }
      return { output: { instance: JSON.parse(JSON.stringify(instance)) } };
    },
  });
}
