import {
  InfoCard,
  LinkButton,
  StructuredMetadataTable,
} from '@backstage/core-components';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import type { TenantStatus } from '@kaas-platform/plugin-kaas-common';
import { tenantUpdatePath } from '../TenantsPage/templateLinks';
import { formatDateTime } from '../shared/formatTime';
import { PhaseChip } from '../shared/StatusChips';

const ISOLATION_TEXT: Record<TenantStatus['isolation'], string> = {
  namespace: 'Namespace (shared cluster)',
  vcluster: 'Virtual cluster',
  cluster: 'Dedicated cluster',
};

/** What the tenant is: isolation, where it lives, who owns it, which profile it got. */
export function TenantOverviewCard(props: { status: TenantStatus }) {
  const { status } = props;
  return (
    <InfoCard
      title="Tenant"
      subheader={status.description}
      action={
        <Box pt={2} pr={1}>
          <PhaseChip phase={status.phase} testId="kaas-tenant-phase" />
        </Box>
      }
    >
      <StructuredMetadataTable
        dense
        metadata={{
          Isolation: ISOLATION_TEXT[status.isolation] ?? status.isolation,
          Cluster: status.cluster,
          Namespace: (
            <code data-testid="kaas-namespace">{status.namespace}</code>
          ),
          Owner: status.owner ? (
            <EntityRefLink entityRef={status.owner} defaultKind="group" />
          ) : (
            'none'
          ),
          Profile: status.profile || 'none',
          Created: formatDateTime(status.createdAt),
        }}
      />
      <Box display="flex" alignItems="center" mt={1}>
        <Box flexGrow={1}>
          <Typography variant="caption" color="textSecondary">
            Status as of {formatDateTime(status.observedAt)}
          </Typography>
        </Box>
        <LinkButton
          to={tenantUpdatePath({ ...status, name: status.name })}
          variant="outlined"
          size="small"
          data-testid="kaas-change-profile"
        >
          Change profile
        </LinkButton>
      </Box>
    </InfoCard>
  );
}
