import { env } from 'cloudflare:workers';

import { generateApiKey, hashApiKey, keyHint } from '../../src/auth/api-keys';
import { provisioningStatements } from '../../src/auth/provisioning';
import { newId } from '../../src/lib/ids';

export interface TestOrganization {
  id: string;
  name: string;
  apiKey: string;
}

/**
 * A fresh organization with an API key, provisioned the way `npm run api-key` does it.
 * Every test makes its own, so tests share no records and may run in any order.
 */
export async function createOrganization(): Promise<TestOrganization> {
  const id = newId('org');
  const name = `org-${id}`;
  const apiKey = generateApiKey();

  const statements = provisioningStatements({
    organizationId: id,
    organizationName: name,
    keyId: newId('key'),
    keyHash: await hashApiKey(apiKey),
    keyHint: keyHint(apiKey),
    createdAt: new Date().toISOString(),
  });
  await env.DB.batch(statements.map((sql) => env.DB.prepare(sql)));

  return { id, name, apiKey };
}
