// The bulk report's diagnosis: where the upload's time goes, and the floor and bound that
// put the ratio in context.

import type { BulkResults } from './bulk-report.ts';
import type { StageTimings } from './diagnose.ts';
import { formatRatio, seconds, type Table } from './report.ts';

/**
 * The fastest this service could upload the file here, however lean the rest of its code:
 * receiving and storing the file (as measured), reading it back, parsing, validating every
 * row against the task schema and applying the rules (its in-memory stages, measured alone), and
 * writing the rows with D1 exactly as fast as the raw ceiling. Locally they cannot overlap:
 * one thread runs the Worker and the D1 simulator.
 */
export function floorMs(results: BulkResults): { receiveMs: number; totalMs: number } {
  const { service, stages, raw } = results;
  const receiveMs = Date.parse(service.first.final.created_at) - service.first.sentAt;
  return { receiveMs, totalMs: receiveMs + stages.rules_ms + raw.insert.d1Ms };
}

/**
 * The fastest any service could upload the file here, with nothing of this one's but the
 * format: receiving it and storing it with one put, reading it back and parsing it (the
 * parse-only Worker's stages), and D1 as fast as the raw ceiling; no validation, no rules.
 */
export function boundMs(results: BulkResults): number {
  const { stages, raw } = results;
  return stages.store_ms + stages.parse_ms + raw.insert.d1Ms;
}

export function roundTripTable(results: BulkResults, ceiling: number): Table {
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

export function stageTable(stages: StageTimings): Table {
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

export function diagnosisNotes(results: BulkResults): string[] {
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
      'it against the task schema and applying the rules. Both add up parts measured alone and ' +
      'leave out what joins them (the multipart framing, minting ids, serializing the rows, ' +
      "committing progress, the polls): the rules-free reference measures that pipeline's cost.",
    rulesFreeNote(results),
    'While a consumer step runs, the local runtime answers no HTTP request (its event loop ' +
      'stays busy with in-process D1 calls), so the 202 and the polls arrive when a step ends; ' +
      'the end-to-end time is measured to the first poll that sees `completed`.',
  ];
}

/**
 * What the rules-free reference says of the target: the time the 0.6x target allows the whole
 * upload, against what the upload took with no per-row work at all, and what that work costs.
 */
function rulesFreeNote(results: BulkResults): string {
  const { file, stages, raw, rulesFree, service } = results;
  const allowedMs = raw.insert.d1Ms / 0.6;
  const rowWorkMs = stages.rules_ms - stages.parse_ms;
  const perRowUs = (ms: number) => ((ms * 1000) / file.rows).toFixed(1);
  const margin = allowedMs - rulesFree.totalMs;
  const verdict =
    margin > 0
      ? `leaves ${seconds(margin)} s (${perRowUs(margin)} µs a row) for the contract's work on ` +
        `each row`
      : `is already ${seconds(-margin)} s shorter than the upload took with no per-row work ` +
        `at all, so no amount of work on the rules would meet it with this pipeline here`;
  return (
    `Without any per-row work, the rules-free reference uploaded the same file in ` +
    `${seconds(rulesFree.totalMs)} s (${(raw.insert.d1Ms / rulesFree.totalMs).toFixed(2)}x ` +
    `the ceiling): the pipeline alone (receiving the multipart body, storing it in R2, reading ` +
    `it back and parsing it, minting ids, serializing the rows, committing progress) cost ` +
    `${seconds(rulesFree.totalMs - raw.insert.d1Ms)} s beyond the ceiling's D1 time. The 0.6x ` +
    `target allows the whole upload ${seconds(allowedMs)} s, which ${verdict}. That work, ` +
    `validating every row against the task schema and applying the rules, takes ` +
    `${seconds(rowWorkMs)} s (${perRowUs(rowWorkMs)} µs a row) in the stages above, measured ` +
    `alone; the service's upload took ${seconds(service.first.totalMs - rulesFree.totalMs)} s ` +
    `longer than the rules-free one.`
  );
}
