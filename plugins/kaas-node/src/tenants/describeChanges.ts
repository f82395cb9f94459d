import type { LoggerService } from '@backstage/backend-plugin-api';
import type { KaasCluster } from '../clusters/KaasCluster';
import { readRawObject } from '../clusters/readRawObject';
import { fieldDifferences } from './fieldDifferences';
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
    const fields = fieldDifferences(live, manifest);
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
