// Shared with `npm run api-key` (which Node runs from source), so this file imports nothing.

/** Prefix of every key: recognisable in a leaked-secret scan, and not a part of its secrecy. */
export const API_KEY_PREFIX = 'tik_';

const KEY_SHAPE = /^tik_[A-Za-z0-9_-]{43}$/;

/** A new key: 32 random bytes, base64url. Shown once; only its hash is stored. */
export function generateApiKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  const base64 = btoa(String.fromCharCode(...bytes));
  return API_KEY_PREFIX + base64.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** The first characters of a key: enough for a person to tell their keys apart, no more. */
export function keyHint(key: string): string {
  return key.slice(0, 8);
}

export function looksLikeApiKey(candidate: string): boolean {
  return KEY_SHAPE.test(candidate);
}

/**
 * SHA-256 of the key, hex. The keys are long random strings, so a fast hash is enough:
 * nothing can be guessed from it, and a lookup costs one indexed read.
 */
export async function hashApiKey(key: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(key));
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, '0')).join('');
}
