import { InfoCard, StructuredMetadataTable } from '@backstage/core-components';
import Typography from '@material-ui/core/Typography';
import type { InstanceStatus } from '@kaas-platform/plugin-kaas-common';

function shown(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** The plan the instance was requested with and the parameters set on top of it. */
export function ParametersCard(props: { instance: InstanceStatus }) {
  const { plan, parameters } = props.instance;
  const entries = Object.entries(parameters ?? {});
  return (
    <InfoCard title="Plan and parameters">
      <StructuredMetadataTable dense metadata={{ Plan: plan }} />
      {entries.length === 0 ? (
        <Typography variant="body2" color="textSecondary">
          No parameters set; the plan's values apply.
        </Typography>
      ) : (
        <StructuredMetadataTable
          dense
          // Parameter names as the template and the capability spell them.
          options={{ titleFormat: key => key }}
          metadata={Object.fromEntries(
            entries.map(([key, value]) => [key, shown(value)]),
          )}
        />
      )}
    </InfoCard>
  );
}
