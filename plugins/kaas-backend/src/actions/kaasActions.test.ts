import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  CoreV1Api,
  PatchStrategy,
  setHeaderOptions,
} from '@kubernetes/client-node';
import {
  adminKubeConfig,
  uniqueName,
  waitFor,
} from '@internal/kaas-test-cluster';
import request from 'supertest';
import {
  cacheCapability,
  CapturingRootLogger,
  credentialRoutesConfig,
  credentialRoutesConfigReader,
  tenantsOver,
} from '../__testUtils__/credentialRoutesBackend';
import { kaasPlugin } from '../plugin';

const GROUPS: Record<string, string[]> = {
  'user:default/alice': ['group:default/team-a'],
  'user:default/bob': ['group:default/team-b'],
  'user:default/petra': ['group:default/platform-team'],
};

const userRefOf = (credentials: { principal: unknown }) =>
  (credentials.principal as { userEntityRef?: string }).userEntityRef ?? '';

/** Bob may not delete tenants (as `kaas.platformAdminOnlyPermissions` would say); all else is allowed. */
const permissions = mockServices.permissions.mock({
  authorize: async (queries, options) =>
    queries.map(query => ({
      result:
        query.permission.name === 'kaas.tenant.delete' &&
        userRefOf(options!.credentials) === 'user:default/bob'
          ? AuthorizeResult.DENY
          : AuthorizeResult.ALLOW,
    })),
});

const userInfo = mockServices.userInfo.mock({
  getUserInfo: async credentials => {
    const userEntityRef = userRefOf(credentials);
    return {
      userEntityRef,
      ownershipEntityRefs: [userEntityRef, ...(GROUPS[userEntityRef] ?? [])],
    };
  },
});

/** The route tests' configuration, and a capability whose operator is not installed. */
const actionsConfig = {
  ...credentialRoutesConfig(),
  capabilities: {
    ...credentialRoutesConfig().capabilities,
    queue: {
      ...cacheCapability(),
      title: 'Queue',
      operator: {
        name: 'Queue',
        deployment: { namespace: 'queue-system', name: 'queue-operator' },
      },
    },
  },
};

const ACTIONS = '/api/kaas/.backstage/actions/v1/actions';
const as = (user: string) =>
  mockCredentials.user.header(`user:default/${user}`);

