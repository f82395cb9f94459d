import {
  EmptyState,
  LinkButton,
  Progress,
  ResponseErrorPanel,
  StatusWarning,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import {
  tenantEntityRef,
  type TenantSummary,
} from '@kaas-platform/plugin-kaas-common';
import Chip from '@material-ui/core/Chip';
import Tooltip from '@material-ui/core/Tooltip';
import useAsync from 'react-use/esm/useAsync';
import { kaasApiRef } from '../../api/KaasApi';
import { errorMessage } from '../shared/errorMessage';
import { PhaseChip } from '../shared/StatusChips';
import { TENANT_TEMPLATES, templatePath } from './templateLinks';
import { TenantPhase, useTenantPhases } from './useTenantPhases';

function PhaseCell(props: { tenant: string; phase?: TenantPhase }) {
  const { tenant, phase } = props;
  if (!phase) return <span aria-label="Loading status">…</span>;
  if ('error' in phase) {
    return (
      <Tooltip title={errorMessage(phase.error)}>
        <span>
          <StatusWarning>Unknown</StatusWarning>
        </span>
      </Tooltip>
    );
  }
  return (
    <>
      <PhaseChip phase={phase.phase} testId={`kaas-tenant-phase-${tenant}`} />
      {phase.drifted && (
        <Tooltip title="Policy objects differ from today's policy; see the Tenant tab">
          <Chip
            size="small"
            variant="outlined"
            label={<StatusWarning>Drifted</StatusWarning>}
            data-testid={`kaas-tenant-drifted-${tenant}`}
          />
        </Tooltip>
      )}
    </>
  );
}

/** The tenants the signed-in user's groups own, with their phase, linked to their pages. */
export function MyTenantsCard() {
  const kaasApi = useApi(kaasApiRef);
  const tenants = useAsync(
    () => kaasApi.listTenants({ mine: true }),
    [kaasApi],
  );
  const phases = useTenantPhases(tenants.value?.map(t => t.name));

  if (tenants.loading) return <Progress />;
  if (tenants.error) return <ResponseErrorPanel error={tenants.error} />;
  if (!tenants.value?.length) {
    return (
      <EmptyState
        missing="content"
        title="Your teams own no tenant yet"
        description="A tenant is a namespace, a virtual cluster or a whole cluster for your team, with quotas and policy set up. Request one; it is ready within minutes."
        action={
          <LinkButton
            to={templatePath(TENANT_TEMPLATES[0].name)}
            color="primary"
            variant="contained"
          >
            Request a tenant
          </LinkButton>
        }
      />
    );
  }

  const columns: TableColumn<TenantSummary>[] = [
    {
      title: 'Tenant',
      field: 'name',
      render: tenant => (
        <EntityRefLink
          entityRef={tenantEntityRef(tenant.name)}
          title={tenant.name}
        />
      ),
    },
    {
      title: 'Status',
      sorting: false,
      render: tenant => (
        <PhaseCell tenant={tenant.name} phase={phases[tenant.name]} />
      ),
    },
    { title: 'Isolation', field: 'isolation' },
    { title: 'Cluster', field: 'cluster' },
    {
      title: 'Owner',
      field: 'owner',
      render: tenant => (
        <EntityRefLink entityRef={tenant.owner} defaultKind="group" />
      ),
    },
    { title: 'Profile', field: 'profile' },
  ];
  return (
    <Table<TenantSummary>
      title="Your tenants"
      columns={columns}
      data={tenants.value.map(tenant => ({ ...tenant }))}
      options={{
        paging: tenants.value.length > 20,
        pageSize: 20,
        search: tenants.value.length > 5,
        padding: 'dense',
      }}
    />
  );
}
