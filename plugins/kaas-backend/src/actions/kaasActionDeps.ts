import type {
  AuditorService,
  BackstageCredentials,
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import type { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import { NotAllowedError } from '@backstage/errors';
import {
  AuthorizeResult,
  type AuthorizePermissionRequest,
} from '@backstage/plugin-permission-common';
import type {
  ClusterRegistry,
  InstanceService,
  KaasInventory,
  OwnerAuthorizer,
  TenantService,
} from '@kaas-platform/plugin-kaas-node';
import type { OwnerVisibility } from '../visibility/ownerVisibility';

/** What the kaas actions need: the registry they go into and the services they call. */
export interface KaasActionDeps {
  actionsRegistry: ActionsRegistryService;
  permissions: PermissionsService;
  userInfo: UserInfoService;
  auditor: AuditorService;
  registry: ClusterRegistry;
  tenants: TenantService;
  instances: InstanceService;
  inventory: KaasInventory;
  owners: OwnerAuthorizer;
  visibility: OwnerVisibility;
  /** What stops each capability's new instances, by capability id (`cachedOperatorProblems`). */
  operatorProblems(): Promise<Map<string, string[]>>;
  /** `app.baseUrl`, for links to the tenant page; no link without it. */
  appBaseUrl?: string;
}

/** Asks the permission framework with the caller's credentials; NotAllowedError with `refusal` when denied. */
export async function authorizeAction(
  permissions: PermissionsService,
  credentials: BackstageCredentials,
  request: AuthorizePermissionRequest,
  refusal: string,
): Promise<void> {
  const [decision] = await permissions.authorize([request], { credentials });
  if (decision.result !== AuthorizeResult.ALLOW) {
    throw new NotAllowedError(refusal);
  }
}
