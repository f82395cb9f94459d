import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemText from '@material-ui/core/ListItemText';
import Typography from '@material-ui/core/Typography';
import type { OperatorHealth } from '@kaas-platform/plugin-kaas-common';
import useAsync from 'react-use/esm/useAsync';
import { kaasApiRef } from '../../api/KaasApi';

function describeOperator(health: OperatorHealth): string {
  const { deployment } = health;
  const name = health.operator ?? 'No operator declared';
  if (!deployment) return name;
  if (!deployment.present) return `${name}: no Deployment found`;
  return `${name} ${deployment.version ?? '(no image tag)'}: ${
    deployment.readyReplicas ?? 0
  }/${deployment.replicas ?? 0} ready`;
}

/**
 * For platform admins: each capability's operator (Deployment, version) and the served
 * versions of its CRDs on each cluster, with what will stop instances. Others see nothing
 * (the backend answers 403).
 */
export function OperatorHealthCard() {
  const kaasApi = useApi(kaasApiRef);
  const health = useAsync(() => kaasApi.getOperatorHealth(), [kaasApi]);
  if (health.loading) return <Progress />;
  if (health.error) {
    const status = (health.error as { response?: { status?: number } }).response
      ?.status;
    if (status === 403 || health.error.name === 'NotAllowedError') return null;
    return <ResponseErrorPanel error={health.error} />;
  }
  return (
    <InfoCard
      title="Operator health"
      subheader="Platform admins: operators and CRD versions per cluster"
    >
      <List aria-label="Operator health">
        {(health.value ?? []).map(item => (
          <ListItem
            key={`${item.capability}/${item.cluster}`}
            divider
            disableGutters
            data-testid={`kaas-operator-${item.capability}-${item.cluster}`}
          >
            <ListItemText
              primary={`${item.title} on ${item.cluster}`}
              secondary={
                <>
                  <Typography variant="body2" component="div">
                    {describeOperator(item)}
                  </Typography>
                  {item.kinds.map(kind => (
                    <Typography
                      key={`${kind.apiVersion}/${kind.kind}`}
                      variant="body2"
                      component="div"
                    >
                      {kind.kind} {kind.apiVersion}:{' '}
                      {kind.served ? 'served' : 'NOT served'} (served:{' '}
                      {kind.servedVersions.join(', ') || 'none'})
                    </Typography>
                  ))}
                  {item.problems.map(problem => (
                    <Typography
                      key={problem}
                      variant="body2"
                      component="div"
                      color="error"
                    >
                      {problem}
                    </Typography>
                  ))}
                </>
              }
              secondaryTypographyProps={{ component: 'div' }}
            />
          </ListItem>
        ))}
      </List>
    </InfoCard>
  );
}
