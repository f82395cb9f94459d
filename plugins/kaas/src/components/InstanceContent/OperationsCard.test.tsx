import { screen, within } from '@testing-library/react';
import type { InstanceOperationsInfo } from '@kaas-platform/plugin-kaas-common';
import { instanceStatus } from '../../__testUtils__/fakeKaasApi';
import {
  instanceEntity,
  renderOnEntityPage,
} from '../../__testUtils__/renderWithKaas';
import { EntityKaasInstanceContent } from './EntityKaasInstanceContent';

const operations = (
  overrides: Partial<InstanceOperationsInfo> = {},
): InstanceOperationsInfo => ({
  operations: [
    {
      name: 'backup',
      title: 'Back up now',
      description: 'An on-demand backup',
      parameters: { type: 'object', properties: {} },
      runBy: 'owners',
      mayRun: true,
    },
    {
      name: 'backup-schedule',
      title: 'Schedule backups',
      parameters: { type: 'object', properties: {} },
      runBy: 'owners',
      mayRun: true,
    },
    {
      name: 'restore',
      title: 'Restore',
      parameters: { type: 'object', properties: {} },
      runBy: 'admins',
      mayRun: false,
    },
  ],
  history: [
    {
      operation: 'backup',
      run: 'backup-20261202-031500-k3x',
      apiVersion: 'postgresql.cnpg.io/v1',
      kind: 'Backup',
      name: 'db-backup-20261202-031500-k3x',
      phase: 'running',
      ready: false,
      createdAt: '2026-12-02T03:15:00.000Z',
    },
    {
      operation: 'backup-schedule',
      run: 'nightly',
      apiVersion: 'postgresql.cnpg.io/v1',
      kind: 'ScheduledBackup',
      name: 'db-schedule',
      phase: 'Done',
      ready: true,
      createdAt: '2026-12-01T09:00:00.000Z',
    },
  ],
  ...overrides,
});

const renderPage = (
  getInstanceOperations: () => Promise<InstanceOperationsInfo>,
) =>
  renderOnEntityPage(<EntityKaasInstanceContent />, instanceEntity, {
    getInstance: async () => instanceStatus(),
    getConnection: async () => ({
      host: 'db-rw.t-team-a-dev.svc',
      port: 5432,
      secretName: 'db-app',
      shownValues: {},
      hiddenKeys: [],
    }),
    getInstanceOperations,
  });

describe('Operations card of the Instance tab', () => {
  it("offers a button for each operation the user may run, opening that operation's generated template with the tenant and instance filled in, and lists the history", async () => {
    const getInstanceOperations = jest.fn(async () => operations());
    await renderPage(getInstanceOperations);

    const backup = await screen.findByTestId('kaas-operation-backup');
    expect(getInstanceOperations).toHaveBeenCalledWith('team-a-dev', 'db');
    expect(backup).toHaveTextContent('Back up now');
    const url = new URL(backup.getAttribute('href')!, 'http://app');
    expect(url.pathname).toBe(
      '/create/templates/default/xaas-postgresql-op-backup',
    );
    expect(JSON.parse(url.searchParams.get('formData')!)).toEqual({
      tenant: 'team-a-dev',
      name: 'db',
    });
    const schedule = screen.getByTestId('kaas-operation-backup-schedule');
    expect(schedule).toHaveTextContent('Schedule backups');
    const scheduleUrl = new URL(schedule.getAttribute('href')!, 'http://app');
    expect(scheduleUrl.pathname).toBe(
      '/create/templates/default/xaas-postgresql-op-backup-schedule',
    );
    expect(JSON.parse(scheduleUrl.searchParams.get('formData')!)).toEqual({
      tenant: 'team-a-dev',
      name: 'db',
    });
    // Not the user's to run: named, without a button.
    expect(screen.queryByTestId('kaas-operation-restore')).toBeNull();
    expect(screen.getByTestId('kaas-operations-not-allowed')).toHaveTextContent(
      'Restore: platform admins only.',
    );

    const table = screen.getByRole('table', { name: 'Operation history' });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows.map(row => row.textContent)).toEqual([
      expect.stringMatching(
        /^Back up nowbackup-20261202-031500-k3xBackup db-backup-20261202-031500-k3xrunning/,
      ),
      expect.stringMatching(
        /^Schedule backupsnightlyScheduledBackup db-scheduleDone/,
      ),
    ]);
    expect(
      screen.getByTestId('kaas-operation-phase-db-schedule'),
    ).toHaveTextContent('Done');
  });

  it('says so when no operation has run yet', async () => {
    await renderPage(async () => operations({ history: [] }));
    expect(
      await screen.findByText('No operation has run on this instance yet.'),
    ).toBeInTheDocument();
  });

  it('shows nothing for a capability without operations', async () => {
    const getInstanceOperations = jest.fn(async () =>
      operations({ operations: [], history: [] }),
    );
    await renderPage(getInstanceOperations);
    await screen.findByTestId('kaas-instance-phase');
    expect(getInstanceOperations).toHaveBeenCalled();
    expect(screen.queryByText('Operations')).toBeNull();
  });
});
