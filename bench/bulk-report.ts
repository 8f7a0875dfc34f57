import type { CpuProfile } from './cpu-profile.ts';
import type { ServerCpu } from './dev-server.ts';
import type { InstrumentedUpload, StageTimings } from './diagnose.ts';
import type { CsvFile } from './generate-csv.ts';
import type { NativeTiming } from './native.ts';
import type { RawPass } from './raw-d1-client.ts';
import {
  boundMs,
  diagnosisNotes,
  floorMs,
  roundTripTable,
  stageTable,
} from './bulk-diagnosis-report.ts';
import { formatRatio, profileTable, ratio, seconds, type Section, type Table } from './report.ts';
import type { StepSummary } from './step-log.ts';
import type { TimedUpload } from './upload-client.ts';

type ServiceUpload = TimedUpload & { steps: StepSummary; cpu: ServerCpu };

/**
 * One round: the service uploads the file twice, the rules-free reference once, then the raw
 * ceiling writes its rows.
 */
export interface BulkRound {
  service: { first: ServiceUpload; again: ServiceUpload };
  /** The same upload with the per-row work taken out (bench/reference/rules-free.ts). */
  rulesFree: TimedUpload & { cpu: ServerCpu };
  raw: {
    insert: RawPass & { cpu: ServerCpu };
    conflict: RawPass & { cpu: ServerCpu };
  };
}

export interface BulkResults extends BulkRound {
  file: CsvFile;
  /** Every round, in the order run; `service` and `raw` are the median one's. */
  rounds: BulkRound[];
  native: {
    sqlite3: NativeTiming | null;
    nodeSqlite: { insert: NativeTiming; conflict: NativeTiming };
  };
  instrumented: { first: InstrumentedUpload; again: InstrumentedUpload; profile: CpuProfile }[];
  stages: StageTimings;
}

/** The upload's rate as a share of the ceiling's, both from the same round. */
export function uploadRatio(round: BulkRound): number {
  return round.raw.insert.d1Ms / round.service.first.totalMs;
}

/** The rules-free upload's rate as a share of the ceiling's, both from the same round. */
export function rulesFreeRatio(round: BulkRound): number {
  return round.raw.insert.d1Ms / round.rulesFree.totalMs;
}

