import type { z as zod } from 'zod/v3';
import { TENANT_ISOLATIONS } from '@kaas-platform/plugin-kaas-common';

export const tenant = (z: typeof zod) =>
  z.string().describe('Name of the tenant.');

export const namespace = (z: typeof zod) =>
  z.string().describe('Home namespace of the tenant.');

export const cluster = (z: typeof zod) =>
  z.string().describe('Name of the cluster the tenant lives on.');

export const isolation = (z: typeof zod) =>
  z.enum(TENANT_ISOLATIONS).describe('How the tenant is isolated.');

export const entityRef = (z: typeof zod) =>
  z
    .string()
    .describe(
      'Catalog entity of the tenant, e.g. `resource:default/checkout-dev`, for `catalog:fetch` or a link.',
    );

export const statusUrl = (z: typeof zod) =>
  z
    .string()
    .describe('Page in Backstage that shows the live status of the tenant.');

export const manifests = (z: typeof zod) =>
  z
    .array(z.record(z.any()))
    .optional()
    .describe(
      'Dry run only: the Kubernetes objects that would be applied, as the API server accepted them.',
    );

// XaaS instances (xaas:instance:*).

export const instance = (z: typeof zod) =>
  z
    .string()
    .describe(
      'The instance as `<tenant>/<name>`, e.g. `checkout-dev/orders-db`.',
    );

export const instanceNamespace = (z: typeof zod) =>
  z.string().describe('Namespace the objects of the instance live in.');

export const instanceCluster = (z: typeof zod) =>
  z.string().describe('Name of the cluster the instance lives on.');

export const instanceEntityRef = (z: typeof zod) =>
  z
    .string()
    .describe(
      'Catalog entity of the instance, e.g. `resource:default/checkout-dev.orders-db`, for `catalog:fetch` or a link.',
    );

export const connection = (z: typeof zod) =>
  z
    .object({
      secretName: z
        .string()
        .describe(
          'Secret in the namespace of the instance that holds the connection details, once the operator has written it; empty when the capability declares none.',
        ),
      namespace: z.string().describe('Namespace of that Secret.'),
      host: z.string().optional().describe('Host to connect to.'),
      port: z.number().optional().describe('Port to connect to.'),
      keys: z
        .array(z.string())
        .describe(
          'Names (never values) of the keys of the Secret that are safe to show, such as `username`; passwords are read from the Secret itself.',
        ),
    })
    .optional()
    .describe(
      'Where to find the connection details of the instance, when its capability declares them. Names only: no secret value ever leaves the cluster through an output.',
    );

/** One field a change wrote, or would write in a dry run, with its old and new value as JSON. */
const change = (z: typeof zod) =>
  z.object({
    object: z.string(),
    path: z.string(),
    from: z.string().optional(),
    to: z.string(),
  });

export const changes = (z: typeof zod) =>
  z
    .array(change(z))
    .describe(
      'Each field that changed (in a dry run: would change), with its old and new value as JSON',
    );

export const tenantsBehind = (z: typeof zod) =>
  z
    .array(z.object({ tenant: z.string(), changes: z.array(change(z)) }))
    .describe('Tenants that differed from the policy, with what differed');

export const operationObjects = (z: typeof zod) =>
  z
    .array(
      z.object({
        kind: z.string(),
        name: z.string(),
        action: z.enum(['created', 'updated', 'unchanged', 'dry-run']),
      }),
    )
    .describe('The objects of the run and what applying them did');
