import {
  InfoCard,
  StatusOK,
  StatusPending,
  StatusWarning,
} from '@backstage/core-components';
import {
  kaasTenantKubeconfigCreatePermission,
  type TenantDrift,
} from '@kaas-platform/plugin-kaas-common';
import { usePermission } from '@backstage/plugin-permission-react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import BuildIcon from '@material-ui/icons/Build';
import { useState } from 'react';
import { ownerName } from '../Kubeconfig/ownerName';
import { RepairDialog } from './RepairDialog';

function DriftStatus(props: { drift: TenantDrift }) {
  const { drift } = props;
  if (drift.status === 'False') {
    return <StatusOK>As today's policy renders it</StatusOK>;
  }
  if (drift.status === 'Unknown') {
    return <StatusPending>Not judged: {drift.message}</StatusPending>;
  }
  return (
    <StatusWarning>
      {drift.reason === 'PolicyChanged'
        ? "Behind today's policy"
        : 'Changed by hand'}
      : {drift.objects.length} object(s)
    </StatusWarning>
  );
}

/**
 * Whether the tenant's policy objects are still what today's policy renders (the
 * `Drifted` condition), each drifted object and field, and the Repair button for the
 * owner group's members and platform admins.
 */
export function DriftCard(props: {
  tenant: string;
  owner?: string;
  drift: TenantDrift;
}) {
  const { tenant, owner, drift } = props;
  const [open, setOpen] = useState(false);
  // Members of the owner group recorded on the cluster and platform admins: the audience
  // this owner-only permission is decided for; the repair route checks the same.
  const permission = usePermission({
    permission: kaasTenantKubeconfigCreatePermission,
    resourceRef: tenant,
  });
  const button = (
    <Button
      variant="outlined"
      color="primary"
      startIcon={<BuildIcon />}
      disabled={!permission.allowed}
      onClick={() => setOpen(true)}
      data-testid="kaas-repair-button"
    >
      Repair
    </Button>
  );

  return (
    <InfoCard title="Policy drift">
      <Box mb={2} data-testid="kaas-drift">
        <DriftStatus drift={drift} />
      </Box>
      {drift.objects.length > 0 && (
        <Table size="small" aria-label="Drifted objects">
          <TableHead>
            <TableRow>
              <TableCell>Object</TableCell>
              <TableCell>What differs</TableCell>
              <TableCell>Changed by</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {drift.objects.map(o => (
              <TableRow key={o.object} data-testid="kaas-drifted-object">
                <TableCell>{o.object}</TableCell>
                <TableCell>
                  {o.state === 'deleted'
                    ? 'deleted'
                    : o.fields.map(f => (
                        <Typography variant="body2" key={f.path}>
                          <code>{f.path}</code>: {f.live ?? '(not set)'}, the
                          policy says {f.policy}
                        </Typography>
                      ))}
                </TableCell>
                <TableCell>{o.editedBy.join(', ') || '—'}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
      {drift.status === 'True' && (
        <Box mt={2}>
          {!permission.loading && !permission.allowed ? (
            <Tooltip
              title={`Only members of ${ownerName(
                owner,
              )} and platform admins can repair this tenant`}
            >
              <span>{button}</span>
            </Tooltip>
          ) : (
            button
          )}
        </Box>
      )}
      <RepairDialog
        tenant={tenant}
        open={open}
        onClose={() => setOpen(false)}
      />
    </InfoCard>
  );
}
