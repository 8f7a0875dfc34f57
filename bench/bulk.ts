import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { bulkSection, uploadRatio, type BulkResults, type BulkRound } from './bulk-report.ts';
import { logFile, RAW_D1_CONFIG, SERVICE_CONFIG, type RunContext } from './context.ts';
import { cpuBetween, type DevServer } from './dev-server.ts';
import { instrumentedUploads, serviceConfigWithMain, stageTimings } from './diagnose.ts';
import { csvWithRows, type CsvFile } from './generate-csv.ts';
import { hasSqlite3, nodeSqliteUpserts, sqlite3Import } from './native.ts';
import { rawPass, writeRawRows } from './raw-d1-client.ts';
import { buildRawRows, type RawRows } from './raw-rows.ts';
import { UPSERT_EMPLOYEES, UPSERT_TASKS } from './reference/raw-d1-sql.ts';
import type { Section } from './report.ts';
import { summarizeSteps } from './step-log.ts';
import { uploadAndWait, type UploadState } from './upload-client.ts';
import { PROJECT_ROOT } from './wrangler.ts';

/**
 * UPLOAD_CHUNK_ROWS values the diagnosis compares with the configured one: the previous
 * default, and the largest the service accepts (src/env.ts).
 */
const DIAGNOSED_CHUNK_ROWS = [5_000, 20_000];

/** The service's upload path with the per-row work taken out (see the file). */
const RULES_FREE_ENTRY = 'bench/reference/rules-free.ts';

/**
 * Bulk ingestion: a CSV through POST /tasks/upload until `completed`, then the same file
 * again (every row unchanged), beside the raw D1 ceiling and native SQLite on the same rows;
 * then where the time goes (D1 round trips, the in-memory stages, larger chunks).
 */
export async function runBulk(context: RunContext): Promise<Section> {
  const { bulkRows, bulkRounds } = context.options.sizes;
  const file = await csvWithRows(bulkRows);
  const rawRows = buildRawRows(bulkRows);

  // The machine's speed drifts: each round measures the service, the same upload without its
  // per-row work, then the ceiling, and the round with the median ratio stands for the run.
  const rounds: BulkRound[] = [];
  for (let round = 1; round <= bulkRounds; round++) {
    const service = await uploadTwice(context, file, `bulk-service-${round}`);
    const rulesFree = await uploadRulesFree(context, file, `bulk-rules-free-${round}`);
    const raw = await rawD1Passes(context, rawRows, `bulk-raw-d1-${round}`);
    rounds.push({ service, rulesFree, raw });
  }
  const { service, rulesFree, raw } = medianRound(rounds);
  const native = nativeReferences(context, file, rawRows);

  const chunkSizes = [...new Set([configuredChunkRows(context), ...DIAGNOSED_CHUNK_ROWS])];
  const instrumented = [];
  for (const chunkRows of context.options.quick ? chunkSizes.slice(0, 1) : chunkSizes) {
    instrumented.push(await instrumentedUploads(context, file, chunkRows));
  }
  const stages = await stageTimings(context, file, chunkSizes[0]!);

  const results: BulkResults = {
    file,
    rounds,
    service,
    rulesFree,
    raw,
    native,
    instrumented,
    stages,
  };
  return bulkSection(results);
}

/** The round whose upload is the median of the rounds' ratios to their own ceiling. */
function medianRound(rounds: BulkRound[]): BulkRound {
  const byRatio = [...rounds].sort((a, b) => uploadRatio(a) - uploadRatio(b));
  return byRatio[Math.floor((byRatio.length - 1) / 2)]!;
}

async function uploadTwice(context: RunContext, file: CsvFile, label: string) {
  const { server, apiKey } = await context.serveService(label);
  const timeoutMs = context.options.sizes.uploadTimeoutMs;
  const upload = () => uploadAndWait(server.url, apiKey!, file.path, timeoutMs);
  try {
    const first = await onRuntime(server, upload);
    expectCounters(first.final, file.rows, 'created_rows');
    const again = await onRuntime(server, upload);
    expectCounters(again.final, file.rows, 'unchanged_rows');

    const log = logFile(label);
    return {
      first: { ...first, steps: summarizeSteps(log, first.final.id) },
      again: { ...again, steps: summarizeSteps(log, again.final.id) },
    };
  } finally {
    await server.stop();
  }
}

/**
 * The same file through bench/reference/rules-free.ts on a fresh server: received and stored
 * by the service, then read, parsed and written row by row as it stands, with no validation
 * and no rules. What the upload pipeline costs without the contract's work on each row.
 */
async function uploadRulesFree(context: RunContext, file: CsvFile, label: string) {
  const config = serviceConfigWithMain(RULES_FREE_ENTRY);
  const { server, apiKey } = await context.serveService(label, config);
  const timeoutMs = context.options.sizes.uploadTimeoutMs;
  try {
    const upload = await onRuntime(server, () =>
      uploadAndWait(server.url, apiKey!, file.path, timeoutMs),
    );
    expectCounters(upload.final, file.rows, 'created_rows');
    return upload;
  } finally {
    await server.stop();
  }
}

/**
 * Runs `work` and adds the CPU time the server's runtime spent meanwhile. Locally its main
 * thread runs the Worker and the D1 simulator alike, so its busy time bounds the throughput.
 */
async function onRuntime<T extends object>(server: DevServer, work: () => Promise<T>) {
  const before = server.cpuMs();
  const result = await work();
  return { ...result, cpu: cpuBetween(before, server.cpuMs()) };
}

/** A run that did not ingest every row as expected measures nothing: stop right there. */
function expectCounters(upload: UploadState, rows: number, counter: keyof UploadState): void {
  if (upload.status !== 'completed' || upload.processed_rows !== rows || upload[counter] !== rows) {
    throw new Error(
      `upload ended unexpectedly (expected ${rows} ${counter}): ${JSON.stringify(upload)}`,
    );
  }
}

async function rawD1Passes(context: RunContext, rows: RawRows, label: string) {
  const { server } = await context.serveReference(RAW_D1_CONFIG, label);
  try {
    const insert = await onRuntime(server, () => writeRawRows(server.url, rows));
    const conflict = await onRuntime(server, () => rawPass(server.url, rows));
    return { insert, conflict };
  } finally {
    await server.stop();
  }
}

function nativeReferences(context: RunContext, file: CsvFile, rows: RawRows) {
  const dir = context.scratch.directory('native');
  const sqlite3 = hasSqlite3() ? sqlite3Import(file.path, join(dir, 'import.sqlite')) : null;
  if (sqlite3 && sqlite3.rows !== file.rows) {
    throw new Error(`sqlite3 .import stored ${sqlite3.rows} rows of ${file.rows}`);
  }
  const nodeSqlite = nodeSqliteUpserts(rows, join(dir, 'upserts.sqlite'), {
    employees: UPSERT_EMPLOYEES,
    tasks: UPSERT_TASKS,
  });
  return { sqlite3, nodeSqlite };
}

/** UPLOAD_CHUNK_ROWS as this run serves it: a `--var` override, else wrangler.toml's. */
function configuredChunkRows(context: RunContext): number {
  const override = context.options.serviceVars.UPLOAD_CHUNK_ROWS;
  if (override) return Number(override);
  const toml = readFileSync(join(PROJECT_ROOT, SERVICE_CONFIG), 'utf8');
  return Number(/^UPLOAD_CHUNK_ROWS = "(\d+)"/m.exec(toml)?.[1] ?? 1000);
}
