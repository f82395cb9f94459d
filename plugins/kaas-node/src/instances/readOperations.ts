import type { CapabilityObjectTemplate } from '@kaas-platform/plugin-kaas-common';
import {
  compileParameterSchema,
  type ParameterCheck,
} from './instanceParameters';
import { placeholderProblems, whenParameter } from './instanceTemplates';
import { RUN_KEYS, substituteRunPlaceholders } from './renderOperation';

/** An operation of `kaas.capabilities.<id>.operations` as its schema parsed it. */
interface ParsedOperation {
  parameters: Record<string, unknown>;
  objects: CapabilityObjectTemplate[];
  readiness?: { object?: number };
}

const OPERATION_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * Checks a capability's operations beyond their shape: names, each parameter schema
 * (compiled; unknown parameters are always refused), placeholders of the objects and the
 * readiness object. Returns each operation's compiled parameter check; throws `fail(key,
 * problem)` for the first problem.
 */
export function checkOperations(
  base: string,
  operations: Record<string, ParsedOperation>,
  /** The capability's readiness object: instances are found by its kind. */
  main: { apiVersion: string; kind: string },
  fail: (key: string, problem: string) => Error,
): Record<string, ParameterCheck> {
  const checks: Record<string, ParameterCheck> = {};
  for (const [name, operation] of Object.entries(operations)) {
    const key = `${base}.${name}`;
    if (!OPERATION_NAME.test(name) || name.length > 40) {
      throw fail(
        key,
        'the operation name must be lowercase letters, digits and dashes, at most 40 characters (it becomes a label value)',
      );
    }
    const schema = operation.parameters;
    const properties = schema.properties ?? {};
    if (
      schema.type !== 'object' ||
      typeof properties !== 'object' ||
      Array.isArray(properties)
    ) {
      throw fail(
        `${key}.parameters`,
        'must be a JSON Schema of `type: object` with `properties`',
      );
    }
    if (
      schema.additionalProperties !== undefined &&
      schema.additionalProperties !== false
    ) {
      throw fail(
        `${key}.parameters.additionalProperties`,
        'must be false or left out: an operation refuses parameters its schema does not name',
      );
    }
    try {
      checks[name] = compileParameterSchema({
        ...schema,
        additionalProperties: false,
      });
    } catch (error) {
      throw fail(
        `${key}.parameters`,
        `is not a valid JSON Schema: ${(error as Error).message}`,
      );
    }
    const parameterNames = Object.keys(properties as object);
    operation.objects.forEach((object, i) => {
      const at = `${key}.objects[${i}]`;
      if (object.kind === 'Namespace') {
        throw fail(
          `${at}.kind`,
          'operations may not create namespaces; their objects go to the instance namespace',
        );
      }
      if (object.apiVersion === main.apiVersion && object.kind === main.kind) {
        throw fail(
          `${at}.kind`,
          `is a ${main.kind} like the capability's readiness object; instances are found by that kind, so an operation may not create one`,
        );
      }
      if (object.when !== undefined) {
        const parameter = whenParameter(object.when);
        if (!parameter || !parameterNames.includes(parameter)) {
          throw fail(
            `${at}.when`,
            `must be 'parameters.<name>' of a parameter of the operation (${
              parameterNames.join(', ') || 'it has none'
            })`,
          );
        }
      }
      const { when: _when, ...template } = object;
      const unknownRun = unknownRunPlaceholder(template);
      if (unknownRun) {
        throw fail(
          at,
          `unknown placeholder '${unknownRun}'; use one of ${RUN_KEYS.map(
            k => `\${{ run.${k} }}`,
          ).join(', ')}`,
        );
      }
      const sample = substituteRunPlaceholders(template, {
        name: 'run',
        operation: name,
      });
      const [problem] = placeholderProblems(sample, at, parameterNames);
      if (problem) throw fail(problem.path, problem.problem);
    });
    const index = operation.readiness?.object ?? 0;
    const readinessObject = operation.objects[index];
    if (operation.readiness && !readinessObject) {
      throw fail(
        `${key}.readiness.object`,
        `there is no object ${index} (the operation has ${operation.objects.length})`,
      );
    }
    if (operation.readiness && readinessObject.when !== undefined) {
      throw fail(
        `${key}.readiness.object`,
        `object ${index} is optional (it has 'when'); readiness needs an object every run has`,
      );
    }
  }
  return checks;
}

const RUN_PLACEHOLDER = /\$\{\{\s*run\.([A-Za-z0-9_]*)\s*\}\}/g;

function unknownRunPlaceholder(tree: unknown): string | undefined {
  const text = JSON.stringify(tree);
  for (const match of text.matchAll(RUN_PLACEHOLDER)) {
    if (!RUN_KEYS.includes(match[1] as (typeof RUN_KEYS)[number])) {
      return match[0];
    }
  }
  return undefined;
}
