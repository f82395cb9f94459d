import type { KubernetesObject } from '@kubernetes/client-node';
import type { ReadinessRule } from '@kaas-platform/plugin-kaas-common';
import { describeObject } from '../tenants/kubernetesManifest';

interface Condition {
  type?: string;
  status?: string;
  reason?: string;
  message?: string;
}

/** Applies a capability's readiness rule to its readiness object as read now. */
export function readInstanceReadiness(
  object: KubernetesObject,
  rule: ReadinessRule,
): { ready: boolean; message: string } {
  const what = describeObject(object);
  if (rule.condition) {
    const conditions = valueAt(object, 'status.conditions');
    const condition = Array.isArray(conditions)
      ? (conditions as Condition[]).find(c => c?.type === rule.condition!.type)
      : undefined;
    if (!condition) {
      return {
        ready: false,
        message: `${what} reports no ${rule.condition.type} condition yet`,
      };
    }
    const ready = condition.status === rule.condition.status;
    const detail = [condition.reason, condition.message]
      .filter(Boolean)
      .join(': ');
    return {
      ready,
      message: `${what}: condition ${rule.condition.type} is ${
        condition.status
      }${ready ? '' : ` (want ${rule.condition.status})`}${
        detail ? ` — ${detail}` : ''
      }`,
    };
  }
  const { path, equals } = rule.field!;
  const value = valueAt(object, path);
  const ready = value === equals;
  return {
    ready,
    message:
      value === undefined
        ? `${what} reports no ${path} yet (want ${JSON.stringify(equals)})`
        : `${what}: ${path} is ${JSON.stringify(value)}${
            ready ? '' : ` (want ${JSON.stringify(equals)})`
          }`,
  };
}

/** The value at a dotted path (`status.phase`) of `object`. */
export function valueAt(object: unknown, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>(
      (value, key) =>
        value && typeof value === 'object'
          ? (value as Record<string, unknown>)[key]
          : undefined,
      object,
    );
}
