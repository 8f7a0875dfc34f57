import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { loadavg, release, totalmem } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';

import { sqlite3Version } from './native.ts';
import { PROJECT_ROOT, wranglerVersion } from './wrangler.ts';

export interface Environment {
  cpuModel: string;
  cores: number;
  memoryGb: string;
  kernel: string;
  node: string;
  wrangler: string;
  workerd: string;
  sqlite3: string;
  nodeSqlite: string;
  commit: string;
}

/** The machine and the versions of everything measured, for the report. */
export function describeEnvironment(): Environment {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  // wrangler runs the workerd it depends on, which may differ from the project's own.
  const workerdPackage = JSON.parse(
    readFileSync(
      [
        join(PROJECT_ROOT, 'node_modules', 'wrangler', 'node_modules', 'workerd', 'package.json'),
        join(PROJECT_ROOT, 'node_modules', 'workerd', 'package.json'),
      ].find((path) => existsSync(path))!,
      'utf8',
    ),
  ) as { version: string };
  const memory = new DatabaseSync(':memory:');
  const nodeSqlite = memory.prepare('SELECT sqlite_version() AS version').get() as {
    version: string;
  };
  memory.close();

  return {
    cpuModel: /^model name\s*:\s*(.*)$/m.exec(cpuinfo)?.[1]?.trim() ?? 'unknown',
    cores: Number(output('nproc')) || 0,
    memoryGb: (totalmem() / 1024 ** 3).toFixed(1),
    kernel: release(),
    node: process.version,
    wrangler: wranglerVersion(),
    workerd: workerdPackage.version,
    sqlite3: sqlite3Version() ?? 'not available',
    nodeSqlite: nodeSqlite.version,
    commit: commitMeasured(),
  };
}

/**
 * The commit whose code was measured, `-dirty` when files other than BENCHMARKS.md differ
 * from it: the report the previous run wrote there changes nothing that runs.
 */
function commitMeasured(): string {
  const commit = output('git', ['-C', PROJECT_ROOT, 'rev-parse', '--short', 'HEAD']);
  if (!commit) return 'unknown';
  const changed = output('git', ['-C', PROJECT_ROOT, 'status', '--porcelain']).split('\n');
  const dirty = changed.some((line) => line !== '' && !line.endsWith(' BENCHMARKS.md'));
  return dirty ? `${commit}-dirty` : commit;
}

/** The 1-minute load average, to show how busy the machine was around each benchmark. */
export function loadAverage(): string {
  return loadavg()[0]!.toFixed(2);
}

function output(command: string, args: string[] = []): string {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim() : '';
}
