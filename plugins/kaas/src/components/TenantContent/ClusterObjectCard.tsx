import { InfoCard, StructuredMetadataTable } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import type { TenantStatus } from '@kaas-platform/plugin-kaas-common';
import { ConditionsTable, PhaseChip } from '../shared/StatusChips';

/** The Cluster API `Cluster` (or Crossplane claim) behind a vcluster or cluster tenant. */
export function ClusterObjectCard(props: {
  clusterObject?: TenantStatus['clusterObject'];
}) {
  const { clusterObject } = props;
  if (!clusterObject) {
    return (
      <InfoCard title="Cluster">
        <Typography variant="body2" color="textSecondary">
          The cluster object of this tenant does not exist yet; it appears once
          the request has been applied.
        </Typography>
      </InfoCard>
    );
  }
  return (
    <InfoCard
      title="Cluster"
      subheader={`${clusterObject.kind} ${clusterObject.name}`}
      action={
        clusterObject.phase ? (
          <Box pt={2} pr={1}>
            <PhaseChip
              phase={clusterObject.phase}
              testId="kaas-cluster-phase"
            />
          </Box>
        ) : undefined
      }
    >
      <StructuredMetadataTable
        dense
        metadata={{
          Kind: clusterObject.kind,
          Name: clusterObject.name,
          'API version': clusterObject.apiVersion,
          Phase: clusterObject.phase ?? 'not reported',
        }}
      />
      <Box mt={2}>
        <ConditionsTable conditions={clusterObject.conditions} />
      </Box>
    </InfoCard>
  );
}
