/**
 * A write batch lost a race: a row it inserts was created meanwhile (a UNIQUE index), or a
 * row it updates was written since it was read (the CHECK of `write_conflicts`). Reading
 * again and re-applying the rules resolves it.
 */
export function isWriteConflict(error: unknown): boolean {
  const message = error instanceof Error ? error.message : String(error);
  return /UNIQUE constraint failed|CHECK constraint failed: write_conflict/.test(message);
}

/**
 * Failures that D1 documents as retryable: the database was reset, overloaded or briefly
 * unreachable. D1 never retries writes itself.
 */
export function isTransientD1Error(error: unknown): boolean {
  const message = error instanceof Error ? error.message : String(error);
  return /Network connection lost|storage caused object to be reset|reset because its code was updated|overloaded|Cannot resolve D1 DB due to transient issue|Internal error while starting up D1|internal error/i.test(
    message,
  );
}

/** Full jitter: spreads competing writers apart, so the next attempt does not collide again. */
export function backoffMs(attempt: number, baseMs = 20, capMs = 2_000): number {
  return Math.random() * Math.min(capMs, baseMs * 2 ** attempt);
}
