import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { generateApiKey, hashApiKey, keyHint } from '../src/auth/api-keys.ts';
import { provisioningStatements } from '../src/auth/provisioning.ts';
import { newId } from '../src/lib/ids.ts';
import { runWrangler } from './wrangler.ts';

/** Applies the configuration's D1 migrations to a server's own state directory. */
export function applyMigrations(config: string, persistTo: string): void {
  runWrangler([
    'd1',
    'migrations',
    'apply',
    'DB',
    '--local',
    '--config',
    config,
    '--persist-to',
    persistTo,
  ]);
}

/**
 * Creates an organization and an API key in a state directory, with the statements and
 * hashing of `npm run api-key`, which knows only the project's wrangler.toml while the bench
 * also provisions the reference Workers' configurations. Returns the key.
 */
export async function createApiKey(config: string, persistTo: string): Promise<string> {
  const apiKey = generateApiKey();
  const statements = provisioningStatements({
    organizationId: newId('org'),
    organizationName: 'bench',
    keyId: newId('key'),
    keyHash: await hashApiKey(apiKey),
    keyHint: keyHint(apiKey),
    createdAt: new Date().toISOString(),
  });

  const file = join(persistTo, 'provision.sql');
  writeFileSync(file, statements.map((statement) => `${statement};\n`).join(''), { mode: 0o600 });
  runWrangler([
    'd1',
    'execute',
    'DB',
    '--local',
    '--config',
    config,
    '--persist-to',
    persistTo,
    '--yes',
    '--json',
    '--file',
    file,
  ]);
  return apiKey;
}
