import { useApi } from '@backstage/core-plugin-api';
import type { FieldExtensionComponentProps } from '@backstage/plugin-scaffolder-react';
import { useEffect } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { kaasApiRef } from '../../api/KaasApi';
import { OptionPicker } from '../OptionPicker';

/** `ui:options` of the ClusterPicker field. @public */
export interface ClusterPickerUiOptions {
  /** Only offer clusters with this role: tenants, management or xaas. */
  role?: 'tenants' | 'management' | 'xaas';
}

/** Template field: picks a configured cluster, optionally limited to one role. */
export function ClusterPicker(
  props: FieldExtensionComponentProps<string, ClusterPickerUiOptions>,
) {
  const { formData, onChange, uiSchema } = props;
  const role = uiSchema?.['ui:options']?.role;
  const kaasApi = useApi(kaasApiRef);
  const { value, loading, error } = useAsync(
    () => kaasApi.listClusters(),
    [kaasApi],
  );
  const options = value
    ?.filter(cluster => !role || cluster.roles.includes(role))
    .map(cluster => ({
      value: cluster.name,
      label: cluster.title,
      description: `${cluster.name}: ${cluster.roles.join(', ')}`,
    }));

  // With a single choice there is nothing to pick; fill it in.
  useEffect(() => {
    if (!formData && options?.length === 1) onChange(options[0].value);
  }, [formData, options, onChange]);

  return (
    <OptionPicker
      field={props}
      defaultLabel="Cluster"
      options={options}
      loading={loading}
      error={error}
      emptyMessage={`No cluster${
        role ? ` with the role '${role}'` : ''
      } is configured; ask the platform team.`}
    />
  );
}
