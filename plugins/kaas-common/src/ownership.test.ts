import { isOwnerMember, isPlatformAdmin, mayActForOwner } from './ownership';

describe('mayActForOwner', () => {
  const admins = ['group:default/platform-team'];

  it('lets members of the owner group act, whatever the case of the refs', () => {
    const alice = ['user:default/alice', 'group:default/Team-A'];
    expect(mayActForOwner(alice, 'group:default/team-a', admins)).toBe(true);
    expect(isOwnerMember(alice, 'group:default/team-a')).toBe(true);
  });

  it('lets platform admins act for any owner', () => {
    const petra = ['user:default/petra', 'group:default/platform-team'];
    expect(mayActForOwner(petra, 'group:default/team-b', admins)).toBe(true);
    expect(isPlatformAdmin(petra, admins)).toBe(true);
  });

  it('refuses others, a group of the same name in another catalog namespace, and an empty owner', () => {
    const bob = ['user:default/bob', 'group:default/team-b'];
    expect(mayActForOwner(bob, 'group:default/team-a', admins)).toBe(false);
    expect(
      mayActForOwner(['group:other/team-a'], 'group:default/team-a', admins),
    ).toBe(false);
    expect(mayActForOwner(bob, '', admins)).toBe(false);
    expect(mayActForOwner([], 'group:default/team-a', admins)).toBe(false);
  });
});
