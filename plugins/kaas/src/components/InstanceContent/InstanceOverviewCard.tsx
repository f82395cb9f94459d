import {
  InfoCard,
  LinkButton,
  StructuredMetadataTable,
} from '@backstage/core-components';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import {
  tenantEntityRef,
  type InstanceStatus,
} from '@kaas-platform/plugin-kaas-common';
import Box from '@material-ui/core/Box';
import { instanceUpdatePath } from '../TenantsPage/templateLinks';
import { formatDateTime } from '../shared/formatTime';
import { PhaseChip } from '../shared/StatusChips';

/** What the instance is: capability, the tenant it runs in, where, who owns it. */
export function InstanceOverviewCard(props: { instance: InstanceStatus }) {
  const { instance } = props;
  const phase = instance.phase ?? (instance.ready ? 'Ready' : 'Provisioning');
  return (
    <InfoCard
      title={instance.title || instance.capability}
      subheader={`Instance ${instance.name}`}
      action={
        <Box pt={2} pr={1}>
          <PhaseChip phase={phase} testId="kaas-instance-phase" />
        </Box>
      }
    >
      <StructuredMetadataTable
        dense
        metadata={{
          Capability: instance.capability,
          Tenant: (
            <EntityRefLink
              entityRef={tenantEntityRef(instance.tenant)}
              title={instance.tenant}
            />
          ),
          Cluster: instance.cluster,
          Namespace: <code>{instance.namespace}</code>,
          Owner: instance.owner ? (
            <EntityRefLink entityRef={instance.owner} defaultKind="group" />
          ) : (
            'none'
          ),
          Created: formatDateTime(instance.createdAt),
        }}
      />
      <Box display="flex" justifyContent="flex-end" mt={1}>
        <LinkButton
          to={instanceUpdatePath(instance)}
          variant="outlined"
          size="small"
          data-testid="kaas-change-plan"
        >
          Change plan
        </LinkButton>
      </Box>
    </InfoCard>
  );
}
