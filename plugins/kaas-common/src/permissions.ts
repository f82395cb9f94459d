import { createPermission } from '@backstage/plugin-permission-common';

/** Read the list of configured clusters (names, titles, roles; never credentials). @public */
export const kaasClusterReadPermission = createPermission({
  name: 'kaas.cluster.read',
  attributes: { action: 'read' },
});

/** Every permission the kaas plugins define. @public */
export const kaasPermissions = [kaasClusterReadPermission];
