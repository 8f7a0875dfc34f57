// The stages of an upload that do not touch D1, each timed over the whole file: reading it
// from local R2, then parsing it, then reading its rows into chunks as the consumer does
// (validation included), then applying the ingest rules to an in-memory workspace per chunk.
// Each stage repeats the ones before, so the differences are the stages' costs; every stage
// runs several times and its median time counts. Storing the posted file (one put of the
// request body) is timed once, before them.

import type { Employee } from '../../src/employees/employee';
import { applyTask } from '../../src/ingest/rules';
import { Workspace } from '../../src/ingest/workspace';
import { Chunk } from '../../src/pipeline/chunk';
import { fillChunk, RecordReader } from '../../src/pipeline/records';
import { mapColumns } from '../../src/uploads/columns';
import { parseCsvBatches, readFirstRecord } from '../../src/uploads/csv/parser';
import { RowReader } from '../../src/uploads/rows';
import { openStoredRanges } from '../../src/uploads/storage';

interface Env {
  UPLOADS: R2Bucket;
}

const KEY = 'bench.csv';

type Stage = 'read' | 'parse' | 'validate' | 'rules';
const STAGES: Stage[] = ['read', 'parse', 'validate', 'rules'];

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    if (url.pathname === '/health') return new Response('ok');
    if (request.method !== 'POST' || url.pathname !== '/stages') {
      return new Response('not found', { status: 404 });
    }

    // The consumer's chunk size, UPLOAD_CHUNK_ROWS, as the benchmark serves the service.
    const chunkRows = Number(url.searchParams.get('chunk_rows') ?? 1000);
    // Receiving the body and storing it with one put: the least an upload could spend on it.
    const storing = performance.now();
    await env.UPLOADS.put(KEY, request.body);
    const storeMs = performance.now() - storing;
    // Each stage runs this many times, in turns; the median of its times is reported.
    const repeats = Number(url.searchParams.get('repeats') ?? 3);
    const times = new Map<Stage, number[]>(STAGES.map((stage) => [stage, []]));
    let rows = 0;
    for (let repeat = 0; repeat < repeats; repeat++) {
      for (const stage of STAGES) {
        const started = performance.now();
        rows = await runStage(env, stage, chunkRows);
        times.get(stage)!.push(performance.now() - started);
      }
    }
    const medians = STAGES.map((stage) => [`${stage}_ms`, median(times.get(stage)!)]);
    return Response.json({ rows, store_ms: storeMs, ...Object.fromEntries(medians) });
  },
} satisfies ExportedHandler<Env>;

async function runStage(env: Env, stage: Stage, chunkRows: number): Promise<number> {
  const size = (await env.UPLOADS.head(KEY))?.size ?? 0;
  const header = await readFirstRecord((await env.UPLOADS.get(KEY))!.body);
  const columns = header ? mapColumns(header.cells) : null;
  if (!header || !columns?.ok) throw new Error('the file has no usable header');

  // The consumer's own path: ranged reads from after the header, parsed in batches.
  const ranges = await openStoredRanges(env.UPLOADS, KEY, header.nextOffset, size);
  if (!ranges) throw new Error('the file is gone');
  if (stage === 'read') {
    for await (const _range of ranges);
    return 0;
  }
  const start = { offset: header.nextOffset, line: header.nextLine };
  const records = new RecordReader(parseCsvBatches(ranges, start));
  if (stage === 'parse') {
    let rows = 0;
    while (records.hasRecord() || (await records.refill()).kind === 'more') {
      records.take();
      rows++;
    }
    return rows;
  }

  const rowReader = new RowReader(columns.columns, header.cells.length);
  // Like the consumer, each chunk starts from the employees stored so far and no tasks.
  const employees: Employee[] = [];
  const now = new Date().toISOString();
  let rows = 0;
  let chunk = new Chunk(rowReader, { ...start, row: 2 });
  for (;;) {
    const following = await fillChunk(records, chunk, chunkRows);
    rows += chunk.size;
    if (stage === 'rules') {
      const workspace = new Workspace({ employees, tasks: [] });
      for (const task of chunk.tasks) applyTask(workspace, task, now);
      employees.push(...workspace.newEmployees);
    }
    if (following.kind !== 'more') return rows;
    chunk = new Chunk(rowReader, chunk.position);
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}
