import type { Config } from '@backstage/config';
import { z } from 'zod';
import {
  DEFAULT_MARK_PREFIX,
  dns1123LabelProblem,
  qualifiedNameProblem,
} from '@kaas-platform/plugin-kaas-common';
import { POD_SECURITY_LEVELS, type TenantProfile } from './tenantPolicy';
import { unknownPlaceholders } from './tenantPlaceholders';
import { readInClusterPolicy } from './readInClusterPolicy';
import {
  API_VERSION,
  KIND,
  TenantConfigError,
  dnsSubdomain,
  parseOrThrow,
} from './tenantConfigError';

const QUANTITY =
  /^[+]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+|[KMGTPE]i|[numkMGTPE])?$/;

const quantity = z
  .union([z.string(), z.number()], {
    error: 'must be a quantity, e.g. 500m or 2Gi',
  })
  .transform(String)
  .refine(q => QUANTITY.test(q), {
    error: iss =>
      `'${iss.input}' is not a Kubernetes quantity, e.g. 500m, 2, 4Gi`,
  });

// Keys are checked in a refinement: zod reports a bad record key only as "Invalid key".
const quantities = z.record(z.string(), quantity).superRefine((map, ctx) => {
  for (const name of Object.keys(map)) {
    const problem = qualifiedNameProblem(name);
    if (problem) {
      ctx.addIssue({
        code: 'custom',
        message: `resource name '${name}' ${problem}`,
        path: [name],
      });
    }
  }
});

const profileSchema = z.strictObject({
  title: z.string().optional(),
  description: z.string().optional(),
  quota: z.strictObject({
    hard: quantities.refine(h => Object.keys(h).length > 0, {
      error: 'list at least one resource, e.g. pods: 20',
    }),
  }),
  limitRange: z.strictObject({
    default: quantities,
    defaultRequest: quantities,
    max: quantities.optional(),
  }),
  podSecurity: z.enum(POD_SECURITY_LEVELS, {
    error: `must be one of: ${POD_SECURITY_LEVELS.join(', ')}`,
  }),
  networkPolicy: z
    .enum(['isolated', 'none'], { error: "must be 'isolated' or 'none'" })
    .default('isolated'),
  vcluster: z
    .strictObject({
      kubernetesVersion: z
        .string()
        .regex(/^v?\d+\.\d+(\.\d+)?$/, {
          error: 'must be a version, e.g. 1.33.4',
        })
        .optional(),
      values: z
        .union([z.string(), z.record(z.string(), z.unknown())], {
          error: 'must be Helm values as YAML text or an object',
        })
        .optional(),
      chart: z
        .strictObject({
          name: z.string().optional(),
          repo: z.string().optional(),
          version: z.string().optional(),
        })
        .optional(),
    })
    .optional(),
  clusterClass: z
    .strictObject({
      name: dnsSubdomain,
      namespace: z
        .string()
        .refine(n => !dns1123LabelProblem(n), {
          error: 'must be a namespace name',
        })
        .optional(),
      version: z
        .string()
        .min(1, { error: 'must be a Kubernetes version, e.g. v1.33.4' }),
      workers: z
        .strictObject({
          machineDeployments: z
            .array(z.record(z.string(), z.unknown()))
            .optional(),
          machinePools: z.array(z.record(z.string(), z.unknown())).optional(),
        })
        .optional(),
      variables: z
        .array(z.strictObject({ name: z.string().min(1), value: z.unknown() }))
        .optional(),
    })
    .optional(),
  crossplane: z
    .strictObject({
      apiVersion: z.string().regex(API_VERSION, {
        error:
          'must be <group>/<version>, e.g. platform.kaas.internal/v1alpha1',
      }),
      kind: z
        .string()
        .regex(KIND, { error: 'must be a kind, e.g. KubernetesCluster' }),
      parameters: z.record(z.string(), z.unknown()).default({}),
      connectionSecretName: dnsSubdomain.optional(),
    })
    .optional(),
  // Checked entry by entry in readInClusterPolicy, which names the key.
  inCluster: z.unknown().optional(),
});

/**
 * Reads `kaas.tenantProfiles`; at least one profile is required. `markPrefix` is the
 * prefix of the platform's own keys, which `inCluster` objects may not set.
 *
 * @public
 */
export function readTenantProfiles(
  config: Config,
  markPrefix: string = DEFAULT_MARK_PREFIX,
): Record<string, TenantProfile> {
  const raw = config.getOptional('kaas.tenantProfiles');
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new TenantConfigError(
      'kaas.tenantProfiles',
      'configure at least one profile, e.g. small: { quota, limitRange, podSecurity }',
    );
  }
  const profiles: Record<string, TenantProfile> = {};
  for (const [name, value] of Object.entries(raw)) {
    const key = `kaas.tenantProfiles.${name}`;
    const nameProblem = dns1123LabelProblem(name);
    if (nameProblem) {
      throw new TenantConfigError(key, `profile name '${name}' ${nameProblem}`);
    }
    const profile = parseOrThrow(profileSchema, value, key);
    for (const problem of unknownPlaceholders(
      profile.crossplane?.parameters,
      `${key}.crossplane.parameters`,
    )) {
      throw new TenantConfigError(problem.path, problem.problem);
    }
    const { inCluster, ...rest } = profile;
    profiles[name] = {
      name,
      ...rest,
      title: profile.title ?? name,
      ...(inCluster === undefined
        ? {}
        : {
            inCluster: readInClusterPolicy(
              inCluster,
              `${key}.inCluster`,
              name,
              markPrefix,
            ),
          }),
    };
  }
  if (Object.keys(profiles).length === 0) {
    throw new TenantConfigError(
      'kaas.tenantProfiles',
      'configure at least one profile',
    );
  }
  return profiles;
}
