import { ConfigSources } from '@backstage/config-loader';
import { Client, type ClientConfig } from 'pg';

/** The advisory lock every replica of the backend takes around its start. */
const STARTUP_LOCK = 'kaas-platform backend startup';

/**
 * Runs `start` (the backend's start) holding a PostgreSQL advisory lock, so that replicas
 * on one database start one at a time. Every Backstage plugin runs its knex migrations as
 * it starts: replicas starting together on an empty database race on creating the
 * migration tables, and a replica that exits while holding knex's migration lock leaves it
 * locked for every later start (backstage/charts#300). The advisory lock belongs to this
 * process's session, so a replica that dies releases it. SQLite (one process) needs none.
 */
export async function startOneReplicaAtATime(
  start: () => Promise<unknown>,
): Promise<void> {
  const config = await ConfigSources.toConfig(ConfigSources.default({}));
  const database = config.getOptionalConfig('backend.database');
  const connection = database?.getOptional('connection');
  config.close();
  if (database?.getOptionalString('client') !== 'pg' || !connection) {
    await start();
    return;
  }
  const settings: ClientConfig =
    typeof connection === 'string'
      ? { connectionString: connection }
      : { database: 'postgres', ...(connection as ClientConfig) };
  const client = new Client(settings);
  await client.connect();
  try {
    await client.query('select pg_advisory_lock(hashtext($1))', [STARTUP_LOCK]);
    await start();
  } finally {
    await client
      .query('select pg_advisory_unlock(hashtext($1))', [STARTUP_LOCK])
      .catch(() => undefined);
    await client.end().catch(() => undefined);
  }
}
