export interface Config {
  app?: {
    /**
     * How users sign in. `oidc` (the default): the company login, through the backend's
     * `oidc` auth provider (`auth.providers.oidc`). `demo`: the development shortcut, the
     * backend's `demo` provider, which refuses to run unless `auth.environment` is
     * `development`.
     * @visibility frontend
     */
    signIn?: 'oidc' | 'demo';
  };
}
