import type { Config } from '@backstage/config';
import { kaasPermissions } from '@kaas-platform/plugin-kaas-common';

const KEY = 'kaas.platformAdminOnlyPermissions';

/**
 * `kaas.platformAdminOnlyPermissions`: kaas permission names only platform admins hold.
 * A name that is no kaas permission stops the backend, naming the ones there are: a typo
 * must not leave a permission open that the platform team meant to close.
 *
 * @public
 */
export function readPlatformAdminOnlyPermissions(config: Config): Set<string> {
  const names = config.getOptionalStringArray(KEY) ?? [];
  const known = new Set(kaasPermissions.map(p => p.name));
  const unknown = names.filter(name => !known.has(name));
  if (unknown.length) {
    throw new Error(
      `${KEY}: ${unknown
        .map(n => `'${n}'`)
        .join(', ')} is no kaas permission; use some of: ${[...known].join(
        ', ',
      )}`,
    );
  }
  return new Set(names);
}
