import type {
  AuditorService,
  AuditorServiceCreateEventOptions,
  HttpAuthService,
} from '@backstage/backend-plugin-api';
import { InputError, NotFoundError } from '@backstage/errors';
import {
  describeTenantRequestIssues,
  kaasTenantKubeconfigCreatePermission,
  kubeconfigRequestSchema,
} from '@kaas-platform/plugin-kaas-common';
import type {
  KubeconfigIssuer,
  TenantService,
  TenantSummary,
} from '@kaas-platform/plugin-kaas-node';
import express, { type Request } from 'express';
import Router from 'express-promise-router';
import { auditedEvent, type AuditMeta } from './auditedEvent';
import {
  authorizeOwnerOnly,
  callerOf,
  type OwnerOnlyPermissions,
} from './ownerOnly';
import { nameParam } from './pathParams';

/**
 * Kubeconfig download, list and revocation of one tenant; `kaas.tenant.kubeconfig.create`
 * on the tenant as its cluster records it (owner group members and platform admins). Issuing and
 * revoking are audited; neither the audit log nor any log line ever holds a token.
 *
 * POST /tenants/:tenant/kubeconfig `{ mode, ttlSeconds? }`, GET and DELETE
 * /tenants/:tenant/kubeconfigs.
 */
export function kubeconfigRoutes(options: {
  issuer: KubeconfigIssuer;
  tenants: TenantService;
  httpAuth: HttpAuthService;
  permissions: OwnerOnlyPermissions;
  auditor: AuditorService;
}) {
  const { issuer, tenants, httpAuth, permissions, auditor } = options;
  const router = Router();

  /** The tenant, once the caller may act on its kubeconfigs (`action` says what for the refusal). */
  async function authorizedTenant(
    req: Request,
    caller: Awaited<ReturnType<typeof callerOf>>,
    action: (tenant: string) => string,
  ): Promise<TenantSummary> {
    const name = nameParam(req, 'tenant');
    const tenant = await tenants.get(name);
    if (!tenant) throw new NotFoundError(`Tenant '${name}' does not exist`);
    await authorizeOwnerOnly(
      caller.credentials,
      {
        permission: kaasTenantKubeconfigCreatePermission,
        tenant,
        platformAdmins: tenants.policy.platformAdmins,
        action: action(name),
      },
      permissions,
    );
    return tenant;
  }

  /**
   * Runs `work` on the tenant of `req`, once the caller may act on its kubeconfigs, as
   * the audit event `event` (refused and failed calls are audited too).
   */
  async function auditedOnTenant<T>(
    req: Request,
    event: Pick<AuditorServiceCreateEventOptions, 'eventId' | 'severityLevel'>,
    action: (tenant: string) => string,
    work: (
      tenant: TenantSummary,
      caller: Awaited<ReturnType<typeof callerOf>>,
    ) => Promise<{ result: T; meta: AuditMeta }>,
  ): Promise<T> {
    const caller = await callerOf(req, httpAuth);
    return auditedEvent(
      auditor,
      { ...event, request: req, meta: { tenant: req.params.tenant } },
      async () => work(await authorizedTenant(req, caller, action), caller),
    );
  }

  router.post(
    '/tenants/:tenant/kubeconfig',
    express.json(),
    async (req, res) => {
      const issued = await auditedOnTenant(
        req,
        { eventId: 'kubeconfig-issue', severityLevel: 'high' },
        name => `download a kubeconfig for tenant '${name}'`,
        async (tenant, caller) => {
          const parsed = kubeconfigRequestSchema.safeParse(req.body ?? {});
          if (!parsed.success) {
            throw new InputError(
              `Invalid kubeconfig request: ${describeTenantRequestIssues(
                parsed.error,
              )
                .split('\n')
                .join('; ')}`,
            );
          }
          const { mode, ttlSeconds } = parsed.data;
          const result = await issuer.issue(tenant, {
            mode,
            ttlSeconds,
            issuedTo: caller.ref,
          });
          const meta = {
            tenant: tenant.name,
            mode,
            ...(mode === 'token'
              ? {
                  ttlSeconds: ttlSeconds ?? issuer.settings.defaultTtlSeconds,
                  issuanceId: result.issuanceId,
                  expiresAt: result.expiresAt,
                }
              : {}),
            // Which of the cluster's credentials was handed out (the Secret's current context).
            ...(mode === 'cluster' ? { context: result.context } : {}),
          };
          return { result, meta };
        },
      );
      res.set('Cache-Control', 'no-store');
      res.json(issued);
    },
  );

  router.get('/tenants/:tenant/kubeconfigs', async (req, res) => {
    const caller = await callerOf(req, httpAuth);
    const tenant = await authorizedTenant(
      req,
      caller,
      name => `list the kubeconfigs of tenant '${name}'`,
    );
    res.json({ items: await issuer.list(tenant) });
  });

  router.delete('/tenants/:tenant/kubeconfigs', async (req, res) => {
    const revoked = await auditedOnTenant(
      req,
      { eventId: 'kubeconfig-revoke', severityLevel: 'medium' },
      name => `revoke the kubeconfigs of tenant '${name}'`,
      async tenant => {
        const result = (await issuer.revoke(tenant)).revoked;
        return { result, meta: { tenant: tenant.name, revoked: result } };
      },
    );
    res.json({ revoked });
  });

  return router;
}
