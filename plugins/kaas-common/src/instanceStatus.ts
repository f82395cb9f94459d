/**
 * The instance bodies of the REST API (docs/tenant-pages-contracts.md): what the inventory
 * and the instance service serve and the instance pages show.
 */
import type { ObjectCondition } from './tenantStatus';

/** An instance, as the marks of its main object describe it. @public */
export interface InstanceSummary {
  tenant: string;
  name: string;
  capability: string;
  plan: string;
  owner: string;
  cluster: string;
  namespace: string;
  /** The parameters the request set (without the plan's). */
  parameters: Record<string, unknown>;
  /** ISO timestamp of the main object's creation. */
  createdAt: string;
}

/** `GET /tenants/:tenant/instances/:instance`: what the instance page shows, from the backend's informer cache. @public */
export interface InstanceStatus extends InstanceSummary {
  /** `resource:default/<tenant>.<name>` */
  entityRef: string;
  /** The capability's title. */
  title: string;
  ready: boolean;
  /** What the capability's readiness rule saw. */
  message: string;
  /** `status.phase` when the object has one. */
  phase?: string;
  conditions: ObjectCondition[];
  /** Where the connection details are; never their values. */
  connection: {
    secretName: string;
    host?: string;
    port?: number;
    showKeys: string[];
  };
}

/**
 * `GET .../instances/:instance/connection`: where to reach an instance. Secret values
 * other than `showKeys` never appear here.
 *
 * @public
 */
export interface ConnectionDetails {
  host?: string;
  port?: number;
  /** Empty when the capability declares no Secret. */
  secretName: string;
  /** Values of the Secret's keys the capability declares safe to show. */
  shownValues: Record<string, string>;
  /** Names (only) of the Secret's other keys. */
  hiddenKeys: string[];
}
