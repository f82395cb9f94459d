import { parseQuantity } from '../inventory/quantity';
import type { KubernetesManifest } from './kubernetesManifest';

/** A field whose live value is not the one a manifest sets. */
export interface FieldDifference {
  /** Dotted path, e.g. `spec.hard.pods`. */
  path: string;
  /** The live value (JSON), absent when the field is not set. */
  from?: string;
  /** The manifest's value (JSON). */
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
  into: FieldDifference[],
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
 * The fields `manifest` sets (labels, annotations and its body) whose value on `live`
 * differs; fields the manifest does not set are not the platform's and never count.
 */
export function fieldDifferences(
  live: Record<string, unknown>,
  manifest: KubernetesManifest,
): FieldDifference[] {
  const {
    apiVersion: _apiVersion,
    kind: _kind,
    metadata,
    ...body
  } = manifest as KubernetesManifest & Record<string, unknown>;
  const fields: FieldDifference[] = [];
  const liveMetadata = (live.metadata ?? {}) as Record<string, unknown>;
  diff(liveMetadata.labels, metadata.labels ?? {}, 'metadata.labels', fields);
  diff(
    liveMetadata.annotations,
    metadata.annotations ?? {},
    'metadata.annotations',
    fields,
  );
  diff(live, body, '', fields);
  return fields;
}
