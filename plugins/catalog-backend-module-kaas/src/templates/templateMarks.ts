import {
  ANNOTATION_LOCATION,
  ANNOTATION_ORIGIN_LOCATION,
} from '@backstage/catalog-model';
import { kaasMarkKeys } from '@kaas-platform/plugin-kaas-common';

/**
 * Annotation keys of generated templates and of the hand-written templates that replace
 * them, under the platform's mark prefix (docs/xaas-contracts.md):
 * - `<prefix>/generated-from`: `capability:<id>`, `operation:<id>/<operation>` or
 *   `isolation:<isolation>`, on every generated entity;
 * - `<prefix>/capability` / `<prefix>/operation` / `<prefix>/isolation`: on a
 *   hand-written Template, the capability, operation (`<id>/<operation>`) or tenant
 *   isolation it offers, so the generated one steps aside.
 */
export interface TemplateMarkKeys {
  generatedFrom: string;
  capability: string;
  operation: string;
  isolation: string;
}

export function templateMarkKeys(markPrefix: string): TemplateMarkKeys {
  const marks = kaasMarkKeys(markPrefix);
  return {
    generatedFrom: `${markPrefix}/generated-from`,
    capability: marks.capability,
    operation: marks.operation,
    isolation: marks.isolation,
  };
}

/** Where generated entities come from: the `kaas` configuration. */
export const CAPABILITIES_LOCATION = 'kaas-config:kaas.capabilities';
export const TENANT_PROFILES_LOCATION = 'kaas-config:kaas.tenantProfiles';

export function locationAnnotations(location: string): Record<string, string> {
  return {
    [ANNOTATION_LOCATION]: location,
    [ANNOTATION_ORIGIN_LOCATION]: location,
  };
}
