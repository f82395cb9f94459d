import {
  Progress,
  ResponseErrorPanel,
  StatusOK,
  StatusPending,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import type { InstanceStatus } from '@kaas-platform/plugin-kaas-common';
import { kaasApiRef } from '../../api/KaasApi';
import { useVisiblePolling } from '../../hooks/useVisiblePolling';
import { errorMessage } from '../shared/errorMessage';
import { formatDateTime } from '../shared/formatTime';

const columns: TableColumn<InstanceStatus>[] = [
  {
    title: 'Instance',
    field: 'name',
    render: instance => (
      <EntityRefLink entityRef={instance.entityRef} title={instance.name} />
    ),
  },
  { title: 'Capability', field: 'title' },
  { title: 'Plan', field: 'plan' },
  {
    title: 'Status',
    field: 'ready',
    render: instance =>
      instance.ready ? (
        <StatusOK>Ready</StatusOK>
      ) : (
        <StatusPending>
          {instance.phase ?? 'Not ready'}
          {instance.message ? `: ${instance.message}` : ''}
        </StatusPending>
      ),
  },
  { title: 'Namespace', field: 'namespace' },
  {
    title: 'Created',
    field: 'createdAt',
    render: instance => formatDateTime(instance.createdAt),
  },
];

/** The XaaS instances running in a tenant, linked to their own pages. */
export function TenantInstancesCard(props: { tenant: string }) {
  const kaasApi = useApi(kaasApiRef);
  const { value, error, loading } = useVisiblePolling(
    () => kaasApi.listTenantInstances(props.tenant),
    [kaasApi, props.tenant],
  );
  if (loading) return <Progress />;
  if (!value && error) return <ResponseErrorPanel error={error} />;
  return (
    <Box>
      {error && (
        <Typography variant="caption" color="error" role="alert">
          Could not refresh the instances: {errorMessage(error)}
        </Typography>
      )}
      <Table<InstanceStatus>
        title="Instances"
        columns={columns}
        data={(value ?? []).map(instance => ({ ...instance }))}
        options={{ paging: false, search: false, padding: 'dense' }}
        emptyContent={
          <Typography
            variant="body2"
            color="textSecondary"
            style={{ padding: 16 }}
          >
            No XaaS instance runs in this tenant. Request one from the
            capabilities on the Tenants page or in Create.
          </Typography>
        }
      />
    </Box>
  );
}
