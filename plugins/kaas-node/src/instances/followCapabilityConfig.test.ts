import { mockServices } from '@backstage/backend-test-utils';
import {
  repoKaasConfigData,
  testCluster,
  uniqueName,
  waitFor,
} from '@internal/kaas-test-cluster';
import { capturingLogger } from '../__testUtils__/capturingLogger';
import { ClusterRegistry } from '../clusters/ClusterRegistry';
import { DefaultKaasInventory } from '../inventory/KaasInventory';
import { capabilityInstanceKinds } from '../tenants/tenantInstances';
import { TenantService } from '../tenants/TenantService';
import { followCapabilityConfig } from './followCapabilityConfig';
import { InstanceService } from './InstanceService';

/** A capability whose instance is a ConfigMap: no operator, ready when its data says so. */
const cache = {
  title: 'Cache',
  owner: 'group:default/team-b',
  parameters: {
    type: 'object',
    additionalProperties: false,
    properties: { memory: { type: 'string', pattern: '^[0-9]+Mi$' } },
    required: ['memory'],
  },
  plans: { small: { title: 'Small', parameters: { memory: '64Mi' } } },
  objects: [
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: '${{ instance.name }}' },
      data: { memory: '${{ parameters.memory }}' },
    },
  ],
  readiness: { field: { path: 'data.memory', equals: '64Mi' } },
};

describe('capabilities follow the configuration without a restart (local control plane)', () => {
  const base = repoKaasConfigData(testCluster());
  const withCapabilities = (capabilities: Record<string, unknown>) => ({
    ...base,
    kaas: { ...base.kaas, capabilities },
  });
  const config = mockServices.rootConfig({ data: base });
  const logs: string[] = [];
  const logger = capturingLogger(logs);
  const clusters = ClusterRegistry.fromConfig(config);
  const tenants = TenantService.fromConfig(config, { clusters, logger });
  const instances = InstanceService.fromConfig(config, {
    tenants,
    clusters,
    logger,
  });
  const inventory = DefaultKaasInventory.fromConfig(config, {
    clusters,
    logger,
  });
  followCapabilityConfig(config, logger, loaded => {
    instances.useCapabilities(loaded);
    tenants.useInstanceKinds(
      capabilityInstanceKinds(loaded.map(c => c.capability)),
    );
  });
  followCapabilityConfig(config, logger, loaded =>
    inventory.useCapabilities(loaded),
  );
  const tenant = uniqueName('follow');
  const request = {
    tenant,
    capability: 'cache',
    name: 'c1',
    plan: 'small',
  };

  beforeAll(async () => {
    await inventory.ready();
    await tenants.create(
      tenants.validate({
        name: tenant,
        owner: 'team-b',
        isolation: 'namespace',
        profile: 'small',
      }),
    );
  }, 60_000);
  afterAll(async () => {
    await inventory.stop();
    await tenants
      .delete(tenant, { deleteInstances: true, waitUntilGone: false })
      .catch(() => undefined);
  });

  it('a capability added to config can be requested and is followed by the inventory; an invalid change is refused; a removed one can no longer be requested', async () => {
    expect(() => instances.validate(request)).toThrow(/cache/);

    config.update({
      data: withCapabilities({ ...base.kaas.capabilities, cache }),
    });
    expect(instances.capabilities().map(c => c.id)).toContain('cache');
    await instances.create(instances.validate(request));
    const seen = await waitFor(async () => inventory.instance(tenant, 'c1'), {
      timeoutMs: 30_000,
      describe: () => 'the inventory to see the cache instance',
    });
    expect(seen).toMatchObject({ capability: 'cache', ready: true });
    // The tenant's deletion would take the new kind's instances along.
    const before = inventory.tenants().length;

    config.update({
      data: withCapabilities({
        ...base.kaas.capabilities,
        cache: {
          ...cache,
          plans: { small: { parameters: { memory: 'lots' } } },
        },
      }),
    });
    expect(logs.join('\n')).toMatch(
      /kaas\.capabilities changed, but .*; still serving the capabilities as they were/,
    );
    expect(instances.capabilities().map(c => c.id)).toContain('cache');

    config.update({ data: withCapabilities({ ...base.kaas.capabilities }) });
    expect(() => instances.validate(request)).toThrow(/cache/);
    await waitFor(
      async () => (inventory.instance(tenant, 'c1') ? undefined : true),
      {
        timeoutMs: 30_000,
        describe: () => 'the inventory to forget the cache instance',
      },
    );
    // Tenants are not touched by a change of capabilities.
    expect(inventory.tenants().length).toBe(before);
  }, 90_000);
});
