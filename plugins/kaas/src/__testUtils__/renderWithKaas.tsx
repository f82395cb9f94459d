import type { Entity } from '@backstage/catalog-model';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import type { ReactNode } from 'react';
import { SWRConfig } from 'swr';
import { KaasApi, kaasApiRef } from '../api/KaasApi';
import { fakeKaasApi } from './fakeKaasApi';

/**
 * Renders `ui` in a test app with a fake kaas API, a permission API that allows or denies
 * everything, entity links routable and, when given, `entity` as the page's entity.
 * usePermission caches decisions in SWR; a fresh cache keeps tests apart.
 */
export function renderWithKaas(
  ui: ReactNode,
  options: { kaasApi: KaasApi; allowed?: boolean; entity?: Entity },
) {
  const permissionApi = mockApis.permission({
    authorize:
      options.allowed === false ? AuthorizeResult.DENY : AuthorizeResult.ALLOW,
  });
  return renderInTestApp(
    <SWRConfig value={{ provider: () => new Map() }}>
      <TestApiProvider
        apis={[
          [kaasApiRef, options.kaasApi],
          [permissionApiRef, permissionApi],
        ]}
      >
        {options.entity ? (
          <EntityProvider entity={options.entity}>{ui}</EntityProvider>
        ) : (
          ui
        )}
      </TestApiProvider>
    </SWRConfig>,
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );
}

/**
 * Renders `ui` on the catalog page of `entity`, with a fake kaas API of the methods in
 * `api` (see fakeKaasApi) and permissions that allow everything, or deny it when
 * `allowed` is false.
 */
export function renderOnEntityPage(
  ui: ReactNode,
  entity: Entity,
  api: Partial<KaasApi>,
  options: { allowed?: boolean } = {},
) {
  return renderWithKaas(ui, {
    kaasApi: fakeKaasApi(api),
    entity,
    allowed: options.allowed,
  });
}

/** The catalog entity of tenant `team-a-dev`, as the entity provider emits it. */
export const tenantEntity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: { name: 'team-a-dev', namespace: 'default' },
  spec: { type: 'kubernetes-tenant', owner: 'group:default/team-a' },
};

/** The catalog entity of instance `db` of tenant `team-a-dev`. */
export const instanceEntity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: {
    name: 'team-a-dev.db',
    namespace: 'default',
    annotations: {
      'kaas.internal/tenant': 'team-a-dev',
      'kaas.internal/capability': 'postgresql',
    },
  },
  spec: {
    type: 'xaas-postgresql',
    owner: 'group:default/team-a',
    dependsOn: ['resource:default/team-a-dev'],
  },
};
