import {
  capabilityEntityRef,
  instanceEntityRef,
  isInstanceEntityType,
  kaasEntityPageUrl,
  tenantEntityRef,
} from './entityRefs';

describe('entity refs and pages', () => {
  it('names a tenant and an instance entity in the default namespace', () => {
    expect(tenantEntityRef('team-a-dev')).toBe('resource:default/team-a-dev');
    expect(instanceEntityRef('team-a-dev', 'db')).toBe(
      'resource:default/team-a-dev.db',
    );
  });

  it('links the kaas tab of the entity page, with or without a trailing slash on the app URL', () => {
    expect(kaasEntityPageUrl('http://localhost:3000/', 'team-a-dev')).toBe(
      'http://localhost:3000/catalog/default/resource/team-a-dev/kaas',
    );
    expect(kaasEntityPageUrl('https://b.example.com', 'team-a-dev.db')).toBe(
      'https://b.example.com/catalog/default/resource/team-a-dev.db/kaas',
    );
  });

  it("names a capability's entity, whose type is no instance's", () => {
    expect(capabilityEntityRef('postgresql')).toBe(
      'resource:default/xaas-capability-postgresql',
    );
    expect(isInstanceEntityType('xaas-postgresql')).toBe(true);
    expect(isInstanceEntityType('xaas-capability')).toBe(false);
  });
});
