import { InfoCard } from '@backstage/core-components';
import Chip from '@material-ui/core/Chip';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemText from '@material-ui/core/ListItemText';
import Typography from '@material-ui/core/Typography';
import type { TenantStatus } from '@kaas-platform/plugin-kaas-common';

/** The NetworkPolicies the platform put into the tenant, with the directions they govern. */
export function NetworkPoliciesCard(props: {
  networkPolicies: TenantStatus['networkPolicies'];
}) {
  const { networkPolicies } = props;
  return (
    <InfoCard title="Network policies">
      {networkPolicies.length === 0 ? (
        <Typography variant="body2" color="textSecondary">
          No NetworkPolicy: all traffic to and from the tenant is allowed.
        </Typography>
      ) : (
        <List dense disablePadding aria-label="Network policies">
          {networkPolicies.map(policy => (
            <ListItem key={policy.name} disableGutters>
              <ListItemText primary={policy.name} />
              {policy.policyTypes.map(type => (
                <Chip key={type} size="small" label={type} />
              ))}
            </ListItem>
          ))}
        </List>
      )}
    </InfoCard>
  );
}
