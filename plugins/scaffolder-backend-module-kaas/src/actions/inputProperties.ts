import type { z as zod } from 'zod/v3';
import { TENANT_ISOLATIONS } from '@kaas-platform/plugin-kaas-common';

// The scaffolder validates input against the JSON schema made from these, but does not
// apply defaults: every field with a default is optional, and the action applies it.

export const DEFAULT_TIMEOUT_SECONDS = 300;
export const DEFAULT_INSTANCE_TIMEOUT_SECONDS = 600;
export const MAX_TIMEOUT_SECONDS = 3600;

export const name = (z: typeof zod) =>
  z
    .string()
    .min(1)
    .describe(
      'Name of the tenant, a DNS-1123 label such as `checkout-dev`. It names the home namespace and the catalog entity.',
    );

export const owner = (z: typeof zod) =>
  z
    .string()
    .min(1)
    .describe(
      'Group that owns the tenant: an entity ref (`group:default/team-a`) or a group name (`team-a`). The user running the template must be a member of it, or a platform admin.',
    );

export const isolation = (z: typeof zod) =>
  z
    .enum(TENANT_ISOLATIONS)
    .describe(
      'How the tenant is isolated: `namespace` (a namespace with policy), `vcluster` (a virtual cluster) or `cluster` (a cluster of its own).',
    );

export const profile = (z: typeof zod) =>
  z
    .string()
    .min(1)
    .describe(
      'Name of a tenant profile of `kaas.tenantProfiles`: the quotas and policy the tenant gets.',
    );

export const cluster = (z: typeof zod) =>
  z
    .string()
    .optional()
    .describe(
      'Name of a cluster of `kaas.clusters` to place the tenant on. When absent, the platform chooses one that serves the isolation.',
    );

export const description = (z: typeof zod) =>
  z
    .string()
    .optional()
    .describe('What the tenant is for; shown in the catalog.');

export const labels = (z: typeof zod) =>
  z
    .record(z.string())
    .optional()
    .describe(
      'Extra labels for the home namespace. Keys under the platform prefix (kaas.internal by default) are refused.',
    );

export const annotations = (z: typeof zod) =>
  z
    .record(z.string())
    .optional()
    .describe(
      'Extra annotations for the home namespace. Keys under the platform prefix (kaas.internal by default) are refused.',
    );

export const kubernetesVersion = (z: typeof zod) =>
  z
    .string()
    .optional()
    .describe(
      "Kubernetes version of a vcluster or cluster tenant, e.g. 1.34.1; the profile's when absent. It moves one minor version at a time and never down.",
    );

export const timeoutSeconds = (z: typeof zod) =>
  z
    .number()
    .int()
    .min(1)
    .max(MAX_TIMEOUT_SECONDS)
    .default(DEFAULT_TIMEOUT_SECONDS)
    .optional()
    .describe(
      `How long to wait, in seconds (at most ${MAX_TIMEOUT_SECONDS}). Defaults to ${DEFAULT_TIMEOUT_SECONDS}.`,
    );

export const deleteInstances = (z: typeof zod) =>
  z
    .boolean()
    .default(false)
    .optional()
    .describe(
      'Also delete the XaaS instances (databases, queues, ...) living in the tenant. Without it, a tenant that still has instances is not deleted. Defaults to false.',
    );

export const waitUntilGone = (z: typeof zod) =>
  z
    .boolean()
    .default(true)
    .optional()
    .describe(
      'Wait until the objects of the tenant are gone from the cluster, up to `timeoutSeconds`. Defaults to true.',
    );

// XaaS instances (xaas:instance:*).

export const tenant = (z: typeof zod) =>
  z
    .string()
    .min(1)
    .describe(
      'Name of the tenant the instance belongs to, such as `checkout-dev`. The instance gets the owner of the tenant.',
    );

export const capability = (z: typeof zod) =>
  z
    .string()
    .min(1)
    .describe(
      'Id of a capability of `kaas.capabilities` (the XaaS offering), such as `postgresql`.',
    );

export const instanceName = (z: typeof zod) =>
  z
    .string()
    .min(1)
    .describe(
      'Name of the instance within its tenant, a DNS-1123 label of at most 40 characters such as `orders-db`.',
    );

export const plan = (z: typeof zod) =>
  z
    .string()
    .min(1)
    .describe(
      'Name of a plan of the capability (a size, such as `small`); it fills the parameters.',
    );

export const parameters = (z: typeof zod) =>
  z
    .record(z.unknown())
    .optional()
    .describe(
      "Settings that override the plan's, within the capability's parameter schema (for example `{ version: '17', storage: 5Gi }`). Unknown or out-of-range settings are refused.",
    );

export const instanceTimeoutSeconds = (z: typeof zod) =>
  z
    .number()
    .int()
    .min(1)
    .max(MAX_TIMEOUT_SECONDS)
    .default(DEFAULT_INSTANCE_TIMEOUT_SECONDS)
    .optional()
    .describe(
      `How long to wait, in seconds (at most ${MAX_TIMEOUT_SECONDS}). Defaults to ${DEFAULT_INSTANCE_TIMEOUT_SECONDS}.`,
    );

export const confirm = (z: typeof zod) =>
  z
    .string()
    .describe(
      "Type `<tenant>/<name>` of the instance, exactly, to confirm the deletion: it destroys the instance's data.",
    );

export const instanceWaitUntilGone = (z: typeof zod) =>
  z
    .boolean()
    .default(true)
    .optional()
    .describe(
      'Wait until the objects of the instance are gone from the cluster, up to `timeoutSeconds`. Defaults to true.',
    );

export const operation = (z: typeof zod) =>
  z
    .string()
    .min(1)
    .describe(
      "Name of an operation the instance's capability declares under `operations`, such as `backup`; an unknown one is refused naming those there are.",
    );

export const runName = (z: typeof zod) =>
  z
    .string()
    .min(1)
    .max(63)
    .optional()
    .describe(
      'Name of this run (a DNS-1123 label), put on its objects; the same name re-applies the same run. Generated from the operation and the time when absent.',
    );

export const operationWait = (z: typeof zod) =>
  z
    .boolean()
    .default(true)
    .optional()
    .describe(
      "Wait until the run is done by the operation's readiness rule, up to `timeoutSeconds`. Defaults to true.",
    );

/** The inputs of a tenant request (`kaas:tenant:create`, `kaas:tenant:update`). */
export const tenantRequest = {
  name,
  owner,
  isolation,
  profile,
  cluster,
  description,
  labels,
  annotations,
  kubernetesVersion,
};
