import fs from 'node:fs';
import path from 'node:path';
import { readDurationFromConfig, type Config } from '@backstage/config';
import { durationToMilliseconds } from '@backstage/types';
import { KubeConfig } from '@kubernetes/client-node';
import {
  CLUSTER_ROLES,
  dns1123LabelProblem,
  isClusterRole,
} from '@kaas-platform/plugin-kaas-common';
import type { ClusterAuthConfig, ClusterConfig } from './clusterConfig';

const AUTH_TYPES = ['tokenFile', 'token', 'kubeconfig', 'inCluster'] as const;

/** Thrown for an invalid `kaas.clusters` entry; the message names the key to fix. @public */
export class ClusterConfigError extends Error {
  constructor(readonly key: string, problem: string) {
    super(`Invalid cluster configuration at '${key}': ${problem}`);
    this.name = 'ClusterConfigError';
  }
}

function readableFile(key: string, file: string): string {
  const resolved = path.resolve(file);
  try {
    fs.accessSync(resolved, fs.constants.R_OK);
  } catch {
    throw new ClusterConfigError(
      key,
      `cannot read file '${resolved}'; check the path (relative paths start at the backend's working directory, ${process.cwd()})`,
    );
  }
  return resolved;
}

function readUrl(key: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ClusterConfigError(
      key,
      `'${value}' is not a URL; use e.g. https://127.0.0.1:6443`,
    );
  }
  if (url.protocol !== 'https:') {
    throw new ClusterConfigError(
      key,
      `'${value}' must use https: Kubernetes API servers are only reached over TLS`,
    );
  }
  return value.replace(/\/+$/, '');
}

function readAuth(config: Config, key: string): ClusterAuthConfig {
  const type = config.getString('type');
  switch (type) {
    case 'tokenFile':
      return {
        type,
        tokenFile: readableFile(
          `${key}.tokenFile`,
          config.getString('tokenFile'),
        ),
      };
    case 'token': {
      const token = config.getString('token').trim();
      if (!token) {
        throw new ClusterConfigError(`${key}.token`, 'must not be empty');
      }
      return { type, token };
    }
    case 'kubeconfig': {
      const kubeconfigPath = readableFile(
        `${key}.kubeconfigPath`,
        config.getString('kubeconfigPath'),
      );
      const context = config.getOptionalString('context');
      const kubeConfig = new KubeConfig();
      try {
        kubeConfig.loadFromFile(kubeconfigPath);
      } catch (error) {
        throw new ClusterConfigError(
          `${key}.kubeconfigPath`,
          `'${kubeconfigPath}' is not a valid kubeconfig: ${
            (error as Error).message
          }`,
        );
      }
      if (context && !kubeConfig.getContextObject(context)) {
        const known = kubeConfig.getContexts().map(c => c.name);
        throw new ClusterConfigError(
          `${key}.context`,
          `context '${context}' is not in '${kubeconfigPath}'; it has: ${
            known.join(', ') || 'none'
          }`,
        );
      }
      return { type, kubeconfigPath, context };
    }
    case 'inCluster':
      if (!process.env.KUBERNETES_SERVICE_HOST) {
        throw new ClusterConfigError(
          `${key}.type`,
          "'inCluster' only works inside a pod (KUBERNETES_SERVICE_HOST is not set); use 'tokenFile', 'token' or 'kubeconfig'",
        );
      }
      return { type };
    default:
      throw new ClusterConfigError(
        `${key}.type`,
        `'${type}' is not a known auth type; use one of ${AUTH_TYPES.join(
          ', ',
        )}`,
      );
  }
}

