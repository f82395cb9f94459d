import { screen } from '@testing-library/react';
import type { TenantSummary } from '@kaas-platform/plugin-kaas-common';
import {
  fakeKaasApi,
  responseError,
  tenantStatus,
} from '../../__testUtils__/fakeKaasApi';
import { renderWithKaas } from '../../__testUtils__/renderWithKaas';
import { mapConcurrently } from './mapConcurrently';
import { TenantsPageContent } from './TenantsPageContent';

const tenant = (name: string): TenantSummary => ({
  name,
  namespace: `t-${name}`,
  cluster: 'local',
  isolation: 'namespace',
  owner: 'group:default/team-a',
  profile: 'small',
  createdAt: '2025-01-10T09:00:00.000Z',
});

const capabilities = [
  {
    id: 'postgresql',
    title: 'PostgreSQL',
    description: 'A PostgreSQL cluster',
    owner: 'group:default/platform-team',
    parameters: {},
    plans: [
      { name: 'small', title: 'Small', parameters: {} },
      { name: 'ha', title: 'Highly available', parameters: {} },
    ],
  },
];

/** The backend's answer to a user who is not a platform admin. */
const notAnAdmin = async () => {
  throw await responseError(
    403,
    "Only platform admins (group:default/platform-team) may see the operators' health",
  );
};

describe('TenantsPageContent', () => {
  it("lists the user's tenants with their phase and links, and the capabilities on offer", async () => {
    const listTenants = jest.fn(async () => [
      tenant('team-a-dev'),
      tenant('team-a-prod'),
    ]);
    const kaasApi = fakeKaasApi({
      listTenants,
      getTenantStatus: async name =>
        name === 'team-a-dev'
          ? tenantStatus()
          : tenantStatus({
              name,
              phase: 'Provisioning',
              ready: false,
              drift: {
                type: 'Drifted',
                status: 'True',
                reason: 'EditedByHand',
                message: '…',
                objects: [],
              },
            }),
      listCapabilities: async () => [
        {
          ...capabilities[0],
          operatorProblems: [
            "CloudNativePG operator Deployment (cnpg-system/cnpg-controller-manager) is not on cluster 'local'; the capability is run by group:default/platform-team",
          ],
        },
      ],
      getOperatorHealth: notAnAdmin,
    });
    await renderWithKaas(<TenantsPageContent />, { kaasApi });

    expect(
      await screen.findByRole('link', { name: 'team-a-dev' }),
    ).toHaveAttribute('href', '/catalog/default/resource/team-a-dev');
    expect(listTenants).toHaveBeenCalledWith({ mine: true });
    expect(
      await screen.findByTestId('kaas-tenant-phase-team-a-prod'),
    ).toHaveTextContent('Provisioning');
    expect(
      await screen.findByTestId('kaas-tenant-phase-team-a-dev'),
    ).toHaveTextContent('Ready');

    expect(
      // A LinkButton: an anchor with the button role.
      screen.getByRole('button', { name: 'Request a tenant' }),
    ).toHaveAttribute(
      'href',
      '/create/templates/default/kubernetes-tenant-namespace',
    );
    expect(screen.getByRole('link', { name: 'PostgreSQL' })).toHaveAttribute(
      'href',
      '/create/templates/default/xaas-postgresql',
    );
    expect(screen.getByText('Highly available')).toBeInTheDocument();
    // What stops new instances is said to every developer, naming who runs the capability.
    expect(
      screen.getByTestId('kaas-capability-problem-postgresql'),
    ).toHaveTextContent(
      "CloudNativePG operator Deployment (cnpg-system/cnpg-controller-manager) is not on cluster 'local'; the capability is run by group:default/platform-team",
    );
    // A drifted tenant is marked in the list.
    expect(
      await screen.findByTestId('kaas-tenant-drifted-team-a-prod'),
    ).toHaveTextContent('Drifted');
    expect(
      screen.queryByTestId('kaas-tenant-drifted-team-a-dev'),
    ).not.toBeInTheDocument();
    // Not a platform admin: no operator health card, and no error about it.
    expect(screen.queryByText('Operator health')).not.toBeInTheDocument();
    expect(screen.queryByText(/platform admins/)).not.toBeInTheDocument();
  });

  it("shows a platform admin the operators' health", async () => {
    const kaasApi = fakeKaasApi({
      listTenants: async () => [],
      listCapabilities: async () => capabilities,
      getOperatorHealth: async () => [
        {
          capability: 'postgresql',
          title: 'PostgreSQL',
          operator: 'CloudNativePG',
          cluster: 'local',
          deployment: { present: false },
          kinds: [],
          problems: [
            "CloudNativePG operator Deployment (cnpg-system/cnpg-controller-manager) is not on cluster 'local'",
          ],
        },
      ],
    });
    await renderWithKaas(<TenantsPageContent />, { kaasApi });
    const item = await screen.findByTestId('kaas-operator-postgresql-local');
    expect(item).toHaveTextContent('CloudNativePG: no Deployment found');
    expect(screen.getByText('Operator health')).toBeInTheDocument();
  });

  it('invites to request a tenant when the teams own none', async () => {
    const kaasApi = fakeKaasApi({
      listTenants: async () => [],
      listCapabilities: async () => [],
      getOperatorHealth: notAnAdmin,
    });
    await renderWithKaas(<TenantsPageContent />, { kaasApi });
    expect(
      await screen.findByText('Your teams own no tenant yet'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('No capability is on offer yet.'),
    ).toBeInTheDocument();
  });

  it('shows an error panel when the tenants cannot be listed', async () => {
    const kaasApi = fakeKaasApi({
      listTenants: async () => {
        throw new Error('backend unavailable');
      },
      listCapabilities: async () => capabilities,
      getOperatorHealth: notAnAdmin,
    });
    await renderWithKaas(<TenantsPageContent />, { kaasApi });
    expect(
      (await screen.findAllByText(/backend unavailable/)).length,
    ).toBeGreaterThan(0);
  });
});

describe('mapConcurrently', () => {
  it('never runs more than the limit at once and reports every result', async () => {
    let running = 0;
    let most = 0;
    const results: string[] = [];
    await mapConcurrently(
      [1, 2, 3, 4, 5, 6, 7],
      3,
      async n => {
        running++;
        most = Math.max(most, running);
        await new Promise(resolve => setTimeout(resolve, 5));
        running--;
        if (n === 4) throw new Error('four');
        return n * 2;
      },
      (n, result) =>
        results.push(
          'value' in result
            ? `${n}=${result.value}`
            : `${n}!${result.error.message}`,
        ),
    );
    expect(most).toBe(3);
    expect(results.sort()).toEqual(
      ['1=2', '2=4', '3=6', '4!four', '5=10', '6=12', '7=14'].sort(),
    );
  });
});
