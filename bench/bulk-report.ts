import type { CpuProfile } from './cpu-profile.ts';
import type { ServerCpu } from './dev-server.ts';
import type { InstrumentedUpload, StageTimings } from './diagnose.ts';
import type { CsvFile } from './generate-csv.ts';
import type { NativeTiming } from './native.ts';
import type { RawPass } from './raw-d1-client.ts';
import { formatRatio, profileTable, ratio, seconds, type Section, type Table } from './report.ts';
import type { StepSummary } from './step-log.ts';
import type { TimedUpload } from './upload-client.ts';

type ServiceUpload = TimedUpload & { steps: StepSummary; cpu: ServerCpu };

/** One round: the service uploads the file twice, then the raw ceiling writes its rows. */
export interface BulkRound {
  service: { first: ServiceUpload; again: ServiceUpload };
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

/**
 * The fastest this service could upload the file here, however lean the rest of its code:
 * receiving and storing the file (as measured), reading it back, parsing, validating every
 * row against the task schema and applying the rules (its in-memory stages, measured alone), and
 * writing the rows with D1 exactly as fast as the raw ceiling. Locally they cannot overlap:
 * one thread runs the Worker and the D1 simulator.
 */
function floorMs(results: BulkResults): { receiveMs: number; totalMs: number } {
  const { service, stages, raw } = results;
  const receiveMs = Date.parse(service.first.final.created_at) - service.first.sentAt;
  return { receiveMs, totalMs: receiveMs + stages.rules_ms + raw.insert.d1Ms };
}

/**
 * The fastest any service could upload the file here, with nothing of this one's but the
 * format: receiving it and storing it with one put, reading it back and parsing it (the
 * parse-only Worker's stages), and D1 as fast as the raw ceiling; no validation, no rules.
 */
function boundMs(results: BulkResults): number {
  const { stages, raw } = results;
  return stages.store_ms + stages.parse_ms + raw.insert.d1Ms;
}

/** The upload's rate as a share of the ceiling's, both from the same round. */
export function uploadRatio(round: BulkRound): number {
  return round.raw.insert.d1Ms / round.service.first.totalMs;
}

export function bulkSection(results: BulkResults): Section {
  const { file, service, raw, native } = results;
  const rate = (ms: number) => file.rows / (ms / 1000);
  const upload = rate(service.first.totalMs);
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
      row('upload, end to end', first.totalMs, ceiling, first.cpu, phases(first)),
      row(
        're-upload, all rows unchanged',
        again.totalMs,
        conflictCeiling,
        again.cpu,
        phases(again),
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
      `The run makes ${results.rounds.length} round(s) of both, each on fresh servers, and`,
      'reports the round whose upload ratio is the median.',
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
          `upload end to end at least 0.6x the raw D1 ceiling: ${uploadRatio.toFixed(2)}x ` +
          `(this service's floor here: ${ratio(floor, ceiling).toFixed(2)}x; any service's: ` +
          `${ratio(bound, ceiling).toFixed(2)}x; see below)`,
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
function phases(upload: ServiceUpload): string {
  const { final } = upload;
  const created = Date.parse(final.created_at);
  const started = Date.parse(final.started_at ?? final.created_at);
  const completed = Date.parse(final.completed_at ?? final.created_at);
  return [
    `received ${seconds(created - upload.sentAt)} s`,
    `queued ${seconds(started - created)} s`,
    `processed ${seconds(completed - started)} s in ${upload.steps.steps} step(s)`,
    `seen ${seconds(upload.sentAt + upload.totalMs - completed)} s later`,
    `(the 202 arrived after ${seconds(upload.acceptedMs)} s)`,
  ].join(', ');
}

function roundsTable(results: BulkResults): Table {
  const { rounds, file } = results;
  const rate = (ms: number) => Math.round(file.rows / (ms / 1000));
  return {
    caption:
      `Every round of this run, each on fresh servers: the service's upload and re-upload, then ` +
      `the raw ceiling's insert and conflict passes. The table above shows the round with the ` +
      `median upload ratio.`,
    header: [
      'round',
      'upload rows/s',
      'ceiling rows/s',
      'upload vs ceiling',
      're-upload rows/s',
      'conflict ceiling rows/s',
      're-upload vs ceiling',
    ],
    rows: rounds.map(({ service, raw }, index) => [
      index + 1,
      rate(service.first.totalMs),
      rate(raw.insert.d1Ms),
      `${uploadRatio({ service, raw }).toFixed(2)}x`,
      rate(service.again.totalMs),
      rate(raw.conflict.d1Ms),
      `${(raw.conflict.d1Ms / service.again.totalMs).toFixed(2)}x`,
    ]),
  };
}

function roundTripTable(results: BulkResults, ceiling: number): Table {
  const rows = results.instrumented.flatMap(({ first, again }) =>
    [first, again].map((run, index) => {
      // The consumer commits every full chunk, then once more at the end of the file: the
      // last rows, or nothing but the final counters when the rows filled the last chunk.
      const commits = Math.max(1, Math.ceil(results.file.rows / run.chunkRows));
      return [
        index === 0 ? 'upload, under the CPU profiler' : 're-upload',
        run.chunkRows,
        seconds(run.upload.totalMs),
        Math.round(results.file.rows / (run.upload.totalMs / 1000)),
        index === 0 ? formatRatio(results.file.rows / (run.upload.totalMs / 1000), ceiling) : '',
        seconds(run.d1.handlerMs),
        commits,
        `${run.d1.batches} batches + ${run.d1.singles} single`,
        (run.d1.batches / commits).toFixed(2),
        run.d1.batchedStatements + run.d1.singles,
        seconds(run.d1.d1Ms),
        seconds(run.d1.handlerMs - run.d1.d1Ms),
      ];
    }),
  );
  return {
    caption:
      'Where the upload time goes: the real Worker wrapped by `bench/reference/instrumented.ts`, ' +
      "which counts the consumer's D1 round trips and the time it awaits them.",
    header: [
      'run',
      'UPLOAD_CHUNK_ROWS',
      'end to end s',
      'rows/s',
      'vs raw D1 ceiling',
      'consumer s',
      'chunk commits',
      'D1 round trips',
      'batches per commit',
      'statements',
      'awaiting D1 s',
      'consumer outside D1 s',
    ],
    rows,
  };
}

function stageTable(stages: StageTimings): Table {
  const cumulative: [string, number][] = [
    [
      'read the file from local R2 (after one put of it took ' + seconds(stages.store_ms) + ' s)',
      stages.read_ms,
    ],
    ['+ parse the CSV (src/uploads/csv)', stages.parse_ms],
    [
      '+ read the rows into chunks (src/pipeline/chunk.ts: the task schema rules)',
      stages.validate_ms,
    ],
    ['+ apply the ingest rules (an in-memory workspace per chunk)', stages.rules_ms],
  ];
  return {
    caption:
      'The in-memory stages alone on the same file at the configured UPLOAD_CHUNK_ROWS, inside ' +
      'workerd, no D1, median of 3 runs ' +
      '(`bench/reference/parse-only.ts`); each stage includes the ones above it.',
    header: ['stage', 'seconds', 'this stage alone s', 'µs per row', 'rows/s (cumulative)'],
    rows: cumulative.map(([name, ms], index) => {
      const alone = ms - (index === 0 ? 0 : cumulative[index - 1]![1]);
      return [
        name,
        seconds(ms),
        seconds(alone),
        ((alone * 1000) / stages.rows).toFixed(1),
        Math.round(stages.rows / (ms / 1000)),
      ];
    }),
  };
}

function diagnosisNotes(results: BulkResults): string[] {
  const run = results.instrumented[0]?.first;
  if (!run) return [];
  const { file, stages, raw, service } = results;
  const outside = run.d1.handlerMs - run.d1.d1Ms;
  const roundTrips = run.d1.batches + run.d1.singles;
  const { receiveMs, totalMs: floorTotalMs } = floorMs(results);
  const ceilingRate = file.rows / (raw.insert.d1Ms / 1000);
  const floorRate = file.rows / (floorTotalMs / 1000);
  const anyServiceMs = boundMs(results);
  const anyServiceRate = file.rows / (anyServiceMs / 1000);

  const commits = Math.max(1, Math.ceil(file.rows / run.chunkRows));
  return [
    `At UPLOAD_CHUNK_ROWS=${run.chunkRows} the consumer made ${roundTrips} D1 round trips ` +
      `(${run.d1.batches} batches over ${commits} chunk commits, and ${run.d1.singles} single ` +
      `statements around its steps) and awaited D1 for ${seconds(run.d1.d1Ms)} s; the raw ` +
      `ceiling wrote the same rows in ${raw.insert.batches} round trips and ` +
      `${seconds(raw.insert.d1Ms)} s.`,
    `Outside D1 the consumer spent ${seconds(outside)} s; the in-memory stages alone take ` +
      `${seconds(stages.rules_ms)} s (parsing ${seconds(stages.parse_ms - stages.read_ms)} s, ` +
      `reading and validating rows ${seconds(stages.validate_ms - stages.parse_ms)} s, the rules ` +
      `${seconds(stages.rules_ms - stages.validate_ms)} s).`,
    `Locally one thread runs the Worker and the D1 simulator alike: the runtime's main thread ` +
      `was busy ${seconds(service.first.cpu.runtimeMainThread)} s of the upload's ` +
      `${seconds(service.first.totalMs)} s, so JavaScript and D1 work add up instead of ` +
      'overlapping. So this service cannot upload the file faster here than receiving and ' +
      `storing it (${seconds(receiveMs)} s), the in-memory work every row needs, as this ` +
      `service does it (reading the file back, parsing, validating against the task schema, the ` +
      `rules: ${seconds(stages.rules_ms)} s) and the raw ceiling's D1 time ` +
      `(${seconds(raw.insert.d1Ms)} s) added up: ${seconds(floorTotalMs)} s, ` +
      `${Math.round(floorRate)} rows/s, ${(floorRate / ceilingRate).toFixed(2)}x the ceiling. ` +
      'That floor leaves out the D1 statements an upload needs beyond the rows (its lease ' +
      'guard, agents, progress and row errors, committed with each chunk) and the ' +
      'serialization of the rows for D1, which the raw ceiling receives ready-made. Where D1 ' +
      'is remote, parsing the next chunk could overlap the commit of the last; locally it ' +
      'cannot.',
    `No service that stores the file in R2 and parses it could do better here than receiving ` +
      `it as a plain body and storing it with one put (${seconds(stages.store_ms)} s), ` +
      `reading it back and parsing it (${seconds(stages.parse_ms)} s) and the raw ceiling's ` +
      `D1 time: ${seconds(anyServiceMs)} s, ${Math.round(anyServiceRate)} rows/s, ` +
      `${(anyServiceRate / ceilingRate).toFixed(2)}x the ceiling. The difference between that ` +
      "bound and this service's floor is the work this service does for every row: validating " +
      'it against the task schema and applying the rules.',
    'While a consumer step runs, the local runtime answers no HTTP request (its event loop ' +
      'stays busy with in-process D1 calls), so the 202 and the polls arrive when a step ends; ' +
      'the end-to-end time is measured to the first poll that sees `completed`.',
  ];
}
