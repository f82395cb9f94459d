import type { AppliedObject } from './applyManifests';

function where(object: { name: string; namespace?: string }): string {
  return object.namespace ? `${object.namespace}/${object.name}` : object.name;
}

/** The log line of an object an apply wrote (or would write): what it is and what happened. */
export function describeAppliedObject(object: AppliedObject): string {
  let outcome: string = object.action;
  if (object.action === 'dry-run') {
    // In a dry run the resourceVersion is the stored object's: none means it is new.
    outcome = object.resourceVersion ? 'would be applied' : 'would be created';
  }
  return `${object.kind} ${where(object)}: ${outcome}`;
}

/**
 * The log line of an object a delete removed (or would remove); `cluster` when it is not
 * the cluster the caller already named.
 */
export function describeDeletedObject(
  object: { kind: string; name: string; namespace?: string },
  dryRun: boolean,
  cluster?: string,
): string {
  const on = cluster ? ` on cluster '${cluster}'` : '';
  return `${object.kind} ${where(object)}${on}: ${
    dryRun ? 'would be deleted' : 'deleted'
  }`;
}