describe('kaas actions in the Actions Registry, against the local control plane', () => {
  const logger = new CapturingRootLogger();
  const tenant = uniqueName('act');
  const secretValue = 'never-in-an-action-output';
  let server: Parameters<typeof request>[0];
  const { tenants } = tenantsOver(credentialRoutesConfigReader());

  const invoke = (user: string, action: string, input: object) =>
    request(server)
      .post(`${ACTIONS}/kaas:${action}/invoke`)
      .set('Authorization', as(user))
      .send(input);

  beforeAll(async () => {
    const backend = await startTestBackend({
      features: [
        kaasPlugin,
        mockServices.rootConfig.factory({
          data: {
            app: { baseUrl: 'http://localhost:3000' },
            kaas: actionsConfig as any,
          },
        }),
        createServiceFactory({
          service: coreServices.rootLogger,
          deps: {},
          factory: () => logger,
        }),
        permissions.factory,
        userInfo.factory,
      ],
    });
    server = backend.server;
  });

  afterAll(async () => {
    if (await tenants.get(tenant)) {
      await tenants.delete(tenant, { deleteInstances: true });
    }
  });

  it('lists every platform action with honest attributes, and no kubeconfig or credential action', async () => {
    const response = await request(server)
      .get(ACTIONS)
      .set('Authorization', as('alice'));
    expect(response.status).toBe(200);
    const attributes = Object.fromEntries(
      response.body.actions.map((a: any) => [a.id, a.attributes]),
    );
    const read = { readOnly: true, idempotent: true, destructive: false };
    const write = { readOnly: false, idempotent: true, destructive: false };
    const destroy = { readOnly: false, idempotent: true, destructive: true };
    expect(attributes).toEqual({
      'kaas:list-tenants': read,
      'kaas:get-tenant-status': read,
      'kaas:explain-tenant-not-ready': read,
      'kaas:list-capabilities': read,
      'kaas:list-tenant-instances': read,
      'kaas:get-instance-status': read,
      'kaas:get-operator-health': read,
      'kaas:create-tenant': write,
      'kaas:create-instance': write,
      'kaas:repair-tenant': write,
      'kaas:delete-tenant': destroy,
      'kaas:delete-instance': destroy,
      'kaas:update-tenant': write,
      'kaas:update-instance': write,
      'kaas:operate-instance': { ...write, idempotent: false },
    });
    for (const action of response.body.actions) {
      expect(action.description).toMatch(/\S/);
      expect(action.schema.input.type).toBe('object');
    }
  });

  it('hides an action from a caller the policy denies its permission, and refuses to run it', async () => {
    const response = await request(server)
      .get(ACTIONS)
      .set('Authorization', as('bob'));
    const ids = response.body.actions.map((a: any) => a.id);
    expect(ids).not.toContain('kaas:delete-tenant');
    expect(ids).toContain('kaas:delete-instance');
    const refused = await invoke('bob', 'delete-tenant', {
      tenant,
      confirm: tenant,
    });
    expect(refused.status).toBe(404);
  });

  it('creates a tenant for alice: a dry run writes nothing, then the tenant is made and shown', async () => {
    const input = {
      name: tenant,
      owner: 'group:default/team-a',
      isolation: 'namespace',
      profile: 'small',
    };
    const dry = await invoke('alice', 'create-tenant', {
      ...input,
      dryRun: true,
    });
    expect(dry.status).toBe(200);
    expect(dry.body.output).toMatchObject({ tenant, dryRun: true });
    expect(await tenants.get(tenant)).toBeUndefined();

    const created = await invoke('alice', 'create-tenant', input);
    expect(created.status).toBe(200);
    expect(created.body.output).toMatchObject({
      tenant,
      namespace: `t-${tenant}`,
      isolation: 'namespace',
      entityRef: `resource:default/${tenant}`,
      statusUrl: `http://localhost:3000/catalog/default/resource/${tenant}/kaas`,
      dryRun: false,
    });
    expect(created.body.output.objects).toContainEqual(
      expect.objectContaining({ kind: 'Namespace', action: 'created' }),
    );

    const mine = await waitFor(
      async () => {
        const listed = await invoke('alice', 'list-tenants', { mine: true });
        return listed.body.output.tenants.find((t: any) => t.name === tenant);
      },
      { timeoutMs: 30_000, describe: () => 'the tenant in the inventory' },
    );
    expect(mine).toMatchObject({ owner: 'group:default/team-a' });
    const bobs = await invoke('bob', 'list-tenants', { mine: true });
    expect(bobs.body.output.tenants.map((t: any) => t.name)).not.toContain(
      tenant,
    );
    const status = await invoke('alice', 'get-tenant-status', { tenant });
    expect(status.status).toBe(200);
    expect(status.body.output.status).toMatchObject({
      name: tenant,
      eventsHidden: false,
    });
    expect(
      (await invoke('bob', 'get-tenant-status', { tenant })).body.output.status
        .eventsHidden,
    ).toBe(true);
  });

  it('refuses a service token every write, and shows it no owner-only detail', async () => {
    const service = mockCredentials.service.header();
    const call = (action: string, input: object) =>
      request(server)
        .post(`${ACTIONS}/kaas:${action}/invoke`)
        .set('Authorization', service)
        .send(input);
    const create = await call('create-instance', {
      tenant,
      capability: 'cache',
      name: 'from-ci',
      plan: 'small',
    });
    expect(create.status).toBe(403);
    expect(create.body.error.message).toMatch(
      /Service '.+' may not act for group:default\/team-a/,
    );
    expect(
      (await call('delete-tenant', { tenant, confirm: tenant })).status,
    ).toBe(403);
    // The day-2 writes and the admin read refuse a service as well.
    for (const [action, input] of [
      ['repair-tenant', { name: tenant }],
      [
        'update-tenant',
        {
          name: tenant,
          owner: 'group:default/team-a',
          isolation: 'namespace',
          profile: 'small',
        },
      ],
      ['operate-instance', { tenant, name: 'none', operation: 'snapshot' }],
      ['get-operator-health', {}],
    ] as const) {
      const refused = await call(action, input);
      expect({ action, status: refused.status }).toEqual({
        action,
        status: action === 'operate-instance' ? 404 : 403,
      });
    }
    expect((await call('list-tenants', { mine: true })).status).toBe(400);
    const status = await call('get-tenant-status', { tenant });
    expect(status.body.output.status.eventsHidden).toBe(true);
    expect(await tenants.get(tenant)).toBeDefined();
  });

  it("refuses bob in alice's tenant, and leaves nothing behind", async () => {
    const refused = await invoke('bob', 'create-instance', {
      tenant,
      capability: 'cache',
      name: 'bobs',
      plan: 'small',
    });
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toMatch(
      /user:default\/bob is not a member of group:default\/team-a/,
    );
    expect(
      await tenants
        .get(tenant)
        .then(() =>
          invoke('alice', 'get-instance-status', { tenant, instance: 'bobs' }),
        )
        .then(r => r.status),
    ).toBe(404);
    const deleting = await invoke('bob', 'delete-instance', {
      tenant,
      name: 'bobs',
      confirm: `${tenant}/bobs`,
    });
    // Nothing to delete is success: no instance of that name exists.
    expect(deleting.status).toBe(200);
  });

  it.each([
    [
      'a tenant name that is no DNS label',
      'create-tenant',
      {
        name: 'Team_A',
        owner: 'team-a',
        isolation: 'namespace',
        profile: 'small',
      },
      /name/,
    ],
    [
      'an unknown profile',
      'create-tenant',
      {
        name: 'x-prof',
        owner: 'team-a',
        isolation: 'namespace',
        profile: 'huge',
      },
      /profile/,
    ],
    [
      'YAML in a label value',
      'create-tenant',
      {
        name: 'x-yaml',
        owner: 'team-a',
        isolation: 'namespace',
        profile: 'small',
        labels: { 'example.com/team': 'a\nkind: ClusterRoleBinding' },
      },
      /label/,
    ],
    [
      'an isolation level that does not exist',
      'create-tenant',
      { name: 'x-iso', owner: 'team-a', isolation: 'pod', profile: 'small' },
      /isolation/,
    ],
    [
      'a field the action does not have (a typo of name)',
      'create-tenant',
      { namespace: 'x-typo', owner: 'team-a', profile: 'small' },
      /namespace/,
    ],
    [
      'an unknown capability',
      'create-instance',
      { tenant: 'whatever', capability: 'oracle', name: 'db', plan: 'small' },
      /capability/,
    ],
    [
      'a parameter the schema does not have',
      'create-instance',
      {
        tenant: 'whatever',
        capability: 'cache',
        name: 'db',
        plan: 'small',
        parameters: { replicas: 3 },
      },
      /replicas/,
    ],
    [
      'a wrong confirmation of an instance deletion',
      'delete-instance',
      { tenant: 'whatever', name: 'db', confirm: 'db' },
      /confirm: type whatever\/db/,
    ],
    [
      'a wrong confirmation of a tenant deletion',
      'delete-tenant',
      { tenant: 'whatever', confirm: 'yes' },
      /confirm: type whatever/,
    ],
  ])(
    'answers %s with a 400 that says what to change',
    async (_, action, input, message) => {
      const response = await invoke('alice', action, input);
      expect(response.status).toBe(400);
      expect(response.body.error.message).toMatch(message);
    },
  );

  it('creates an instance for alice, shows where it is and never a secret value, and deletes it', async () => {
    const created = await invoke('alice', 'create-instance', {
      tenant,
      capability: 'cache',
      name: 'sessions',
      plan: 'small',
    });
    expect(created.status).toBe(200);
    expect(created.body.output).toMatchObject({
      instance: `${tenant}/sessions`,
      connection: {
        secretName: 'sessions-app',
        host: `sessions-rw.t-${tenant}.svc`,
        port: 6379,
        showKeys: ['username'],
      },
    });
    // The operator's Secret, with a value no action may return.
    await adminKubeConfig()
      .makeApiClient(CoreV1Api)
      .createNamespacedSecret({
        namespace: `t-${tenant}`,
        body: {
          metadata: { name: 'sessions-app' },
          stringData: { username: 'app', password: secretValue },
        },
      });
    const status = await waitFor(
      async () => {
        const r = await invoke('alice', 'get-instance-status', {
          tenant,
          instance: 'sessions',
        });
        return r.status === 200 && r.body.output.instance.ready ? r : undefined;
      },
      { timeoutMs: 30_000, describe: () => 'the instance ready' },
    );
    const listed = await invoke('alice', 'list-tenant-instances', { tenant });
    const explained = await invoke('alice', 'explain-tenant-not-ready', {
      tenant,
    });
    expect(explained.body.output).toMatchObject({ ready: true, reasons: [] });
    for (const body of [created.body, status.body, listed.body]) {
      expect(JSON.stringify(body)).not.toContain(secretValue);
    }

    const deleted = await invoke('alice', 'delete-instance', {
      tenant,
      name: 'sessions',
      confirm: `${tenant}/sessions`,
    });
    expect(deleted.status).toBe(200);
    expect(deleted.body.output).toEqual({
      instance: `${tenant}/sessions`,
      deleted: true,
      dryRun: false,
    });
  });

  it("repairs a tenant's hand-edited policy through repair-tenant: the dry run lists it, bob is refused, audited", async () => {
    const namespace = `t-${tenant}`;
    const core = adminKubeConfig().makeApiClient(CoreV1Api);
    await core.patchNamespacedResourceQuota(
      {
        name: 'tenant-quota',
        namespace,
        body: { spec: { hard: { pods: '500' } } },
      },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    await core.deleteNamespacedLimitRange({ name: 'tenant-limits', namespace });
    const handEdited = async () => ({
      pods: (
        await core.readNamespacedResourceQuota({
          name: 'tenant-quota',
          namespace,
        })
      ).spec?.hard?.pods,
      limits: (await core.listNamespacedLimitRange({ namespace })).items.map(
        l => l.metadata?.name,
      ),
    });
    const changes = [
      {
        object: `ResourceQuota '${namespace}/tenant-quota'`,
        path: 'spec.hard.pods',
        from: '"500"',
        to: '"10"',
      },
      {
        object: `LimitRange '${namespace}/tenant-limits'`,
        path: '',
        to: 'created',
      },
    ];

    const dry = await invoke('alice', 'repair-tenant', {
      name: tenant,
      dryRun: true,
    });
    expect(dry.status).toBe(200);
    expect(dry.body.output).toEqual({ tenant, dryRun: true, changes });
    expect(await handEdited()).toEqual({ pods: '500', limits: [] });

    const bob = await invoke('bob', 'repair-tenant', { name: tenant });
    expect(bob.status).toBe(403);
    expect(bob.body.error.message).toMatch(
      /user:default\/bob is not a member of group:default\/team-a/,
    );
    expect(await handEdited()).toEqual({ pods: '500', limits: [] });
    const extra = await invoke('alice', 'repair-tenant', {
      name: tenant,
      force: true,
    });
    expect(extra.status).toBe(400);

    const done = await invoke('alice', 'repair-tenant', { name: tenant });
    expect(done.status).toBe(200);
    expect(done.body.output).toEqual({ tenant, dryRun: false, changes });
    expect(await handEdited()).toEqual({
      pods: '10',
      limits: ['tenant-limits'],
    });
    expect(
      (await invoke('alice', 'repair-tenant', { name: tenant })).body.output
        .changes,
    ).toEqual([]);
    const seen = logger
      .auditEvents()
      .filter(
        e =>
          e.eventId === 'action-invocation' &&
          e.meta.actionId === 'kaas:repair-tenant',
      )
      .map(e => [e.meta.caller, e.meta.dryRun, e.status]);
    expect(seen).toEqual(
      expect.arrayContaining([
        ['user:default/alice', true, 'succeeded'],
        ['user:default/bob', false, 'failed'],
        ['user:default/alice', false, 'succeeded'],
      ]),
    );
  });

  it("lists the operators' health for a platform admin only", async () => {
    const petra = await invoke('petra', 'get-operator-health', {});
    expect(petra.status).toBe(200);
    expect(petra.body.output.items).toEqual([
      {
        capability: 'cache',
        title: 'Cache',
        owner: 'group:default/platform-team',
        cluster: 'local',
        kinds: [],
        problems: [],
      },
      {
        capability: 'queue',
        title: 'Queue',
        owner: 'group:default/platform-team',
        operator: 'Queue',
        cluster: 'local',
        deployment: { present: false },
        kinds: [],
        problems: [
          "Queue operator Deployment (queue-system/queue-operator) is not on cluster 'local'",
        ],
      },
    ]);
    const alice = await invoke('alice', 'get-operator-health', {});
    expect(alice.status).toBe(403);
    expect(alice.body.error.message).toBe(
      "Only platform admins (group:default/platform-team) may see the operators' health",
    );
    const extra = await invoke('petra', 'get-operator-health', {
      cluster: 'local',
    });
    expect(extra.status).toBe(400);
  });

  it('says to every developer in list-capabilities what stops new instances, naming who runs the capability', async () => {
    const res = await invoke('alice', 'list-capabilities', {});
    expect(res.status).toBe(200);
    const byId = Object.fromEntries(
      res.body.output.capabilities.map((c: { id: string }) => [c.id, c]),
    );
    expect(byId.queue.operatorProblems).toEqual([
      "Queue operator Deployment (queue-system/queue-operator) is not on cluster 'local'; the capability is run by group:default/platform-team",
    ]);
    expect(byId.cache.operatorProblems).toBeUndefined();
  });

  it('changes a tenant through update-tenant: the dry run lists what differs, bob is refused', async () => {
    const input = {
      name: tenant,
      owner: 'group:default/team-a',
      isolation: 'namespace',
      profile: 'small',
      labels: { 'example.com/team': 'checkout' },
    };
    const dry = await invoke('alice', 'update-tenant', {
      ...input,
      dryRun: true,
    });
    expect(dry.status).toBe(200);
    expect(dry.body.output.changes).toContainEqual(
      expect.objectContaining({
        object: `Namespace 't-${tenant}'`,
        path: 'metadata.labels.example.com/team',
        to: '"checkout"',
      }),
    );
    const refused = await invoke('bob', 'update-tenant', input);
    expect(refused.status).toBe(403);
    const done = await invoke('alice', 'update-tenant', input);
    expect(done.status).toBe(200);
    expect(
      (await invoke('alice', 'update-tenant', input)).body.output.changes,
    ).toEqual([]);
  });

  it('runs a day-2 operation through operate-instance: strict input, bob and an admins-only operation refused, the same runName re-applied, audited', async () => {
    expect(
      (
        await invoke('alice', 'create-instance', {
          tenant,
          capability: 'cache',
          name: 'ops',
          plan: 'small',
        })
      ).status,
    ).toBe(200);
    const input = {
      tenant,
      name: 'ops',
      operation: 'mark',
      parameters: { holder: 'alice' },
      runName: 'r1',
    };
    const dry = await invoke('alice', 'operate-instance', {
      ...input,
      dryRun: true,
    });
    expect(dry.status).toBe(200);
    expect(dry.body.output.objects).toEqual([
      { kind: 'Secret', name: 'ops-r1', action: 'dry-run' },
    ]);
    const done = await invoke('alice', 'operate-instance', {
      ...input,
      wait: true,
    });
    expect(done.status).toBe(200);
    expect(done.body.output).toEqual({
      instance: `${tenant}/ops`,
      operation: 'mark',
      run: 'r1',
      dryRun: false,
      objects: [{ kind: 'Secret', name: 'ops-r1', action: 'created' }],
      ready: true,
    });
    const again = await invoke('alice', 'operate-instance', input);
    expect(again.body.output.objects).toEqual([
      { kind: 'Secret', name: 'ops-r1', action: 'unchanged' },
    ]);

    const bob = await invoke('bob', 'operate-instance', input);
    expect(bob.status).toBe(403);
    const flush = await invoke('alice', 'operate-instance', {
      tenant,
      name: 'ops',
      operation: 'flush',
    });
    expect(flush.status).toBe(403);
    expect(flush.body.error.message).toContain(
      "Only platform admins (group:default/platform-team) may run operation 'flush'",
    );
    const unknown = await invoke('alice', 'operate-instance', {
      tenant,
      name: 'ops',
      operation: 'restart',
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toContain(
      "no operation 'restart'; choose one of: mark, flush",
    );
    const extra = await invoke('alice', 'operate-instance', {
      ...input,
      force: true,
    });
    expect(extra.status).toBe(400);
    const badParameter = await invoke('alice', 'operate-instance', {
      ...input,
      runName: 'r2',
      parameters: { holder: 'Alice!' },
    });
    expect(badParameter.status).toBe(400);
    expect(badParameter.body.error.message).toContain(
      "parameter 'holder' must match pattern",
    );

    const runs = await adminKubeConfig()
      .makeApiClient(CoreV1Api)
      .listNamespacedSecret({
        namespace: `t-${tenant}`,
        labelSelector: 'kaas.internal/instance=ops',
      });
    expect(runs.items.map(r => r.metadata?.name)).toEqual(['ops-r1']);
    const seen = logger
      .auditEvents()
      .filter(
        e =>
          e.eventId === 'action-invocation' &&
          e.meta.actionId === 'kaas:operate-instance',
      )
      .map(e => [e.meta.caller, e.status]);
    expect(seen).toEqual(
      expect.arrayContaining([
        ['user:default/alice', 'succeeded'],
        ['user:default/bob', 'failed'],
      ]),
    );
    expect(
      (
        await invoke('alice', 'delete-instance', {
          tenant,
          name: 'ops',
          confirm: `${tenant}/ops`,
        })
      ).status,
    ).toBe(200);
  });

  it('audits every write with the action and the caller, and deletes the tenant', async () => {
    const deleted = await invoke('alice', 'delete-tenant', {
      tenant,
      confirm: tenant,
    });
    expect(deleted.status).toBe(200);
    expect(await tenants.get(tenant)).toBeUndefined();
    const events = logger
      .auditEvents()
      .filter(e => e.eventId === 'action-invocation');
    const seen = events.map(e => [e.meta.actionId, e.meta.caller, e.status]);
    expect(seen).toEqual(
      expect.arrayContaining([
        ['kaas:create-tenant', 'user:default/alice', 'succeeded'],
        ['kaas:create-instance', 'user:default/bob', 'failed'],
        ['kaas:create-instance', 'user:default/alice', 'succeeded'],
        ['kaas:delete-instance', 'user:default/alice', 'succeeded'],
        ['kaas:delete-tenant', 'user:default/alice', 'succeeded'],
        ['kaas:update-tenant', 'user:default/bob', 'failed'],
        ['kaas:update-tenant', 'user:default/alice', 'succeeded'],
      ]),
    );
    expect(logger.lines.join('\n')).not.toContain(secretValue);
  });
});
