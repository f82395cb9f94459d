import type { Config } from '@backstage/config';
import { parseGroupRef } from '@kaas-platform/plugin-kaas-common';
import type { TenantPolicy } from './tenantPolicy';
import { TenantConfigError } from './tenantConfigError';
import { readTenantSettings } from './readTenantSettings';
import { readTenantProfiles } from './readTenantProfiles';
import { readBaseline } from './readBaseline';

/** Reads `kaas.platformAdmins`: groups whose members may act for any owner. @public */
export function readPlatformAdmins(config: Config): string[] {
  const raw = config.getOptionalStringArray('kaas.platformAdmins') ?? [];
  return raw.map((value, i) => {
    const parsed = parseGroupRef(value);
    if (parsed.problem !== undefined) {
      throw new TenantConfigError(`kaas.platformAdmins[${i}]`, parsed.problem);
    }
    return parsed.group.ref;
  });
}

/**
 * Reads and cross-checks everything configuration says about tenants. Throws a
 * {@link TenantConfigError} naming the key to fix.
 *
 * @public
 */
export function readTenantPolicy(config: Config): TenantPolicy {
  const settings = readTenantSettings(config);
  const profiles = readTenantProfiles(config, settings.markPrefix);
  const baseline = readBaseline(config, settings.markPrefix);
  const hasNetworkPolicy = baseline.some(b => b.kind === 'NetworkPolicy');
  for (const profile of Object.values(profiles)) {
    if (profile.networkPolicy === 'isolated' && !hasNetworkPolicy) {
      throw new TenantConfigError(
        `kaas.tenantProfiles.${profile.name}.networkPolicy`,
        "'isolated' applies the NetworkPolicies of kaas.baseline, and it has none; add them there or use 'none'",
      );
    }
  }
  return {
    settings,
    profiles,
    baseline,
    platformAdmins: readPlatformAdmins(config),
  };
}

/** Whether `kaas.allowServicePrincipals` lets service principals act for any owner. */
export function readAllowServicePrincipals(config: Config): boolean {
  return config.getOptionalBoolean('kaas.allowServicePrincipals') ?? false;
}
