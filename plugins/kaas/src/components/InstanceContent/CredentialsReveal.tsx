import { usePermission } from '@backstage/plugin-permission-react';
import { useApi } from '@backstage/core-plugin-api';
import {
  xaasInstanceCredentialsReadPermission,
  type InstanceCredentials,
} from '@kaas-platform/plugin-kaas-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import LockOpenIcon from '@material-ui/icons/LockOpen';
import Alert from '@material-ui/lab/Alert';
import { useState } from 'react';
import { kaasApiRef } from '../../api/KaasApi';
import { ownerName } from '../Kubeconfig/ownerName';
import { errorMessage } from '../shared/errorMessage';
import { SecretValueRow } from './SecretValueRow';

/**
 * "Reveal credentials": reads every value of the instance's connection Secret (audited)
 * for the owner group's members and platform admins; others see the button disabled and why.
 */
export function CredentialsReveal(props: {
  tenant: string;
  instance: string;
  owner?: string;
}) {
  const { tenant, instance, owner } = props;
  const kaasApi = useApi(kaasApiRef);
  const permission = usePermission({
    permission: xaasInstanceCredentialsReadPermission,
    // A kaas-tenant resource: decided on the owner the cluster records for the tenant.
    resourceRef: tenant,
  });
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<Error | undefined>();
  const [credentials, setCredentials] = useState<
    InstanceCredentials | undefined
  >();
  const denied = !permission.loading && !permission.allowed;
  const reason = `Only members of ${ownerName(
    owner,
  )} and platform admins can read the credentials`;

  const reveal = async () => {
    setLoading(true);
    setError(undefined);
    try {
      setCredentials(await kaasApi.readCredentials(tenant, instance));
    } catch (e) {
      setError(e as Error);
    } finally {
      setLoading(false);
    }
  };

  if (credentials) {
    const entries = Object.entries(credentials.values);
    return (
      <Box data-testid="kaas-credentials">
        <Box display="flex" alignItems="center" justifyContent="space-between">
          <Typography variant="subtitle2">
            Secret {credentials.secretName}
          </Typography>
          <Button size="small" onClick={() => setCredentials(undefined)}>
            Hide credentials
          </Button>
        </Box>
        {entries.length === 0 ? (
          <Typography variant="body2" color="textSecondary">
            The Secret has no keys.
          </Typography>
        ) : (
          <Table size="small" aria-label="Credentials">
            <TableBody>
              {entries.map(([name, value]) => (
                <SecretValueRow key={name} name={name} value={value} />
              ))}
            </TableBody>
          </Table>
        )}
      </Box>
    );
  }

  const button = (
    <Button
      variant="outlined"
      color="primary"
      startIcon={<LockOpenIcon />}
      disabled={!permission.allowed || loading}
      onClick={reveal}
      data-testid="kaas-reveal-credentials"
    >
      {loading ? 'Reading…' : 'Reveal credentials'}
    </Button>
  );
  return (
    <Box>
      {denied ? (
        <Tooltip title={reason}>
          {/* A disabled button fires no events; the span lets the tooltip show. */}
          <span>{button}</span>
        </Tooltip>
      ) : (
        button
      )}
      {denied && (
        <Typography
          variant="caption"
          color="textSecondary"
          component="p"
          data-testid="kaas-credentials-denied"
        >
          {reason}.
        </Typography>
      )}
      {!denied && !permission.loading && (
        <Typography variant="caption" color="textSecondary" component="p">
          Reading the credentials is recorded in the audit log.
        </Typography>
      )}
      {error && (
        <Alert severity="error" data-testid="kaas-credentials-error">
          Could not read the credentials: {errorMessage(error)}
        </Alert>
      )}
    </Box>
  );
}
