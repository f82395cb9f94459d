import type { Config } from '@backstage/config';
import {
  dns1123LabelProblem,
  type Capability,
  type CapabilityObjectTemplate,
} from '@kaas-platform/plugin-kaas-common';
import { z } from 'zod';
import {
  compileParameterSchema,
  type ParameterCheck,
} from './instanceParameters';
import { placeholderProblems, whenParameter } from './instanceTemplates';
import { operatorSchema } from './readOperator';
import { checkOperations } from './readOperations';
import { checkTemplateNames } from './templateNames';
import { updateRuleProblem } from './updateRules';

/** A `kaas.capabilities` entry is invalid; the message names the key to fix. @public */
export class CapabilityConfigError extends Error {
  constructor(readonly key: string, problem: string) {
    super(`Invalid capability configuration at '${key}': ${problem}`);
    this.name = 'CapabilityConfigError';
  }
}

/** A capability with its compiled parameter check. */
export interface LoadedCapability {
  capability: Capability;
  checkParameters: ParameterCheck;
  /** The compiled parameter check of each of its operations. */
  operationChecks: Record<string, ParameterCheck>;
}

const json = z.record(z.string(), z.unknown());
const stringMap = z.record(z.string(), z.string());

const objectSchema = z
  .object({
    apiVersion: z.string().min(1, 'is required'),
    kind: z.string().min(1, 'is required'),
    when: z.string().optional(),
    metadata: z
      .object({
        name: z.string().min(1, 'is required'),
        namespace: z
          .never({
            error:
              'must not be set: instance objects always go to the placement namespace',
          })
          .optional(),
        labels: stringMap.optional(),
        annotations: stringMap.optional(),
      })
      .strict(),
  })
  .catchall(z.unknown());

const readinessSchema = z
  .object({
    object: z.number().int().min(0).optional(),
    condition: z
      .object({ type: z.string(), status: z.string() })
      .strict()
      .optional(),
    field: z
      .object({
        path: z.string().min(1),
        equals: z.union([z.string(), z.number(), z.boolean()]),
      })
      .strict()
      .optional(),
  })
  .strict()
  .refine(r => !!r.condition !== !!r.field, {
    error: 'needs exactly one of condition and field',
  });

const operationSchema = z
  .object({
    title: z.string().min(1, 'must not be empty'),
    description: z.string().optional(),
    parameters: json.default({ type: 'object', properties: {} }),
    objects: z.array(objectSchema).min(1, 'needs at least one object'),
    readiness: readinessSchema.optional(),
    runBy: z.enum(['owners', 'admins']).default('owners'),
  })
  .strict();

const capabilitySchema = z
  .object({
    title: z.string().min(1, 'must not be empty'),
    description: z.string().optional(),
    owner: z.string().optional(),
    operator: operatorSchema.optional(),
    parameters: json,
    plans: z
      .record(
        z.string(),
        z
          .object({
            title: z.string().min(1, 'must not be empty'),
            description: z.string().optional(),
            parameters: json.default({}),
          })
          .strict(),
      )
      .refine(
        plans => Object.keys(plans).length > 0,
        'needs at least one plan',
      ),
    objects: z.array(objectSchema).min(1, 'needs at least one object'),
    operations: z.record(z.string(), operationSchema).optional(),
    readiness: readinessSchema,
    connection: z
      .object({
        secretName: z.string().optional(),
        showKeys: z.array(z.string()).optional(),
        host: z.string().optional(),
        service: z.string().optional(),
        fromStatus: z.string().optional(),
        port: z.number().int().min(1).max(65535).optional(),
      })
      .strict()
      .refine(
        c => [c.host, c.service, c.fromStatus].filter(Boolean).length <= 1,
        { error: 'set at most one of host, service and fromStatus' },
      )
      .optional(),
  })
  .strict();

function keyOf(base: string, path: PropertyKey[]): string {
  return path.reduce<string>(
    (key, part) =>
      typeof part === 'number' ? `${key}[${part}]` : `${key}.${String(part)}`,
    base,
  );
}

/** Ids whose `xaas-<id>` would clash with an entity type or template name of the platform. */
const RESERVED_IDS = ['capability', 'instance-update', 'instance-operate'];

