import {
  kaasTenantCreatePermission,
  xaasInstanceCreatePermission,
} from '@kaas-platform/plugin-kaas-common';
import {
  repairTenantAs,
  updateInstanceAs,
  updateTenantAs,
} from '@kaas-platform/plugin-kaas-node';
import type { z as Zod3 } from 'zod/v3';
import { auditedAction } from './auditedAction';
import type { KaasActionDeps } from './kaasActionDeps';

const changesSchema = (z: typeof Zod3) =>
  z
    .array(
      z.object({
        object: z.string(),
        path: z.string(),
        from: z.string().optional(),
        to: z.string(),
      }),
    )
    .describe(
      'Each field that changed (in a dry run: would change), old and new value as JSON',
    );

/**
 * `kaas:update-tenant`, `kaas:repair-tenant` and `kaas:update-instance`: the scaffolder's
 * update operations (kaas-node `updateTenantAs`, `repairTenantAs`, `updateInstanceAs`)
 * with the caller's credentials, audited.
 * Their checks hold (a quota below usage, a version step, `x-kaas-update`), and what the
 * input leaves out stays as it is.
 */
export function registerUpdateActions(deps: KaasActionDeps): void {
  const { actionsRegistry, tenants, instances, owners, auditor } = deps;

  actionsRegistry.register({
    name: 'update-tenant',
    title: 'Change a Kubernetes tenant',
    description: [
      'Changes an existing tenant: its profile (quota and limits up or down), description, labels, and for vcluster and cluster tenants its Kubernetes version (one minor version at a time, never down).',
      'A profile whose quota is below what the tenant uses now is refused, naming each resource. What the input leaves out stays; owner and isolation do not change.',
      'Set dryRun to list each field that would change.',
      'Example input: {"name": "team-a-dev", "owner": "group:default/team-a", "isolation": "namespace", "profile": "medium"}.',
    ].join(' '),
    visibilityPermission: kaasTenantCreatePermission,
    attributes: { readOnly: false, idempotent: true, destructive: false },
    schema: {
      input: z =>
        z
          .object({
            name: z.string().describe('Tenant name'),
            owner: z.string().describe('The owner group as it is'),
            isolation: z.string().describe('The isolation as it is'),
            profile: z.string().describe('The profile from now on'),
            description: z.string().optional(),
            labels: z.record(z.string(), z.string()).optional(),
            annotations: z.record(z.string(), z.string()).optional(),
            kubernetesVersion: z.string().optional(),
            dryRun: z.boolean().default(false),
          })
          .strict(),
      output: z =>
        z.object({
          tenant: z.string(),
          dryRun: z.boolean(),
          changes: changesSchema(z),
        }),
    },
    async action({ input, credentials, logger }) {
      const { dryRun, ...request } = input;
      return auditedAction(
        auditor,
        {
          actionId: 'kaas:update-tenant',
          credentials,
          meta: { tenant: request.name, profile: request.profile, dryRun },
        },
        async () => {
          const result = await updateTenantAs(
            { tenants, owners },
            credentials,
            request,
            { dryRun, logger },
          );
          return {
            result: {
              output: {
                tenant: result.tenant,
                dryRun,
                changes: result.changes,
              },
            },
            meta: { changes: result.changes.length },
          };
        },
      );
    },
  });

  actionsRegistry.register({
    name: 'repair-tenant',
    title: "Repair a Kubernetes tenant's policy objects",
    description: [
      "Re-applies what today's policy renders for a tenant (its recorded request): policy objects changed, deleted or loosened by hand (see the tenant's drift in kaas:get-tenant-status) are put back. Objects the tenant created itself are left alone.",
      'Members of the owner group and platform admins only. Set dryRun to list each field that would be put back.',
      'Example input: {"name": "team-a-dev"}.',
    ].join(' '),
    visibilityPermission: kaasTenantCreatePermission,
    attributes: { readOnly: false, idempotent: true, destructive: false },
    schema: {
      input: z =>
        z
          .object({
            name: z.string().describe('Tenant name'),
            dryRun: z.boolean().default(false),
          })
          .strict(),
      output: z =>
        z.object({
          tenant: z.string(),
          dryRun: z.boolean(),
          changes: changesSchema(z),
        }),
    },
    async action({ input, credentials, logger }) {
      const { dryRun, name } = input;
      return auditedAction(
        auditor,
        {
          actionId: 'kaas:repair-tenant',
          credentials,
          meta: { tenant: name, dryRun },
        },
        async () => {
          const result = await repairTenantAs(
            { tenants, owners },
            credentials,
            name,
            { dryRun, logger },
          );
          return {
            result: {
              output: {
                tenant: result.tenant,
                dryRun,
                changes: result.changes,
              },
            },
            meta: { changes: result.changes.length },
          };
        },
      );
    },
  });

  actionsRegistry.register({
    name: 'update-instance',
    title: 'Change an XaaS instance',
    description: [
      "Changes an existing instance's plan or parameters within its capability's schema. Changes its operator cannot do (shrinking storage, a lower version) are refused, naming the parameter and both values.",
      "What the input leaves out stays; a parameter set to null goes back to the plan's value. Set dryRun to list each field that would change.",
      'Example input: {"tenant": "team-a-dev", "capability": "postgresql", "name": "orders-db", "plan": "medium"}.',
    ].join(' '),
    visibilityPermission: xaasInstanceCreatePermission,
    attributes: { readOnly: false, idempotent: true, destructive: false },
    schema: {
      input: z =>
        z
          .object({
            tenant: z.string().describe('Tenant name'),
            capability: z.string().describe('The capability as it is'),
            name: z.string().describe('Instance name'),
            plan: z.string().optional().describe('The plan from now on'),
            parameters: z
              .record(z.string(), z.unknown())
              .optional()
              .describe('Parameters to change'),
            dryRun: z.boolean().default(false),
          })
          .strict(),
      output: z =>
        z.object({
          instance: z.string(),
          dryRun: z.boolean(),
          changes: changesSchema(z),
        }),
    },
    async action({ input, credentials, logger }) {
      const { dryRun, ...request } = input;
      return auditedAction(
        auditor,
        {
          actionId: 'kaas:update-instance',
          credentials,
          meta: {
            tenant: request.tenant,
            instance: request.name,
            ...(request.plan ? { plan: request.plan } : {}),
            dryRun,
          },
        },
        async () => {
          const result = await updateInstanceAs(
            { instances, owners },
            credentials,
            request,
            { dryRun, logger },
          );
          return {
            result: {
              output: {
                instance: `${result.tenant}/${result.name}`,
                dryRun,
                changes: result.changes,
              },
            },
            meta: { changes: result.changes.length },
          };
        },
      );
    },
  });
}
