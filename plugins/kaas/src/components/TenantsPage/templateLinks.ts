import { operationTemplateName } from '@kaas-platform/plugin-kaas-common';

/**
 * Where the Software Templates open in the scaffolder. Template names are the ones the
 * catalog module generates (`kubernetes-tenant-<isolation>`, `xaas-<capability>`,
 * `xaas-<capability>-op-<operation>`), which a
 * hand-written template of templates/ may replace under the same name.
 */
const TEMPLATE_BASE = '/create/templates/default';

/** The tenant templates, most common first. */
export const TENANT_TEMPLATES = [
  {
    name: 'kubernetes-tenant-namespace',
    title: 'Request a tenant',
    description: 'A namespace on a shared cluster',
  },
  {
    name: 'kubernetes-tenant-vcluster',
    title: 'Request a virtual cluster',
    description: 'A virtual cluster of your own',
  },
  {
    name: 'kubernetes-tenant-cluster',
    title: 'Request a dedicated cluster',
    description: 'A whole cluster',
  },
] as const;

/** The scaffolder page of a template. */
export function templatePath(name: string): string {
  return `${TEMPLATE_BASE}/${encodeURIComponent(name)}`;
}

/** The template that requests an instance of a capability. */
export function capabilityTemplatePath(capability: string): string {
  return templatePath(`xaas-${capability}`);
}

/** The template that changes an existing tenant (templates/tenants/update.yaml). */
export const TENANT_UPDATE_TEMPLATE = 'kubernetes-tenant-update';

/**
 * The update template's page with the tenant's current values filled in (the
 * scaffolder reads the initial form from `formData`).
 */
export function tenantUpdatePath(tenant: {
  name: string;
  owner: string;
  isolation: string;
  profile: string;
  description?: string;
}): string {
  const formData = {
    name: tenant.name,
    owner: tenant.owner,
    isolation: tenant.isolation,
    profile: tenant.profile,
    ...(tenant.description ? { description: tenant.description } : {}),
  };
  return `${templatePath(TENANT_UPDATE_TEMPLATE)}?formData=${encodeURIComponent(
    JSON.stringify(formData),
  )}`;
}

/** The template that changes an existing XaaS instance (templates/xaas/update.yaml). */
export const INSTANCE_UPDATE_TEMPLATE = 'xaas-instance-update';

/** The instance update template's page with the instance's current plan filled in. */
export function instanceUpdatePath(instance: {
  tenant: string;
  capability: string;
  name: string;
  plan: string;
}): string {
  const { tenant, capability, name, plan } = instance;
  const formData = { tenant, capability, name, plan };
  return `${templatePath(
    INSTANCE_UPDATE_TEMPLATE,
  )}?formData=${encodeURIComponent(JSON.stringify(formData))}`;
}

/**
 * The generated template of one day-2 operation (`xaas-<capability>-op-<operation>`),
 * with the tenant and the instance filled in; the operation's parameters are the form's.
 */
export function operationTemplatePath(run: {
  tenant: string;
  capability: string;
  name: string;
  operation: string;
}): string {
  const { tenant, capability, name, operation } = run;
  const formData = { tenant, name };
  return `${templatePath(
    operationTemplateName(capability, operation),
  )}?formData=${encodeURIComponent(JSON.stringify(formData))}`;
}
