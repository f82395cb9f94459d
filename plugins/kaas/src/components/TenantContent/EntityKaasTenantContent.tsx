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
import { KubeconfigCard } from '../Kubeconfig/KubeconfigCard';
import { errorMessage, errorStatus } from '../shared/errorMessage';
import { formatDateTime } from '../shared/formatTime';
import { ClusterObjectCard } from './ClusterObjectCard';
import { DriftCard } from './DriftCard';
import { LimitRangesCard } from './LimitRangesCard';
import { NetworkPoliciesCard } from './NetworkPoliciesCard';
import { QuotaUsageCard } from './QuotaUsageCard';
import { ReadinessCard } from '../shared/ReadinessCard';
import { TenantEventsCard } from './TenantEventsCard';
import { TenantInstancesCard } from './TenantInstancesCard';
import { TenantOverviewCard } from './TenantOverviewCard';
import { WorkloadsCard } from './WorkloadsCard';

/**
 * The "Tenant" tab of a tenant's catalog entity: live status from the clusters, refreshed
 * every 10 s while the tab is shown, and the kubeconfig download.
 */
export function EntityKaasTenantContent() {
  const { entity } = useEntity();
  const kaasApi = useApi(kaasApiRef);
  // The entity is named after the tenant (docs/tenant-pages-contracts.md).
  const tenant = entity.metadata.name;
  const {
    value: status,
    error,
    loading,
  } = useVisiblePolling(
    () => kaasApi.getTenantStatus(tenant),
    [kaasApi, tenant],
  );

  if (loading) return <Progress />;
  if (!status && errorStatus(error) === 404) {
    return (
      <EmptyState
        missing="data"
        title={`Tenant ${tenant} is not on any cluster`}
        description={`${errorMessage(
          error!,
        )}. The catalog may still list a tenant that was just deleted; it disappears once the clusters have been read again.`}
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
            message={`${errorMessage(
              error,
            )}. Showing the status as of ${formatDateTime(
              status.observedAt,
            )}; retrying.`}
          />
        </Grid>
      )}
      {status.staleSince && (
        <Grid item xs={12}>
          <div data-testid="kaas-status-stale">
            <WarningPanel
              title={`Cluster ${status.cluster} cannot be read`}
              message={`The platform has not been able to read cluster '${
                status.cluster
              }' since ${formatDateTime(
                status.staleSince,
              )}. This is the tenant's status as last seen; it refreshes by itself once the cluster answers again.`}
            />
          </div>
        </Grid>
      )}
      <Grid item xs={12} md={6}>
        <TenantOverviewCard status={status} />
      </Grid>
      <Grid item xs={12} md={6}>
        <KubeconfigCard
          tenant={tenant}
          owner={status.owner || (entity.spec?.owner as string | undefined)}
          modes={status.kubeconfigModes}
        />
      </Grid>
      <Grid item xs={12} md={6}>
        <ReadinessCard ready={status.ready} conditions={status.conditions} />
      </Grid>
      <Grid item xs={12} md={6}>
        <QuotaUsageCard quotas={status.quotas} />
      </Grid>
      <Grid item xs={12}>
        <DriftCard
          tenant={tenant}
          owner={status.owner || (entity.spec?.owner as string | undefined)}
          drift={status.drift}
        />
      </Grid>
      {status.isolation !== 'namespace' && (
        <Grid item xs={12} md={6}>
          <ClusterObjectCard clusterObject={status.clusterObject} />
        </Grid>
      )}
      <Grid item xs={12} md={6}>
        <WorkloadsCard workloads={status.workloads} />
      </Grid>
      <Grid item xs={12} md={6}>
        <LimitRangesCard limitRanges={status.limitRanges} />
      </Grid>
      <Grid item xs={12} md={6}>
        <NetworkPoliciesCard networkPolicies={status.networkPolicies} />
      </Grid>
      <Grid item xs={12}>
        <TenantInstancesCard tenant={tenant} />
      </Grid>
      <Grid item xs={12}>
        <TenantEventsCard
          events={status.events}
          hidden={status.eventsHidden}
          owner={status.owner}
        />
      </Grid>
    </Grid>
  );
}