function readCluster(config: Config, key: string): ClusterConfig {
  const name = config.getString('name');
  const nameProblem = dns1123LabelProblem(name);
  if (nameProblem) {
    throw new ClusterConfigError(`${key}.name`, `'${name}' ${nameProblem}`);
  }

  const roles = config.getStringArray('roles');
  if (roles.length === 0) {
    throw new ClusterConfigError(
      `${key}.roles`,
      `list at least one of ${CLUSTER_ROLES.join(', ')}`,
    );
  }
  roles.forEach((role, i) => {
    if (!isClusterRole(role)) {
      throw new ClusterConfigError(
        `${key}.roles[${i}]`,
        `'${role}' is not a cluster role; use ${CLUSTER_ROLES.join(', ')}`,
      );
    }
  });

  const auth = readAuth(config.getConfig('auth'), `${key}.auth`);
  const carriesOwnServer =
    auth.type === 'kubeconfig' || auth.type === 'inCluster';

  const rawUrl = config.getOptionalString('url');
  if (!rawUrl && !carriesOwnServer) {
    throw new ClusterConfigError(
      `${key}.url`,
      `is required with auth type '${auth.type}'`,
    );
  }
  const url = rawUrl ? readUrl(`${key}.url`, rawUrl) : undefined;
  const rawPublicUrl = config.getOptionalString('publicUrl');
  const publicUrl = rawPublicUrl
    ? readUrl(`${key}.publicUrl`, rawPublicUrl)
    : undefined;

  const caData = config.getOptionalString('caData');
  const rawCaFile = config.getOptionalString('caFile');
  if (caData && rawCaFile) {
    throw new ClusterConfigError(
      `${key}.caFile`,
      'set either caData or caFile, not both',
    );
  }
  if (caData && !caData.includes('-----BEGIN CERTIFICATE-----')) {
    throw new ClusterConfigError(`${key}.caData`, 'must be a PEM certificate');
  }
  const caFile = rawCaFile
    ? readableFile(`${key}.caFile`, rawCaFile)
    : undefined;
  if (
    caFile &&
    !fs.readFileSync(caFile, 'utf8').includes('-----BEGIN CERTIFICATE-----')
  ) {
    throw new ClusterConfigError(
      `${key}.caFile`,
      `'${caFile}' holds no PEM certificate`,
    );
  }

  return {
    name,
    title: config.getOptionalString('title') ?? name,
    requestTimeoutMs: readRequestTimeout(config, `${key}.requestTimeout`),
    url,
    ...(publicUrl ? { publicUrl } : {}),
    caData,
    caFile,
    roles: roles as ClusterConfig['roles'],
    auth,
  };
}

/** Default of `kaas.clusters[].requestTimeout`. @public */
export const DEFAULT_REQUEST_TIMEOUT_MS = 20_000;

function readRequestTimeout(config: Config, key: string): number {
  if (!config.has('requestTimeout')) return DEFAULT_REQUEST_TIMEOUT_MS;
  let milliseconds: number;
  try {
    milliseconds = durationToMilliseconds(
      readDurationFromConfig(config, { key: 'requestTimeout' }),
    );
  } catch (error) {
    throw new ClusterConfigError(
      key,
      `${(error as Error).message.replace(
        /^.*config at '[^']*', (Error: )?/,
        '',
      )}; use e.g. '20s' or { seconds: 20 }`,
    );
  }
  if (milliseconds < 100) {
    throw new ClusterConfigError(
      key,
      `is ${milliseconds} ms; give requests at least 100 ms`,
    );
  }
  return milliseconds;
}

/**
 * Reads and validates `kaas.clusters`. Throws a {@link ClusterConfigError} (or Backstage's
 * own config error for a wrong type) that names the offending key.
 *
 * @public
 */
export function readClusterConfigs(config: Config): ClusterConfig[] {
  const entries = config.getOptionalConfigArray('kaas.clusters');
  if (!entries || entries.length === 0) {
    throw new ClusterConfigError(
      'kaas.clusters',
      'configure at least one cluster (name, url, caFile, auth, roles)',
    );
  }
  const clusters = entries.map((entry, i) =>
    readCluster(entry, `kaas.clusters[${i}]`),
  );
  const seen = new Map<string, number>();
  clusters.forEach((cluster, i) => {
    const first = seen.get(cluster.name);
    if (first !== undefined) {
      throw new ClusterConfigError(
        `kaas.clusters[${i}].name`,
        `'${cluster.name}' is already used by kaas.clusters[${first}]; cluster names must be unique`,
      );
    }
    seen.set(cluster.name, i);
  });
  return clusters;
}