export function bulkSection(results: BulkResults): Section {
  const { file, service, rulesFree, raw, native } = results;
  const rate = (ms: number) => file.rows / (ms / 1000);
  const upload = rate(service.first.totalMs);
  const withoutRowWork = rate(rulesFree.totalMs);
  const floor = rate(floorMs(results).totalMs);
  const bound = rate(boundMs(results));
  const reupload = rate(service.again.totalMs);
  const ceiling = rate(raw.insert.d1Ms);
  const uploadRatio = ratio(upload, ceiling);
  const conflictCeiling = rate(raw.conflict.d1Ms);
  // Where sqlite3 is missing, node:sqlite takes its place as the native reference.
  const nativeRate = rate(native.sqlite3?.ms ?? native.nodeSqlite.insert.ms);
  const nativeName = native.sqlite3 ? 'sqlite3 .import' : 'node:sqlite (sqlite3 not available)';

  const row = (
    name: string,
    ms: number,
    reference: number | null,
    cpu: ServerCpu | null,
    notes = '',
  ) => [
    name,
    seconds(ms),
    Math.round(rate(ms)),
    reference === null ? '' : formatRatio(rate(ms), reference),
    formatRatio(rate(ms), nativeRate),
    cpu ? seconds(cpu.runtimeMainThread) : '',
    notes,
  ];
  const { first, again } = service;
  const main: Table = {
    caption: '',
    header: [
      'measurement',
      'seconds',
      'rows/s',
      'vs raw D1 ceiling',
      `vs ${nativeName}`,
      'runtime main thread CPU s',
      'notes',
    ],
    rows: [
      row('upload, end to end', first.totalMs, ceiling, first.cpu, phases(first, first.steps)),
      row(
        're-upload, all rows unchanged',
        again.totalMs,
        conflictCeiling,
        again.cpu,
        phases(again, again.steps),
      ),
      row(
        'the same upload without per-row work (rules-free reference)',
        rulesFree.totalMs,
        ceiling,
        rulesFree.cpu,
        phases(rulesFree, null),
      ),
      row(
        'raw D1 ceiling: insert, time in D1',
        raw.insert.d1Ms,
        ceiling,
        null,
        `${raw.insert.batches} batches`,
      ),
      row('raw D1 ceiling: insert, wall time', raw.insert.wallMs, ceiling, raw.insert.cpu),
      row(
        'raw D1 ceiling: all rows in conflict, time in D1',
        raw.conflict.d1Ms,
        conflictCeiling,
        null,
      ),
      row(
        'raw D1 ceiling: all rows in conflict, wall time',
        raw.conflict.wallMs,
        conflictCeiling,
        raw.conflict.cpu,
      ),
      ...(native.sqlite3
        ? [row('sqlite3 .import, table without constraints', native.sqlite3.ms, null, null)]
        : []),
      row(
        'node:sqlite, same upserts, insert',
        native.nodeSqlite.insert.ms,
        null,
        null,
        'WAL, real migrations',
      ),
      row(
        'node:sqlite, same upserts, all rows in conflict',
        native.nodeSqlite.conflict.ms,
        null,
        null,
      ),
    ],
  };

  return {
    title: 'Bulk ingestion',
    method: [
      `A ${file.rows}-row CSV (${(file.bytes / 1e6).toFixed(1)} MB; 500 agents named by external`,
      'id, email or both; quoted cells with commas and doubled quotes; 3 custom columns) sent as',
      'multipart/form-data to `POST /tasks/upload` of `wrangler dev` (the real wrangler.toml,',
      'fresh state), timed from the request to the first poll (at once after the 202, then every 50 ms) that sees',
      '`completed`; then the same file again. The raw D1 ceiling writes the same rows, pre-built',
      'as JSON arrays of column values, into the same tables (the real migrations) from a',
      'reference Worker under `wrangler dev` (`bench/reference/raw-d1.ts`): `INSERT ... SELECT',
      '... FROM jsonb_each(?) WHERE true ON CONFLICT ... DO UPDATE`, 1,000 rows per statement, 10',
      'statements per batch; its rate counts the time the Worker awaited D1.',
      'The rules-free reference (`bench/reference/rules-free.ts`) is the service with its',
      'per-row work taken out: the file is received, stored and recorded by the real Worker,',
      "and its queue consumer reads and parses the stored file with the service's code, then",
      'writes every row as it stands (no validation, no agent matching beyond one employee per',
      "agent cell, no deduplication, no revision guard) with the service's statements, a chunk",
      'of UPLOAD_CHUNK_ROWS rows and its progress per batch.',
      `The run makes ${results.rounds.length} round(s) of all three, each on fresh servers,`,
      'and reports the round whose upload ratio is the median.',
    ].join(' '),
    tables: [
      main,
      roundsTable(results),
      roundTripTable(results, ceiling),
      stageTable(results.stages),
      ...results.instrumented
        .slice(0, 1)
        .map(({ first, profile }) =>
          profileTable(
            `The hottest functions of the Worker's isolate during the instrumented upload at ` +
              `UPLOAD_CHUNK_ROWS=${first.chunkRows} (V8 CPU profile through DevTools, self time; ` +
              `the inspector slows the isolate and can charge an async function's resumption to ` +
              `the line after its await, so read the shares as a hint: bench/README.md profiles ` +
              `with perf instead).`,
            profile,
          ),
        ),
    ],
    notes: diagnosisNotes(results),
    targets: [
      {
        text:
          `upload end to end at least 0.6x the raw D1 ceiling: ${uploadRatio.toFixed(2)}x; ` +
          `the same upload without any per-row work: ` +
          `${ratio(withoutRowWork, ceiling).toFixed(2)}x (see below)`,
        met: uploadRatio >= 0.6,
      },
    ],
    lines: [
      {
        name: 'bulk-upload',
        value: upload,
        unit: 'rows/s',
        ratio: ratio(upload, ceiling),
        reference: 'raw D1 ceiling',
      },
      {
        name: 'bulk-upload-rules-free',
        value: withoutRowWork,
        unit: 'rows/s',
        ratio: ratio(withoutRowWork, ceiling),
        reference: 'raw D1 ceiling; the same upload with every row written as it stands',
      },
      {
        name: 'bulk-upload-floor',
        value: floor,
        unit: 'rows/s',
        ratio: ratio(floor, ceiling),
        reference: 'raw D1 ceiling; receiving, in-memory stages and raw D1 time alone',
      },
      {
        name: 'bulk-upload-bound',
        value: bound,
        unit: 'rows/s',
        ratio: ratio(bound, ceiling),
        reference: 'raw D1 ceiling; storing, reading and parsing the file and raw D1 time alone',
      },
      {
        name: 'bulk-upload-native',
        value: upload,
        unit: 'rows/s',
        ratio: ratio(upload, nativeRate),
        reference: nativeName,
      },
      {
        name: 'bulk-reupload',
        value: reupload,
        unit: 'rows/s',
        ratio: ratio(reupload, conflictCeiling),
        reference: 'raw D1 ceiling, all rows in conflict',
      },
      {
        name: 'bulk-reupload-native',
        value: reupload,
        unit: 'rows/s',
        ratio: ratio(reupload, nativeRate),
        reference: nativeName,
      },
    ],
  };
}

