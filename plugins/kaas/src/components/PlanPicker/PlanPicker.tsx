import { useApi } from '@backstage/core-plugin-api';
import type { FieldExtensionComponentProps } from '@backstage/plugin-scaffolder-react';
import useAsync from 'react-use/esm/useAsync';
import type { PlanInfo } from '@kaas-platform/plugin-kaas-common';
import { kaasApiRef } from '../../api/KaasApi';
import { OptionPicker } from '../OptionPicker';

/** `ui:options` of the PlanPicker field. @public */
export interface PlanPickerUiOptions {
  /**
   * Id of the capability whose plans to offer, e.g. `postgresql`; left out, the form's
   * `capability` field names it (a template for instances of any capability).
   */
  capability?: string;
}

function describePlan(plan: PlanInfo): string {
  const sizes = Object.entries(plan.parameters)
    .map(([key, value]) => `${key} ${String(value)}`)
    .join(', ');
  return [plan.description, sizes].filter(Boolean).join(' — ');
}

/** Template field: picks a plan (a named size) of one capability. */
export function PlanPicker(
  props: FieldExtensionComponentProps<string, PlanPickerUiOptions>,
) {
  const capabilityId =
    props.uiSchema?.['ui:options']?.capability ??
    (props.formContext?.formData?.capability as string | undefined);
  const kaasApi = useApi(kaasApiRef);
  const { value, loading, error } = useAsync(
    () => kaasApi.listCapabilities(),
    [kaasApi],
  );
  const capability = value?.find(c => c.id === capabilityId);
  const options = capability?.plans.map(plan => ({
    value: plan.name,
    label: plan.title,
    description: describePlan(plan),
  }));
  return (
    <OptionPicker
      field={props}
      defaultLabel="Plan"
      options={options}
      loading={loading}
      error={error}
      emptyMessage={
        capabilityId
          ? `The platform offers no capability '${capabilityId}' (or it has no plans); ask the platform team.`
          : "The template's plan field names no capability (ui:options.capability, or a capability field in the form)."
      }
    />
  );
}
