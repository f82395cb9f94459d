import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { TenantDrift } from '@kaas-platform/plugin-kaas-common';
import { fakeKaasApi } from '../../__testUtils__/fakeKaasApi';
import { renderWithKaas } from '../../__testUtils__/renderWithKaas';
import { DriftCard } from './DriftCard';

const drifted: TenantDrift = {
  type: 'Drifted',
  status: 'True',
  reason: 'EditedByHand',
  message: '…',
  objects: [
    {
      object: "ResourceQuota 't-team-a-dev/tenant-quota'",
      state: 'changed',
      fields: [{ path: 'spec.hard.pods', live: '"500"', policy: '"20"' }],
      editedBy: ['kubectl-edit'],
    },
    {
      object: "RoleBinding 't-team-a-dev/tenant-owner-admin'",
      state: 'deleted',
      fields: [],
      editedBy: [],
    },
  ],
};

const plan = {
  tenant: 'team-a-dev',
  dryRun: true,
  changes: [
    {
      object: "ResourceQuota 't-team-a-dev/tenant-quota'",
      path: 'spec.hard.pods',
      from: '"500"',
      to: '"20"',
    },
    {
      object: "RoleBinding 't-team-a-dev/tenant-owner-admin'",
      path: '',
      to: 'created',
    },
  ],
};

describe('DriftCard', () => {
  it('names each drifted object and field, and repairs after showing what a dry run would put back', async () => {
    const repairTenant = jest.fn(
      async (_tenant: string, options?: { dryRun?: boolean }) =>
        options?.dryRun ? plan : { ...plan, dryRun: false },
    );
    await renderWithKaas(
      <DriftCard
        tenant="team-a-dev"
        owner="group:default/team-a"
        drift={drifted}
      />,
      { kaasApi: fakeKaasApi({ repairTenant }) },
    );
    expect(screen.getByTestId('kaas-drift')).toHaveTextContent(
      'Changed by hand: 2 object(s)',
    );
    const rows = screen.getAllByTestId('kaas-drifted-object');
    expect(rows[0]).toHaveTextContent(
      'spec.hard.pods: "500", the policy says "20"',
    );
    expect(rows[0]).toHaveTextContent('kubectl-edit');
    expect(rows[1]).toHaveTextContent('deleted');

    await userEvent.click(await screen.findByTestId('kaas-repair-button'));
    const dialog = await screen.findByTestId('kaas-repair-dialog');
    await waitFor(() =>
      expect(dialog).toHaveTextContent(
        "RoleBinding 't-team-a-dev/tenant-owner-admin' is created again",
      ),
    );
    expect(repairTenant).toHaveBeenCalledWith('team-a-dev', { dryRun: true });
    expect(repairTenant).toHaveBeenCalledTimes(1);

    await userEvent.click(screen.getByTestId('kaas-repair-confirm'));
    await waitFor(() =>
      expect(screen.getByTestId('kaas-repair-dialog')).toHaveTextContent(
        'Put back 2 field(s)',
      ),
    );
    expect(repairTenant).toHaveBeenLastCalledWith('team-a-dev');
  });

  it('shows the button disabled, and why, to those who are not owners or platform admins', async () => {
    await renderWithKaas(
      <DriftCard
        tenant="team-a-dev"
        owner="group:default/team-a"
        drift={drifted}
      />,
      { kaasApi: fakeKaasApi(), allowed: false },
    );
    await waitFor(() =>
      expect(screen.getByTestId('kaas-repair-button')).toBeDisabled(),
    );
  });

  it('says a tenant as rendered is so, without a button', async () => {
    await renderWithKaas(
      <DriftCard
        tenant="team-a-dev"
        drift={{
          type: 'Drifted',
          status: 'False',
          reason: 'AsRendered',
          message: '',
          objects: [],
        }}
      />,
      { kaasApi: fakeKaasApi() },
    );
    expect(screen.getByTestId('kaas-drift')).toHaveTextContent(
      "As today's policy renders it",
    );
    expect(screen.queryByTestId('kaas-repair-button')).toBeNull();
  });
});
