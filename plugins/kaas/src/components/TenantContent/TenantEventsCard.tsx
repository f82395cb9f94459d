import {
  InfoCard,
  StatusOK,
  StatusWarning,
  Table,
  TableColumn,
} from '@backstage/core-components';
import Typography from '@material-ui/core/Typography';
import type { TenantEvent } from '@kaas-platform/plugin-kaas-common';
import { formatDateTime } from '../shared/formatTime';

const columns: TableColumn<TenantEvent>[] = [
  {
    title: 'Type',
    field: 'type',
    render: event =>
      event.type === 'Warning' ? (
        <StatusWarning>Warning</StatusWarning>
      ) : (
        <StatusOK>{event.type}</StatusOK>
      ),
  },
  { title: 'Reason', field: 'reason' },
  { title: 'Object', field: 'object' },
  { title: 'Message', field: 'message' },
  { title: 'Count', field: 'count', type: 'numeric' },
  {
    title: 'Last seen',
    field: 'lastSeen',
    render: event => formatDateTime(event.lastSeen),
  },
];

/**
 * The tenant's most recent Kubernetes events, newest first; or why they are not shown
 * (the backend shows them to the owner group and platform admins only).
 */
export function TenantEventsCard(props: {
  events: TenantEvent[];
  hidden?: boolean;
  owner?: string;
}) {
  if (props.hidden) {
    return (
      <InfoCard title="Recent events">
        <Typography
          variant="body2"
          color="textSecondary"
          data-testid="kaas-events-hidden"
        >
          The tenant's events are visible to the owner group only
          {props.owner ? ` (${props.owner})` : ''} and to platform admins.
        </Typography>
      </InfoCard>
    );
  }
  return (
    <Table<TenantEvent>
      title="Recent events"
      columns={columns}
      data={props.events.map(event => ({ ...event }))}
      options={{ paging: false, search: false, padding: 'dense' }}
      emptyContent={
        <Typography
          variant="body2"
          color="textSecondary"
          style={{ padding: 16 }}
        >
          No events in the tenant's namespace recently.
        </Typography>
      }
    />
  );
}
