import type { LoggerService } from '@backstage/backend-plugin-api';
import type { KaasCluster } from '../clusters/KaasCluster';
import { readRawObject } from '../clusters/readRawObject';
import { parseQuantity } from '../inventory/quantity';
import { describeObject, type KubernetesManifest } from './kubernetesManifest';

/** One difference between what is on the cluster and what would be applied. @public */
export interface ObjectChange {
  /** `Kind namespace/name`, as the task log names objects. */
  object: string;
  /** Dotted path of the field, e.g. `spec.hard.pods`; empty for a whole new object. */
  path: string;
  /** The live value (JSON), absent for a new object or field. */
  from?: string;
  /** The value that would be applied (JSON). */
  to: string;
}

/** JSON with object keys sorted, so that key order never counts as a change. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_, v) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v).sort(([a], [b]) => a.localeCompare(b)),
        )
      : v,
  );
}

/** A string that holds a JSON object (the request annotation), parsed; else undefined. */
function jsonObject(value: unknown): unknown {
  if (typeof value !== 'string' || !value.startsWith('{')) return undefined;
  try {
    return JSON.parse(value);
  } catch {
    return undefined;
  }
}

/**
 * Whether a live value is what would be applied: key order and JSON held in strings do
 * not count, and quantities compare by value (`0.5` is stored as `500m`).
 */
function sameValue(live: unknown, desired: unknown): boolean {
  if (canonical(live) === canonical(desired)) return true;
  const [liveJson, desiredJson] = [jsonObject(live), jsonObject(desired)];
  if (liveJson && desiredJson) {
    return canonical(liveJson) === canonical(desiredJson);
  }
  if (
    (typeof live === 'string' || typeof live === 'number') &&
    (typeof desired === 'string' || typeof desired === 'number')
  ) {
    if (String(live) === String(desired)) return true;
    const a = parseQuantity(String(live));
    const b = parseQuantity(String(desired));
    return a !== undefined && a === b;
  }
  return false;
}

function diff(
  live: unknown,
  desired: unknown,
  path: string,
  into: Array<{ path: string; from?: string; to: string }>,
) {
  const isRecord = (v: unknown): v is Record<string, unknown> =>
    !!v && typeof v === 'object' && !Array.isArray(v);
  if (isRecord(desired) && (live === undefined || isRecord(live))) {
    for (const [key, value] of Object.entries(desired)) {
      diff(
        isRecord(live) ? live[key] : undefined,
        value,
        path ? `${path}.${key}` : key,
        into,
      );
    }
    return;
  }
  if (live === undefined) {
    into.push({ path, to: JSON.stringify(desired) });
  } else if (!sameValue(live, desired)) {
    into.push({
      path,
      from: JSON.stringify(live),
      to: JSON.stringify(desired),
    });
  }
}

/**
 * What applying `manifests` would change on the cluster: every field the platform sets
 * whose live value differs (fields others set are not the platform's to report), and
 * every object that does not exist yet. Read live, one GET an object.
 */
export async function describeChanges(
  cluster: KaasCluster,
  manifests: KubernetesManifest[],
): Promise<ObjectChange[]> {
  const changes: ObjectChange[] = [];
  for (const manifest of manifests) {
    const object = describeObject(manifest);
    const live = await readRawObject(cluster, manifest);
    if (!live) {
      changes.push({ object, path: '', to: 'created' });
      continue;
    }
    const {
      apiVersion: _apiVersion,
      kind: _kind,
      metadata,
      ...body
    } = manifest as KubernetesManifest & Record<string, unknown>;
    const fields: Array<{ path: string; from?: string; to: string }> = [];
    const liveMetadata = (live.metadata ?? {}) as Record<string, unknown>;
    diff(liveMetadata.labels, metadata.labels ?? {}, 'metadata.labels', fields);
    diff(
      liveMetadata.annotations,
      metadata.annotations ?? {},
      'metadata.annotations',
      fields,
    );
    diff(live, body, '', fields);
    changes.push(...fields.map(f => ({ object, ...f })));
  }
  return changes;
}

/** Each field that changed (in a dry run: would change), one line each, to the task log. */
export function logChanges(
  logger: LoggerService | undefined,
  changes: ObjectChange[],
  dryRun: boolean,
): void {
  for (const change of changes) {
    logger?.info(
      `${dryRun ? 'Would change' : 'Changed'} ${change.object}${
        change.path ? ` ${change.path}` : ''
      }: ${change.from ?? '(none)'} -> ${change.to}`,
    );
  }
}
