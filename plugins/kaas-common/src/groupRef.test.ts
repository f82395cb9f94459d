import {
  kubernetesGroupName,
  normalizeGroupRef,
  parseGroupRef,
  sameEntityRef,
} from './groupRef';

describe('parseGroupRef', () => {
  it.each([
    ['team-a', 'group:default/team-a'],
    ['group:team-a', 'group:default/team-a'],
    ['GROUP:Default/team-a', 'group:default/team-a'],
    ['group:other/team-a', 'group:other/team-a'],
  ])('%j -> %j', (value, ref) => {
    expect(normalizeGroupRef(value)).toBe(ref);
  });

  it.each([
    ['user:default/alice', /must be a group/],
    ['component:x', /must be a group/],
    ['group:default/', /not a valid group reference/],
    ['group:Bad_NS/x', /invalid namespace/],
    ['team a', /not a valid group reference/],
  ])('refuses %j', (value, problem) => {
    expect(parseGroupRef(value).problem).toMatch(problem);
  });

  it('compares refs case-insensitively', () => {
    expect(sameEntityRef('group:default/Team-A', 'group:default/team-a')).toBe(
      true,
    );
    expect(sameEntityRef('group:default/team-b', 'group:default/team-a')).toBe(
      false,
    );
  });

  it.each([
    ['group:default/team-a', 'team-a'],
    ['team-a', 'team-a'],
    ['group:other/team-a', 'other/team-a'],
  ])(
    'maps %j to the Kubernetes group %j, keeping a namespace other than default',
    (value, name) => {
      const parsed = parseGroupRef(value);
      if (parsed.problem !== undefined) throw new Error(parsed.problem);
      expect(kubernetesGroupName(parsed.group)).toBe(name);
    },
  );
});
