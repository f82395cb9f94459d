import { readDurationFromConfig, type Config } from '@backstage/config';
import { durationToMilliseconds } from '@backstage/types';
import { MIN_KUBECONFIG_TTL_SECONDS } from '@kaas-platform/plugin-kaas-common';

/** `kaas.oidc`: the company issuer put into OIDC kubeconfigs. @public */
export interface OidcSettings {
  issuerUrl: string;
  clientId: string;
  /** Scopes asked for in addition to `openid`, e.g. `email`, `groups`. */
  extraScopes: string[];
  /** PEM of the CA of an issuer with a private CA, inline (`caData`, base64) ... */
  caData?: string;
  /** ... or in a file read at each issuance (`caFile`), so a rotated file is picked up. */
  caFile?: string;
}

/** `kaas.kubeconfig` and `kaas.oidc`, validated. @public */
export interface KubeconfigSettings {
  defaultTtlSeconds: number;
  maxTtlSeconds: number;
  oidc?: OidcSettings;
}

/** Thrown for invalid kubeconfig configuration; the message names the key to fix. @public */
export class KubeconfigConfigError extends Error {
  constructor(readonly key: string, problem: string) {
    super(`Invalid kubeconfig configuration at '${key}': ${problem}`);
    this.name = 'KubeconfigConfigError';
  }
}

const DEFAULT_MAX_TTL_SECONDS = 8 * 3600;
const DEFAULT_TTL_SECONDS = 3600;
const DURATION_FORMS = "use e.g. '8h', '90 minutes', 'PT8H' or { hours: 8 }";

/** `8 h`, `90 min`, `650 s`: for messages about lifetimes. */
export function describeSeconds(seconds: number): string {
  if (seconds % 3600 === 0) return `${seconds / 3600} h`;
  if (seconds % 60 === 0) return `${seconds / 60} min`;
  return `${seconds} s`;
}

function readTtl(config: Config, key: string, fallback: number): number {
  if (!config.has(key)) return fallback;
  let milliseconds: number;
  try {
    milliseconds = durationToMilliseconds(
      readDurationFromConfig(config, { key }),
    );
  } catch (error) {
    // Backstage's message names the key itself; ours already leads with it.
    const problem = (error as Error).message
      .replace(
        /^Failed to read duration from config at '[^']*', (Error: )?/,
        '',
      )
      .replace(/ in config at '[^']*', (Error: )?/, ': ');
    throw new KubeconfigConfigError(key, `${problem}; ${DURATION_FORMS}`);
  }
  const seconds = Math.round(milliseconds / 1000);
  if (seconds < MIN_KUBECONFIG_TTL_SECONDS) {
    throw new KubeconfigConfigError(
      key,
      `is ${describeSeconds(seconds)}; tokens live at least ${
        MIN_KUBECONFIG_TTL_SECONDS / 60
      } minutes (the TokenRequest API's minimum)`,
    );
  }
  return seconds;
}

function readHttpsUrl(config: Config, key: string): string {
  const value = config.getString(key);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new KubeconfigConfigError(
      key,
      `'${value}' is not a URL; use the issuer's https URL, e.g. https://sso.example.com/realms/main`,
    );
  }
  if (url.protocol !== 'https:') {
    throw new KubeconfigConfigError(
      key,
      `'${value}' must use https: kube-apiserver only trusts https issuers`,
    );
  }
  return value;
}

function readOidc(config: Config): OidcSettings | undefined {
  if (!config.has('kaas.oidc')) return undefined;
  const issuerUrl = readHttpsUrl(config, 'kaas.oidc.issuerUrl');
  const clientId = config.getString('kaas.oidc.clientId').trim();
  if (!clientId) {
    throw new KubeconfigConfigError('kaas.oidc.clientId', 'must not be empty');
  }
  const extraScopes = config.getOptionalStringArray('kaas.oidc.extraScopes');
  (extraScopes ?? []).forEach((scope, i) => {
    if (!/^[\x21\x23-\x5b\x5d-\x7e]+$/.test(scope)) {
      throw new KubeconfigConfigError(
        `kaas.oidc.extraScopes[${i}]`,
        `'${scope}' is not an OAuth scope (one word, no spaces or quotes)`,
      );
    }
  });
  const caData = config.getOptionalString('kaas.oidc.caData');
  const caFile = config.getOptionalString('kaas.oidc.caFile');
  if (caData && caFile) {
    throw new KubeconfigConfigError(
      'kaas.oidc.caFile',
      'give caData or caFile, not both',
    );
  }
  return {
    issuerUrl,
    clientId,
    extraScopes: extraScopes ?? [],
    ...(caData ? { caData } : {}),
    ...(caFile ? { caFile } : {}),
  };
}

/**
 * Reads and validates `kaas.kubeconfig` (token lifetimes as Backstage durations) and
 * `kaas.oidc`. Throws a {@link KubeconfigConfigError} naming the offending key.
 *
 * @public
 */
export function readKubeconfigSettings(config: Config): KubeconfigSettings {
  const maxTtlSeconds = readTtl(
    config,
    'kaas.kubeconfig.maxTtl',
    DEFAULT_MAX_TTL_SECONDS,
  );
  const defaultTtlSeconds = readTtl(
    config,
    'kaas.kubeconfig.defaultTtl',
    Math.min(DEFAULT_TTL_SECONDS, maxTtlSeconds),
  );
  if (defaultTtlSeconds > maxTtlSeconds) {
    throw new KubeconfigConfigError(
      'kaas.kubeconfig.defaultTtl',
      `is ${describeSeconds(
        defaultTtlSeconds,
      )}, longer than kaas.kubeconfig.maxTtl (${describeSeconds(
        maxTtlSeconds,
      )})`,
    );
  }
  const oidc = readOidc(config);
  return { defaultTtlSeconds, maxTtlSeconds, ...(oidc ? { oidc } : {}) };
}
