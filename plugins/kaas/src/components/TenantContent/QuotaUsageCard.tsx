import { InfoCard } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import LinearProgress from '@material-ui/core/LinearProgress';
import { makeStyles } from '@material-ui/core/styles';
import Typography from '@material-ui/core/Typography';
import type {
  QuotaUsage,
  TenantStatus,
} from '@kaas-platform/plugin-kaas-common';

/** Where a quota bar turns from normal to warning, and from warning to exhausted. */
const WARNING_FRACTION = 0.8;
const EXHAUSTED_FRACTION = 1;

const useStyles = makeStyles(theme => ({
  track: { height: 8, borderRadius: 4 },
  normal: { backgroundColor: theme.palette.success.main },
  warning: { backgroundColor: theme.palette.warning.main },
  exhausted: { backgroundColor: theme.palette.error.main },
  row: { marginBottom: theme.spacing(1.5) },
}));

/** `normal`, `warning` (80 % and more) or `exhausted` (100 % and more). */
export function quotaLevel(
  fraction: number,
): 'normal' | 'warning' | 'exhausted' {
  if (fraction >= EXHAUSTED_FRACTION) return 'exhausted';
  if (fraction >= WARNING_FRACTION) return 'warning';
  return 'normal';
}

function QuotaBar(props: { item: QuotaUsage }) {
  const classes = useStyles();
  const { resource, used, hard, fraction } = props.item;
  const level = quotaLevel(fraction);
  const percent = Math.round(Math.min(Math.max(fraction, 0), 1) * 100);
  return (
    <Box className={classes.row} data-testid={`kaas-quota-${resource}`}>
      <Box display="flex" justifyContent="space-between">
        <Typography variant="body2">{resource}</Typography>
        <Typography variant="body2" color="textSecondary">
          {used} / {hard}
          {level !== 'normal' && ` (${Math.round(fraction * 100)} %)`}
        </Typography>
      </Box>
      <LinearProgress
        variant="determinate"
        value={percent}
        aria-label={`${resource} used ${used} of ${hard}`}
        data-level={level}
        classes={{ root: classes.track, bar: classes[level] }}
      />
    </Box>
  );
}

/** Usage of every ResourceQuota of the tenant, one bar per resource. */
export function QuotaUsageCard(props: { quotas: TenantStatus['quotas'] }) {
  const { quotas } = props;
  return (
    <InfoCard title="Quota usage">
      {quotas.length === 0 && (
        <Typography variant="body2" color="textSecondary">
          This tenant has no ResourceQuota; its workloads are not limited.
        </Typography>
      )}
      {quotas.map(quota => (
        <Box key={quota.name} mb={2}>
          <Typography variant="subtitle2" gutterBottom>
            ResourceQuota {quota.name}
          </Typography>
          {quota.resources.map(item => (
            <QuotaBar key={item.resource} item={item} />
          ))}
        </Box>
      ))}
    </InfoCard>
  );
}
