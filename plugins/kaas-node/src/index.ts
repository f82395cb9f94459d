/**
 * Backend library of the kaas plugins. Cluster access lives here; actions, routes and
 * the entity provider call it.
 *
 * @packageDocumentation
 */
export * from './clusters/clusterConfig';
export {
  ClusterConfigError,
  readClusterConfigs,
} from './clusters/readClusterConfigs';
export { ClusterRegistry } from './clusters/ClusterRegistry';
export { KaasCluster } from './clusters/KaasCluster';
export { clusterRegistryServiceRef } from './clusters/clusterRegistryServiceRef';

export * from './tenants/tenantPolicy';
export {
  ensurePlatformNamespace,
  platformNamespaceLabels,
  PLATFORM_NAMESPACE_ROLE,
} from './platform/platformNamespace';
export {
  listMarkedNamespaces,
  type MarkedNamespace,
} from './platform/markedNamespaces';
export {
  TenantConfigError,
  readBaseline,
  readPlatformAdmins,
  readTenantPolicy,
  readTenantProfiles,
  readTenantSettings,
} from './tenants/readTenantPolicy';
export type { TenantTemplateValues } from './tenants/tenantPlaceholders';
export {
  describeObject,
  type KubernetesManifest,
} from './tenants/kubernetesManifest';
export {
  TENANT_LIMIT_RANGE_NAME,
  TENANT_QUOTA_NAME,
  renderTenant,
  type TenantPlan,
} from './tenants/renderTenant';
export {
  readTenantReadiness,
  type ReadinessCondition,
  type TenantReadiness,
} from './tenants/tenantReadiness';
export {
  capabilityInstanceKinds,
  findTenantInstances,
  type InstanceKind,
} from './tenants/tenantInstances';
export {
  TenantService,
  type TenantApplyResult,
  type TenantDeleteOptions,
  type TenantDeleteResult,
  type TenantSummary,
  type TenantWaitOptions,
} from './tenants/TenantService';
export { tenantServiceRef } from './tenants/tenantServiceRef';

export {
  applyManifests,
  type AppliedObject,
  type ApplyOptions,
  type ApplyResult,
} from './apply/applyManifests';
export {
  foreignOwnership,
  guardOwnership,
  type OwnershipMarks,
} from './apply/ownershipGuard';

export { OwnerAuthorizer } from './owners/OwnerAuthorizer';
export {
  createKaasTenantConditionalDecision,
  isTenantOwner,
  kaasTenantConditions,
  kaasTenantPermissionResourceRef,
  kaasTenantPermissionRules,
  type KaasTenantResource,
} from './owners/tenantPermissionResource';
export { ownerAuthorizerServiceRef } from './owners/ownerAuthorizerServiceRef';

export {
  CapabilityConfigError,
  readCapabilities,
} from './instances/readCapabilities';
export {
  instancePlacement,
  type InstancePlacement,
  type InstancePlan,
} from './instances/renderInstance';
export {
  InstanceService,
  type ConnectionDetails,
  type InstanceApplyResult,
  type InstanceDeleteOptions,
  type InstanceDeleteResult,
  type InstanceReadiness,
  type InstanceSummary,
  type InstanceWaitOptions,
} from './instances/InstanceService';
export { instanceServiceRef } from './instances/instanceServiceRef';

export {
  KubeconfigIssuer,
  type KubeconfigIssueRequest,
} from './kubeconfig/KubeconfigIssuer';
export {
  KUBECONFIG_ROLE_BINDING,
  kubeconfigServiceAccountName,
} from './kubeconfig/kubeconfigServiceAccount';
export {
  KubeconfigConfigError,
  readKubeconfigSettings,
  type KubeconfigSettings,
  type OidcSettings,
} from './kubeconfig/readKubeconfigSettings';
export { kubeconfigIssuerServiceRef } from './kubeconfig/kubeconfigIssuerServiceRef';

export {
  DefaultKaasInventory,
  type DefaultKaasInventoryOptions,
  type KaasInventory,
  type KaasInventoryEvent,
} from './inventory/KaasInventory';
export { kaasInventoryServiceRef } from './inventory/kaasInventoryServiceRef';
export type { InventoryRequestCounts } from './inventory/requestCounter';
