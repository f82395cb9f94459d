import type { Config } from '@backstage/config';
import type { Entity } from '@backstage/catalog-model';
import {
  TENANT_ISOLATIONS,
  type TenantIsolation,
} from '@internal/plugin-kaas-common';
import {
  profileIsolations,
  readCapabilities,
  readTenantPolicy,
} from '@internal/plugin-kaas-node';
import { capabilityEntity } from './capabilityEntity';
import {
  capabilityTemplate,
  type GeneratedEntityOptions,
} from './capabilityTemplate';
import { tenantTemplate } from './tenantTemplate';

/**
 * What the configuration offers, as catalog entities: a template for every capability
 * and for every isolation some tenant profile serves (by the key
 * `capability:<id>` / `isolation:<isolation>` a hand-written template can take over),
 * and an entity for every capability.
 */
export interface KaasOffering {
  markPrefix: string;
  templates: Map<string, Entity>;
  capabilities: Entity[];
}

/** The key of a generated template: `capability:<id>` or `isolation:<isolation>`. */
export type GeneratedKey = `capability:${string}` | `isolation:${string}`;

/**
 * Reads `kaas.capabilities` and `kaas.tenantProfiles` with kaas-node's own readers
 * (so a configuration they refuse throws, naming the key) and renders the offering.
 */
export function readKaasOffering(config: Config): KaasOffering {
  const capabilities = readCapabilities(config);
  const policy = readTenantPolicy(config);
  const options: GeneratedEntityOptions = {
    markPrefix: policy.settings.markPrefix,
    defaultOwner: policy.platformAdmins[0],
    appBaseUrl: config.getOptionalString('app.baseUrl'),
  };
  const offered = new Set<TenantIsolation>(
    Object.values(policy.profiles).flatMap(profileIsolations),
  );
  const templates = new Map<string, Entity>();
  for (const isolation of TENANT_ISOLATIONS) {
    if (offered.has(isolation)) {
      templates.set(
        `isolation:${isolation}`,
        tenantTemplate(isolation, options),
      );
    }
  }
  for (const capability of capabilities) {
    templates.set(
      `capability:${capability.id}`,
      capabilityTemplate(capability, options),
    );
  }
  return {
    markPrefix: policy.settings.markPrefix,
    templates,
    capabilities: capabilities
      .map(c => capabilityEntity(c, options))
      .filter((e): e is Entity => e !== undefined),
  };
}
