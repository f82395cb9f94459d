import { InfoCard, LinkButton } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import Box from '@material-ui/core/Box';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import { kaasApiRef } from '../../api/KaasApi';
import { useVisiblePolling } from '../../hooks/useVisiblePolling';
import { operationTemplatePath } from '../TenantsPage/templateLinks';
import { errorMessage } from '../shared/errorMessage';
import { formatDateTime } from '../shared/formatTime';
import { PhaseChip } from '../shared/StatusChips';

/**
 * The day-2 operations the instance's capability declares: a button for each one the
 * signed-in user may run (it opens that operation's generated template,
 * `xaas-<capability>-op-<operation>`, with the tenant and instance filled in), and what
 * earlier runs created, newest first. Hidden when the capability declares none.
 */
export function OperationsCard(props: {
  tenant: string;
  instance: string;
  capability: string;
}) {
  const { tenant, instance, capability } = props;
  const kaasApi = useApi(kaasApiRef);
  const { value, error } = useVisiblePolling(
    () => kaasApi.getInstanceOperations(tenant, instance),
    [kaasApi, tenant, instance],
  );
  if (!value) {
    return error ? (
      <InfoCard title="Operations">
        <Typography variant="body2" color="textSecondary">
          The operations could not be read: {errorMessage(error)}
        </Typography>
      </InfoCard>
    ) : null;
  }
  if (value.operations.length === 0) return null;
  const runnable = value.operations.filter(o => o.mayRun);
  const others = value.operations.filter(o => !o.mayRun);
  const titles = new Map(value.operations.map(o => [o.name, o.title]));
  return (
    <InfoCard title="Operations" subheader="Day-2 operations of this instance">
      <Box display="flex" flexWrap="wrap" mb={2} style={{ gap: 8 }}>
        {runnable.map(operation => (
          <Tooltip
            key={operation.name}
            title={operation.description ?? operation.title}
          >
            <span>
              <LinkButton
                to={operationTemplatePath({
                  tenant,
                  capability,
                  name: instance,
                  operation: operation.name,
                })}
                variant="outlined"
                size="small"
                data-testid={`kaas-operation-${operation.name}`}
              >
                {operation.title}
              </LinkButton>
            </span>
          </Tooltip>
        ))}
      </Box>
      {others.length > 0 && (
        <Typography
          variant="body2"
          color="textSecondary"
          data-testid="kaas-operations-not-allowed"
        >
          {others.map(o => o.title).join(', ')}:{' '}
          {others.every(o => o.runBy === 'admins')
            ? 'platform admins only'
            : "members of the instance's owner group and platform admins only"}
          .
        </Typography>
      )}
      {value.history.length === 0 ? (
        <Typography variant="body2" color="textSecondary">
          No operation has run on this instance yet.
        </Typography>
      ) : (
        <Table size="small" aria-label="Operation history">
          <TableHead>
            <TableRow>
              <TableCell>Operation</TableCell>
              <TableCell>Run</TableCell>
              <TableCell>Object</TableCell>
              <TableCell>Phase</TableCell>
              <TableCell>Created</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {value.history.map(entry => (
              <TableRow key={`${entry.kind}/${entry.name}`}>
                <TableCell>
                  {titles.get(entry.operation) ?? entry.operation}
                </TableCell>
                <TableCell>
                  <code>{entry.run}</code>
                </TableCell>
                <TableCell>
                  {entry.kind} <code>{entry.name}</code>
                </TableCell>
                <TableCell>
                  <PhaseChip
                    phase={entry.phase}
                    testId={`kaas-operation-phase-${entry.name}`}
                  />
                </TableCell>
                <TableCell>{formatDateTime(entry.createdAt)}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </InfoCard>
  );
}
