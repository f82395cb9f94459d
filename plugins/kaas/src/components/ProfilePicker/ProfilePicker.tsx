import { useApi } from '@backstage/core-plugin-api';
import type { FieldExtensionComponentProps } from '@backstage/plugin-scaffolder-react';
import useAsync from 'react-use/esm/useAsync';
import type { ProfileInfo } from '@kaas-platform/plugin-kaas-common';
import { kaasApiRef } from '../../api/KaasApi';
import { OptionPicker } from '../OptionPicker';

/** `ui:options` of the ProfilePicker field. @public */
export interface ProfilePickerUiOptions {
  /** Only offer profiles that can serve this isolation. */
  isolation?: 'namespace' | 'vcluster' | 'cluster';
}

function describeProfile(profile: ProfileInfo): string | undefined {
  const quota = Object.entries(profile.quota)
    .map(([resource, amount]) => `${resource} ${amount}`)
    .join(', ');
  return [profile.description, quota && `Quota: ${quota}`]
    .filter(Boolean)
    .join(' — ');
}

/** Template field: picks a tenant profile (a named bundle of quotas and policy). */
export function ProfilePicker(
  props: FieldExtensionComponentProps<string, ProfilePickerUiOptions>,
) {
  const isolation = props.uiSchema?.['ui:options']?.isolation;
  const kaasApi = useApi(kaasApiRef);
  const { value, loading, error } = useAsync(
    () => kaasApi.listProfiles(),
    [kaasApi],
  );
  const options = value
    ?.filter(profile => !isolation || profile.isolations.includes(isolation))
    .map(profile => ({
      value: profile.name,
      label: profile.title,
      description: describeProfile(profile),
    }));
  return (
    <OptionPicker
      field={props}
      defaultLabel="Profile"
      options={options}
      loading={loading}
      error={error}
      emptyMessage={`No tenant profile${
        isolation ? ` for '${isolation}' tenants` : ''
      } is configured; ask the platform team.`}
    />
  );
}
