import { Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { kaasApiRef } from '../../api/KaasApi';
import { errorMessage } from '../shared/errorMessage';
import { formatDateTime, formatRelative } from '../shared/formatTime';

/**
 * The token kubeconfigs of a tenant that still work (who, issued, expires), and a
 * confirmed "Revoke all". `reloadKey` changes when a new one was issued.
 */
export function IssuedKubeconfigs(props: {
  tenant: string;
  reloadKey?: string;
}) {
  const { tenant, reloadKey } = props;
  const kaasApi = useApi(kaasApiRef);
  const issued = useAsyncRetry(
    () => kaasApi.listKubeconfigs(tenant),
    [kaasApi, tenant, reloadKey],
  );
  const [confirming, setConfirming] = useState(false);
  const [revoking, setRevoking] = useState(false);
  const [outcome, setOutcome] = useState<
    { revoked: number } | { error: Error } | undefined
  >();

  const revokeAll = async () => {
    setRevoking(true);
    setOutcome(undefined);
    try {
      setOutcome(await kaasApi.revokeKubeconfigs(tenant));
    } catch (e) {
      setOutcome({ error: e as Error });
    } finally {
      setRevoking(false);
      setConfirming(false);
      issued.retry();
    }
  };

  const items = issued.value ?? [];
  return (
    <Box data-testid="kaas-issued-kubeconfigs">
      <Box display="flex" alignItems="center" justifyContent="space-between">
        <Typography variant="subtitle1">Issued token kubeconfigs</Typography>
        <Button
          color="secondary"
          variant="outlined"
          size="small"
          disabled={!items.length || revoking}
          onClick={() => setConfirming(true)}
          data-testid="kaas-kubeconfig-revoke-all"
        >
          Revoke all
        </Button>
      </Box>
      {outcome && 'revoked' in outcome && (
        <Alert severity="success" data-testid="kaas-kubeconfig-revoked">
          Revoked {outcome.revoked} kubeconfig
          {outcome.revoked === 1 ? '' : 's'}; their tokens no longer work.
        </Alert>
      )}
      {outcome && 'error' in outcome && (
        <Alert severity="error">
          Could not revoke: {errorMessage(outcome.error)}
        </Alert>
      )}
      {issued.loading && !issued.value && <Progress />}
      {issued.error && (
        <Alert severity="error">
          Could not list the issued kubeconfigs: {errorMessage(issued.error)}
        </Alert>
      )}
      {!issued.loading && !issued.error && items.length === 0 && (
        <Typography variant="body2" color="textSecondary">
          No token kubeconfig of this tenant is in use.
        </Typography>
      )}
      {items.length > 0 && (
        <Table size="small" aria-label="Issued kubeconfigs">
          <TableHead>
            <TableRow>
              <TableCell>Issued to</TableCell>
              <TableCell>Issued</TableCell>
              <TableCell>Expires</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {items.map(item => (
              <TableRow key={item.id}>
                <TableCell>
                  <EntityRefLink entityRef={item.issuedTo} defaultKind="user" />
                </TableCell>
                <TableCell>{formatDateTime(item.issuedAt)}</TableCell>
                <TableCell>
                  {formatDateTime(item.expiresAt)} (
                  {formatRelative(item.expiresAt)})
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
      <Dialog
        open={confirming}
        onClose={() => !revoking && setConfirming(false)}
        aria-labelledby="kaas-revoke-title"
      >
        <DialogTitle id="kaas-revoke-title">
          Revoke all kubeconfigs of {tenant}?
        </DialogTitle>
        <DialogContent>
          <DialogContentText>
            The {items.length} token kubeconfig{items.length === 1 ? '' : 's'}{' '}
            listed stop working at once, for everyone using them, you included.
            Kubeconfigs using OIDC or a cluster's own credentials are not
            affected.
          </DialogContentText>
        </DialogContent>
        <DialogActions>
          <Button onClick={() => setConfirming(false)} disabled={revoking}>
            Cancel
          </Button>
          <Button
            color="secondary"
            variant="contained"
            onClick={revokeAll}
            disabled={revoking}
            data-testid="kaas-kubeconfig-revoke-confirm"
          >
            {revoking ? 'Revoking…' : 'Revoke all'}
          </Button>
        </DialogActions>
      </Dialog>
    </Box>
  );
}
