import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { NotAllowedError } from '@backstage/errors';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { Entity } from '@backstage/catalog-model';
import { OwnerAuthorizer } from './OwnerAuthorizer';

function user(name: string, groups: string[]): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'User',
    metadata: { name, namespace: 'default' },
    spec: { memberOf: groups },
    relations: groups.map(g => ({
      type: 'memberOf',
      targetRef: `group:default/${g}`,
    })),
  };
}

describe('OwnerAuthorizer', () => {
  const catalog = catalogServiceMock({
    entities: [
      user('alice', ['team-a']),
      user('bob', ['team-b']),
      user('petra', ['platform-team']),
    ],
  });
  const authorizer = (allowServicePrincipals = false) =>
    new OwnerAuthorizer({
      catalog,
      auth: mockServices.auth(),
      platformAdmins: ['group:default/platform-team'],
      allowServicePrincipals,
    });

  it.each([
    ['alice', 'team-a'],
    ['alice', 'group:default/team-a'],
    ['alice', 'Group:default/Team-A'],
    ['petra', 'team-a'],
    ['petra', 'team-b'],
  ])('lets %s act for %s', async (name, owner) => {
    await expect(
      authorizer().assertMayActFor(
        mockCredentials.user(`user:default/${name}`),
        owner,
      ),
    ).resolves.toBeUndefined();
  });

  it.each<[string, string, RegExp]>([
    [
      'bob',
      'team-a',
      /user:default\/bob is not a member of group:default\/team-a/,
    ],
    [
      'alice',
      'team-b',
      /user:default\/alice is not a member of group:default\/team-b/,
    ],
    ['nobody', 'team-a', /user:default\/nobody is not in the catalog/],
  ])('refuses %s acting for %s', async (name, owner, message) => {
    const attempt = authorizer().assertMayActFor(
      mockCredentials.user(`user:default/${name}`),
      owner,
    );
    await expect(attempt).rejects.toThrow(NotAllowedError);
    await expect(attempt).rejects.toThrow(message);
  });

  it('refuses service principals unless allowed', async () => {
    const service = mockCredentials.service('plugin:catalog');
    await expect(
      authorizer().assertMayActFor(service, 'team-a'),
    ).rejects.toThrow(
      /Service 'plugin:catalog' may not act for group:default\/team-a/,
    );
    await expect(
      authorizer(true).assertMayActFor(service, 'team-a'),
    ).resolves.toBeUndefined();
  });

  it('refuses an owner that is not a group', async () => {
    await expect(
      authorizer().assertMayActFor(
        mockCredentials.user('user:default/alice'),
        'user:default/alice',
      ),
    ).rejects.toThrow(/must be a group/);
  });
});
