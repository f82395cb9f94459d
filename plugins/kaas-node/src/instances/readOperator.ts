import { ConfigReader, readDurationFromConfig } from '@backstage/config';
import type { CapabilityOperator } from '@kaas-platform/plugin-kaas-common';
import { durationToMilliseconds } from '@backstage/types';
import { z } from 'zod';

/** Default of `kaas.capabilities.<id>.operator.actsWithin`. */
export const DEFAULT_OPERATOR_ACTS_WITHIN_SECONDS = 60;

const nonEmpty = z.string().min(1, 'must not be empty');

/**
 * `kaas.capabilities.<id>.operator`: how to see the capability's operator on a cluster.
 * `actsWithin` is a Backstage duration ('60s', { seconds: 60 }), turned into seconds.
 */
export const operatorSchema = z
  .object({
    name: nonEmpty,
    deployment: z
      .object({
        namespace: nonEmpty.optional(),
        name: nonEmpty.optional(),
        selector: nonEmpty.optional(),
      })
      .strict()
      .refine(d => !!d.name !== !!d.selector, {
        error:
          'needs exactly one of name (with namespace) and selector (a label selector, e.g. app=vitess-operator)',
      })
      .refine(d => !d.name || !!d.namespace, {
        error: 'needs the namespace of the Deployment named by name',
      })
      .optional(),
    actsWithin: z.unknown().optional(),
  })
  .strict()
  .transform((raw, ctx): CapabilityOperator => {
    const { actsWithin, ...operator } = raw;
    let seconds = DEFAULT_OPERATOR_ACTS_WITHIN_SECONDS;
    if (actsWithin !== undefined) {
      try {
        seconds =
          durationToMilliseconds(
            readDurationFromConfig(new ConfigReader({ actsWithin }), {
              key: 'actsWithin',
            }),
          ) / 1000;
      } catch (error) {
        ctx.addIssue({
          code: 'custom',
          path: ['actsWithin'],
          message: `${(error as Error).message.replace(
            /^.*config at '[^']*', (Error: )?/,
            '',
          )}; use e.g. '60s' or { seconds: 60 }`,
        });
        return z.NEVER;
      }
      if (!(seconds >= 1)) {
        ctx.addIssue({
          code: 'custom',
          path: ['actsWithin'],
          message: `is ${seconds} s; give the operator at least 1 s`,
        });
        return z.NEVER;
      }
    }
    return { ...operator, actsWithinSeconds: seconds };
  });
