import { screen, waitFor } from '@testing-library/react';
import { fakeKaasApi, responseError } from '../../__testUtils__/fakeKaasApi';
import { renderWithKaas } from '../../__testUtils__/renderWithKaas';
import { OperatorHealthCard } from './OperatorHealthCard';

describe('OperatorHealthCard', () => {
  it('shows a platform admin each operator, its version and a CRD version that is not served', async () => {
    const kaasApi = fakeKaasApi({
      getOperatorHealth: async () => [
        {
          capability: 'postgresql',
          title: 'PostgreSQL',
          operator: 'CloudNativePG',
          cluster: 'local',
          deployment: {
            present: true,
            namespace: 'cnpg-system',
            name: 'cnpg-controller-manager',
            replicas: 1,
            readyReplicas: 1,
            version: '1.27.1',
          },
          kinds: [
            {
              apiVersion: 'postgresql.cnpg.io/v2',
              kind: 'Cluster',
              crd: 'clusters.postgresql.cnpg.io',
              servedVersions: ['v1'],
              served: false,
            },
          ],
          problems: [
            'clusters.postgresql.cnpg.io does not serve v2, which the capability uses (served: v1)',
          ],
        },
      ],
    });
    await renderWithKaas(<OperatorHealthCard />, { kaasApi });
    const item = await screen.findByTestId('kaas-operator-postgresql-local');
    expect(item).toHaveTextContent('PostgreSQL on local');
    expect(item).toHaveTextContent('CloudNativePG 1.27.1: 1/1 ready');
    expect(item).toHaveTextContent(
      'Cluster postgresql.cnpg.io/v2: NOT served (served: v1)',
    );
    expect(item).toHaveTextContent(
      'clusters.postgresql.cnpg.io does not serve v2',
    );
  });

  it('shows nothing to a user the backend refuses', async () => {
    const getOperatorHealth = jest.fn(async () => {
      throw await responseError(
        403,
        "Only platform admins (group:default/platform-team) may see the operators' health",
      );
    });
    await renderWithKaas(<OperatorHealthCard />, {
      kaasApi: fakeKaasApi({ getOperatorHealth }),
    });
    await waitFor(() => expect(getOperatorHealth).toHaveBeenCalled());
    await waitFor(() =>
      expect(screen.queryByRole('progressbar')).not.toBeInTheDocument(),
    );
    expect(screen.queryByText('Operator health')).not.toBeInTheDocument();
    expect(screen.queryByText(/platform admins/)).not.toBeInTheDocument();
  });
});
