import { createBackend } from '@backstage/backend-defaults';
import { httpAuthServiceFactory } from './services/httpAuthServiceFactory';
import { startOneReplicaAtATime } from './startOneReplicaAtATime';

const backend = createBackend();

// Backstage's request authentication, verifying each user token once per 10 s.
backend.add(httpAuthServiceFactory);

backend.add(import('@backstage/plugin-app-backend'));

backend.add(import('@backstage/plugin-auth-backend'));
// The company login (auth.providers.oidc, Keycloak): signs in the catalog User whose
// Keycloak id is the token's subject; see README "Signing in".
backend.add(import('./modules/authOidcProvider'));
// Development shortcut: sign in as a demo user. Off whenever auth.providers.oidc is set.
backend.add(import('./modules/authDemoProvider'));

backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(
  import('@backstage/plugin-catalog-backend-module-scaffolder-entity-model'),
);
backend.add(import('@backstage/plugin-catalog-backend-module-logs'));
// Users and groups from Keycloak (catalog.providers.keycloakOrg), when configured.
backend.add(
  import('@backstage-community/plugin-catalog-backend-module-keycloak'),
);
// Tenants and XaaS instances as Resource entities, read from the clusters.
backend.add(import('@kaas-platform/plugin-catalog-backend-module-kaas'));

backend.add(import('@backstage/plugin-scaffolder-backend'));
backend.add(import('@kaas-platform/plugin-scaffolder-backend-module-kaas'));

backend.add(import('@backstage/plugin-permission-backend'));
// Owners and platform admins only for kubeconfigs and credentials; see the module.
backend.add(import('@kaas-platform/plugin-permission-backend-module-kaas'));

backend.add(import('@backstage/plugin-kubernetes-backend'));
// Objects in tenant namespaces for the owner group's members and platform admins only.
backend.add(import('@kaas-platform/plugin-kubernetes-backend-module-kaas'));
backend.add(import('@backstage/plugin-user-settings-backend'));
// Live updates to the frontend (user settings storage depends on it).
backend.add(import('@backstage/plugin-signals-backend'));

backend.add(import('@kaas-platform/plugin-kaas-backend'));
// The Actions Registry's actions (backend.actions in app-config.yaml) as MCP tools.
backend.add(import('@backstage/plugin-mcp-actions-backend'));

// Backstage logs a failed start and keeps serving what did start; a platform whose
// configuration is wrong must stop instead, with the reason on stderr. Replicas on one
// PostgreSQL start one after another (their migrations would race).
startOneReplicaAtATime(() => backend.start()).catch(error => {
  process.stderr.write(`Backend startup failed: ${error?.stack ?? error}\n`);
  process.exit(1);
});
