import type { Config } from '@backstage/config';
import type { Entity } from '@backstage/catalog-model';
import {
  TENANT_ISOLATIONS,
  type TenantIsolation,
} from '@kaas-platform/plugin-kaas-common';
import {
  profileIsolations,
  readCapabilities,
  readTenantPolicy,
} from '@kaas-platform/plugin-kaas-node';
import { capabilityEntity } from './capabilityEntity';
import {
  capabilityTemplate,
  type GeneratedEntityOptions,
} from './capabilityTemplate';
import { operationTemplate } from './operationTemplate';
import { tenantTemplate } from './tenantTemplate';

/**
 * What the configuration offers, as catalog entities: a template for every capability,
 * every operation of a capability and every isolation some tenant profile serves (by the
 * key `capability:<id>` / `operation:<id>/<operation>` / `isolation:<isolation>` a
 * hand-written template can take over), and an entity for every capability.
 */
export interface KaasOffering {
  markPrefix: string;
  templates: Map<GeneratedKey, Entity>;
  /** `spec.type` of each operation template -> its key (`xaas-<id>-op-<op>` is not split by hand). */
  operationTypes: Map<string, GeneratedKey>;
  capabilities: Entity[];
}

/** The key of a generated template. */
export type GeneratedKey =
  | `capability:${string}`
  | `operation:${string}/${string}`
  | `isolation:${string}`;

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
  const templates = new Map<GeneratedKey, Entity>();
  const operationTypes = new Map<string, GeneratedKey>();
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
    for (const operation of Object.keys(capability.operations ?? {})) {
      const key: GeneratedKey = `operation:${capability.id}/${operation}`;
      const template = operationTemplate(capability, operation, options);
      templates.set(key, template);
      operationTypes.set(String(template.spec?.type), key);
    }
  }
  return {
    markPrefix: policy.settings.markPrefix,
    templates,
    operationTypes,
    capabilities: capabilities
      .map(c => capabilityEntity(c, options))
      .filter((e): e is Entity => e !== undefined),
  };
}
