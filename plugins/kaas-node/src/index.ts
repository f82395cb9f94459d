/**
 * Backend library of the kaas plugins. Cluster access lives here; actions, routes and
 * the entity provider call it.
 *
 * @packageDocumentation
 */
export { ClusterRegistry } from './clusters/ClusterRegistry';
export { KaasCluster } from './clusters/KaasCluster';
export type {
  ClusterObjectApi,
  ObjectHeader,
} from './clusters/ClusterObjectApi';
export type { StreamingGetOptions } from './clusters/streamingGet';
export { clusterRegistryServiceRef } from './clusters/clusterRegistryServiceRef';

export type {
  ClusterAuthConfig,
  ClusterConfig,
} from './clusters/clusterConfig';

export {
  POD_SECURITY_LEVELS,
  type BaselineTemplate,
  type ClusterClassProfile,
  type CrossplaneProfile,
  type InClusterTemplate,
  type PodSecurityLevel,
  type ResourceQuantities,
  type TenantPolicy,
  type TenantProfile,
  type TenantSettings,
  type VClusterProfile,
} from './tenants/tenantPolicy';
export {
  listMarkedNamespaces,
  type MarkedNamespace,
} from './platform/markedNamespaces';
export {
  readPlatformAdmins,
  readTenantPolicy,
} from './tenants/readTenantPolicy';
export { TenantConfigError } from './tenants/tenantConfigError';
export { profileIsolations } from './tenants/profileIsolations';
export { readCapabilities } from './instances/readCapabilities';
export { readTenantSettings } from './tenants/readTenantSettings';
export type { KubernetesManifest } from './tenants/kubernetesManifest';
export type { TenantPlan } from './tenants/renderTenant';
export type {
  ReadinessCondition,
  TenantReadiness,
} from './tenants/tenantReadiness';
export type { InstanceKind } from './tenants/tenantInstances';
export {
  TenantService,
  type TenantApplyResult,
  type TenantDeleteOptions,
  type TenantDeleteResult,
  type TenantSummary,
  type TenantTransferOptions,
  type TenantTransferResult,
  type TenantUpdateResult,
  type TenantWaitOptions,
} from './tenants/TenantService';
export { tenantServiceRef } from './tenants/tenantServiceRef';

export type { AppliedObject } from './apply/applyManifests';
export type { PollOptions } from './apply/pollUntilReady';

export { OwnerAuthorizer } from './owners/OwnerAuthorizer';
export {
  createKaasTenantConditionalDecision,
  kaasTenantConditions,
  kaasTenantPermissionResourceRef,
  kaasTenantPermissionRules,
  type KaasTenantResource,
} from './owners/tenantPermissionResource';
export { ownerAuthorizerServiceRef } from './owners/ownerAuthorizerServiceRef';

export type { InstancePlan } from './instances/renderInstance';
export {
  InstanceService,
  type ConnectionDetails,
  type InstanceApplyResult,
  type InstanceDeleteOptions,
  type InstanceDeleteResult,
  type InstanceOperationOptions,
  type InstanceOperationRequest,
  type InstanceOperationResult,
  type InstanceReadiness,
  type InstanceSummary,
  type InstanceWaitOptions,
} from './instances/InstanceService';
export type {
  InstanceUpdateRequest,
  InstanceUpdateResult,
} from './instances/updateInstance';
export { instanceServiceRef } from './instances/instanceServiceRef';
export { readOperatorHealth } from './instances/operatorHealth';

export {
  KubeconfigIssuer,
  type KubeconfigIssueRequest,
} from './kubeconfig/KubeconfigIssuer';
export { kubeconfigServiceAccountName } from './kubeconfig/kubeconfigServiceAccount';
export type {
  KubeconfigSettings,
  OidcSettings,
} from './kubeconfig/readKubeconfigSettings';
export { kubeconfigIssuerServiceRef } from './kubeconfig/kubeconfigIssuerServiceRef';

export {
  DefaultKaasInventory,
  type KaasInventory,
  type KaasInventoryEvent,
} from './inventory/KaasInventory';
export { kaasInventoryServiceRef } from './inventory/kaasInventoryServiceRef';
export type { InventoryRequestCounts } from './inventory/requestCounter';

export {
  createTenantAs,
  deleteTenantAs,
  repairTenantAs,
  rollOutPolicyAs,
  updateTenantAs,
  type TenantOperationServices,
} from './operations/tenantOperations';
export { transferTenantAs } from './operations/transferTenantAs';
export {
  createInstanceAs,
  deleteInstanceAs,
  updateInstanceAs,
  type InstanceOperationServices,
} from './operations/instanceOperations';
export {
  instanceOperationsFor,
  operateInstanceAs,
  type InstanceOperateServices,
} from './operations/operateInstanceAs';
export type { ObjectChange } from './tenants/describeChanges';
export type {
  RolloutOptions,
  RolloutResult,
  RolloutSelector,
} from './tenants/policyRollout';
