import { InfoCard } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import type { TenantStatus } from '@kaas-platform/plugin-kaas-common';

function quantities(values?: Record<string, string>): string {
  if (!values) return '';
  return Object.entries(values)
    .map(([resource, quantity]) => `${resource}: ${quantity}`)
    .join(', ');
}

/** The defaults and bounds every container of the tenant gets from its LimitRanges. */
export function LimitRangesCard(props: {
  limitRanges: TenantStatus['limitRanges'];
}) {
  const { limitRanges } = props;
  return (
    <InfoCard title="Limit ranges">
      {limitRanges.length === 0 && (
        <Typography variant="body2" color="textSecondary">
          No LimitRange: containers without requests and limits get none.
        </Typography>
      )}
      {limitRanges.map(range => {
        // Profiles seldom set minimums; an empty column only squeezes the others.
        const withMin = range.limits.some(
          l => Object.keys(l.min ?? {}).length > 0,
        );
        return (
          <Box key={range.name} mb={2}>
            <Typography variant="subtitle2" gutterBottom>
              LimitRange {range.name}
            </Typography>
            <Table size="small" aria-label={`LimitRange ${range.name}`}>
              <TableHead>
                <TableRow>
                  <TableCell>Type</TableCell>
                  <TableCell>Default request</TableCell>
                  <TableCell>Default limit</TableCell>
                  {withMin && <TableCell>Min</TableCell>}
                  <TableCell>Max</TableCell>
                </TableRow>
              </TableHead>
              <TableBody>
                {range.limits.map(limit => (
                  <TableRow key={limit.type}>
                    <TableCell style={{ whiteSpace: 'nowrap' }}>
                      {limit.type}
                    </TableCell>
                    <TableCell>{quantities(limit.defaultRequest)}</TableCell>
                    <TableCell>{quantities(limit.default)}</TableCell>
                    {withMin && <TableCell>{quantities(limit.min)}</TableCell>}
                    <TableCell>{quantities(limit.max)}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </Box>
        );
      })}
    </InfoCard>
  );
}
