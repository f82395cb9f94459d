import {
  InfoCard,
  Link,
  Progress,
  ResponseErrorPanel,
  StatusWarning,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import Chip from '@material-ui/core/Chip';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemText from '@material-ui/core/ListItemText';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import { kaasApiRef } from '../../api/KaasApi';
import { capabilityTemplatePath } from './templateLinks';

/** The XaaS offerings a tenant can run, each with its plans and a link to its template. */
export function CapabilitiesCard() {
  const kaasApi = useApi(kaasApiRef);
  const capabilities = useAsync(() => kaasApi.listCapabilities(), [kaasApi]);
  let body;
  if (capabilities.loading) {
    body = <Progress />;
  } else if (capabilities.error) {
    body = <ResponseErrorPanel error={capabilities.error} />;
  } else if (!capabilities.value?.length) {
    body = (
      <Typography variant="body2" color="textSecondary">
        No capability is on offer yet.
      </Typography>
    );
  } else {
    body = (
      <List aria-label="Capabilities">
        {capabilities.value.map(capability => (
          <ListItem
            key={capability.id}
            divider
            disableGutters
            data-testid={`kaas-capability-${capability.id}`}
          >
            <ListItemText
              primary={
                <Link to={capabilityTemplatePath(capability.id)}>
                  {capability.title}
                </Link>
              }
              secondary={
                <>
                  {capability.description && (
                    <Typography variant="body2" component="span">
                      {capability.description}{' '}
                    </Typography>
                  )}
                  {capability.operatorProblems?.map(problem => (
                    <Typography
                      key={problem}
                      variant="body2"
                      component="span"
                      display="block"
                      data-testid={`kaas-capability-problem-${capability.id}`}
                    >
                      <StatusWarning>{problem}</StatusWarning>
                    </Typography>
                  ))}
                  {capability.plans.map(plan => (
                    <Chip
                      key={plan.name}
                      size="small"
                      label={plan.title || plan.name}
                      title={plan.description}
                      component="span"
                    />
                  ))}
                </>
              }
              secondaryTypographyProps={{ component: 'div' }}
            />
          </ListItem>
        ))}
      </List>
    );
  }
  return (
    <InfoCard
      title="Capabilities on offer"
      subheader="Services run by an operator in one of your tenants"
    >
      {body}
    </InfoCard>
  );
}
