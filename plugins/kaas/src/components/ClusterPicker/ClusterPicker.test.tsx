import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { fireEvent, screen, within } from '@testing-library/react';
import { kaasApiRef } from '../../api/KaasApi';
import { fakeKaasApi } from '../../__testUtils__/fakeKaasApi';
import { ClusterPicker } from './ClusterPicker';

const kaasApi = fakeKaasApi({
  listClusters: async () => [
    { name: 'shared-eu', title: 'Shared EU', roles: ['tenants', 'xaas'] },
    { name: 'mgmt', title: 'Management', roles: ['management'] },
  ],
});

function renderPicker(role: string | undefined, onChange = jest.fn()) {
  const props = {
    formData: undefined,
    onChange,
    schema: { title: 'Cluster', description: 'Where the tenant lives' },
    uiSchema: role ? { 'ui:options': { role } } : {},
    required: true,
    rawErrors: [],
    idSchema: { $id: 'root_cluster' },
  } as any;
  return renderInTestApp(
    <TestApiProvider apis={[[kaasApiRef, kaasApi]]}>
      <ClusterPicker {...props} />
    </TestApiProvider>,
  );
}

describe('ClusterPicker', () => {
  it('offers only clusters with the asked role and fills in a single choice', async () => {
    const onChange = jest.fn();
    await renderPicker('management', onChange);
    expect(
      await screen.findByText('Where the tenant lives'),
    ).toBeInTheDocument();
    expect(onChange).toHaveBeenCalledWith('mgmt');
  });

  it('lists every cluster without a role', async () => {
    await renderPicker(undefined);
    fireEvent.mouseDown(await screen.findByRole('button'));
    const listbox = within(await screen.findByRole('listbox'));
    expect(listbox.getByText('Shared EU')).toBeInTheDocument();
    expect(listbox.getByText('Management')).toBeInTheDocument();
  });

  it('says so when no cluster has the role', async () => {
    await renderPicker('nothing');
    expect(
      await screen.findByText(
        /No cluster with the role 'nothing' is configured/,
      ),
    ).toBeInTheDocument();
  });
});
