import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import {
  scaffolderActionsExtensionPoint,
  type TemplateAction,
} from '@backstage/plugin-scaffolder-node';
import { uniqueName } from '@internal/kaas-test-cluster';
import {
  demoUserInfo,
  runAction,
  testConfig,
} from './__testUtils__/tenantTestEnvironment';
import { scaffolderModuleKaas } from './module';

describe('scaffolderModuleKaas in a backend, with services from kaas-node and the local control plane', () => {
  it('gives the scaffolder the tenant and instance actions, wired to working services', async () => {
    const actions: TemplateAction<any, any, any>[] = [];
    const backend = await startTestBackend({
      extensionPoints: [
        [
          scaffolderActionsExtensionPoint,
          { addActions: (...added: any[]) => actions.push(...added) },
        ],
      ],
      features: [
        scaffolderModuleKaas,
        mockServices.rootConfig.factory({ data: testConfig().get() }),
        mockServices.userInfo.mock(demoUserInfo()).factory,
      ],
    });
    try {
      expect(actions.map(a => a.id)).toEqual([
        'kaas:tenant:create',
        'kaas:tenant:update',
        'kaas:tenant:reconcile',
        'kaas:tenant:repair',
        'kaas:tenant:wait',
        'kaas:tenant:delete',
        'kaas:tenant:transfer',
        'xaas:instance:create',
        'xaas:instance:update',
        'xaas:instance:operate',
        'xaas:instance:wait',
        'xaas:instance:delete',
      ]);
      const create = actions[0];
      expect(create.supportsDryRun).toBe(true);
      expect(create.examples?.length).toBeGreaterThan(0);

      const name = uniqueName('module');
      const { outputs } = await runAction(
        create,
        {
          name,
          owner: 'group:default/team-a',
          isolation: 'namespace',
          profile: 'small',
        },
        { as: 'alice', dryRun: true },
      );
      expect(outputs).toMatchObject({
        tenant: name,
        cluster: 'local',
        statusUrl: `http://localhost:3000/catalog/default/resource/${name}/kaas`,
      });
    } finally {
      await backend.stop();
    }
  });
});
