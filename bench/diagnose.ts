import { readFileSync, writeFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';

import { OUT_DIR, SERVICE_CONFIG, type RunContext } from './context.ts';
import { profileWorker, type CpuProfile } from './cpu-profile.ts';
import type { CsvFile } from './generate-csv.ts';
import type { D1Stats, InstrumentedStats } from './reference/d1-stats.ts';
import { uploadAndWait, type TimedUpload } from './upload-client.ts';
import { PROJECT_ROOT } from './wrangler.ts';

export const PARSE_ONLY_CONFIG = 'bench/reference/parse-only.toml';

export interface InstrumentedUpload {
  chunkRows: number;
  upload: TimedUpload;
  d1: D1Stats;
}

export interface StageTimings {
  rows: number;
  /** Receiving the file as a plain body and storing it in local R2 with one put. */
  store_ms: number;
  read_ms: number;
  parse_ms: number;
  validate_ms: number;
  rules_ms: number;
}

/**
 * Uploads the file, then uploads it again, through the real Worker wrapped by
 * bench/reference/instrumented.ts (D1 round trips and their time counted), with
 * UPLOAD_CHUNK_ROWS set to `chunkRows`; the first upload under the CPU profiler.
 */
export async function instrumentedUploads(
  context: RunContext,
  file: CsvFile,
  chunkRows: number,
): Promise<{ first: InstrumentedUpload; again: InstrumentedUpload; profile: CpuProfile }> {
  const vars = { ...context.options.serviceVars, UPLOAD_CHUNK_ROWS: String(chunkRows) };
  const label = `bulk-instrumented-${chunkRows}`;
  const { server, apiKey } = await context.serveService(label, instrumentedConfig(), vars);
  const { uploadTimeoutMs } = context.options.sizes;

  const once = async (): Promise<InstrumentedUpload> => {
    await resetStats(server.url);
    const upload = await uploadAndWait(server.url, apiKey!, file.path, uploadTimeoutMs);
    const { queue: d1 } = await readStats(server.url);
    return { chunkRows, upload, d1 };
  };
  try {
    const { result: first, profile } = await profileWorker(server.inspectorUrl, once);
    return { first, again: await once(), profile };
  } finally {
    await server.stop();
  }
}

export async function readStats(baseUrl: string): Promise<InstrumentedStats> {
  return (await (await fetch(`${baseUrl}/__bench/d1-stats`)).json()) as InstrumentedStats;
}

export async function resetStats(baseUrl: string): Promise<void> {
  await (await fetch(`${baseUrl}/__bench/d1-stats`, { method: 'DELETE' })).arrayBuffer();
}

/** The in-memory stages of the pipeline on the same file, timed inside workerd. */
export async function stageTimings(
  context: RunContext,
  file: CsvFile,
  chunkRows: number,
): Promise<StageTimings> {
  const { server } = await context.serveReference(PARSE_ONLY_CONFIG, 'bulk-parse-only');
  try {
    const response = await fetch(`${server.url}/stages?chunk_rows=${chunkRows}`, {
      method: 'POST',
      body: readFileSync(file.path),
    });
    if (!response.ok) throw new Error(`parse-only Worker answered ${response.status}`);
    return (await response.json()) as StageTimings;
  } finally {
    await server.stop();
  }
}

/** The real Worker wrapped by bench/reference/instrumented.ts, with the real configuration. */
export function instrumentedConfig(): string {
  return serviceConfigWithMain('bench/reference/instrumented.ts');
}

/**
 * wrangler.toml with `main` pointing at another entry (a reference Worker built around the
 * service's code), written to bench/out/ (so that the bindings, queues and variables can never
 * drift from the real configuration). Returns its path from the project root.
 */
export function serviceConfigWithMain(entry: string): string {
  const original = readFileSync(join(PROJECT_ROOT, SERVICE_CONFIG), 'utf8');
  const name = basename(entry, '.ts');
  const path = join(OUT_DIR, `${name}.wrangler.toml`);
  const fromOut = (target: string) => relative(OUT_DIR, join(PROJECT_ROOT, target));

  const rewritten = original
    .replace(/^main = .*$/m, `main = "${fromOut(entry)}"`)
    .replace(/^migrations_dir = .*$/m, `migrations_dir = "${fromOut('migrations')}"`);
  if (!rewritten.includes(`${name}.ts"`) || !/migrations_dir = "\.\./.test(rewritten)) {
    throw new Error('wrangler.toml no longer has the `main` and `migrations_dir` lines expected');
  }
  writeFileSync(path, rewritten);
  return relative(PROJECT_ROOT, path);
}
