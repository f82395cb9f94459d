import { defineConfig } from '@playwright/test';

/**
 * End-to-end tests against the started platform (scripts/e2e.sh starts it), in Debian's
 * Chromium: Playwright's own browser downloads are not available here, nor needed.
 */
const sso = process.env.KAAS_E2E_SUITE === 'sso';

export default defineConfig({
  // scripts/e2e.sh runs the demo setup's suite, then the Keycloak setup's (sso/).
  testDir: sso ? 'packages/app/e2e-tests/sso' : 'packages/app/e2e-tests',
  testIgnore: sso ? [] : ['**/sso/**'],
  timeout: 120_000,
  expect: { timeout: 60_000 },
  forbidOnly: !!process.env.CI,
  retries: 0,
  workers: 1,
  outputDir: '.test-results/e2e-artifacts',
  use: {
    baseURL: process.env.PLAYWRIGHT_URL ?? 'http://localhost:3000',
    screenshot: 'only-on-failure',
    // The local Keycloak's certificate is from a CA of its own, which Chromium does not know.
    ignoreHTTPSErrors: sso,
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
});
