import {
  coreServices,
  createServiceFactory,
  type RootLoggerService,
} from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import type { PermissionsServiceRequestOptions } from '@backstage/backend-plugin-api';
import {
  AuthorizeResult,
  isResourcePermission,
  type Permission,
  type PolicyDecision,
} from '@backstage/plugin-permission-common';
import { KAAS_TENANT_RESOURCE_TYPE } from '@kaas-platform/plugin-kaas-common';
import {
  ClusterRegistry,
  createKaasTenantConditionalDecision,
  kaasTenantConditions,
  TenantService,
} from '@kaas-platform/plugin-kaas-node';
import { testCluster, untitledClusterEntry } from '@internal/kaas-test-cluster';
import { kaasPlugin } from '../plugin';

/** A tenant profile `small` with a quota, default limits and no network policy. */
export function smallTenantProfile() {
  return {
    title: 'Small',
    quota: { hard: { pods: '10' } },
    limitRange: { default: { cpu: '500m' }, defaultRequest: { cpu: '100m' } },
    podSecurity: 'restricted',
    networkPolicy: 'none',
  };
}

/**
 * A `cache` capability whose instance is one ConfigMap, ready once its `size` is 1Gi
 * (no operator needed).
 */
export function cacheCapability() {
  return {
    title: 'Cache',
    owner: 'group:default/platform-team',
    parameters: {
      type: 'object',
      additionalProperties: false,
      properties: { size: { type: 'string' } },
    },
    plans: { small: { title: 'Small', parameters: { size: '1Gi' } } },
    objects: [
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: '${{ instance.name }}' },
        data: { size: '${{ parameters.size }}' },
      },
    ],
    readiness: { field: { path: 'data.size', equals: '1Gi' } },
    operations: {
      // A day-2 operation without an operator: a run is one Secret naming the holder.
      mark: {
        title: 'Mark the cache',
        parameters: {
          type: 'object',
          properties: { holder: { type: 'string', pattern: '^[a-z]+$' } },
          required: ['holder'],
        },
        objects: [
          {
            apiVersion: 'v1',
            kind: 'Secret',
            metadata: { name: '${{ instance.name }}-${{ run.name }}' },
            stringData: { holder: '${{ parameters.holder }}' },
          },
        ],
      },
      flush: {
        title: 'Flush the cache',
        runBy: 'admins',
        objects: [
          {
            apiVersion: 'v1',
            kind: 'Secret',
            metadata: { name: '${{ instance.name }}-flush-${{ run.name }}' },
          },
        ],
      },
    },
  };
}

/** The `kaas` configuration of the kubeconfig and credentials route tests. */
export function credentialRoutesConfig() {
  return {
    clusters: [untitledClusterEntry(testCluster())],
    platformAdmins: ['group:default/platform-team'],
    kubeconfig: { maxTtl: '2h', defaultTtl: '30m' },
    oidc: {
      issuerUrl: 'https://sso.example.com/realms/main',
      clientId: 'kubernetes',
      extraScopes: ['groups'],
    },
    tenantProfiles: { small: smallTenantProfile() },
    capabilities: {
      cache: {
        ...cacheCapability(),
        connection: {
          secretName: '${{ instance.name }}-app',
          service: '${{ instance.name }}-rw',
          port: 6379,
          showKeys: ['username'],
        },
      },
    },
  };
}

export function credentialRoutesConfigReader() {
  return new ConfigReader({ kaas: credentialRoutesConfig() } as any);
}

/**
 * The kaas-node tenant service over `config`, as the backend builds it, and
 * `createTenant`, which creates a tenant of profile `small` to arrange a test.
 */
export function tenantsOver(config: ConfigReader) {
  const clusters = ClusterRegistry.fromConfig(config);
  const tenants = TenantService.fromConfig(config, { clusters });
  const createTenant = (
    name: string,
    owner: string,
    isolation: 'namespace' | 'vcluster' = 'namespace',
  ) =>
    tenants.create(
      tenants.validate({ name, owner, isolation, profile: 'small' }),
    );
  return { clusters, tenants, createTenant };
}

