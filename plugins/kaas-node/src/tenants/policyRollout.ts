import type { LoggerService } from '@backstage/backend-plugin-api';
import { sameEntityRef } from '@kaas-platform/plugin-kaas-common';
import type { ObjectChange } from './describeChanges';
import type { TenantService } from './TenantService';
import type { TenantSummary } from './tenantSummary';

/** Which tenants a rollout covers; every tenant when empty. @public */
export interface RolloutSelector {
  owner?: string;
  profile?: string;
  isolation?: string;
  names?: string[];
}

/** How a rollout goes: wave size, whether a failure stops it, dry run, where progress goes. @public */
export interface RolloutOptions {
  batchSize: number;
  stopOnFirstFailure: boolean;
  dryRun: boolean;
  logger: LoggerService;
}

/** What a rollout did (in a dry run: would do), tenant by tenant. @public */
export interface RolloutResult {
  /** Tenants the selector chose. */
  selected: number;
  /** Tenants whose objects differed from today's policy, with what differed. */
  behind: Array<{ tenant: string; changes: ObjectChange[] }>;
  /** Tenants brought up to date (none in a dry run). */
  reconciled: string[];
  failed: Array<{ tenant: string; message: string }>;
  /** Tenants not reached because an earlier wave failed. */
  skipped: string[];
}

function selects(selector: RolloutSelector, tenant: TenantSummary): boolean {
  return (
    (!selector.owner || sameEntityRef(selector.owner, tenant.owner)) &&
    (!selector.profile || selector.profile === tenant.profile) &&
    (!selector.isolation || selector.isolation === tenant.isolation) &&
    (!selector.names?.length || selector.names.includes(tenant.name))
  );
}

/**
 * Brings tenants up to today's policy (profiles and baseline as configured now), in
 * waves of `batchSize` run side by side: each tenant is updated to its own recorded
 * request (`TenantService.update`, with its checks: quota below usage, version steps), so
 * only what the platform team changed moves. With `stopOnFirstFailure`, the waves after
 * one with a failure are not started. Progress goes to `logger`, one line a wave.
 */
export async function rollOutPolicy(
  tenants: TenantService,
  all: TenantSummary[],
  selector: RolloutSelector,
  options: RolloutOptions,
): Promise<RolloutResult> {
  const chosen = all.filter(t => selects(selector, t));
  const result: RolloutResult = {
    selected: chosen.length,
    behind: [],
    reconciled: [],
    failed: [],
    skipped: [],
  };
  const waves: TenantSummary[][] = [];
  for (let i = 0; i < chosen.length; i += options.batchSize) {
    waves.push(chosen.slice(i, i + options.batchSize));
  }
  // Each tenant's object lines would bury the waves; its changes are in the result.
  const quiet: LoggerService = {
    info: () => {},
    debug: () => {},
    warn: (message, meta) => options.logger.warn(message, meta),
    error: (message, meta) => options.logger.error(message, meta),
    child: () => quiet,
  };
  for (const [index, wave] of waves.entries()) {
    if (options.stopOnFirstFailure && result.failed.length) {
      result.skipped.push(...wave.map(t => t.name));
      continue;
    }
    const outcomes = await Promise.all(
      wave.map(async tenant => {
        try {
          const done = await tenants.update(
            {
              name: tenant.name,
              owner: tenant.owner,
              isolation: tenant.isolation,
              profile: tenant.profile,
            },
            { dryRun: options.dryRun, logger: quiet },
          );
          return { tenant: tenant.name, changes: done.changes };
        } catch (error) {
          return { tenant: tenant.name, error: (error as Error).message };
        }
      }),
    );
    let changed = 0;
    for (const outcome of outcomes) {
      if ('error' in outcome) {
        result.failed.push({ tenant: outcome.tenant, message: outcome.error! });
      } else if (outcome.changes.length) {
        changed += 1;
        result.behind.push({
          tenant: outcome.tenant,
          changes: outcome.changes,
        });
        if (!options.dryRun) result.reconciled.push(outcome.tenant);
      }
    }
    const failures = outcomes.filter(o => 'error' in o);
    options.logger.info(
      `Wave ${index + 1}/${waves.length}: ${
        wave.length
      } tenant(s), ${changed} ${
        options.dryRun ? 'behind the policy' : 'brought up to date'
      }, ${wave.length - changed - failures.length} already up to date, ${
        failures.length
      } failed${failures
        .map(f => `; ${f.tenant}: ${(f as { error: string }).error}`)
        .join('')}`,
    );
  }
  if (result.skipped.length) {
    options.logger.warn(
      `Stopped after a failure: ${
        result.skipped.length
      } tenant(s) not reached (${result.skipped.join(', ')})`,
    );
  }
  return result;
}
