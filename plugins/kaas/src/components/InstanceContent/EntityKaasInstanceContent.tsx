import {
  EmptyState,
  Progress,
  ResponseErrorPanel,
  WarningPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import Grid from '@material-ui/core/Grid';
import { kaasApiRef } from '../../api/KaasApi';
import { useVisiblePolling } from '../../hooks/useVisiblePolling';
import { errorMessage, errorStatus } from '../shared/errorMessage';
import { instanceOfEntity } from '../shared/kaasEntity';
import { ReadinessCard } from '../shared/ReadinessCard';
import { ConnectionCard } from './ConnectionCard';
import { InstanceOverviewCard } from './InstanceOverviewCard';
import { OperationsCard } from './OperationsCard';
import { ParametersCard } from './ParametersCard';

function InstanceContent(props: {
  tenant: string;
  instance: string;
  entityOwner?: string;
}) {
  const { tenant, instance, entityOwner } = props;
  const kaasApi = useApi(kaasApiRef);
  const {
    value: status,
    error,
    loading,
  } = useVisiblePolling(
    () => kaasApi.getInstance(tenant, instance),
    [kaasApi, tenant, instance],
  );

  if (loading) return <Progress />;
  if (!status && errorStatus(error) === 404) {
    return (
      <EmptyState
        missing="data"
        title={`Instance ${instance} of tenant ${tenant} is not on any cluster`}
        description={`${errorMessage(
          error!,
        )}. The catalog may still list an instance that was just deleted.`}
      />
    );
  }
  if (!status) {
    return <ResponseErrorPanel error={error ?? new Error('No status')} />;
  }

  return (
    <Grid container spacing={3} alignItems="stretch">
      {error && (
        <Grid item xs={12}>
          <WarningPanel
            title="The status could not be refreshed"
            message={`${errorMessage(error)}; retrying.`}
          />
        </Grid>
      )}
      <Grid item xs={12} md={6}>
        <InstanceOverviewCard instance={status} />
      </Grid>
      <Grid item xs={12} md={6}>
        <ReadinessCard
          ready={status.ready}
          conditions={status.conditions}
          message={status.message}
        />
      </Grid>
      <Grid item xs={12} md={6}>
        <ParametersCard instance={status} />
      </Grid>
      <Grid item xs={12} md={6}>
        <ConnectionCard
          tenant={tenant}
          instance={instance}
          owner={status.owner || entityOwner}
          ready={status.ready}
        />
      </Grid>
      <Grid item xs={12}>
        <OperationsCard
          tenant={tenant}
          instance={instance}
          capability={status.capability}
        />
      </Grid>
    </Grid>
  );
}

/**
 * The "Instance" tab of an XaaS instance's catalog entity (`<tenant>.<instance>`): live
 * status, plan and parameters, connection details and, for the owners, the credentials.
 */
export function EntityKaasInstanceContent() {
  const { entity } = useEntity();
  const names = instanceOfEntity(entity);
  if (!names) {
    return (
      <EmptyState
        missing="info"
        title="Not an instance entity"
        description={`An instance's entity is named <tenant>.<instance>; '${entity.metadata.name}' is not.`}
      />
    );
  }
  return (
    <InstanceContent
      tenant={names.tenant}
      instance={names.instance}
      entityOwner={entity.spec?.owner as string | undefined}
    />
  );
}