/** Every line any logger of the backend wrote (audit events included), as JSON. */
export class CapturingRootLogger implements RootLoggerService {
  constructor(
    readonly lines: string[] = [],
    private readonly fields: Record<string, unknown> = {},
  ) {}

  error(message: string, meta?: Error | object) {
    this.record('error', message, meta);
  }
  warn(message: string, meta?: Error | object) {
    this.record('warn', message, meta);
  }
  info(message: string, meta?: Error | object) {
    this.record('info', message, meta);
  }
  debug(message: string, meta?: Error | object) {
    this.record('debug', message, meta);
  }
  child(meta: object): CapturingRootLogger {
    return new CapturingRootLogger(this.lines, { ...this.fields, ...meta });
  }

  /** The audit events written so far, parsed. */
  auditEvents(): Array<Record<string, any>> {
    return this.lines
      .map(line => JSON.parse(line))
      .filter(entry => entry.isAuditEvent);
  }

  private record(level: string, message: string, meta?: Error | object) {
    const details =
      meta instanceof Error
        ? {
            error: {
              name: meta.name,
              message: meta.message,
              stack: meta.stack,
            },
          }
        : meta;
    this.lines.push(
      JSON.stringify({ level, message, ...this.fields, ...details }),
    );
  }
}

/** Who belongs to which group in these tests (as the sign-in resolver would say). */
const GROUPS: Record<string, string[]> = {
  'user:default/alice': ['group:default/team-a'],
  'user:default/bob': ['group:default/team-b'],
  'user:default/petra': ['group:default/platform-team'],
};

/**
 * The default policy's decisions (KaasPermissionPolicy of plugins/permission-backend-module-kaas) for these
 * users: platform admins are allowed; other users get the kaas plugin's conditional
 * `IS_TENANT_OWNER` decision over their ownership refs, which the route applies to the
 * tenant as the cluster records it; basic permissions are allowed to everyone. Records
 * every request.
 */
export function ownerPolicy() {
  const requests: Array<{ permission: string; resourceRef?: string }> = [];
  const decide = (
    permission: Permission,
    options?: PermissionsServiceRequestOptions,
  ): PolicyDecision => {
    const userRef =
      (options?.credentials?.principal as { userEntityRef?: string })
        ?.userEntityRef ?? '';
    const claims = [userRef, ...(GROUPS[userRef] ?? [])];
    if (!isResourcePermission(permission, KAAS_TENANT_RESOURCE_TYPE)) {
      return { result: AuthorizeResult.ALLOW };
    }
    if (claims.includes('group:default/platform-team')) {
      return { result: AuthorizeResult.ALLOW };
    }
    return createKaasTenantConditionalDecision(
      permission,
      kaasTenantConditions.isTenantOwner({ claims }),
    );
  };
  const factory = mockServices.permissions.mock({
    authorizeConditional: async (queries, options) =>
      queries.map(query => {
        requests.push({ permission: query.permission.name });
        return decide(query.permission, options);
      }),
    authorize: async queries =>
      queries.map(query => {
        const resourceRef = (query as { resourceRef?: string }).resourceRef;
        requests.push({ permission: query.permission.name, resourceRef });
        // Resolving a conditional decision by resourceRef is the permission backend's
        // job; owner-only routes never ask this way.
        return {
          result: isResourcePermission(query.permission)
            ? AuthorizeResult.DENY
            : AuthorizeResult.ALLOW,
        };
      }),
  }).factory;
  return { factory, requests };
}

/** The kaas plugin with a capturing root logger and `policy`; the real auditor. */
export async function startCredentialRoutesBackend(
  policy: ReturnType<typeof ownerPolicy>,
) {
  const logger = new CapturingRootLogger();
  const backend = await startTestBackend({
    features: [
      kaasPlugin,
      mockServices.rootConfig.factory({
        data: { kaas: credentialRoutesConfig() as any },
      }),
      createServiceFactory({
        service: coreServices.rootLogger,
        deps: {},
        factory: () => logger,
      }),
      policy.factory,
    ],
  });
  return Object.assign(backend, { logger });
}
