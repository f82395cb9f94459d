/**
 * The input and output of each action, written out by hand: the types tsc infers from the
 * zod schemas order their members by the whole program, so the API report would change
 * with unrelated edits. Each must describe what its action's schema accepts and produces.
 *
 * Object type aliases rather than interfaces: `TemplateAction` requires a `JsonObject`,
 * which only an object type alias satisfies (an interface has no index signature).
 */
import type {
  CapabilityJsonValue,
  TenantIsolation,
} from '@kaas-platform/plugin-kaas-common';

/** Input of `kaas:tenant:create`. @public */
export type KaasTenantCreateInput = {
  name: string;
  owner: string;
  isolation: TenantIsolation;
  profile: string;
  cluster?: string;
  description?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  kubernetesVersion?: string;
};

/** Output of `kaas:tenant:create`. @public */
export type KaasTenantCreateOutput = {
  tenant: string;
  namespace: string;
  cluster: string;
  isolation: TenantIsolation;
  entityRef: string;
  statusUrl: string;
  /** Dry run only. */
  manifests?: Record<string, any>[];
};

/** Input of `kaas:tenant:delete`. @public */
export type KaasTenantDeleteInput = {
  name: string;
  deleteInstances?: boolean;
  waitUntilGone?: boolean;
  timeoutSeconds?: number;
};

/** Output of `kaas:tenant:delete`. @public */
export type KaasTenantDeleteOutput = {
  deleted: boolean;
  tenant: string;
};

/** Input of `kaas:tenant:wait`. @public */
export type KaasTenantWaitInput = {
  name: string;
  timeoutSeconds?: number;
};

/** One readiness check of a tenant, as `kaas:tenant:wait` outputs it. @public */
export type KaasTenantWaitCondition = {
  type: string;
  status: string;
  message: string;
};

/** Output of `kaas:tenant:wait`. @public */
export type KaasTenantWaitOutput = {
  ready: boolean;
  conditions: KaasTenantWaitCondition[];
};

/** Input of `xaas:instance:create`. @public */
export type XaasInstanceCreateInput = {
  tenant: string;
  capability: string;
  name: string;
  plan: string;
  /**
   * Overrides of the plan's parameters. The schema takes any record; input reaches the
   * action as JSON, and `TemplateAction` requires a JSON type here.
   */
  parameters?: Record<string, CapabilityJsonValue>;
};

/** Where to find an instance's connection details: names only, never secret values. @public */
export type XaasInstanceConnection = {
  secretName: string;
  namespace: string;
  host?: string;
  port?: number;
  keys: string[];
};

/** Output of `xaas:instance:create`. @public */
export type XaasInstanceCreateOutput = {
  instance: string;
  namespace: string;
  cluster: string;
  entityRef: string;
  connection?: XaasInstanceConnection;
  /** Dry run only. */
  manifests?: Record<string, any>[];
};

/** Input of `xaas:instance:delete`. @public */
export type XaasInstanceDeleteInput = {
  tenant: string;
  name: string;
  confirm: string;
  waitUntilGone?: boolean;
  timeoutSeconds?: number;
};

/** Output of `xaas:instance:delete`. @public */
export type XaasInstanceDeleteOutput = {
  deleted: boolean;
  instance: string;
};

/** Input of `xaas:instance:wait`. @public */
export type XaasInstanceWaitInput = {
  tenant: string;
  name: string;
  timeoutSeconds?: number;
};

/** Output of `xaas:instance:wait`. @public */
export type XaasInstanceWaitOutput = {
  ready: boolean;
};

/** Input of `xaas:instance:update`: what to change; what is left out stays. @public */
export type XaasInstanceUpdateInput = {
  tenant: string;
  capability: string;
  name: string;
  plan?: string;
  /** Parameters to change; `null` puts one back to the plan's value. */
  parameters?: Record<string, CapabilityJsonValue>;
};

/** Output of `xaas:instance:update`. @public */
export type XaasInstanceUpdateOutput = {
  instance: string;
  namespace: string;
  cluster: string;
  entityRef: string;
  plan: string;
  changes: KaasTenantChange[];
};

/** Input of `xaas:instance:operate`: one run of an operation of the instance's capability. @public */
export type XaasInstanceOperateInput = {
  tenant: string;
  name: string;
  operation: string;
  parameters?: Record<string, CapabilityJsonValue>;
  runName?: string;
  wait?: boolean;
  timeoutSeconds?: number;
};

/** Output of `xaas:instance:operate`. @public */
export type XaasInstanceOperateOutput = {
  instance: string;
  entityRef: string;
  namespace: string;
  cluster: string;
  operation: string;
  run: string;
  objects: Array<{
    kind: string;
    name: string;
    action: 'created' | 'updated' | 'unchanged' | 'dry-run';
  }>;
  ready?: boolean;
};

/** Input of `kaas:tenant:update`: the tenant as it should be (owner and isolation as they are). @public */
export type KaasTenantUpdateInput = KaasTenantCreateInput;

/** Input of `kaas:tenant:repair`. @public */
export type KaasTenantRepairInput = {
  name: string;
};

/** One field `kaas:tenant:update` changes (or would, in a dry run). @public */
export type KaasTenantChange = {
  object: string;
  path: string;
  from?: string;
  to: string;
};

/** Output of `kaas:tenant:update`. @public */
export type KaasTenantUpdateOutput = {
  tenant: string;
  namespace: string;
  cluster: string;
  changes: KaasTenantChange[];
  statusUrl: string;
};

/** Input of `kaas:tenant:transfer`. @public */
export type KaasTenantTransferInput = {
  name: string;
  newOwner: string;
};

/** Output of `kaas:tenant:transfer`. @public */
export type KaasTenantTransferOutput = {
  tenant: string;
  namespace: string;
  cluster: string;
  from: string;
  to: string;
  moved: string[];
  accessRemoved: string[];
  revokedKubeconfigs: number;
  statusUrl: string;
};

/** Input of `kaas:tenant:reconcile`: which tenants, and how many at a time. @public */
export type KaasTenantReconcileInput = {
  owner?: string;
  profile?: string;
  isolation?: string;
  names?: string[];
  batchSize?: number;
  stopOnFirstFailure?: boolean;
};

/** Output of `kaas:tenant:reconcile`. @public */
export type KaasTenantReconcileOutput = {
  selected: number;
  behind: Array<{ tenant: string; changes: KaasTenantChange[] }>;
  reconciled: string[];
  failed: Array<{ tenant: string; message: string }>;
  skipped: string[];
};
