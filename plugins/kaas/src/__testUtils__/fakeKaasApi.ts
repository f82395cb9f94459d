import { ResponseError } from '@backstage/errors';
import type {
  InstanceStatus,
  TenantStatus,
} from '@kaas-platform/plugin-kaas-common';
import type { KaasApi } from '../api/KaasApi';

/** A KaasApi whose methods reject unless a test gives them: a test states what it uses. */
export function fakeKaasApi(overrides: Partial<KaasApi> = {}): KaasApi {
  const notFaked = (name: string) => () =>
    Promise.reject(new Error(`${name} is not faked in this test`));
  return {
    listClusters: notFaked('listClusters'),
    listProfiles: notFaked('listProfiles'),
    listTenants: notFaked('listTenants'),
    listCapabilities: notFaked('listCapabilities'),
    getOperatorHealth: notFaked('getOperatorHealth'),
    getTenantStatus: notFaked('getTenantStatus'),
    repairTenant: notFaked('repairTenant'),
    listTenantInstances: notFaked('listTenantInstances'),
    getInstance: notFaked('getInstance'),
    getConnection: notFaked('getConnection'),
    getInstanceOperations: notFaked('getInstanceOperations'),
    readCredentials: notFaked('readCredentials'),
    issueKubeconfig: notFaked('issueKubeconfig'),
    listKubeconfigs: notFaked('listKubeconfigs'),
    revokeKubeconfigs: notFaked('revokeKubeconfigs'),
    getKubeconfigOptions: notFaked('getKubeconfigOptions'),
    ...overrides,
  };
}

/** A namespace tenant of team-a as `GET /tenants/team-a-dev` returns it. */
export function tenantStatus(
  overrides: Partial<TenantStatus> = {},
): TenantStatus {
  return {
    name: 'team-a-dev',
    namespace: 't-team-a-dev',
    cluster: 'local',
    isolation: 'namespace',
    owner: 'group:default/team-a',
    profile: 'small',
    createdAt: '2025-01-10T09:00:00.000Z',
    entityRef: 'resource:default/team-a-dev',
    description: 'Development of the shop',
    phase: 'Ready',
    ready: true,
    drift: {
      type: 'Drifted',
      status: 'False',
      reason: 'AsRendered',
      message: "Every policy object is as today's policy renders it",
      objects: [],
    },
    conditions: [
      {
        type: 'NamespaceActive',
        status: 'True',
        message: 'Namespace is Active',
      },
      {
        type: 'QuotaApplied',
        status: 'False',
        reason: 'Missing',
        message: 'ResourceQuota kaas-quota not found',
      },
    ],
    quotas: [
      {
        name: 'kaas-quota',
        resources: [
          { resource: 'requests.cpu', used: '500m', hard: '2', fraction: 0.25 },
          { resource: 'pods', used: '17', hard: '20', fraction: 0.85 },
          {
            resource: 'requests.memory',
            used: '4Gi',
            hard: '4Gi',
            fraction: 1,
          },
        ],
      },
    ],
    limitRanges: [
      {
        name: 'kaas-limits',
        limits: [
          {
            type: 'Container',
            default: { cpu: '500m', memory: '512Mi' },
            defaultRequest: { cpu: '100m', memory: '128Mi' },
          },
        ],
      },
    ],
    networkPolicies: [
      { name: 'default-deny', policyTypes: ['Ingress', 'Egress'] },
      { name: 'allow-same-namespace', policyTypes: ['Ingress'] },
    ],
    workloads: { pods: 17, podsRunning: 15, deployments: 4, statefulSets: 1 },
    events: [
      {
        type: 'Warning',
        reason: 'FailedCreate',
        message: 'exceeded quota: kaas-quota',
        object: 'ReplicaSet/web-7d9',
        count: 3,
        lastSeen: '2025-01-10T10:00:00.000Z',
      },
    ],
    kubeconfigModes: ['token'],
    observedAt: '2025-01-10T10:00:00.000Z',
    ...overrides,
  };
}

/** A PostgreSQL instance `db` of tenant team-a-dev. */
export function instanceStatus(
  overrides: Partial<InstanceStatus> = {},
): InstanceStatus {
  return {
    tenant: 'team-a-dev',
    name: 'db',
    capability: 'postgresql',
    plan: 'small',
    owner: 'group:default/team-a',
    cluster: 'local',
    namespace: 't-team-a-dev',
    parameters: { storageGi: 5 },
    createdAt: '2025-01-10T09:30:00.000Z',
    entityRef: 'resource:default/team-a-dev.db',
    title: 'PostgreSQL',
    ready: true,
    message: 'condition Ready is True',
    phase: 'Cluster in healthy state',
    conditions: [{ type: 'Ready', status: 'True', reason: 'ClusterIsReady' }],
    connection: {
      secretName: 'db-app',
      host: 'db-rw.t-team-a-dev.svc',
      port: 5432,
      showKeys: ['username', 'dbname'],
    },
    ...overrides,
  };
}

/** The ResponseError the kaas API client throws when the backend answers `status`. */
export async function responseError(status: number, message: string) {
  return ResponseError.fromResponse(
    new Response(
      JSON.stringify({
        error: { name: 'Error', message },
        response: { statusCode: status },
      }),
      { status, headers: { 'Content-Type': 'application/json' } },
    ),
  );
}
