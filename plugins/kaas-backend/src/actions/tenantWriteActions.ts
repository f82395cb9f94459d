import { InputError } from '@backstage/errors';
import {
  kaasEntityPageUrl,
  kaasTenantCreatePermission,
  kaasTenantDeletePermission,
  tenantEntityRef,
} from '@kaas-platform/plugin-kaas-common';
import {
  createTenantAs,
  deleteTenantAs,
} from '@kaas-platform/plugin-kaas-node';
import { auditedAction } from './auditedAction';
import type { KaasActionDeps } from './kaasActionDeps';

const DEFAULT_TIMEOUT_SECONDS = 300;
const MAX_TIMEOUT_SECONDS = 1800;

/**
 * `kaas:create-tenant` and `kaas:delete-tenant`: the scaffolder actions' operations
 * (kaas-node `createTenantAs`, `deleteTenantAs`) with the caller's credentials, audited.
 */
export function registerTenantWriteActions(deps: KaasActionDeps): void {
  const { actionsRegistry, tenants, owners, auditor, appBaseUrl } = deps;
  const services = { tenants, owners };

  actionsRegistry.register({
    name: 'create-tenant',
    title: 'Create or update a Kubernetes tenant',
    description: [
      'Creates a Kubernetes tenant owned by a group the caller belongs to, or brings an existing one back to the request (idempotent).',
      "isolation: 'namespace' (a namespace with quota and network policy), 'vcluster' (a virtual cluster) or 'cluster' (a whole cluster);",
      'profile: a tenant profile of the platform (its quota and policy). Set dryRun to see what would be applied without writing.',
      'Example input: {"name": "team-a-dev", "owner": "group:default/team-a", "isolation": "namespace", "profile": "small"}.',
      'Then kaas:get-tenant-status until ready; the kubeconfig is downloaded from the tenant page in Backstage.',
    ].join(' '),
    visibilityPermission: kaasTenantCreatePermission,
    attributes: { readOnly: false, idempotent: true, destructive: false },
    schema: {
      input: z =>
        z
          .object({
            name: z
              .string()
              .describe('Tenant name: lowercase letters, digits and dashes'),
            owner: z
              .string()
              .describe('Owner group, e.g. group:default/team-a or team-a'),
            isolation: z
              .string()
              .default('namespace')
              .describe('namespace, vcluster or cluster'),
            profile: z.string().describe('Tenant profile, e.g. small'),
            cluster: z
              .string()
              .optional()
              .describe(
                'Cluster to place the tenant on; the platform chooses when absent',
              ),
            description: z.string().optional(),
            labels: z.record(z.string(), z.string()).optional(),
            annotations: z.record(z.string(), z.string()).optional(),
            kubernetesVersion: z
              .string()
              .optional()
              .describe(
                "vcluster and cluster tenants: Kubernetes version, e.g. 1.34.1 (the profile's when absent); one minor version at a time, never down",
              ),
            dryRun: z
              .boolean()
              .default(false)
              .describe('Validate against the cluster and write nothing'),
          })
          .strict(),
      output: z =>
        z.object({
          tenant: z.string(),
          namespace: z.string(),
          cluster: z.string(),
          isolation: z.string(),
          entityRef: z.string(),
          statusUrl: z
            .string()
            .optional()
            .describe("The tenant's page in Backstage"),
          dryRun: z.boolean(),
          objects: z.array(
            z.object({
              kind: z.string(),
              name: z.string(),
              namespace: z.string().optional(),
              action: z.string(),
            }),
          ),
        }),
    },
    examples: [
      {
        title: 'A namespace tenant for team-a',
        input: {
          name: 'team-a-dev',
          owner: 'group:default/team-a',
          isolation: 'namespace',
          profile: 'small',
          dryRun: false,
        },
      },
    ],
    async action({ input, credentials, logger }) {
      const { dryRun, ...request } = input;
      return auditedAction(
        auditor,
        {
          actionId: 'kaas:create-tenant',
          credentials,
          meta: { tenant: request.name, owner: request.owner, dryRun },
        },
        async () => {
          const result = await createTenantAs(services, credentials, request, {
            dryRun,
            logger,
          });
          return {
            result: {
              output: {
                tenant: result.tenant,
                namespace: result.namespace,
                cluster: result.cluster,
                isolation: result.isolation,
                entityRef: tenantEntityRef(result.tenant),
                ...(appBaseUrl && {
                  statusUrl: kaasEntityPageUrl(appBaseUrl, result.tenant),
                }),
                dryRun,
                objects: result.objects.map(o => ({
                  kind: o.kind,
                  name: o.name,
                  ...(o.namespace ? { namespace: o.namespace } : {}),
                  action: o.action,
                })),
              },
            },
            meta: { cluster: result.cluster, objects: result.objects.length },
          };
        },
      );
    },
  });

  actionsRegistry.register({
    name: 'delete-tenant',
    title: 'Delete a Kubernetes tenant',
    description: [
      'Deletes a tenant and everything in it: its namespace, its workloads and, with deleteInstances, its XaaS instances and their data.',
      'Refuses while instances exist unless deleteInstances is true. confirm must be the tenant name, typed out.',
      'Only members of the owner group (or platform admins) may. Deleting a tenant that is already gone succeeds.',
      'Example input: {"tenant": "team-a-dev", "confirm": "team-a-dev"}.',
    ].join(' '),
    visibilityPermission: kaasTenantDeletePermission,
    attributes: { readOnly: false, idempotent: true, destructive: true },
    schema: {
      input: z =>
        z
          .object({
            tenant: z.string().describe('Tenant name'),
            confirm: z
              .string()
              .describe('The tenant name again, to confirm the deletion'),
            deleteInstances: z.boolean().default(false),
            waitUntilGone: z.boolean().default(true),
            timeoutSeconds: z
              .number()
              .int()
              .min(1)
              .max(MAX_TIMEOUT_SECONDS)
              .default(DEFAULT_TIMEOUT_SECONDS),
            dryRun: z.boolean().default(false),
          })
          .strict(),
      output: z =>
        z.object({
          tenant: z.string(),
          deleted: z
            .boolean()
            .describe('True once deleted or already gone; false in a dry run'),
          dryRun: z.boolean(),
        }),
    },
    async action({ input, credentials, logger }) {
      const { tenant, confirm, dryRun } = input;
      if (confirm !== tenant) {
        throw new InputError(
          `confirm: type ${tenant} to confirm; this deletes the tenant and everything in it`,
        );
      }
      return auditedAction(
        auditor,
        {
          actionId: 'kaas:delete-tenant',
          credentials,
          meta: { tenant, deleteInstances: input.deleteInstances, dryRun },
        },
        async () => {
          const deleted = await deleteTenantAs(services, credentials, tenant, {
            deleteInstances: input.deleteInstances,
            waitUntilGone: input.waitUntilGone,
            timeoutMs: input.timeoutSeconds * 1000,
            dryRun,
            logger,
          });
          return {
            result: { output: { tenant, deleted: !dryRun, dryRun } },
            meta: { existed: !!deleted },
          };
        },
      );
    },
  });
}
