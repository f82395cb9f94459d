import { InputError } from '@backstage/errors';
import type { ObjectChange } from '../tenants/describeChanges';
import type { InstanceApplyResult } from './instanceResults';
import type { InstanceSummary } from './instanceSummary';
import { planParameters } from './instanceValues';
import type { LoadedCapability } from './readCapabilities';
import { unsafeChanges } from './updateRules';

/**
 * A change of an existing instance: what it leaves out stays as recorded on the instance,
 * and a parameter set to `null` goes back to the plan's value. @public
 */
export interface InstanceUpdateRequest {
  tenant: string;
  /** The instance's capability; it cannot change. */
  capability: string;
  name: string;
  plan?: string;
  parameters?: Record<string, unknown>;
}

/** What {@link InstanceService.update} applied (or would), and each field that changes. @public */
export interface InstanceUpdateResult extends InstanceApplyResult {
  changes: ObjectChange[];
}

/** The whole request an update applies: the recorded one, overridden by what the update sets. */
export function mergedInstanceRequest(
  recorded: InstanceSummary,
  update: InstanceUpdateRequest,
): Record<string, unknown> {
  const parameters = Object.entries({
    ...recorded.parameters,
    ...Object.fromEntries(
      Object.entries(update.parameters ?? {}).filter(
        ([, v]) => v !== undefined,
      ),
    ),
  }).filter(([, value]) => value !== null);
  return {
    tenant: recorded.tenant,
    capability: update.capability,
    name: recorded.name,
    plan: update.plan ?? recorded.plan,
    parameters: Object.fromEntries(parameters),
  };
}

/**
 * Refuses, before anything is written, the changes the capability's `x-kaas-update`
 * rules forbid: the instance's parameters as made (its plan's filled in) against the new
 * ones. The message names each parameter, its old and new value, and what to keep.
 */
export function assertSafeUpdate(
  loaded: LoadedCapability,
  existing: InstanceSummary,
  parameters: Record<string, unknown>,
): void {
  const before = planParameters(
    loaded,
    existing.plan,
    existing.parameters,
  ).parameters;
  const refusals = unsafeChanges(
    loaded.capability.parameters,
    before,
    parameters,
  );
  if (refusals.length) {
    throw new InputError(
      `${existing.capability} instance '${existing.tenant}/${
        existing.name
      }' cannot be changed that way: ${refusals.join(' ')}`,
    );
  }
}
