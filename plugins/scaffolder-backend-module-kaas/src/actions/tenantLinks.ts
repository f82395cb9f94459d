// Where a tenant shows up in Backstage. DESIGN.md: a tenant is a `kind: Resource` entity in
// the default namespace, named like the tenant; the frontend adds a "kaas" tab to it.

export function tenantEntityRef(tenant: string): string {
  return `resource:default/${tenant}`;
}

export function tenantStatusUrl(appBaseUrl: string, tenant: string): string {
  return `${appBaseUrl.replace(
    /\/+$/,
    '',
  )}/catalog/default/resource/${encodeURIComponent(tenant)}/kaas`;
}
