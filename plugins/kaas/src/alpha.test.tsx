import kaasPlugin from './alpha';

describe('kaas plugin for the new frontend system', () => {
  it('provides the entity tabs, the Tenants page and the template fields under stable ids', () => {
    // The ids are what app-config `app.extensions` and the e2e tests refer to.
    for (const id of [
      'entity-content:kaas/tenant',
      'entity-content:kaas/instance',
      'page:kaas/tenants',
      'api:kaas',
      'scaffolder-form-field:kaas/cluster-picker',
    ] as const) {
      expect(kaasPlugin.getExtension(id)).toBeDefined();
    }
  });
});
