import { NotAllowedError } from '@backstage/errors';
import { createProxyAuthenticator } from '@backstage/plugin-auth-node';
import type { Request } from 'express';

/** Header and cookie a tester uses to sign in as another demo user. */
export const DEMO_USER_HEADER = 'x-kaas-demo-user';
export const DEMO_USER_COOKIE = 'kaas-demo-user';

const USER_NAME = /^[a-z0-9]([-a-z0-9._]{0,61}[a-z0-9])?$/;

export type DemoUserResult = { userName: string };

type DemoUserContext = { defaultUser: string; enabled: boolean };

function readCookie(req: Request, name: string): string | undefined {
  const header = req.header('cookie');
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return decodeURIComponent(rest.join('='));
  }
  return undefined;
}

/**
 * Picks the demo user for a sign-in: the header, then the cookie, then the configured
 * default. Like the guest provider it refuses to work outside development unless the
 * platform team explicitly allows it.
 */
export const demoUserAuthenticator = createProxyAuthenticator<
  DemoUserContext,
  DemoUserResult,
  undefined
>({
  defaultProfileTransform: async ({ userName }) => ({
    profile: { displayName: userName },
  }),
  initialize({ config }) {
    return {
      defaultUser: config.getOptionalString('defaultUser') ?? 'guest',
      enabled:
        process.env.NODE_ENV === 'development' ||
        config.getOptionalBoolean('dangerouslyAllowOutsideDevelopment') ===
          true,
    };
  },
  async authenticate({ req }, { defaultUser, enabled }) {
    if (!enabled) {
      throw new NotAllowedError(
        "The demo sign-in only works in development; set 'auth.providers.demo.dangerouslyAllowOutsideDevelopment' to use it elsewhere.",
      );
    }
    const userName =
      req.header(DEMO_USER_HEADER) ??
      readCookie(req, DEMO_USER_COOKIE) ??
      defaultUser;
    if (!USER_NAME.test(userName)) {
      throw new NotAllowedError(
        `'${userName}' is not a valid user name; use the name of a User entity such as 'alice'.`,
      );
    }
    return { result: { userName } };
  },
});
