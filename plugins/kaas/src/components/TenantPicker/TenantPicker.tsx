import { useApi } from '@backstage/core-plugin-api';
import type { FieldExtensionComponentProps } from '@backstage/plugin-scaffolder-react';
import useAsync from 'react-use/esm/useAsync';
import { kaasApiRef } from '../../api/KaasApi';
import { OptionPicker } from '../OptionPicker';

/** Template field: picks one of the tenants the signed-in user's groups own. */
export function TenantPicker(props: FieldExtensionComponentProps<string>) {
  const kaasApi = useApi(kaasApiRef);
  const { value, loading, error } = useAsync(
    () => kaasApi.listTenants({ mine: true }),
    [kaasApi],
  );
  const options = value?.map(tenant => ({
    value: tenant.name,
    label: tenant.name,
    description: `${tenant.isolation} tenant of ${tenant.owner} on ${tenant.cluster} (namespace ${tenant.namespace})`,
  }));
  return (
    <OptionPicker
      field={props}
      defaultLabel="Tenant"
      options={options}
      loading={loading}
      error={error}
      emptyMessage="Your teams own no tenant yet; request one with a tenant template first."
    />
  );
}
