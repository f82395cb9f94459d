import type { CapabilityOperation } from './instanceOperations';

/**
 * The shape of one XaaS capability of `kaas.capabilities` (see docs/xaas-contracts.md).
 * kaas-node reads and validates it at startup; everything here is plain data.
 */

/** A JSON value as configuration holds it. @public */
export type CapabilityJsonValue =
  | string
  | number
  | boolean
  | null
  | CapabilityJsonValue[]
  | { [key: string]: CapabilityJsonValue };

/** A named size of a capability: values for its parameters. @public */
export interface CapabilityPlan {
  title: string;
  description?: string;
  /** Must satisfy the capability's parameter schema; a request may override within it. */
  parameters: Record<string, CapabilityJsonValue>;
}

/**
 * How to tell that an instance is ready, read from `objects[object ?? 0]`: either one
 * of its status conditions, or a field of it that must equal a value.
 *
 * @public
 */
export interface ReadinessRule {
  /** Index into the capability's objects (default 0); the object must not have `when`. */
  object?: number;
  /** A `status.conditions[]` entry that must have this status, e.g. `{ type: Ready, status: 'True' }`. */
  condition?: { type: string; status: string };
  /** A dotted path (e.g. `status.phase`) whose value must equal `equals`. */
  field?: { path: string; equals: string | number | boolean };
}

/**
 * Where an instance's connection details are. String values may use placeholders.
 * The host is `host`, or `<service>.<namespace>.svc`, or the service named by the status
 * field `fromStatus` of the readiness object.
 *
 * @public
 */
export interface ConnectionRule {
  /** The Secret (in the instance's namespace) holding credentials and the like. */
  secretName?: string;
  /** Keys of the Secret safe to show; every other key never leaves the cluster. */
  showKeys?: string[];
  host?: string;
  service?: string;
  /** Dotted path of a status field that names the service, e.g. `status.gatewayServiceName`. */
  fromStatus?: string;
  port?: number;
}

/**
 * One template object of a capability: a Kubernetes object whose string values may use
 * `${{ instance.* }}`, `${{ tenant.* }}` and `${{ parameters.* }}`. With
 * `when: parameters.<name>`, the object is created only when that parameter is set (and
 * not false or empty).
 *
 * @public
 */
export interface CapabilityObjectTemplate {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  when?: string;
  [field: string]: unknown;
}

/**
 * How to see a capability's operator on a cluster: its name as people know it, optionally
 * its Deployment (by namespace and name, or by a label selector), and how soon it acts on
 * a new main object (a finalizer, `status.observedGeneration` or any `status`).
 *
 * @public
 */
export interface CapabilityOperator {
  /** e.g. `CloudNativePG`. */
  name: string;
  deployment?: { namespace?: string; name?: string; selector?: string };
  /** Seconds after which a main object nothing acted on means no operator runs. Default 60. */
  actsWithinSeconds: number;
}

/** An XaaS offering, as configured under `kaas.capabilities.<id>`. @public */
export interface Capability {
  /** The key under `kaas.capabilities`, e.g. `postgresql`. */
  id: string;
  title: string;
  description?: string;
  /** Catalog ref of the capability team, e.g. `group:default/platform-team`. */
  owner?: string;
  /** How to see its operator on a cluster; without it, nothing judges the operator. */
  operator?: CapabilityOperator;
  /** JSON Schema (draft 2020-12) of what a developer may set. */
  parameters: Record<string, CapabilityJsonValue>;
  plans: Record<string, CapabilityPlan>;
  objects: CapabilityObjectTemplate[];
  readiness: ReadinessRule;
  connection?: ConnectionRule;
  /** Day-2 operations by name (see {@link CapabilityOperation}). */
  operations?: Record<string, CapabilityOperation>;
}
