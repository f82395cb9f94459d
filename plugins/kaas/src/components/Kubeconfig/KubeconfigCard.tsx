import { InfoCard } from '@backstage/core-components';
import {
  kaasTenantKubeconfigCreatePermission,
  type KubeconfigMode,
} from '@kaas-platform/plugin-kaas-common';
import { usePermission } from '@backstage/plugin-permission-react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import GetAppIcon from '@material-ui/icons/GetApp';
import { useState } from 'react';
import { KubeconfigDialog } from './KubeconfigDialog';
import { ownerName } from './ownerName';

const ACCESS_TEXT: Record<KubeconfigMode, string> = {
  token: 'a short-lived token limited to the tenant',
  oidc: 'your own login (OIDC)',
  cluster: "the cluster's own credentials",
};

/**
 * Access to a tenant with plain kubectl: the Download kubeconfig button for the owner
 * group's members and platform admins; everyone else sees it disabled, and why.
 */
export function KubeconfigCard(props: {
  tenant: string;
  owner?: string;
  modes: KubeconfigMode[];
}) {
  const { tenant, owner, modes } = props;
  const [open, setOpen] = useState(false);
  const permission = usePermission({
    permission: kaasTenantKubeconfigCreatePermission,
    // A kaas-tenant resource: decided on the owner the cluster records for the tenant.
    resourceRef: tenant,
  });
  const denied = !permission.loading && !permission.allowed;
  const reason = `Only members of ${ownerName(
    owner,
  )} and platform admins can download a kubeconfig`;

  const button = (
    <Button
      variant="contained"
      color="primary"
      startIcon={<GetAppIcon />}
      disabled={!permission.allowed || modes.length === 0}
      onClick={() => setOpen(true)}
      data-testid="kaas-kubeconfig-button"
    >
      Download kubeconfig
    </Button>
  );

  return (
    <InfoCard title="Access">
      <Typography variant="body2" paragraph>
        {modes.length
          ? `Use the tenant with kubectl: the kubeconfig authenticates with ${modes
              .map(mode => ACCESS_TEXT[mode] ?? mode)
              .join(' or ')}.`
          : 'This tenant offers no kubeconfig yet.'}
      </Typography>
      <Box>
        {denied ? (
          <Tooltip title={reason}>
            {/* A disabled button fires no events; the span lets the tooltip show. */}
            <span>{button}</span>
          </Tooltip>
        ) : (
          button
        )}
      </Box>
      {denied && (
        <Typography
          variant="caption"
          color="textSecondary"
          data-testid="kaas-kubeconfig-denied"
        >
          {reason}.
        </Typography>
      )}
      {permission.error && (
        <Typography variant="caption" color="error">
          Could not check your permission: {permission.error.message}
        </Typography>
      )}
      {open && (
        <KubeconfigDialog
          tenant={tenant}
          modes={modes}
          open={open}
          onClose={() => setOpen(false)}
        />
      )}
    </InfoCard>
  );
}
