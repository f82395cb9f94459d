import { Header, Page } from '@backstage/core-components';
import { TenantsPageContent } from './TenantsPageContent';

/** The Tenants page with its own header, for apps on the legacy frontend system. */
export function KaasTenantsPage() {
  return (
    <Page themeId="tool">
      <Header
        title="Tenants"
        subtitle="Kubernetes tenants of your teams and the services you can run in them"
      />
      <TenantsPageContent />
    </Page>
  );
}
