import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { IssuedKubeconfig } from '@kaas-platform/plugin-kaas-common';
import { fakeKaasApi } from '../../__testUtils__/fakeKaasApi';
import { renderWithKaas } from '../../__testUtils__/renderWithKaas';
import { KubeconfigCard } from './KubeconfigCard';

const options = {
  modes: ['token', 'oidc', 'cluster'] as const,
  defaultTtlSeconds: 3600,
  maxTtlSeconds: 8 * 3600,
  minTtlSeconds: 600,
};

const issued: IssuedKubeconfig = {
  tenant: 'team-a-dev',
  cluster: 'local',
  namespace: 't-team-a-dev',
  context: 'team-a-dev@local',
  mode: 'token',
  filename: 'team-a-dev.kubeconfig',
  kubeconfig: 'apiVersion: v1\nkind: Config\n',
  expiresAt: new Date(Date.now() + 4 * 3600_000).toISOString(),
  issuanceId: 'kaas-kubeconfig-0123456789',
  kubectl: 'kubectl --kubeconfig team-a-dev.kubeconfig get pods',
};

function renderCard(
  kaasApi = fakeKaasApi(),
  props: Partial<Parameters<typeof KubeconfigCard>[0]> = {},
  allowed = true,
) {
  return renderWithKaas(
    <KubeconfigCard
      tenant="team-a-dev"
      owner="group:default/team-a"
      modes={['token']}
      {...props}
    />,
    { kaasApi, allowed },
  );
}

