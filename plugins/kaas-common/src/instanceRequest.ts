import { z } from 'zod';
import type { Capability } from './capabilityConfig';
import { dns1123LabelProblem } from './clusterName';
import { instanceEntityName } from './entityRefs';

/** Longest catalog entity name (Backstage's rule, as Kubernetes object names). */
const MAX_ENTITY_NAME_LENGTH = 63;

/** Longest instance name: operators derive longer names from it (`moco-<name>-primary`). @public */
export const MAX_INSTANCE_NAME_LENGTH = 40;

/** A validated request for one instance of a capability in a tenant. @public */
export interface InstanceRequest {
  /** The tenant the instance belongs to (and inherits its owner from). */
  tenant: string;
  /** One of the configured `kaas.capabilities`. */
  capability: string;
  /** DNS-1123 label of at most {@link MAX_INSTANCE_NAME_LENGTH} characters. */
  name: string;
  /** One of the capability's plans. */
  plan: string;
  /** Overrides of the plan's parameters; checked against the capability's JSON Schema by kaas-node. */
  parameters?: Record<string, unknown>;
}

/** Why `name` is not an acceptable instance name, or undefined. @public */
export function instanceNameProblem(name: string): string | undefined {
  if (name.length > MAX_INSTANCE_NAME_LENGTH) {
    return `'${name}' is ${name.length} characters long; the limit is ${MAX_INSTANCE_NAME_LENGTH}`;
  }
  const problem = dns1123LabelProblem(name);
  return problem
    ? `'${name}' ${problem}; use lower-case letters, digits and dashes, e.g. 'orders-db'`
    : undefined;
}

/**
 * The zod schema of an instance request (zod v4): checks the names, that the capability
 * exists and that the plan is one of its plans; every message says what to change.
 *
 * @public
 */
export function instanceRequestSchema(ctx: {
  capabilities: Record<string, Capability>;
}) {
  const ids = Object.keys(ctx.capabilities);
  const name = (what: string) =>
    z.string({ error: `${what} is required` }).superRefine((value, c) => {
      const problem = instanceNameProblem(value);
      if (problem) c.addIssue({ code: 'custom', message: problem });
    });
  return z
    .object({
      tenant: z
        .string({ error: 'tenant is required' })
        .superRefine((value, c) => {
          const problem = dns1123LabelProblem(value);
          if (problem) {
            c.addIssue({
              code: 'custom',
              message: `'${value}' ${problem}; give the name of an existing tenant`,
            });
          }
        }),
      capability: z
        .string({ error: 'capability is required' })
        .refine(value => Object.hasOwn(ctx.capabilities, value), {
          error: issue =>
            `unknown capability '${String(issue.input)}'; choose one of: ${
              ids.join(', ') || '(none configured)'
            }`,
        }),
      name: name('name'),
      plan: z.string({ error: 'plan is required' }),
      parameters: z.record(z.string(), z.unknown()).optional(),
    })
    .strict()
    .superRefine((request, c) => {
      // The catalog refuses entity names over 63 characters; the instance would be
      // missing from the catalog (and its permissions) otherwise.
      const entityName = instanceEntityName(request.tenant, request.name);
      if (entityName.length > MAX_ENTITY_NAME_LENGTH) {
        c.addIssue({
          code: 'custom',
          path: ['name'],
          message: `the catalog name of the instance, '${entityName}', would be ${
            entityName.length
          } characters long; the limit is ${MAX_ENTITY_NAME_LENGTH}, choose a name of at most ${
            MAX_ENTITY_NAME_LENGTH - request.tenant.length - 1
          } characters`,
        });
      }
      const capability = ctx.capabilities[request.capability];
      if (capability && !Object.hasOwn(capability.plans, request.plan)) {
        c.addIssue({
          code: 'custom',
          path: ['plan'],
          message: `unknown plan '${request.plan}' of capability '${
            request.capability
          }'; choose one of: ${Object.keys(capability.plans).join(', ')}`,
        });
      }
    })
    .transform(request => request as InstanceRequest);
}
