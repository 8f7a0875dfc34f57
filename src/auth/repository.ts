export interface KeyOwner {
  organizationId: string;
}

/** The organization that owns the key with this hash, unless the key is unknown or revoked. */
export async function findKeyOwner(db: D1Database, keyHash: string): Promise<KeyOwner | null> {
  const row = await db
    .prepare(
      `SELECT organization_id
         FROM api_keys
        WHERE key_hash = ?1
          AND revoked_at IS NULL`,
    )
    .bind(keyHash)
    .first<{ organization_id: string }>();
  return row ? { organizationId: row.organization_id } : null;
}
