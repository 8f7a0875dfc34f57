// Shared by the Worker's tests and by `npm run api-key` (which Node runs from source), so
// this file imports nothing.

export interface KeyProvisioning {
  organizationId: string;
  organizationName: string;
  keyId: string;
  keyHash: string;
  keyHint: string;
  createdAt: string;
}

/**
 * Statements that create the organization unless it exists, then add the key to it. They
 * carry literal values because `wrangler d1 execute` takes no bound parameters; every value
 * is quoted as an SQL string literal.
 */
export function provisioningStatements(values: KeyProvisioning): string[] {
  const v = Object.fromEntries(
    Object.entries(values).map(([name, value]) => [name, quote(value)]),
  ) as Record<keyof KeyProvisioning, string>;

  return [
    `INSERT INTO organizations (id, name, created_at)
     VALUES (${v.organizationId}, ${v.organizationName}, ${v.createdAt})
     ON CONFLICT (name) DO NOTHING`,
    `INSERT INTO api_keys (id, organization_id, key_hash, key_hint, created_at)
     SELECT ${v.keyId}, id, ${v.keyHash}, ${v.keyHint}, ${v.createdAt}
       FROM organizations
      WHERE name = ${v.organizationName}`,
  ];
}

function quote(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}
