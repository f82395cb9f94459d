import { InfoCard } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import type { TenantStatus } from '@kaas-platform/plugin-kaas-common';

function Count(props: { label: string; value: string | number; id: string }) {
  return (
    <Grid item xs={4}>
      <Box textAlign="center" data-testid={`kaas-workloads-${props.id}`}>
        <Typography variant="h4" component="p">
          {props.value}
        </Typography>
        <Typography variant="body2" color="textSecondary">
          {props.label}
        </Typography>
      </Box>
    </Grid>
  );
}

/** How many pods, Deployments and StatefulSets run in the tenant's namespace. */
export function WorkloadsCard(props: { workloads: TenantStatus['workloads'] }) {
  const { pods, podsRunning, deployments, statefulSets } = props.workloads;
  return (
    <InfoCard title="Workloads">
      <Grid container spacing={2}>
        <Count
          id="pods"
          label="Pods running"
          value={`${podsRunning} / ${pods}`}
        />
        <Count id="deployments" label="Deployments" value={deployments} />
        <Count id="statefulsets" label="StatefulSets" value={statefulSets} />
      </Grid>
    </InfoCard>
  );
}
