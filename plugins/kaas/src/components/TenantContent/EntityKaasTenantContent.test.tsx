import { screen, within } from '@testing-library/react';
import type { KaasApi } from '../../api/KaasApi';
import {
  instanceStatus,
  responseError,
  tenantStatus,
} from '../../__testUtils__/fakeKaasApi';
import {
  renderOnEntityPage,
  tenantEntity,
} from '../../__testUtils__/renderWithKaas';
import { EntityKaasTenantContent } from './EntityKaasTenantContent';

const renderTenantPage = (
  api: Partial<KaasApi>,
  options?: { allowed?: boolean },
) =>
  renderOnEntityPage(<EntityKaasTenantContent />, tenantEntity, api, options);

describe('EntityKaasTenantContent', () => {
  it('shows a progress indicator while the status loads', async () => {
    await renderTenantPage({
      getTenantStatus: () => new Promise(() => {}),
    });
    expect(screen.getByTestId('progress')).toBeInTheDocument();
  });

  it('shows the live status of the tenant', async () => {
    await renderTenantPage({
      getTenantStatus: async () => tenantStatus(),
      listTenantInstances: async () => [instanceStatus()],
    });

    expect(await screen.findByTestId('kaas-tenant-phase')).toHaveTextContent(
      'Ready',
    );
    expect(screen.getByTestId('kaas-namespace')).toHaveTextContent(
      't-team-a-dev',
    );
    expect(screen.getByText('Namespace (shared cluster)')).toBeInTheDocument();
    // Conditions with their status.
    const quotaCondition = screen.getByTestId('kaas-condition-QuotaApplied');
    expect(quotaCondition).toHaveTextContent('False');
    expect(quotaCondition).toHaveTextContent(
      'ResourceQuota kaas-quota not found',
    );
    // Quota bars, coloured at 80 % and 100 %.
    expect(
      screen.getByRole('progressbar', { name: 'pods used 17 of 20' }),
    ).toHaveAttribute('data-level', 'warning');
    // LimitRange defaults and NetworkPolicies.
    expect(screen.getByText('cpu: 500m, memory: 512Mi')).toBeInTheDocument();
    expect(screen.getByText('default-deny')).toBeInTheDocument();
    // Workload counts.
    expect(screen.getByTestId('kaas-workloads-pods')).toHaveTextContent(
      '15 / 17',
    );
    // Instances link to their entity pages.
    expect(await screen.findByRole('link', { name: 'db' })).toHaveAttribute(
      'href',
      '/catalog/default/resource/team-a-dev.db',
    );
    // Events.
    expect(screen.getByText('exceeded quota: kaas-quota')).toBeInTheDocument();
    // No cluster object card for a namespace tenant.
    expect(screen.queryByText('API Version')).not.toBeInTheDocument();
    // The update template opens with the tenant's current values.
    const change = screen.getByTestId('kaas-change-profile');
    const url = new URL(change.getAttribute('href')!, 'http://app');
    expect(url.pathname).toBe(
      '/create/templates/default/kubernetes-tenant-update',
    );
    expect(JSON.parse(url.searchParams.get('formData')!)).toEqual({
      name: 'team-a-dev',
      owner: tenantStatus().owner,
      isolation: 'namespace',
      profile: tenantStatus().profile,
      ...(tenantStatus().description
        ? { description: tenantStatus().description }
        : {}),
    });
  });

  it("says the events are the owner group's to see when the backend hid them", async () => {
    await renderTenantPage({
      getTenantStatus: async () =>
        tenantStatus({ events: [], eventsHidden: true }),
      listTenantInstances: async () => [],
    });
    expect(await screen.findByTestId('kaas-events-hidden')).toHaveTextContent(
      "The tenant's events are visible to the owner group only (group:default/team-a) and to platform admins.",
    );
    // Not an empty table that claims nothing happened.
    expect(
      screen.queryByText("No events in the tenant's namespace recently."),
    ).not.toBeInTheDocument();
  });

  it('says since when the cluster cannot be read, over the status as last seen', async () => {
    await renderTenantPage({
      getTenantStatus: async () =>
        tenantStatus({ staleSince: '2026-12-02T15:31:00.000Z' }),
      listTenantInstances: async () => [],
    });
    const stale = await screen.findByTestId('kaas-status-stale');
    expect(stale).toHaveTextContent(/Cluster local cannot be read/);
    expect(stale).toHaveTextContent(
      /has not been able to read cluster 'local' since .*2026.*This is the tenant's status as last seen/,
    );
    // The status as last seen is still shown.
    expect(screen.getByTestId('kaas-tenant-phase')).toHaveTextContent('Ready');
  });

  it('shows no staleness warning while the cluster can be read', async () => {
    await renderTenantPage({
      getTenantStatus: async () => tenantStatus(),
      listTenantInstances: async () => [],
    });
    await screen.findByTestId('kaas-tenant-phase');
    expect(screen.queryByTestId('kaas-status-stale')).not.toBeInTheDocument();
  });

  it('shows the Cluster API object of a vcluster tenant', async () => {
    await renderTenantPage({
      getTenantStatus: async () =>
        tenantStatus({
          isolation: 'vcluster',
          kubeconfigModes: ['cluster'],
          clusterObject: {
            apiVersion: 'cluster.x-k8s.io/v1beta1',
            kind: 'Cluster',
            name: 'team-a-dev',
            phase: 'Provisioned',
            conditions: [
              { type: 'ControlPlaneReady', status: 'True' },
              {
                type: 'InfrastructureReady',
                status: 'False',
                reason: 'WaitingForVCluster',
              },
            ],
          },
        }),
      listTenantInstances: async () => [],
    });
    expect(await screen.findByTestId('kaas-cluster-phase')).toHaveTextContent(
      'Provisioned',
    );
    expect(
      screen.getByTestId('kaas-condition-InfrastructureReady'),
    ).toHaveTextContent('WaitingForVCluster');
    expect(screen.getByText(/No XaaS instance runs/)).toBeInTheDocument();
  });

  it('says when the clusters do not know the tenant', async () => {
    const error = await responseError(
      404,
      "Tenant 'team-a-dev' does not exist",
    );
    await renderTenantPage({
      getTenantStatus: async () => {
        throw error;
      },
    });
    expect(
      await screen.findByText('Tenant team-a-dev is not on any cluster'),
    ).toBeInTheDocument();
  });

  it('shows an error panel when the status cannot be read', async () => {
    const error = await responseError(
      403,
      "You are not allowed to read tenant 'team-a-dev'",
    );
    await renderTenantPage({
      getTenantStatus: async () => {
        throw error;
      },
    });
    expect(
      (await screen.findAllByText(/You are not allowed to read tenant/)).length,
    ).toBeGreaterThan(0);
  });

  it('disables the kubeconfig download for non-owners and says why', async () => {
    await renderTenantPage(
      {
        getTenantStatus: async () => tenantStatus(),
        listTenantInstances: async () => [],
      },
      { allowed: false },
    );
    const button = await screen.findByTestId('kaas-kubeconfig-button');
    expect(
      await screen.findByTestId('kaas-kubeconfig-denied'),
    ).toHaveTextContent(
      'Only members of team-a and platform admins can download a kubeconfig',
    );
    expect(button).toBeDisabled();
  });

  it('enables the kubeconfig download for owners', async () => {
    await renderTenantPage({
      getTenantStatus: async () => tenantStatus(),
      listTenantInstances: async () => [],
    });
    const access = within(
      (await screen.findByText('Access')).closest(
        '.MuiCard-root',
      ) as HTMLElement,
    );
    expect(await access.findByTestId('kaas-kubeconfig-button')).toBeEnabled();
    expect(access.queryByTestId('kaas-kubeconfig-denied')).toBeNull();
  });
});
