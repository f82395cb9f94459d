import type { AppliedObject } from '@internal/plugin-kaas-node';

/** One log line per applied object: what it is and what happened to it. */
export function describeAppliedObject(object: AppliedObject): string {
  const where = object.namespace
    ? `${object.namespace}/${object.name}`
    : object.name;
  let outcome: string = object.action;
  if (object.action === 'dry-run') {
    // In a dry run the resourceVersion is the stored object's: none means it is new.
    outcome = object.resourceVersion ? 'would be applied' : 'would be created';
  }
  return `${object.kind} ${where}: ${outcome}`;
}
