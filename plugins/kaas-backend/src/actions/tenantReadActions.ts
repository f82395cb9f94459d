import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import { InputError, NotFoundError } from '@backstage/errors';
import {
  kaasTenantListPermission,
  kaasTenantReadPermission,
  sameEntityRef,
  tenantEntityRef,
  type TenantStatus,
} from '@kaas-platform/plugin-kaas-common';
import { tenantFromInventory } from '../tenantFromInventory';
import { authorizeAction, type KaasActionDeps } from './kaasActionDeps';

/**
 * The read-only tenant actions: `kaas:list-tenants`, `kaas:get-tenant-status`,
 * `kaas:explain-tenant-not-ready`. They answer from the inventory, as the REST API does,
 * with the same rules: events only for those who may act for the owner (unless
 * `kaas.visibility.events` opens them), never a credential.
 */
export function registerTenantReadActions(deps: KaasActionDeps): void {
  const { actionsRegistry, inventory, userInfo, owners, visibility } = deps;

  /** The tenant's status as this caller may see it, or NotFound / 503 / NotAllowed. */
  async function readableStatus(
    credentials: BackstageCredentials,
    tenant: string,
  ): Promise<TenantStatus> {
    await authorizeAction(
      deps.permissions,
      credentials,
      {
        permission: kaasTenantReadPermission,
        resourceRef: tenantEntityRef(tenant),
      },
      `You are not allowed to read tenant '${tenant}'`,
    );
    await tenantFromInventory(inventory, tenant);
    const status = inventory.tenantStatus(tenant);
    if (!status) throw new NotFoundError(`Tenant '${tenant}' does not exist`);
    const eventsHidden =
      visibility.events !== 'everyone' &&
      !(await owners.mayActFor(credentials, status.owner));
    return {
      ...status,
      events: eventsHidden ? [] : status.events,
      eventsHidden,
    };
  }

  actionsRegistry.register({
    name: 'list-tenants',
    title: 'List Kubernetes tenants',
    description: [
      'Lists Kubernetes tenants with their status. A tenant is a namespace, a virtual cluster or a whole cluster owned by a group;',
      'XaaS instances (databases, Kafka, ...) live in tenants.',
      "By default only the tenants of the groups the caller belongs to (`mine: true`); `mine: false` lists every tenant, `owner` one group's.",
      'Example input: {"mine": true} or {"mine": false, "owner": "group:default/team-a"}.',
    ].join(' '),
    visibilityPermission: kaasTenantListPermission,
    attributes: { readOnly: true, idempotent: true, destructive: false },
    schema: {
      input: z =>
        z
          .object({
            mine: z
              .boolean()
              .default(true)
              .describe("Only tenants owned by the caller's groups"),
            owner: z
              .string()
              .optional()
              .describe(
                'Only tenants of this group, e.g. group:default/team-a',
              ),
          })
          .strict(),
      output: z =>
        z.object({
          tenants: z.array(
            z.object({
              name: z.string(),
              owner: z.string(),
              isolation: z.string(),
              profile: z.string(),
              cluster: z.string(),
              namespace: z.string(),
              phase: z.string(),
              ready: z.boolean(),
              entityRef: z.string(),
            }),
          ),
        }),
    },
    examples: [
      {
        title: "The caller's tenants",
        input: { mine: true },
        output: {
          tenants: [
            {
              name: 'team-a-dev',
              owner: 'group:default/team-a',
              isolation: 'namespace',
              profile: 'small',
              cluster: 'local',
              namespace: 't-team-a-dev',
              phase: 'Ready',
              ready: true,
              entityRef: 'resource:default/team-a-dev',
            },
          ],
        },
      },
    ],
    async action({ input, credentials }) {
      await inventory.ready();
      let tenants = inventory.tenants();
      if (input.owner) {
        tenants = tenants.filter(t => sameEntityRef(t.owner, input.owner!));
      }
      if (input.mine) {
        if ((credentials.principal as { type?: string }).type !== 'user') {
          throw new InputError(
            "A service belongs to no group: call with 'mine: false' (and 'owner' to narrow the list)",
          );
        }
        const { ownershipEntityRefs } = await userInfo.getUserInfo(credentials);
        tenants = tenants.filter(t =>
          ownershipEntityRefs.some(ref => sameEntityRef(ref, t.owner)),
        );
      }
      return {
        output: {
          tenants: tenants.map(t => {
            const status = inventory.tenantStatus(t.name);
            return {
              name: t.name,
              owner: t.owner,
              isolation: t.isolation,
              profile: t.profile,
              cluster: t.cluster,
              namespace: t.namespace,
              phase: status?.phase ?? 'Provisioning',
              ready: status?.ready ?? false,
              entityRef: tenantEntityRef(t.name),
            };
          }),
        },
      };
    },
  });

  actionsRegistry.register({
    name: 'get-tenant-status',
    title: "Get a tenant's status",
    description: [
      "A tenant's live status: readiness conditions, quota usage, limit ranges, network policies, workload counts,",
      'its Cluster API or Crossplane object (virtual and whole-cluster tenants), and recent events when the caller may act for the owner.',
      'Never a credential; a kubeconfig is downloaded from the tenant page in Backstage.',
      'Example input: {"tenant": "team-a-dev"}.',
    ].join(' '),
    visibilityPermission: kaasTenantListPermission,
    attributes: { readOnly: true, idempotent: true, destructive: false },
    schema: {
      input: z =>
        z
          .object({
            tenant: z.string().describe('Tenant name, e.g. team-a-dev'),
          })
          .strict(),
      output: z =>
        z.object({
          status: z
            .object({
              name: z.string(),
              owner: z.string(),
              isolation: z.string(),
              phase: z.string(),
              ready: z.boolean(),
              conditions: z.array(
                z
                  .object({
                    type: z.string(),
                    status: z.string(),
                    message: z.string(),
                  })
                  .passthrough(),
              ),
              eventsHidden: z.boolean().optional(),
            })
            .passthrough(),
        }),
    },
    async action({ input, credentials }) {
      const status = await readableStatus(credentials, input.tenant);
      return { output: { status: JSON.parse(JSON.stringify(status)) } };
    },
  });

  actionsRegistry.register({
    name: 'explain-tenant-not-ready',
    title: 'Explain why a tenant is not ready',
    description: [
      'Says in plain lines why a tenant is not ready (or that it is): its failing readiness conditions,',
      'its Cluster API or Crossplane object, its XaaS instances that are not ready, and recent warning events when the caller may act for the owner.',
      'Example input: {"tenant": "team-a-dev"}.',
    ].join(' '),
    visibilityPermission: kaasTenantListPermission,
    attributes: { readOnly: true, idempotent: true, destructive: false },
    schema: {
      input: z =>
        z.object({ tenant: z.string().describe('Tenant name') }).strict(),
      output: z =>
        z.object({
          tenant: z.string(),
          ready: z.boolean(),
          phase: z.string(),
          reasons: z
            .array(z.string())
            .describe('Empty when the tenant and its instances are ready'),
        }),
    },
    async action({ input, credentials }) {
      const status = await readableStatus(credentials, input.tenant);
      const clusterObject = status.clusterObject;
      const notReady = [
        ...status.conditions
          .filter(c => c.status !== 'True')
          .map(c => `${c.type}: ${c.message}`),
        ...(clusterObject?.conditions ?? [])
          .filter(c => c.status === 'False')
          .map(
            c =>
              `${clusterObject!.kind} ${clusterObject!.name}: ${
                c.type
              } is False${c.message ? `: ${c.message}` : ''}`,
          ),
        ...inventory
          .instances(input.tenant)
          .filter(i => !i.ready)
          .map(i => `instance ${i.name} (${i.capability}): ${i.message}`),
      ];
      const ready =
        status.ready && status.phase === 'Ready' && notReady.length === 0;
      const reasons = ready
        ? []
        : [
            ...(status.phase === 'Terminating'
              ? ['the tenant is being deleted']
              : []),
            ...notReady,
            ...status.events
              .filter(e => e.type === 'Warning')
              .slice(0, 5)
              .map(e => `event on ${e.object}: ${e.reason}: ${e.message}`),
          ];
      return {
        output: {
          tenant: status.name,
          ready,
          phase: status.phase,
          reasons,
        },
      };
    },
  });
}
