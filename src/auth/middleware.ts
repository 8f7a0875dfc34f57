import { createMiddleware } from 'hono/factory';

import { readSettings } from '../env';
import type { AppBindings } from '../http/context';
import { ApiError } from '../http/errors';
import { hashApiKey, looksLikeApiKey } from './api-keys';
import { findKeyOwner } from './repository';

interface CachedOwner {
  organizationId: string;
  expiresAt: number;
}

/**
 * Verified keys, per isolate, by the key itself (it is in every request anyway), so that a
 * request neither hashes nor reads D1. Unknown keys are never cached, so a key works the
 * moment it is created.
 */
const verifiedKeys = new Map<string, CachedOwner>();

const unauthorized = (detail: string) =>
  new ApiError('unauthorized', detail, undefined, { headers: { 'WWW-Authenticate': 'Bearer' } });

/** Requires `Authorization: Bearer <api key>` and scopes the request to the key's organization. */
export const requireApiKey = createMiddleware<AppBindings>(async (c, next) => {
  const header = c.req.header('Authorization');
  if (!header) throw unauthorized('Send your API key as `Authorization: Bearer <key>`.');

  const [scheme, key, ...rest] = header.trim().split(/\s+/);
  if (scheme?.toLowerCase() !== 'bearer' || !key || rest.length > 0 || !looksLikeApiKey(key)) {
    throw unauthorized('The Authorization header is not of the form `Bearer <key>`.');
  }

  const organizationId = await ownerOf(c.env, key);
  if (!organizationId) throw unauthorized('The API key is unknown or has been revoked.');
  c.set('organizationId', organizationId);

  await next();
});

async function ownerOf(env: Env, key: string): Promise<string | null> {
  const cached = verifiedKeys.get(key);
  if (cached && cached.expiresAt > Date.now()) return cached.organizationId;

  const owner = await findKeyOwner(env.DB, await hashApiKey(key));
  if (!owner) return null;

  const ttlMs = readSettings(env).API_KEY_CACHE_SECONDS * 1000;
  verifiedKeys.set(key, {
    organizationId: owner.organizationId,
    expiresAt: Date.now() + ttlMs,
  });
  return owner.organizationId;
}
