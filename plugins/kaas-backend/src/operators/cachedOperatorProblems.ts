import type { LoggerService } from '@backstage/backend-plugin-api';
import {
  readOperatorHealth,
  type ClusterRegistry,
  type InstanceService,
} from '@kaas-platform/plugin-kaas-node';

/** How long one look at the operators serves the capabilities list. */
const FRESH_MS = 30_000;

/**
 * What stops each capability's instances, in words a developer can act on ("CloudNativePG
 * operator Deployment (cnpg-system/cnpg-controller-manager) is not on cluster 'local'; the
 * capability is run by group:default/platform-team"), by capability id. Read from the
 * clusters at most every 30 s (the capabilities list is read on every Tenants page); a
 * look that fails says nothing rather than failing the list.
 */
export function cachedOperatorProblems(options: {
  registry: ClusterRegistry;
  instances: Pick<InstanceService, 'capabilities'>;
  logger: LoggerService;
}): () => Promise<Map<string, string[]>> {
  let last:
    | { at: number; problems: Promise<Map<string, string[]>> }
    | undefined;
  const look = async () => {
    const byCapability = new Map<string, string[]>();
    try {
      const health = await readOperatorHealth(
        options.registry,
        options.instances.capabilities(),
      );
      for (const entry of health) {
        const runBy = entry.owner
          ? `the capability is run by ${entry.owner}`
          : 'ask the platform admins';
        const said = entry.problems.map(problem =>
          problem.includes(`'${entry.cluster}'`)
            ? `${problem}; ${runBy}`
            : `${problem} on cluster '${entry.cluster}'; ${runBy}`,
        );
        if (said.length) {
          byCapability.set(entry.capability, [
            ...(byCapability.get(entry.capability) ?? []),
            ...said,
          ]);
        }
      }
    } catch (error) {
      options.logger.warn(
        `Could not look at the capabilities' operators: ${
          (error as Error).message
        }`,
      );
    }
    return byCapability;
  };
  return () => {
    if (!last || Date.now() - last.at > FRESH_MS) {
      last = { at: Date.now(), problems: look() };
    }
    return last.problems;
  };
}
