import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { KaasApi } from '../../api/KaasApi';
import { instanceStatus } from '../../__testUtils__/fakeKaasApi';
import {
  instanceEntity,
  renderOnEntityPage,
} from '../../__testUtils__/renderWithKaas';
import { EntityKaasInstanceContent } from './EntityKaasInstanceContent';

const connection = {
  host: 'db-rw.t-team-a-dev.svc',
  port: 5432,
  secretName: 'db-app',
  shownValues: { username: 'app', dbname: 'app' },
  hiddenKeys: ['password', 'uri'],
};

const renderInstancePage = (
  api: Partial<KaasApi>,
  options?: { allowed?: boolean },
) =>
  renderOnEntityPage(
    <EntityKaasInstanceContent />,
    instanceEntity,
    api,
    options,
  );

describe('EntityKaasInstanceContent', () => {
  it('shows status, plan, parameters and connection details of the instance', async () => {
    const getInstance = jest.fn(async () => instanceStatus());
    await renderInstancePage({
      getInstance,
      getConnection: async () => connection,
    });

    expect(await screen.findByTestId('kaas-instance-phase')).toHaveTextContent(
      'Cluster in healthy state',
    );
    expect(getInstance).toHaveBeenCalledWith('team-a-dev', 'db');
    expect(screen.getByText('PostgreSQL')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'team-a-dev' })).toHaveAttribute(
      'href',
      '/catalog/default/resource/team-a-dev',
    );
    expect(screen.getByTestId('kaas-condition-Ready')).toHaveTextContent(
      'ClusterIsReady',
    );
    expect(screen.getByText('storageGi')).toBeInTheDocument();
    expect(await screen.findByTestId('kaas-connection-host')).toHaveTextContent(
      'db-rw.t-team-a-dev.svc',
    );
    expect(screen.getByTestId('kaas-connection-port')).toHaveTextContent(
      '5432',
    );
    expect(screen.getByTestId('kaas-connection-username')).toHaveTextContent(
      'app',
    );
    expect(screen.getByTestId('kaas-connection-hidden-keys')).toHaveTextContent(
      'password, uri',
    );
    // The update template opens with the instance and its current plan.
    const change = screen.getByTestId('kaas-change-plan');
    const url = new URL(change.getAttribute('href')!, 'http://app');
    expect(url.pathname).toBe('/create/templates/default/xaas-instance-update');
    expect(JSON.parse(url.searchParams.get('formData')!)).toEqual({
      tenant: 'team-a-dev',
      capability: 'postgresql',
      name: 'db',
      plan: 'small',
    });
  });

  it('reveals the credentials masked, one value at a time, for owners', async () => {
    const readCredentials = jest.fn(async () => ({
      secretName: 'db-app',
      values: { username: 'app', password: 's3cr3t' },
    }));
    await renderInstancePage({
      getInstance: async () => instanceStatus(),
      getConnection: async () => connection,
      readCredentials,
    });

    const reveal = await screen.findByTestId('kaas-reveal-credentials');
    expect(readCredentials).not.toHaveBeenCalled();
    await userEvent.click(reveal);
    expect(readCredentials).toHaveBeenCalledWith('team-a-dev', 'db');

    const password = await screen.findByTestId(
      'kaas-credential-value-password',
    );
    expect(password).not.toHaveTextContent('s3cr3t');
    await userEvent.click(
      screen.getByRole('button', { name: 'Show password' }),
    );
    expect(password).toHaveTextContent('s3cr3t');
    expect(
      screen.getByTestId('kaas-credential-value-username'),
    ).not.toHaveTextContent('app');
    expect(
      screen.getByRole('button', { name: 'Copy password' }),
    ).toBeInTheDocument();

    await userEvent.click(
      screen.getByRole('button', { name: 'Hide password' }),
    );
    expect(password).not.toHaveTextContent('s3cr3t');
  });

  it('tells others why they cannot reveal the credentials', async () => {
    const readCredentials = jest.fn();
    await renderInstancePage(
      {
        getInstance: async () => instanceStatus(),
        getConnection: async () => connection,
        readCredentials,
      },
      { allowed: false },
    );
    expect(
      await screen.findByTestId('kaas-credentials-denied'),
    ).toHaveTextContent(
      'Only members of team-a and platform admins can read the credentials',
    );
    expect(screen.getByTestId('kaas-reveal-credentials')).toBeDisabled();
    expect(readCredentials).not.toHaveBeenCalled();
  });

  it('says whose the connection details are when the backend refuses them (403)', async () => {
    const message =
      "Only members of group:default/team-a and platform admins (group:default/platform-team) may see the connection details of instance 'db' of tenant 'team-a-dev'";
    const refused = Object.assign(new Error('Request failed with 403'), {
      name: 'ResponseError',
      statusCode: 403,
      cause: new Error(message),
    });
    await renderInstancePage(
      {
        getInstance: async () => instanceStatus(),
        getConnection: async () => {
          throw refused;
        },
      },
      { allowed: false },
    );
    expect(
      await screen.findByTestId('kaas-connection-hidden'),
    ).toHaveTextContent(message);
    expect(screen.queryByText(/Could not load/)).toBeNull();
    expect(screen.queryByTestId('kaas-reveal-credentials')).toBeNull();
  });

  it('says the connection is not there yet while the instance is not ready', async () => {
    const notReady = Object.assign(new Error('Request failed with 404'), {
      name: 'ResponseError',
      statusCode: 404,
      cause: new Error(
        'Cluster db does not report status.writeService yet; wait until the instance is ready',
      ),
    });
    await renderInstancePage({
      getInstance: async () =>
        instanceStatus({
          ready: false,
          phase: undefined,
          message: 'condition Ready is False',
          conditions: [],
        }),
      getConnection: async () => {
        throw notReady;
      },
    });
    expect(await screen.findByTestId('kaas-readiness')).toHaveTextContent(
      'Not ready: condition Ready is False',
    );
    expect(screen.getByTestId('kaas-instance-phase')).toHaveTextContent(
      'Provisioning',
    );
    expect(
      await screen.findByText(/wait until the instance is ready/),
    ).toBeInTheDocument();
    expect(screen.queryByTestId('kaas-reveal-credentials')).toBeNull();
  });

  it('shows an error panel when the instance cannot be read', async () => {
    await renderInstancePage({
      getInstance: async () => {
        throw new Error('connection refused');
      },
    });
    expect(
      (await screen.findAllByText(/connection refused/)).length,
    ).toBeGreaterThan(0);
  });
});