describe('KubeconfigCard', () => {
  let saved: Array<{ download: string; blob: Blob }>;
  beforeEach(() => {
    saved = [];
    const blobs = new Map<string, Blob>();
    URL.createObjectURL = jest.fn((blob: Blob) => {
      const url = `blob:test/${blobs.size}`;
      blobs.set(url, blob);
      return url;
    });
    URL.revokeObjectURL = jest.fn();
    jest
      .spyOn(HTMLAnchorElement.prototype, 'click')
      .mockImplementation(function click(this: HTMLAnchorElement) {
        saved.push({ download: this.download, blob: blobs.get(this.href)! });
      });
  });
  afterEach(() => jest.restoreAllMocks());

  it('issues a token kubeconfig with the chosen lifetime, saves it and shows how to use it', async () => {
    const issueKubeconfig = jest.fn(async () => issued);
    const listKubeconfigs = jest
      .fn()
      .mockResolvedValueOnce([])
      .mockResolvedValue([
        {
          id: 'kaas-kubeconfig-0123456789',
          issuedTo: 'user:default/alice',
          issuedAt: new Date().toISOString(),
          expiresAt: issued.expiresAt!,
          mode: 'token',
        },
      ]);
    const kaasApi = fakeKaasApi({
      getKubeconfigOptions: async () => ({
        ...options,
        modes: [...options.modes],
      }),
      issueKubeconfig,
      listKubeconfigs,
    });
    await renderCard(kaasApi);

    await userEvent.click(await screen.findByTestId('kaas-kubeconfig-button'));
    const dialog = within(await screen.findByRole('dialog'));
    const ttl = await dialog.findByLabelText('Valid for');
    // Offered lifetimes stay within the configured bounds; the default is chosen.
    const choices = within(ttl)
      .getAllByRole('option')
      .map(o => o.textContent);
    expect(choices[0]).toBe('10 min');
    expect(choices[choices.length - 1]).toBe('8 h');
    expect(choices).not.toContain('12 h');
    expect(ttl).toHaveValue('3600');
    expect(dialog.getByLabelText('Mode')).toHaveValue('token');
    expect(
      await dialog.findByText('No token kubeconfig of this tenant is in use.'),
    ).toBeInTheDocument();

    fireEvent.change(ttl, { target: { value: String(4 * 3600) } });
    await userEvent.click(dialog.getByTestId('kaas-kubeconfig-download'));

    expect(await dialog.findByTestId('kaas-kubectl-line')).toHaveTextContent(
      'kubectl --kubeconfig team-a-dev.kubeconfig get pods',
    );
    expect(issueKubeconfig).toHaveBeenCalledWith('team-a-dev', {
      mode: 'token',
      ttlSeconds: 4 * 3600,
    });
    expect(saved).toHaveLength(1);
    expect(saved[0].download).toBe('team-a-dev.kubeconfig');
    expect(await saved[0].blob.text()).toBe(issued.kubeconfig);
    expect(dialog.getByTestId('kaas-kubeconfig-expiry')).toHaveTextContent(
      /Expires .* \(in (3 h 59 min|4 h)\)/,
    );
    expect(
      dialog.getByRole('button', { name: 'Copy the kubectl command' }),
    ).toBeInTheDocument();
    // The new issuance shows up in the list.
    expect(await dialog.findByText('alice')).toBeInTheDocument();
  });

  it('offers only the modes the tenant has, without a lifetime for cluster kubeconfigs', async () => {
    const issueKubeconfig = jest.fn(async () => ({
      ...issued,
      mode: 'cluster' as const,
      expiresAt: undefined,
      issuanceId: undefined,
    }));
    const kaasApi = fakeKaasApi({
      getKubeconfigOptions: async () => ({
        ...options,
        modes: [...options.modes],
      }),
      issueKubeconfig,
    });
    await renderCard(kaasApi, { modes: ['cluster'] });
    await userEvent.click(await screen.findByTestId('kaas-kubeconfig-button'));
    const dialog = within(await screen.findByRole('dialog'));
    const mode = await dialog.findByLabelText('Mode');
    expect(within(mode).getAllByRole('option')).toHaveLength(1);
    expect(dialog.queryByLabelText('Valid for')).toBeNull();
    expect(dialog.queryByTestId('kaas-issued-kubeconfigs')).toBeNull();
    await userEvent.click(dialog.getByTestId('kaas-kubeconfig-download'));
    expect(
      await dialog.findByTestId('kaas-kubeconfig-expiry'),
    ).toHaveTextContent('Does not expire here');
    expect(issueKubeconfig).toHaveBeenCalledWith('team-a-dev', {
      mode: 'cluster',
    });
  });

  it("shows the backend's refusal when issuing fails", async () => {
    const refusal = Object.assign(
      new Error('Request failed with 403 Forbidden'),
      {
        name: 'ResponseError',
        statusCode: 403,
        cause: new Error('You are not a member of group:default/team-a'),
      },
    );
    const kaasApi = fakeKaasApi({
      getKubeconfigOptions: async () => ({
        ...options,
        modes: [...options.modes],
      }),
      issueKubeconfig: async () => {
        throw refusal;
      },
      listKubeconfigs: async () => [],
    });
    await renderCard(kaasApi);
    await userEvent.click(await screen.findByTestId('kaas-kubeconfig-button'));
    const dialog = within(await screen.findByRole('dialog'));
    await userEvent.click(
      await dialog.findByTestId('kaas-kubeconfig-download'),
    );
    expect(
      await dialog.findByTestId('kaas-kubeconfig-error'),
    ).toHaveTextContent('You are not a member of group:default/team-a');
    expect(saved).toHaveLength(0);
  });

  it('revokes all token kubeconfigs only after confirmation', async () => {
    const revokeKubeconfigs = jest.fn(async () => ({ revoked: 2 }));
    const issuance = (id: string, user: string) => ({
      id,
      issuedTo: user,
      issuedAt: new Date().toISOString(),
      expiresAt: new Date(Date.now() + 3600_000).toISOString(),
      mode: 'token' as const,
    });
    const listKubeconfigs = jest
      .fn()
      .mockResolvedValueOnce([
        issuance('a', 'user:default/alice'),
        issuance('b', 'user:default/carol'),
      ])
      .mockResolvedValue([]);
    const kaasApi = fakeKaasApi({
      getKubeconfigOptions: async () => ({
        ...options,
        modes: [...options.modes],
      }),
      listKubeconfigs,
      revokeKubeconfigs,
    });
    await renderCard(kaasApi);
    await userEvent.click(await screen.findByTestId('kaas-kubeconfig-button'));
    expect(await screen.findByText('carol')).toBeInTheDocument();

    // Cancel leaves them alone.
    await userEvent.click(screen.getByTestId('kaas-kubeconfig-revoke-all'));
    const confirm = within(
      await screen.findByRole('dialog', {
        name: 'Revoke all kubeconfigs of team-a-dev?',
      }),
    );
    expect(confirm.getByText(/The 2 token kubeconfigs/)).toBeInTheDocument();
    await userEvent.click(confirm.getByRole('button', { name: 'Cancel' }));
    await waitFor(() =>
      expect(
        screen.queryByRole('dialog', {
          name: 'Revoke all kubeconfigs of team-a-dev?',
        }),
      ).toBeNull(),
    );
    expect(revokeKubeconfigs).not.toHaveBeenCalled();

    await userEvent.click(screen.getByTestId('kaas-kubeconfig-revoke-all'));
    await userEvent.click(
      await screen.findByTestId('kaas-kubeconfig-revoke-confirm'),
    );
    expect(
      await screen.findByTestId('kaas-kubeconfig-revoked'),
    ).toHaveTextContent('Revoked 2 kubeconfigs');
    expect(revokeKubeconfigs).toHaveBeenCalledWith('team-a-dev');
    expect(
      await screen.findByText('No token kubeconfig of this tenant is in use.'),
    ).toBeInTheDocument();
  });

  it('keeps the button disabled for others, with the reason as caption', async () => {
    await renderCard(fakeKaasApi(), {}, false);
    expect(
      await screen.findByTestId('kaas-kubeconfig-denied'),
    ).toHaveTextContent(
      'Only members of team-a and platform admins can download a kubeconfig',
    );
    expect(screen.getByTestId('kaas-kubeconfig-button')).toBeDisabled();
  });
});
