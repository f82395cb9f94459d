import {
  StatusAborted,
  StatusError,
  StatusOK,
  StatusPending,
  StatusWarning,
} from '@backstage/core-components';
import Chip from '@material-ui/core/Chip';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import type { ReactNode } from 'react';
import type { ObjectCondition } from '@kaas-platform/plugin-kaas-common';

/** The status icon of a phase: Ready/Running/Provisioned/Completed are fine, Terminating/Deleting end, the rest pend. */
function PhaseStatus(props: { phase: string; children: ReactNode }) {
  const phase = props.phase.toLocaleLowerCase('en-US');
  const fine = [
    'ready',
    'running',
    'provisioned',
    'healthy',
    'completed',
    'done',
  ];
  if (fine.includes(phase)) {
    return <StatusOK>{props.children}</StatusOK>;
  }
  if (['failed', 'error', 'degraded'].includes(phase)) {
    return <StatusError>{props.children}</StatusError>;
  }
  if (['terminating', 'deleting'].includes(phase)) {
    return <StatusAborted>{props.children}</StatusAborted>;
  }
  if (phase === 'unknown') {
    return <StatusWarning>{props.children}</StatusWarning>;
  }
  return <StatusPending>{props.children}</StatusPending>;
}

/** A phase (`Ready`, `Provisioning`, a CAPI or operator phase) as a chip with a status icon. */
export function PhaseChip(props: { phase: string; testId: string }) {
  return (
    <Chip
      size="small"
      variant="outlined"
      data-testid={props.testId}
      aria-label={`Phase ${props.phase}`}
      label={<PhaseStatus phase={props.phase}>{props.phase}</PhaseStatus>}
    />
  );
}

/** A condition's status: True as OK, False as an error, anything else as pending. */
export function ConditionStatus(props: { status: string }) {
  if (props.status === 'True') return <StatusOK>True</StatusOK>;
  if (props.status === 'False') return <StatusError>False</StatusError>;
  return <StatusPending>{props.status || 'Unknown'}</StatusPending>;
}

/** Kubernetes conditions as a compact table; a caption when there are none. */
export function ConditionsTable(props: {
  conditions: ObjectCondition[];
  emptyText?: string;
}) {
  if (!props.conditions.length) {
    return (
      <Typography variant="body2" color="textSecondary">
        {props.emptyText ?? 'No conditions reported yet.'}
      </Typography>
    );
  }
  // Tenant readiness checks have no reasons; operators' conditions usually do.
  const withReasons = props.conditions.some(c => c.reason);
  const noWrap = { whiteSpace: 'nowrap' } as const;
  return (
    <Table size="small" aria-label="Conditions">
      <TableHead>
        <TableRow>
          <TableCell>Condition</TableCell>
          <TableCell>Status</TableCell>
          {withReasons && <TableCell>Reason</TableCell>}
          <TableCell>Message</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {props.conditions.map(condition => (
          <TableRow
            key={condition.type}
            data-testid={`kaas-condition-${condition.type}`}
          >
            <TableCell style={noWrap}>{condition.type}</TableCell>
            <TableCell style={noWrap}>
              <ConditionStatus status={condition.status} />
            </TableCell>
            {withReasons && <TableCell>{condition.reason ?? ''}</TableCell>}
            <TableCell>{condition.message ?? ''}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
