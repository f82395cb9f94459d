import type { KubeconfigOptions } from '@kaas-platform/plugin-kaas-common';

const COMMON_TTLS_SECONDS = [
  600,
  1800,
  3600,
  2 * 3600,
  4 * 3600,
  8 * 3600,
  12 * 3600,
  24 * 3600,
];

/** The token lifetimes to offer: common ones within [min, max], plus the default and the max. */
export function ttlChoices(options: KubeconfigOptions): number[] {
  const { minTtlSeconds, maxTtlSeconds, defaultTtlSeconds } = options;
  const all = new Set(
    [...COMMON_TTLS_SECONDS, defaultTtlSeconds, maxTtlSeconds].filter(
      ttl => ttl >= minTtlSeconds && ttl <= maxTtlSeconds,
    ),
  );
  return [...all].sort((a, b) => a - b);
}
