import {
  createConditionExports,
  createPermissionResourceRef,
  makeCreatePermissionRule,
} from '@backstage/plugin-permission-node';
import {
  KAAS_TENANT_RESOURCE_TYPE,
  isOwnerMember,
} from '@kaas-platform/plugin-kaas-common';
import { z } from 'zod';

/**
 * A tenant as the permission framework sees it: its name and the owner group recorded on
 * its home namespace on the cluster.
 *
 * @public
 */
export interface KaasTenantResource {
  name: string;
  owner: string;
}

/** The `kaas-tenant` resource type, served by the kaas backend plugin. @public */
export const kaasTenantPermissionResourceRef = createPermissionResourceRef<
  KaasTenantResource,
  never
>().with({ pluginId: 'kaas', resourceType: KAAS_TENANT_RESOURCE_TYPE });

const createKaasTenantPermissionRule = makeCreatePermissionRule<
  KaasTenantResource,
  never,
  typeof KAAS_TENANT_RESOURCE_TYPE
>();

/**
 * Allows when one of `claims` (the caller's ownership refs) is the owner group recorded
 * on the cluster; see `mayActForOwner` in kaas-common.
 *
 * @public
 */
export const isTenantOwner = createKaasTenantPermissionRule({
  name: 'IS_TENANT_OWNER',
  description:
    'Allow members of the group recorded as the tenant owner on its cluster',
  resourceType: KAAS_TENANT_RESOURCE_TYPE,
  paramsSchema: z.object({
    claims: z
      .array(z.string())
      .describe('Ownership entity refs of the caller (user and groups)'),
  }),
  apply: (tenant, { claims }) => isOwnerMember(claims, tenant.owner),
  toQuery: () => {
    throw new Error('kaas-tenant permissions cannot be turned into queries');
  },
});

/** The rules of the `kaas-tenant` resource type. @public */
export const kaasTenantPermissionRules = { isTenantOwner };

const conditionExports = createConditionExports({
  resourceRef: kaasTenantPermissionResourceRef,
  rules: kaasTenantPermissionRules,
});

/** Conditions a permission policy can return for `kaas-tenant` permissions. @public */
export const kaasTenantConditions = conditionExports.conditions;

/** A conditional decision on a `kaas-tenant` permission. @public */
export const createKaasTenantConditionalDecision =
  conditionExports.createConditionalDecision;