function readOne(id: string, raw: unknown): LoadedCapability {
  const base = `kaas.capabilities.${id}`;
  const idProblem = dns1123LabelProblem(id);
  if (idProblem) throw new CapabilityConfigError(base, `the id ${idProblem}`);
  if (RESERVED_IDS.includes(id)) {
    throw new CapabilityConfigError(
      base,
      `the id '${id}' is reserved: xaas-${id} already names the platform's capability entities or a day-2 template; choose another id`,
    );
  }
  const result = capabilitySchema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new CapabilityConfigError(keyOf(base, issue.path), issue.message);
  }
  const parsed = result.data;
  const schema = parsed.parameters;
  const properties = schema.properties;
  if (
    schema.type !== 'object' ||
    !properties ||
    typeof properties !== 'object' ||
    Array.isArray(properties)
  ) {
    throw new CapabilityConfigError(
      `${base}.parameters`,
      'must be a JSON Schema of `type: object` with `properties`',
    );
  }
  const parameterNames = Object.keys(properties);
  const ruleProblem = updateRuleProblem(schema);
  if (ruleProblem) {
    throw new CapabilityConfigError(
      `${base}.parameters.${ruleProblem.path}`,
      ruleProblem.problem,
    );
  }
  let checkParameters: ParameterCheck;
  try {
    checkParameters = compileParameterSchema(schema);
  } catch (error) {
    throw new CapabilityConfigError(
      `${base}.parameters`,
      `is not a valid JSON Schema: ${(error as Error).message}`,
    );
  }
  // A plan may leave a required parameter to the request (e.g. which cluster a database
  // goes to); everything it does set must be valid.
  for (const [plan, { parameters }] of Object.entries(parsed.plans)) {
    const [problem] = checkParameters(parameters).problems.filter(
      p => p.keyword !== 'required' || p.parameter.includes('.'),
    );
    if (problem) {
      throw new CapabilityConfigError(
        `${base}.plans.${plan}.parameters${
          problem.parameter ? `.${problem.parameter}` : ''
        }`,
        problem.message,
      );
    }
  }
  parsed.objects.forEach((object, i) => {
    const key = `${base}.objects[${i}]`;
    if (object.kind === 'Namespace') {
      throw new CapabilityConfigError(
        `${key}.kind`,
        'instances may not create namespaces; the platform places them',
      );
    }
    if (object.when !== undefined) {
      const parameter = whenParameter(object.when);
      if (!parameter || !parameterNames.includes(parameter)) {
        throw new CapabilityConfigError(
          `${key}.when`,
          `must be 'parameters.<name>' of a parameter of the schema (${parameterNames.join(
            ', ',
          )})`,
        );
      }
    }
    const { when: _when, ...template } = object;
    const [problem] = placeholderProblems(template, key, parameterNames);
    if (problem) throw new CapabilityConfigError(problem.path, problem.problem);
  });
  const readinessIndex = parsed.readiness.object ?? 0;
  const readinessObject = parsed.objects[readinessIndex];
  if (!readinessObject) {
    throw new CapabilityConfigError(
      `${base}.readiness.object`,
      `there is no object ${readinessIndex} (the capability has ${parsed.objects.length})`,
    );
  }
  if (readinessObject.when !== undefined) {
    throw new CapabilityConfigError(
      `${base}.readiness.object`,
      `object ${readinessIndex} is optional (it has 'when'); readiness needs an object every instance has`,
    );
  }
  const sameKind = parsed.objects.findIndex(
    (o, i) =>
      i !== readinessIndex &&
      o.apiVersion === readinessObject.apiVersion &&
      o.kind === readinessObject.kind,
  );
  if (sameKind >= 0) {
    throw new CapabilityConfigError(
      `${base}.objects[${sameKind}]`,
      `is a ${readinessObject.kind} like the readiness object ${readinessIndex}; instances are found by the kind of their readiness object, so no other object of the capability may have it`,
    );
  }
  if (parsed.connection) {
    const [problem] = placeholderProblems(
      parsed.connection,
      `${base}.connection`,
      parameterNames,
    );
    if (problem) throw new CapabilityConfigError(problem.path, problem.problem);
  }
  const operationChecks = checkOperations(
    `${base}.operations`,
    parsed.operations ?? {},
    readinessObject,
    (key, problem) => new CapabilityConfigError(key, problem),
  );
  const capability: Capability = {
    id,
    ...parsed,
    parameters: parsed.parameters as Capability['parameters'],
    plans: parsed.plans as Capability['plans'],
    objects: parsed.objects as CapabilityObjectTemplate[],
    operations: parsed.operations as Capability['operations'],
  };
  return { capability, checkParameters, operationChecks };
}

/** Reads and validates `kaas.capabilities`, keeping each capability's compiled parameter check. */
export function loadCapabilities(config: Config): LoadedCapability[] {
  const raw = config.getOptional('kaas.capabilities') ?? {};
  if (typeof raw !== 'object' || Array.isArray(raw) || raw === null) {
    throw new CapabilityConfigError(
      'kaas.capabilities',
      'must be a map of capability id to capability',
    );
  }
  const loaded = Object.entries(raw).map(([id, entry]) => readOne(id, entry));
  checkTemplateNames(
    loaded.map(c => c.capability),
    (key, problem) => new CapabilityConfigError(key, problem),
  );
  return loaded;
}

/**
 * Reads and validates `kaas.capabilities` at startup: errors name the key, e.g.
 * `kaas.capabilities.kafka.plans.small.parameters.replicas`. Every plan must satisfy the
 * capability's parameter schema, and templates may only use known placeholders.
 *
 * @public
 */
export function readCapabilities(config: Config): Capability[] {
  return loadCapabilities(config).map(c => c.capability);
}
