import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';

import { recordCommand } from './commands.ts';
import { inBatches, type RawRows } from './raw-rows.ts';
import { PROJECT_ROOT } from './wrangler.ts';

export interface NativeTiming {
  rows: number;
  ms: number;
}

/** Whether the sqlite3 command-line shell is installed. */
export function hasSqlite3(): boolean {
  return spawnSync('sqlite3', ['-version'], { stdio: 'ignore' }).status === 0;
}

export function sqlite3Version(): string | null {
  const result = spawnSync('sqlite3', ['-version'], { encoding: 'utf8' });
  return result.status === 0 ? result.stdout.split(' ')[0]!.trim() : null;
}

/** `sqlite3 .import` of the CSV into a new table without constraints (the header names it). */
export function sqlite3Import(csvPath: string, databasePath: string): NativeTiming {
  const importArgs = [databasePath, '.mode csv', `.import ${csvPath} tasks_import`];
  recordCommand(['sqlite3', ...importArgs]);
  const started = performance.now();
  const result = spawnSync('sqlite3', importArgs, { encoding: 'utf8' });
  const ms = performance.now() - started;
  if (result.status !== 0) throw new Error(`sqlite3 .import failed: ${result.stderr}`);

  const count = spawnSync('sqlite3', [databasePath, 'SELECT count(*) FROM tasks_import'], {
    encoding: 'utf8',
  });
  return { rows: Number(count.stdout.trim()), ms };
}

/**
 * Native SQLite (node:sqlite) with the service's migrations and the raw ceiling's upsert SQL:
 * the same JSON texts, 1,000 rows per statement, 10 statements per transaction. Runs the
 * rows twice: once inserting, once with every row in conflict.
 */
export function nodeSqliteUpserts(
  rows: RawRows,
  databasePath: string,
  upsertSql: { employees: string; tasks: string },
): { insert: NativeTiming; conflict: NativeTiming } {
  const db = new DatabaseSync(databasePath);
  try {
    db.exec('PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON;');
    for (const file of readdirSync(join(PROJECT_ROOT, 'migrations')).sort()) {
      db.exec(readFileSync(join(PROJECT_ROOT, 'migrations', file), 'utf8'));
    }
    db.prepare(`INSERT INTO organizations (id, name, created_at) VALUES ('org', 'org', '')`).run();

    const pass = (): NativeTiming => {
      const started = performance.now();
      write(db, upsertSql.employees, rows.employees);
      write(db, upsertSql.tasks, rows.tasks);
      return { rows: rows.taskCount, ms: performance.now() - started };
    };
    return { insert: pass(), conflict: pass() };
  } finally {
    db.close();
  }
}

function write(db: DatabaseSync, sql: string, texts: string[]): void {
  const statement = db.prepare(sql);
  for (const batch of inBatches(texts)) {
    db.exec('BEGIN');
    for (const json of batch) statement.run('org', json);
    db.exec('COMMIT');
  }
}
