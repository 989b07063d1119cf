import { z } from 'zod';
import type { Accounts } from '../../accounts/accounts.js';
import { AccountError } from '../../accounts/errors.js';
import { LOCALES } from '../../store/accounts/users.js';
import { HttpError } from '../errors.js';
import { ROLES, type Principal } from '../principal.js';
import { access, route, type AnyRoute } from '../route-spec.js';
import { usernameSchema } from './agents.js';

const userParams = z.object({ username: usernameSchema });
const assignParams = z.object({
  username: usernameSchema,
  campaign: z.string().regex(/^[A-Za-z0-9-]{1,64}$/),
});
const admin = access.roles('admin');

const newUser = z
  .object({
    username: usernameSchema,
    displayName: z.string().max(200).optional(),
    role: z.enum(ROLES),
    password: z.string().max(1024).optional(),
    locale: z.enum(LOCALES).optional(),
    sipEndpoint: z.string().min(1).max(200).optional(),
  })
  .strict();

const actorOf = (p: Principal | undefined): string => {
  if (!p) throw new HttpError(401, 'sign in first');
  return p.actor;
};

/**
 * People and their campaigns (admins only): list, create, (de)activate, assign, reset passwords.
 * `loggedOut` is called for a deactivated user, so an agent logged in here stops taking calls.
 */
export function userRoutes(
  accounts: Accounts,
  loggedOut: (username: string) => Promise<unknown> = () => Promise.resolve(),
): AnyRoute[] {
  const { users, assignments } = accounts;
  return [
    route({
      method: 'GET',
      url: '/api/users',
      summary: 'Every user with role, state, language and assigned campaigns',
      access: admin,
      handler: () => users.list(),
    }),
    route({
      method: 'POST',
      url: '/api/users',
      summary: 'Create a user (a password is optional: without one they cannot sign in yet)',
      access: admin,
      body: newUser,
      handler: async ({ principal, body, reply }) =>
        reply.status(201).send(await users.create(body, actorOf(principal))),
    }),
    ...(['deactivate', 'reactivate'] as const).map((step) =>
      route({
        method: 'POST',
        url: `/api/users/:username/${step}`,
        summary:
          step === 'deactivate'
            ? 'Deactivate a user: their sessions and keys stop working at once'
            : 'Reactivate a user',
        access: admin,
        params: userParams,
        handler: async ({ principal, params }) => {
          if (step === 'deactivate' && principal?.username === params.username) {
            throw new AccountError('you cannot deactivate yourself (ask another admin)', 409);
          }
          const user = await users.setActive(params.username, step === 'reactivate', actorOf(principal));
          if (step === 'deactivate') await loggedOut(params.username);
          return user;
        },
      }),
    ),
    route({
      method: 'POST',
      url: '/api/users/:username/password',
      summary: "Reset a user's password (their sessions end)",
      access: admin,
      params: userParams,
      body: z.object({ password: z.string().max(1024) }).strict(),
      handler: async ({ principal, params, body, reply }) => {
        await users.setPassword(params.username, body.password, actorOf(principal));
        return reply.status(204).send();
      },
    }),
    route({
      method: 'PUT',
      url: '/api/users/:username/campaigns/:campaign',
      summary: 'Assign a user to a campaign (id or code)',
      access: admin,
      params: assignParams,
      handler: async ({ principal, params }) => {
        await assignments.assign(params.username, params.campaign, actorOf(principal));
        return users.require(params.username);
      },
    }),
    route({
      method: 'DELETE',
      url: '/api/users/:username/campaigns/:campaign',
      summary: 'Take a user off a campaign',
      access: admin,
      params: assignParams,
      handler: async ({ principal, params }) => {
        await assignments.unassign(params.username, params.campaign, actorOf(principal));
        return users.require(params.username);
      },
    }),
    ...keyRoutes(accounts),
  ];
}

const keyParams = z.object({ name: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/) });

/** API keys for integrations (admins only): the key is in the answer to POST, and nowhere else. */
function keyRoutes(accounts: Accounts): AnyRoute[] {
  return [
    route({
      method: 'GET',
      url: '/api/keys',
      summary: 'Every API key (name, role, owner, expiry, revocation; never the key)',
      access: admin,
      handler: () => accounts.keys.list(),
    }),
    route({
      method: 'POST',
      url: '/api/keys',
      summary: 'Create an API key; the answer carries the key, shown this once',
      access: admin,
      body: z
        .object({
          name: keyParams.shape.name,
          role: z.enum(ROLES).optional(),
          owner: usernameSchema.optional(),
          expiresAt: z.iso.datetime({ offset: true }).optional(),
        })
        .strict(),
      handler: async ({ principal, body, reply }) => {
        const { key, view } = await accounts.keys.add(
          { ...body, expiresAt: body.expiresAt ? new Date(body.expiresAt) : undefined },
          actorOf(principal),
        );
        return reply.status(201).send({ ...view, key });
      },
    }),
    route({
      method: 'DELETE',
      url: '/api/keys/:name',
      summary: 'Revoke an API key (refused from its next request on)',
      access: admin,
      params: keyParams,
      handler: async ({ principal, params }) => accounts.keys.revoke(params.name, actorOf(principal)),
    }),
  ];
}
