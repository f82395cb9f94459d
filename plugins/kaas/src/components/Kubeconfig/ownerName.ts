import { parseEntityRef } from '@backstage/catalog-model';
import { humanizeEntityRef } from '@backstage/plugin-catalog-react';

/** An owner group's ref as people say it: `team-a` for `group:default/team-a`. */
export function ownerName(owner: string | undefined): string {
  if (!owner) return 'the owner group';
  try {
    return humanizeEntityRef(parseEntityRef(owner, { defaultKind: 'group' }), {
      defaultKind: 'group',
    });
  } catch {
    return owner;
  }
}
