import { CopyTextButton, InfoCard, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import type { ReactNode } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { kaasApiRef } from '../../api/KaasApi';
import { errorMessage, errorStatus } from '../shared/errorMessage';
import { CredentialsReveal } from './CredentialsReveal';

function Row(props: { label: string; children: ReactNode; testId?: string }) {
  return (
    <TableRow data-testid={props.testId}>
      <TableCell component="th" scope="row">
        {props.label}
      </TableCell>
      <TableCell>{props.children}</TableCell>
    </TableRow>
  );
}

function Copyable(props: { text: string; label: string }) {
  return (
    <Box display="flex" alignItems="center">
      <code>{props.text}</code>
      <CopyTextButton text={props.text} aria-label={`Copy ${props.label}`} />
    </Box>
  );
}

/**
 * How to reach the instance: host, port, the connection Secret with the values that are
 * safe to show and the names of the others, and "Reveal credentials" for the owners.
 */
export function ConnectionCard(props: {
  tenant: string;
  instance: string;
  owner?: string;
  /** Reloads the details when the instance becomes ready. */
  ready: boolean;
}) {
  const { tenant, instance, owner, ready } = props;
  const kaasApi = useApi(kaasApiRef);
  const connection = useAsyncRetry(
    () => kaasApi.getConnection(tenant, instance),
    [kaasApi, tenant, instance, ready],
  );

  let body: ReactNode;
  if (connection.loading && !connection.value) {
    body = <Progress />;
  } else if (connection.error && errorStatus(connection.error) === 403) {
    // The owner group's and platform admins' to see (kaas.visibility.connectionDetails).
    body = (
      <Alert severity="info" data-testid="kaas-connection-hidden">
        {errorMessage(connection.error)}
      </Alert>
    );
  } else if (connection.error) {
    // 404: the capability declares no connection, or the instance is not ready yet.
    body = (
      <Alert
        severity={errorStatus(connection.error) === 404 ? 'info' : 'error'}
        action={<Button onClick={connection.retry}>Retry</Button>}
      >
        {errorStatus(connection.error) === 404
          ? ''
          : 'Could not load the connection details: '}
        {errorMessage(connection.error)}
      </Alert>
    );
  } else if (connection.value) {
    const { host, port, secretName, shownValues, hiddenKeys } =
      connection.value;
    body = (
      <>
        <Table size="small" aria-label="Connection details">
          <TableBody>
            {host && (
              <Row label="Host" testId="kaas-connection-host">
                <Copyable text={host} label="host" />
              </Row>
            )}
            {port !== undefined && (
              <Row label="Port" testId="kaas-connection-port">
                {port}
              </Row>
            )}
            <Row label="Secret" testId="kaas-connection-secret">
              {secretName ? <code>{secretName}</code> : 'none'}
            </Row>
            {Object.entries(shownValues).map(([key, value]) => (
              <Row key={key} label={key} testId={`kaas-connection-${key}`}>
                <Copyable text={value} label={key} />
              </Row>
            ))}
            {hiddenKeys.length > 0 && (
              <Row label="Hidden keys" testId="kaas-connection-hidden-keys">
                {hiddenKeys.join(', ')}
              </Row>
            )}
          </TableBody>
        </Table>
        {secretName && (
          <Box mt={2}>
            <CredentialsReveal
              tenant={tenant}
              instance={instance}
              owner={owner}
            />
          </Box>
        )}
      </>
    );
  }

  return (
    <InfoCard title="Connection">
      {body ?? (
        <Typography variant="body2" color="textSecondary">
          No connection details.
        </Typography>
      )}
    </InfoCard>
  );
}
