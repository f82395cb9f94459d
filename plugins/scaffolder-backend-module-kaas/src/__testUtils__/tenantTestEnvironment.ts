import fs from 'node:fs';
import path from 'node:path';
import { format } from 'node:util';
import type {
  BackstageCredentials,
  BackstageUserPrincipal,
  LoggerService,
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import type { TemplateAction } from '@backstage/plugin-scaffolder-node';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { CoreV1Api } from '@kubernetes/client-node';
import {
  adminKubeConfig,
  REPO_ROOT,
  testCluster,
  untitledClusterEntry,
} from '@internal/kaas-test-cluster';
import {
  ClusterRegistry,
  type InstanceKind,
  OwnerAuthorizer,
  TenantService,
} from '@kaas-platform/plugin-kaas-node';
import yaml from 'yaml';
import { createKaasTenantCreateAction } from '../actions/tenantCreate';

/** Users of the demo organisation (templates/org/org.yaml). */
export type DemoUser = 'alice' | 'arthur' | 'bob' | 'petra';

export const PLATFORM_ADMINS = 'group:default/platform-team';

/**
 * The demo organisation as the catalog holds it: users carry the `memberOf` relations the
 * catalog's processors derive from `spec.memberOf`, groups the matching `hasMember`.
 */
export function demoOrganisation(): Entity[] {
  const file = path.join(REPO_ROOT, 'templates/org/org.yaml');
  const entities = yaml
    .parseAllDocuments(fs.readFileSync(file, 'utf8'))
    .map(doc => doc.toJSON() as Entity);
  const members = new Map<string, string[]>();
  for (const entity of entities) {
    if (entity.kind !== 'User') continue;
    const userRef = `user:default/${entity.metadata.name}`;
    const groups = ((entity.spec?.memberOf ?? []) as string[]).map(
      g => `group:default/${g}`,
    );
    entity.relations = groups.map(targetRef => ({
      type: 'memberOf',
      targetRef,
    }));
    for (const group of groups) {
      members.set(group, [...(members.get(group) ?? []), userRef]);
    }
  }
  for (const entity of entities) {
    if (entity.kind !== 'Group') continue;
    const groupRef = `group:default/${entity.metadata.name}`;
    entity.relations = (members.get(groupRef) ?? []).map(targetRef => ({
      type: 'hasMember',
      targetRef,
    }));
  }
  return entities;
}

/**
 * Configuration of a backend that talks to the shared test control plane with the
 * backend's least-privilege credential (never the admin's).
 */
export function testConfig(): ConfigReader {
  // The capabilities the repository ships (app-config.yaml), so the tests exercise the
  // same parameter schemas, readiness rules and connection rules as the templates.
  const shipped = yaml.parse(
    fs.readFileSync(path.join(REPO_ROOT, 'app-config.yaml'), 'utf8'),
  );
  return new ConfigReader({
    app: { baseUrl: 'http://localhost:3000' },
    kaas: {
      clusters: [untitledClusterEntry(testCluster())],
      tenants: { namespacePrefix: 't-' },
      tenantProfiles: {
        small: {
          title: 'Small',
          quota: {
            hard: { 'requests.cpu': '2', 'requests.memory': '4Gi', pods: '20' },
          },
          limitRange: {
            default: { cpu: '500m', memory: '512Mi' },
            defaultRequest: { cpu: '100m', memory: '128Mi' },
          },
          podSecurity: 'restricted',
          networkPolicy: 'isolated',
        },
        // For kaas:tenant:update: a larger quota, and one below any usage.
        medium: {
          title: 'Medium',
          quota: {
            hard: { 'requests.cpu': '4', 'requests.memory': '8Gi', pods: '40' },
          },
          limitRange: {
            default: { cpu: '500m', memory: '512Mi' },
            defaultRequest: { cpu: '100m', memory: '128Mi' },
          },
          podSecurity: 'restricted',
          networkPolicy: 'isolated',
        },
        tiny: {
          title: 'Tiny',
          quota: {
            hard: {
              'requests.cpu': '50m',
              'requests.memory': '64Mi',
              pods: '0',
            },
          },
          limitRange: {
            default: { cpu: '50m', memory: '64Mi' },
            defaultRequest: { cpu: '50m', memory: '64Mi' },
          },
          podSecurity: 'restricted',
          networkPolicy: 'isolated',
        },
      },
      baseline: [
        {
          apiVersion: 'networking.k8s.io/v1',
          kind: 'NetworkPolicy',
          metadata: { name: 'same-namespace-only' },
          spec: {
            podSelector: {},
            policyTypes: ['Ingress'],
            ingress: [{ from: [{ podSelector: {} }] }],
          },
        },
        {
          apiVersion: 'rbac.authorization.k8s.io/v1',
          kind: 'RoleBinding',
          metadata: { name: 'owners-edit' },
          roleRef: {
            apiGroup: 'rbac.authorization.k8s.io',
            kind: 'ClusterRole',
            name: 'edit',
          },
          subjects: [
            {
              apiGroup: 'rbac.authorization.k8s.io',
              kind: 'Group',
              name: '${{ tenant.ownerName }}',
            },
          ],
        },
      ],
      platformAdmins: [PLATFORM_ADMINS],
      capabilities: shipped.kaas?.capabilities ?? {},
    },
  });
}

/**
 * The real kaas-node services, as a backend builds them, over the test cluster.
 * `instanceKinds` says which kinds count as XaaS instances (default: those of the
 * shipped capabilities, as a backend reads them from `kaas.capabilities`).
 */
export function tenantTestEnvironment(
  options: { instanceKinds?: InstanceKind[] } = {},
) {
  const config = testConfig();
  const clusters = ClusterRegistry.fromConfig(config);
  const tenants = TenantService.fromConfig(config, {
    clusters,
    instanceKinds: options.instanceKinds,
  });
  const owners = OwnerAuthorizer.fromConfig(config, {
    userInfo: demoUserInfo(),
  });
  return {
    config,
    clusters,
    tenants,
    owners,
    /** Cluster-admin client, to arrange and inspect what the actions did. */
    core: adminKubeConfig().makeApiClient(CoreV1Api),
    permissions: mockServices.permissions() as PermissionsService,
  };
}

/**
 * Backstage's user info as the demo sign-in resolves it (the user's ref and the groups
 * of its `memberOf` relations), for the credentials `runAction` hands an action.
 */
export function demoUserInfo(): Pick<UserInfoService, 'getUserInfo'> {
  const users = new Map(
    demoOrganisation()
      .filter(e => e.kind === 'User')
      .map(e => [
        `user:default/${e.metadata.name}`,
        (e.relations ?? [])
          .filter(r => r.type === 'memberOf')
          .map(r => r.targetRef),
      ]),
  );
  return {
    async getUserInfo(credentials: BackstageCredentials) {
      const ref = (credentials.principal as BackstageUserPrincipal)
        .userEntityRef;
      return {
        userEntityRef: ref,
        ownershipEntityRefs: [ref, ...(users.get(ref) ?? [])],
      };
    },
  };
}

/** What one run of an action logged and returned. */
export interface ActionRun {
  outputs: Record<string, any>;
  logs: string[];
}

/**
 * Runs `action` as `user` would from a template: the initiator's credentials are the
 * user's, `dryRun` is what the template editor's dry run sets.
 */
export async function runAction(
  action: TemplateAction<any, any, any>,
  input: Record<string, any>,
  options: { as: DemoUser; dryRun?: boolean; run?: ActionRun },
): Promise<ActionRun> {
  const run = options.run ?? { outputs: {}, logs: [] };
  const context = {
    ...createMockActionContext({ input, logger: capturingLogger(run.logs) }),
    output: (name: string, value: unknown) => {
      run.outputs[name] = value;
    },
    // createMockActionContext ignores these two options, so they are set here.
    getInitiatorCredentials: async () =>
      mockCredentials.user(`user:default/${options.as}`),
    isDryRun: options.dryRun ?? false,
  };
  await action.handler(context);
  return run;
}

/** A logger that keeps every line, with its metadata, so tests can read what was logged. */
export function capturingLogger(lines: string[]): LoggerService {
  const write = (level: string) => (message: string, meta?: Error | object) => {
    lines.push(
      meta === undefined
        ? `${level}: ${message}`
        : `${level}: ${message} ${format('%o', meta)}`,
    );
  };
  const logger: LoggerService = {
    error: write('error'),
    warn: write('warn'),
    info: write('info'),
    debug: write('debug'),
    child: () => logger,
  };
  return logger;
}

/** The input of `kaas:tenant:create` for a namespace tenant of profile `small`. */
export function namespaceTenantInput(
  name: string,
  owner = 'group:default/team-a',
) {
  return { name, owner, isolation: 'namespace', profile: 'small' };
}

/**
 * The namespaces a test file creates, deleted after its last test, and `createTenant`,
 * which creates a namespace tenant through `kaas:tenant:create` as `as` and records it.
 */
export function tenantsOfTestFile(
  env: ReturnType<typeof tenantTestEnvironment>,
) {
  const created = new Set<string>();
  afterAll(() => deleteNamespaces(env.core, created));
  const createAction = createKaasTenantCreateAction(env);
  async function createTenant(
    name: string,
    options: { owner?: string; as: DemoUser },
  ) {
    const { outputs } = await runAction(
      createAction,
      namespaceTenantInput(name, options.owner),
      { as: options.as },
    );
    created.add(outputs.namespace);
    return { name, namespace: outputs.namespace as string };
  }
  return { created, createTenant };
}

/** A member of the given owner group of the demo organisation, to run a template as. */
export function memberOf(owner: string): DemoUser {
  const group = owner.slice(owner.lastIndexOf('/') + 1).replace(/^group:/, '');
  const members: Record<string, DemoUser> = {
    'team-a': 'alice',
    'team-b': 'bob',
    'platform-team': 'petra',
  };
  const user = members[group];
  if (!user) throw new Error(`No demo user is a member of '${owner}'`);
  return user;
}

/** Names of every namespace on the test cluster, to show that nothing was created. */
/**
 * Names of the namespaces that contain `containing` (a test's unique tenant name), so a
 * check is not disturbed by other test files creating namespaces at the same time.
 */
export async function namespaceNames(
  core: CoreV1Api,
  containing: string,
): Promise<string[]> {
  const list = await core.listNamespace();
  return list.items
    .map(n => n.metadata!.name!)
    .filter(n => n.includes(containing))
    .sort();
}

/** Deletes namespaces left by a test (without waiting); already gone is fine. */
export async function deleteNamespaces(
  core: CoreV1Api,
  names: Iterable<string>,
): Promise<void> {
  await Promise.all(
    [...names].map(name =>
      core.deleteNamespace({ name }).catch(error => {
        if ((error as { code?: number }).code !== 404) throw error;
      }),
    ),
  );
}
