import { CopyTextButton, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import Divider from '@material-ui/core/Divider';
import { makeStyles } from '@material-ui/core/styles';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { useEffect, useMemo, useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import type {
  IssuedKubeconfig,
  KubeconfigMode,
} from '@kaas-platform/plugin-kaas-common';
import { kaasApiRef } from '../../api/KaasApi';
import { errorMessage } from '../shared/errorMessage';
import {
  formatDateTime,
  formatDuration,
  formatRelative,
} from '../shared/formatTime';
import { IssuedKubeconfigs } from './IssuedKubeconfigs';
import { saveTextFile } from './saveTextFile';
import { ttlChoices } from './ttlChoices';

const MODE_TEXT: Record<KubeconfigMode, { label: string; help: string }> = {
  token: {
    label: 'Short-lived token',
    help: 'A ServiceAccount token limited to the tenant, valid for the time you choose; it can be revoked here.',
  },
  oidc: {
    label: 'Your own login (OIDC)',
    help: "No secret in the file: kubectl signs you in with the company login through the platform's kaas-login plugin (kubectl-kaas_login on your PATH), once for every cluster.",
  },
  cluster: {
    label: "The cluster's kubeconfig",
    help: 'The credentials Cluster API keeps for your virtual or dedicated cluster. They do not expire here; rotate them through the cluster.',
  },
};

const useStyles = makeStyles(theme => ({
  command: {
    display: 'flex',
    alignItems: 'center',
    backgroundColor: theme.palette.background.default,
    borderRadius: theme.shape.borderRadius,
    padding: theme.spacing(0.5, 1),
    fontFamily: 'monospace',
    overflowX: 'auto',
  },
}));

function IssuedResult(props: { issued: IssuedKubeconfig }) {
  const classes = useStyles();
  const { issued } = props;
  let expiry: string;
  if (issued.expiresAt) {
    expiry = `Expires ${formatDateTime(issued.expiresAt)} (${formatRelative(
      issued.expiresAt,
    )}).`;
  } else if (issued.mode === 'oidc') {
    expiry = 'Uses your own login; your session decides how long it works.';
  } else {
    expiry = 'Does not expire here; rotate it through Cluster API.';
  }
  return (
    <Box my={2} data-testid="kaas-kubeconfig-result">
      <Alert severity="success">
        Saved <strong>{issued.filename}</strong> to your downloads (context{' '}
        <code>{issued.context}</code>, namespace <code>{issued.namespace}</code>
        )
        {issued.otherContexts?.length ? (
          <span data-testid="kaas-kubeconfig-other-contexts">
            {' '}
            and{' '}
            {issued.otherContexts.map((other, i) => (
              <span key={other.context}>
                {i > 0 && ', '}
                context <code>{other.context}</code> (namespace{' '}
                <code>{other.namespace}</code> on {other.cluster})
              </span>
            ))}
          </span>
        ) : null}
        .{' '}
        <Button
          size="small"
          onClick={() => saveTextFile(issued.filename, issued.kubeconfig)}
        >
          Save again
        </Button>
      </Alert>
      <Typography variant="body2" style={{ marginTop: 8 }}>
        Try it from the folder you saved it in:
      </Typography>
      <Box className={classes.command}>
        <Box flexGrow={1} component="code" data-testid="kaas-kubectl-line">
          {issued.kubectl}
        </Box>
        <CopyTextButton
          text={issued.kubectl}
          aria-label="Copy the kubectl command"
          tooltipText="Command copied"
        />
      </Box>
      <Typography
        variant="body2"
        color="textSecondary"
        data-testid="kaas-kubeconfig-expiry"
      >
        {expiry}
      </Typography>
    </Box>
  );
}

/**
 * Issues a kubeconfig for a tenant and saves it as a file: pick the mode (and for a token
 * its lifetime), Download, then the kubectl line to try. Lists and revokes token ones.
 */
export function KubeconfigDialog(props: {
  tenant: string;
  modes: KubeconfigMode[];
  open: boolean;
  onClose: () => void;
}) {
  const { tenant, modes, open, onClose } = props;
  const kaasApi = useApi(kaasApiRef);
  const options = useAsync(() => kaasApi.getKubeconfigOptions(), [kaasApi]);
  const [mode, setMode] = useState<KubeconfigMode | undefined>(modes[0]);
  const [ttlSeconds, setTtlSeconds] = useState<number | undefined>();
  const [issuing, setIssuing] = useState(false);
  const [error, setError] = useState<Error | undefined>();
  const [issued, setIssued] = useState<IssuedKubeconfig | undefined>();

  useEffect(() => {
    if (ttlSeconds === undefined && options.value) {
      setTtlSeconds(options.value.defaultTtlSeconds);
    }
  }, [options.value, ttlSeconds]);
  // Offer what the tenant offers and the backend can issue.
  const offered = useMemo(
    () =>
      options.value
        ? modes.filter(m => options.value!.modes.includes(m))
        : modes,
    [options.value, modes],
  );
  useEffect(() => {
    if (offered.length && (!mode || !offered.includes(mode))) {
      setMode(offered[0]);
    }
  }, [mode, offered]);

  const download = async () => {
    if (!mode) return;
    setIssuing(true);
    setError(undefined);
    setIssued(undefined);
    try {
      const result = await kaasApi.issueKubeconfig(tenant, {
        mode,
        ...(mode === 'token' && ttlSeconds !== undefined && { ttlSeconds }),
      });
      saveTextFile(result.filename, result.kubeconfig);
      setIssued(result);
    } catch (e) {
      setError(e as Error);
    } finally {
      setIssuing(false);
    }
  };

  const ready = !!options.value && !!mode && offered.includes(mode);

  return (
    <Dialog
      open={open}
      onClose={onClose}
      fullWidth
      maxWidth="md"
      aria-labelledby="kaas-kubeconfig-title"
    >
      <DialogTitle id="kaas-kubeconfig-title">
        Download a kubeconfig for {tenant}
      </DialogTitle>
      <DialogContent>
        {options.loading && <Progress />}
        {options.error && (
          <Alert severity="error">
            Could not load the kubeconfig options: {errorMessage(options.error)}
          </Alert>
        )}
        {options.value && offered.length === 0 && (
          <Alert severity="warning">
            This tenant offers no kubeconfig the platform can issue.
          </Alert>
        )}
        {options.value && offered.length > 0 && (
          <>
            <TextField
              select
              fullWidth
              margin="normal"
              id="kaas-kubeconfig-mode"
              label="Mode"
              value={mode ?? ''}
              onChange={event => setMode(event.target.value as KubeconfigMode)}
              SelectProps={{ native: true }}
              inputProps={{ 'data-testid': 'kaas-kubeconfig-mode' }}
              helperText={mode ? MODE_TEXT[mode]?.help : undefined}
            >
              {offered.map(m => (
                <option key={m} value={m}>
                  {MODE_TEXT[m]?.label ?? m}
                </option>
              ))}
            </TextField>
            {mode === 'token' && (
              <TextField
                select
                fullWidth
                margin="normal"
                id="kaas-kubeconfig-ttl"
                label="Valid for"
                value={ttlSeconds ?? ''}
                onChange={event => setTtlSeconds(Number(event.target.value))}
                SelectProps={{ native: true }}
                inputProps={{ 'data-testid': 'kaas-kubeconfig-ttl' }}
                helperText={`Between ${formatDuration(
                  options.value.minTtlSeconds,
                )} and ${formatDuration(options.value.maxTtlSeconds)}.`}
              >
                {ttlChoices(options.value).map(ttl => (
                  <option key={ttl} value={ttl}>
                    {formatDuration(ttl)}
                    {ttl === options.value!.defaultTtlSeconds
                      ? ' (default)'
                      : ''}
                  </option>
                ))}
              </TextField>
            )}
          </>
        )}
        {error && (
          <Alert severity="error" data-testid="kaas-kubeconfig-error">
            Could not issue a kubeconfig: {errorMessage(error)}
          </Alert>
        )}
        {issued && <IssuedResult issued={issued} />}
        {modes.includes('token') && (
          <>
            <Divider style={{ margin: '16px 0' }} />
            <IssuedKubeconfigs tenant={tenant} reloadKey={issued?.issuanceId} />
          </>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>Close</Button>
        <Button
          color="primary"
          variant="contained"
          disabled={!ready || issuing}
          onClick={download}
          data-testid="kaas-kubeconfig-download"
        >
          {issuing ? 'Issuing…' : 'Download'}
        </Button>
      </DialogActions>
    </Dialog>
  );
}
