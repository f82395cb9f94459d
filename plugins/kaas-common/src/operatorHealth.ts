/**
 * `GET /operator-health` (platform admins): how each capability's operator and CRDs look
 * on each cluster instances can go to.
 */

/** One kind a capability creates, and the versions its CRD serves. @public */
export interface CapabilityKindHealth {
  /** As the capability uses it, e.g. `postgresql.cnpg.io/v1`. */
  apiVersion: string;
  kind: string;
  /** The CRD's name, e.g. `clusters.postgresql.cnpg.io`; absent when none is installed. */
  crd?: string;
  /** The versions the CRD serves now. */
  servedVersions: string[];
  /** Whether the version the capability uses is among them. */
  served: boolean;
}

/** The operator's Deployment as found on the cluster. @public */
export interface OperatorDeploymentHealth {
  /** Whether a Deployment matching the capability's `operator.deployment` exists. */
  present: boolean;
  namespace?: string;
  name?: string;
  replicas?: number;
  readyReplicas?: number;
  /** The image tag of its first container, e.g. `1.27.0`. */
  version?: string;
}

/** One capability on one cluster. @public */
export interface OperatorHealth {
  capability: string;
  title: string;
  /** The capability team. */
  owner?: string;
  /** The operator's name (`operator.name`); absent when the capability declares none. */
  operator?: string;
  cluster: string;
  /** Absent when the capability declares no operator Deployment. */
  deployment?: OperatorDeploymentHealth;
  kinds: CapabilityKindHealth[];
  /** Each thing that will stop instances, in words; empty when none is seen. */
  problems: string[];
}
