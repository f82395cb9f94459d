import { mockCredentials } from '@backstage/backend-test-utils';
import type {
  BackstageCredentials,
  BackstageUserPrincipal,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import { OwnerAuthorizer } from './OwnerAuthorizer';

/** Ownership refs as the demo sign-in puts them into Backstage tokens. */
const CLAIMS: Record<string, string[]> = {
  'user:default/alice': ['user:default/alice', 'group:default/team-a'],
  'user:default/bob': ['user:default/bob', 'group:default/team-b'],
  'user:default/petra': ['user:default/petra', 'group:default/platform-team'],
  'user:default/nobody': ['user:default/nobody'],
};

const userInfo = {
  async getUserInfo(credentials: BackstageCredentials) {
    const ref = (credentials.principal as BackstageUserPrincipal).userEntityRef;
    return { userEntityRef: ref, ownershipEntityRefs: CLAIMS[ref] ?? [] };
  },
};

describe('OwnerAuthorizer', () => {
  const authorizer = (allowServicePrincipals = false) =>
    new OwnerAuthorizer({
      userInfo,
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
    [
      'nobody',
      'team-a',
      /user:default\/nobody is not a member of group:default\/team-a/,
    ],
  ])('refuses %s acting for %s', async (name, owner, message) => {
    const attempt = authorizer().assertMayActFor(
      mockCredentials.user(`user:default/${name}`),
      owner,
    );
    await expect(attempt).rejects.toThrow(NotAllowedError);
    await expect(attempt).rejects.toThrow(message);
  });

  it('answers mayActFor without throwing for a refusal', async () => {
    const bob = mockCredentials.user('user:default/bob');
    expect(await authorizer().mayActFor(bob, 'team-a')).toBe(false);
    expect(await authorizer().mayActFor(bob, 'team-b')).toBe(true);
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
