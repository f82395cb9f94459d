import { useApi } from '@backstage/core-plugin-api';
import type { FieldExtensionComponentProps } from '@backstage/plugin-scaffolder-react';
import useAsync from 'react-use/esm/useAsync';
import { kaasApiRef } from '../../api/KaasApi';
import { OptionPicker } from '../OptionPicker';

/** Template field: picks a tenant profile (a named bundle of quotas and policy). */
export function ProfilePicker(props: FieldExtensionComponentProps<string>) {
  const { formData, onChange, schema, required, rawErrors, idSchema } = props;
  const kaasApi = useApi(kaasApiRef);
  const { value, loading, error } = useAsync(
    () => kaasApi.listProfiles(),
    [kaasApi],
  );
  const options = value?.map(profile => ({
    value: profile.name,
    label: profile.title,
    description: profile.description,
  }));
  return (
    <OptionPicker
      id={idSchema?.$id ?? 'profile'}
      label={schema.title ?? 'Profile'}
      description={schema.description}
      required={!!required}
      value={formData}
      options={options}
      loading={loading}
      error={error}
      rawErrors={rawErrors}
      emptyMessage="No tenant profile is configured; ask the platform team."
      onChange={onChange}
    />
  );
}
