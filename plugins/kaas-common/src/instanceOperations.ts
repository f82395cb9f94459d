/**
 * Day-2 operations a capability declares in `kaas.capabilities.<id>.operations`
 * (docs/xaas-contracts.md): object templates with their own parameters, readiness and who
 * may run them, and what the Instance tab shows of them.
 */
import type {
  CapabilityJsonValue,
  CapabilityObjectTemplate,
  ReadinessRule,
} from './capabilityConfig';

/**
 * Who may run an operation: `owners` (members of the instance's owner group, and
 * platform admins) or `admins` (platform admins only). @public
 */
export type OperationRunBy = 'owners' | 'admins';

/** One named day-2 operation of a capability. @public */
export interface CapabilityOperation {
  title: string;
  description?: string;
  /** JSON Schema (draft 2020-12, `type: object`) of the operation's own parameters; unknown keys are refused. */
  parameters: Record<string, CapabilityJsonValue>;
  /**
   * The objects one run creates, in apply order. Strings may use the placeholders of the
   * capability's objects (`${{ parameters.* }}` are the operation's), `${{ run.name }}`
   * and `${{ run.operation }}`.
   */
  objects: CapabilityObjectTemplate[];
  /** When a run is done, read from `objects[object ?? 0]`; without it, created is done. */
  readiness?: ReadinessRule;
  /** Default `owners`. */
  runBy: OperationRunBy;
}

/** An operation as the Instance tab lists it. @public */
export interface InstanceOperationInfo {
  name: string;
  title: string;
  description?: string;
  parameters: Record<string, CapabilityJsonValue>;
  runBy: OperationRunBy;
  /** Whether the caller may run it on this instance. */
  mayRun: boolean;
}

/** One object an operation of the instance created, as it is now. @public */
export interface OperationHistoryEntry {
  operation: string;
  run: string;
  apiVersion: string;
  kind: string;
  name: string;
  /** `status.phase` when the object has one, else `Done` or `Pending` by the readiness rule. */
  phase: string;
  ready: boolean;
  createdAt?: string;
}

/** GET /tenants/:tenant/instances/:instance/operations. @public */
export interface InstanceOperationsInfo {
  operations: InstanceOperationInfo[];
  /** Newest first. */
  history: OperationHistoryEntry[];
}
