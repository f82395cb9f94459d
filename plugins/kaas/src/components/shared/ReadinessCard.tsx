import { InfoCard, StatusOK, StatusPending } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import type { ObjectCondition } from '@kaas-platform/plugin-kaas-common';
import { ConditionsTable } from './StatusChips';

/** Whether the tenant (or instance) is ready, and the conditions that say why. */
export function ReadinessCard(props: {
  ready: boolean;
  conditions: ObjectCondition[];
  /** What is still missing when not ready. */
  message?: string;
}) {
  const { ready, conditions, message } = props;
  return (
    <InfoCard title="Readiness">
      <Box mb={2} data-testid="kaas-readiness">
        {ready ? (
          <StatusOK>Ready</StatusOK>
        ) : (
          <StatusPending>
            Not ready{message ? `: ${message}` : ''}
          </StatusPending>
        )}
      </Box>
      <ConditionsTable conditions={conditions} />
    </InfoCard>
  );
}
