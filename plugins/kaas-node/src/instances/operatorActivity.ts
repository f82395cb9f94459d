import type { KubernetesObject } from '@kubernetes/client-node';
import type {
  Capability,
  ObjectCondition,
} from '@kaas-platform/plugin-kaas-common';

/** The condition an instance carries when no operator has acted on its main object. */
export const OPERATOR_ACTIVE_CONDITION = 'OperatorActive';

/** What an operator leaves on a main object, as far as judging it goes. */
export interface OperatorSigns {
  /** The object's `metadata.creationTimestamp`. */
  createdAt?: string;
  /** Whether it has a finalizer or any `status` (`status.observedGeneration` included). */
  acted: boolean;
}

/** The operator signs on `object`; the platform itself writes neither finalizers nor status. */
export function operatorSignsOf(object: KubernetesObject): OperatorSigns {
  const status = (object as { status?: unknown }).status;
  const created = object.metadata?.creationTimestamp;
  return {
    ...(created
      ? {
          createdAt:
            created instanceof Date ? created.toISOString() : String(created),
        }
      : {}),
    acted:
      (object.metadata?.finalizers ?? []).length > 0 ||
      (!!status &&
        typeof status === 'object' &&
        Object.keys(status).length > 0),
  };
}

/**
 * Judges the operator of an instance's main object: a message saying that no operator has
 * acted on it, once it is older than the capability's `operator.actsWithin` and carries no
 * operator sign; undefined while the operator still has time, once it has acted, or when
 * the capability declares no operator.
 */
export function operatorSilence(options: {
  signs: OperatorSigns;
  capability: Capability;
  cluster: string;
  now?: number;
}): string | undefined {
  const { signs, capability, cluster } = options;
  const { operator } = capability;
  const created = Date.parse(signs.createdAt ?? '');
  if (!operator || signs.acted || Number.isNaN(created)) return undefined;
  const age = (options.now ?? Date.now()) - created;
  if (age < operator.actsWithinSeconds * 1000) return undefined;
  const runBy = capability.owner
    ? `the capability is run by ${capability.owner}`
    : 'the capability names no owner team; ask the platform admins';
  return `no ${operator.name} operator has acted on this object for ${operator.actsWithinSeconds} s on cluster '${cluster}'; ${runBy}`;
}

/** The `OperatorActive` False condition of a silence, as the status routes show it. */
export function operatorSilenceCondition(message: string): ObjectCondition {
  return {
    type: OPERATOR_ACTIVE_CONDITION,
    status: 'False',
    reason: 'NoOperatorSign',
    message,
  };
}