/**
 * Where the end-to-end time went, by the server's own timestamps (same clock): receiving and
 * storing the file, waiting in the queue, processing, and the poll that saw the end.
 */
function phases(upload: TimedUpload, steps: StepSummary | null): string {
  const { final } = upload;
  const created = Date.parse(final.created_at);
  const started = Date.parse(final.started_at ?? final.created_at);
  const completed = Date.parse(final.completed_at ?? final.created_at);
  return [
    `received ${seconds(created - upload.sentAt)} s`,
    `queued ${seconds(started - created)} s`,
    `processed ${seconds(completed - started)} s` + (steps ? ` in ${steps.steps} step(s)` : ''),
    `seen ${seconds(upload.sentAt + upload.totalMs - completed)} s later`,
    `(the 202 arrived after ${seconds(upload.acceptedMs)} s)`,
  ].join(', ');
}

function roundsTable(results: BulkResults): Table {
  const { rounds, file } = results;
  const rate = (ms: number) => Math.round(file.rows / (ms / 1000));
  return {
    caption:
      `Every round of this run, each on fresh servers: the service's upload and re-upload, the ` +
      `rules-free reference's upload, then the raw ceiling's insert and conflict passes. The ` +
      `table above shows the round with the median upload ratio.`,
    header: [
      'round',
      'upload rows/s',
      'ceiling rows/s',
      'upload vs ceiling',
      'rules-free rows/s',
      'rules-free vs ceiling',
      're-upload rows/s',
      'conflict ceiling rows/s',
      're-upload vs ceiling',
    ],
    rows: rounds.map((round, index) => [
      index + 1,
      rate(round.service.first.totalMs),
      rate(round.raw.insert.d1Ms),
      `${uploadRatio(round).toFixed(2)}x`,
      rate(round.rulesFree.totalMs),
      `${rulesFreeRatio(round).toFixed(2)}x`,
      rate(round.service.again.totalMs),
      rate(round.raw.conflict.d1Ms),
      `${(round.raw.conflict.d1Ms / round.service.again.totalMs).toFixed(2)}x`,
    ]),
  };
}
