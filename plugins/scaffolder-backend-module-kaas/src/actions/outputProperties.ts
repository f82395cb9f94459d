import type { z as zod } from 'zod/v3';
import { TENANT_ISOLATIONS } from '@internal/plugin-kaas-common';

export const tenant = (z: typeof zod) =>
  z.string().describe('Name of the tenant.');

export const namespace = (z: typeof zod) =>
  z.string().describe('Home namespace of the tenant.');

export const cluster = (z: typeof zod) =>
  z.string().describe('Name of the cluster the tenant lives on.');

export const isolation = (z: typeof zod) =>
  z.enum(TENANT_ISOLATIONS).describe('How the tenant is isolated.');

export const entityRef = (z: typeof zod) =>
  z
    .string()
    .describe(
      'Catalog entity of the tenant, e.g. `resource:default/checkout-dev`, for `catalog:fetch` or a link.',
    );

export const statusUrl = (z: typeof zod) =>
  z
    .string()
    .describe('Page in Backstage that shows the live status of the tenant.');

export const manifests = (z: typeof zod) =>
  z
    .array(z.record(z.any()))
    .optional()
    .describe(
      'Dry run only: the Kubernetes objects that would be applied, as the API server accepted them.',
    );
