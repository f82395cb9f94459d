import { InputError } from '@backstage/errors';
import { dns1123LabelProblem } from '@kaas-platform/plugin-kaas-common';
import type { Request } from 'express';

/** A tenant or instance name from the path, refused (400) when it cannot be one. */
export function nameParam(req: Request, key: 'tenant' | 'instance'): string {
  const value = req.params[key];
  const problem = dns1123LabelProblem(value ?? '');
  if (problem) throw new InputError(`'${key}' ${problem}`);
  return value;
}
