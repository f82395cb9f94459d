import type { TenantIsolation } from '@kaas-platform/plugin-kaas-common';

/** `kaas.tenants`: how tenants are named and marked. @public */
export interface TenantSettings {
  /** Put in front of a tenant name to form its home namespace. Default `t-`. */
  namespacePrefix: string;
  /** Tenant names refused in addition to the built-in ones. */
  reservedNames: string[];
  /** Prefix of the platform's label and annotation keys. Default `kaas.internal`. */
  markPrefix: string;
  /** Field manager of every server-side apply. Default `backstage-kaas`. */
  fieldManager: string;
  /**
   * The platform's own namespace on each cluster (kubeconfig ServiceAccounts, issuance
   * records, dry-run validation). Default `kaas-platform`; never a tenant's.
   */
  platformNamespace: string;
  /**
   * Prefixes of the label keys a tenant request may set on its namespace, e.g.
   * `example.com/`. Default `['example.com/']`.
   */
  allowedLabelPrefixes: string[];
  /** Prefixes of the annotation keys a tenant request may set. Default `['example.com/']`. */
  allowedAnnotationPrefixes: string[];
  /**
   * Put in front of an owner's group name to name the group as the clusters see it
   * (`kaas.oidc.groupsPrefix`, the API servers' OIDC groups prefix, e.g. `oidc:`), so
   * tenant RoleBindings bind the owner's OIDC group. Absent: no prefix.
   */
  ownerGroupPrefix?: string;
}

/** Kubernetes resource quantities by resource name, e.g. `{ 'requests.cpu': '2' }`. @public */
export type ResourceQuantities = Record<string, string>;

/** Pod Security Standard levels (the `pod-security.kubernetes.io/*` label values). @public */
export const POD_SECURITY_LEVELS = [
  'restricted',
  'baseline',
  'privileged',
] as const;

/** @public */
export type PodSecurityLevel = (typeof POD_SECURITY_LEVELS)[number];

/** The vCluster settings of a profile (isolation `vcluster`). @public */
export interface VClusterProfile {
  /** Kubernetes version of the virtual control plane, e.g. `1.33.4`. */
  kubernetesVersion?: string;
  /** Helm values of the vCluster chart: YAML text, or an object. */
  values?: string | Record<string, unknown>;
  /** Chart to deploy; the provider's default when absent. */
  chart?: { name?: string; repo?: string; version?: string };
}

/** Cluster API topology of a profile (isolation `cluster`). @public */
export interface ClusterClassProfile {
  /** Name of the ClusterClass. */
  name: string;
  /** Namespace of the ClusterClass; the Cluster's own namespace when absent. */
  namespace?: string;
  /** Kubernetes version of the workload cluster, e.g. `v1.33.4`. */
  version: string;
  workers?: {
    machineDeployments?: Array<Record<string, unknown>>;
    machinePools?: Array<Record<string, unknown>>;
  };
  variables?: Array<{ name: string; value: unknown }>;
}

/**
 * A Crossplane claim (or namespaced XR) of a platform-defined XRD that provisions a
 * cluster (isolation `cluster`, instead of a ClusterClass).
 *
 * @public
 */
export interface CrossplaneProfile {
  apiVersion: string;
  kind: string;
  /** Put into `spec.parameters`; string values may use `${{ tenant.* }}` placeholders. */
  parameters: Record<string, unknown>;
  /** Secret the composition writes the kubeconfig into. Default `<tenant>-kubeconfig`. */
  connectionSecretName?: string;
}

/** One entry of `kaas.tenantProfiles`: a named bundle of quotas and policy. @public */
export interface TenantProfile {
  name: string;
  title: string;
  description?: string;
  quota: { hard: ResourceQuantities };
  /** Container defaults and limits of the LimitRange. */
  limitRange: {
    default: ResourceQuantities;
    defaultRequest: ResourceQuantities;
    max?: ResourceQuantities;
  };
  podSecurity: PodSecurityLevel;
  /** `isolated` applies the NetworkPolicies of `kaas.baseline`; `none` leaves them out. */
  networkPolicy: 'isolated' | 'none';
  vcluster?: VClusterProfile;
  clusterClass?: ClusterClassProfile;
  crossplane?: CrossplaneProfile;
  /**
   * Objects delivered into the tenant's own cluster (`vcluster` and Cluster API `cluster`
   * tenants) through a Cluster API ClusterResourceSet, in apply order.
   */
  inCluster?: InClusterTemplate[];
}

/**
 * One entry of a profile's `inCluster`: a Kubernetes object for the inside of the
 * tenant's own cluster, whose string values may hold `${{ tenant.* }}` placeholders.
 *
 * @public
 */
export interface InClusterTemplate {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    /** The namespace inside the tenant's cluster; absent for cluster-scoped kinds. */
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  [field: string]: unknown;
}

/**
 * One entry of `kaas.baseline` as configured: a Kubernetes object whose string values may
 * hold `${{ tenant.* }}` placeholders.
 *
 * @public
 */
export interface BaselineTemplate {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  /**
   * Only tenants of these isolations get the object (all when absent). Not part of the
   * object: it is left out when rendering.
   */
  isolations?: TenantIsolation[];
  [field: string]: unknown;
}

/** Everything configuration says about tenants, validated. @public */
export interface TenantPolicy {
  settings: TenantSettings;
  profiles: Record<string, TenantProfile>;
  baseline: BaselineTemplate[];
  /** Full refs of the groups whose members may act for any owner. */
  platformAdmins: string[];
}
