import { Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import type { TenantRepairResult } from '@kaas-platform/plugin-kaas-common';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { useEffect, useState } from 'react';
import { kaasApiRef } from '../../api/KaasApi';
import { errorMessage } from '../shared/errorMessage';

type State =
  | { step: 'checking' }
  | { step: 'confirm'; plan: TenantRepairResult }
  | { step: 'repairing'; plan: TenantRepairResult }
  | { step: 'done'; result: TenantRepairResult }
  | { step: 'failed'; error: Error };

/**
 * Repair in two steps: a dry run lists every field that would be put back (a team may
 * rely on a NetworkPolicy opened by hand), then the repair re-applies today's policy.
 */
export function RepairDialog(props: {
  tenant: string;
  open: boolean;
  onClose(): void;
}) {
  const { tenant, open, onClose } = props;
  const kaasApi = useApi(kaasApiRef);
  const [state, setState] = useState<State>({ step: 'checking' });

  useEffect(() => {
    if (!open) return undefined;
    let active = true;
    setState({ step: 'checking' });
    kaasApi.repairTenant(tenant, { dryRun: true }).then(
      plan => active && setState({ step: 'confirm', plan }),
      error => active && setState({ step: 'failed', error }),
    );
    return () => {
      active = false;
    };
  }, [kaasApi, tenant, open]);

  const repair = (plan: TenantRepairResult) => {
    setState({ step: 'repairing', plan });
    kaasApi.repairTenant(tenant).then(
      result => setState({ step: 'done', result }),
      error => setState({ step: 'failed', error }),
    );
  };

  const changes =
    state.step === 'confirm' || state.step === 'repairing'
      ? state.plan.changes
      : [];
  return (
    <Dialog open={open} onClose={onClose} fullWidth maxWidth="md">
      <DialogTitle>Repair tenant {tenant}</DialogTitle>
      <DialogContent data-testid="kaas-repair-dialog">
        {state.step === 'checking' && <Progress />}
        {state.step === 'failed' && (
          <Alert severity="error">{errorMessage(state.error)}</Alert>
        )}
        {state.step === 'done' && (
          <Alert severity="success">
            Put back {state.result.changes.length} field(s); the tenant is as
            today's policy renders it.
          </Alert>
        )}
        {changes.length === 0 && state.step === 'confirm' && (
          <Typography>Nothing to put back.</Typography>
        )}
        {changes.length > 0 && (
          <>
            <Typography paragraph>
              Today's policy will be applied again. These hand edits are undone:
            </Typography>
            <ul>
              {changes.map(c => (
                <li key={`${c.object} ${c.path}`}>
                  <Typography variant="body2">
                    {c.object}
                    {c.path ? (
                      <>
                        {' '}
                        <code>{c.path}</code>: {c.from ?? '(not set)'} → {c.to}
                      </>
                    ) : (
                      ' is created again'
                    )}
                  </Typography>
                </li>
              ))}
            </ul>
          </>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>Close</Button>
        {(state.step === 'confirm' || state.step === 'repairing') &&
          state.plan.changes.length > 0 && (
            <Button
              color="primary"
              variant="contained"
              disabled={state.step === 'repairing'}
              onClick={() => repair(state.plan)}
              data-testid="kaas-repair-confirm"
            >
              Repair
            </Button>
          )}
      </DialogActions>
    </Dialog>
  );
}
