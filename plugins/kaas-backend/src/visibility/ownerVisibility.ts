import type { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';

/** Who sees a detail: the owner group's members and platform admins, or every reader. */
export type Visibility = 'owners' | 'everyone';

/**
 * `kaas.visibility`: what of a tenant only its owners (and platform admins) see. Events
 * can name images, hosts and failing commands; connection details name hosts, users and
 * databases. Every signed-in user may read a tenant's status otherwise.
 */
export interface OwnerVisibility {
  /** The recent Kubernetes events in a tenant's status. */
  events: Visibility;
  /** An instance's connection details (`GET .../connection`). */
  connectionDetails: Visibility;
}

const VISIBILITIES: Visibility[] = ['owners', 'everyone'];

function readVisibility(config: Config, key: string): Visibility {
  const value = config.getOptionalString(key) ?? 'owners';
  if (!VISIBILITIES.includes(value as Visibility)) {
    throw new InputError(
      `${key} must be one of ${VISIBILITIES.map(v => `'${v}'`).join(
        ', ',
      )}, not '${value}'`,
    );
  }
  return value as Visibility;
}

/** Reads `kaas.visibility`; each key defaults to `owners`. */
export function readOwnerVisibility(config: Config): OwnerVisibility {
  return {
    events: readVisibility(config, 'kaas.visibility.events'),
    connectionDetails: readVisibility(
      config,
      'kaas.visibility.connectionDetails',
    ),
  };
}
