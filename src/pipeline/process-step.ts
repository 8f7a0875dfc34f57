import { readSettings, type Settings } from '../env';
import { ingestTasks } from '../ingest/ingest';
import type { AppliedTask } from '../ingest/rules';
import { SnapshotCache } from '../ingest/snapshot-cache';
import { mapColumns } from '../uploads/columns';
import { findUploadById } from '../uploads/repository';
import { RowReader } from '../uploads/rows';
import type { Upload } from '../uploads/upload';
import { Chunk } from './chunk';
import { QueryBudget } from '../lib/query-budget';
import { wakeUpload, type UploadMessage } from './messages';
import { fillChunk, openRecords } from './records';
import {
  claimUpload,
  countFailedAttempt,
  failUpload,
  recordChunk,
  releaseUpload,
} from './repository';

export type StepOutcome =
  | { kind: 'skipped'; reason: 'missing' | 'finished' | 'stale' | 'held' | 'lease_lost' }
  | { kind: 'continued' | 'completed'; rows: number }
  | { kind: 'retrying'; error: string; delaySeconds: number }
  | { kind: 'failed'; reason: string };

/**
 * Rows one step commits at most, so that a file's steps stay alike in time and memory. A step
 * also hands over when D1's queries per invocation would not fit another chunk (QueryBudget):
 * with small chunks that comes first, as every chunk costs a few statements whatever its size.
 */
const MAX_ROWS_PER_STEP = 100_000;

/**
 * Employee identifiers (external ids and emails) a step remembers: the agents of files with
 * up to 10,000 of them. A chunk naming an agent the step forgot reads before it writes.
 */
const STEP_CACHE_ENTRIES = 20_000;

/** Steps in a row that may fail (a D1 outage, say) before the upload is given up as failed. */
export const MAX_FAILED_ATTEMPTS = 5;

interface Lease {
  uploadId: string;
  step: number;
  leaseId: string;
  leaseUntil: string;
}

/**
 * One step of an upload: claim it, read the file from the stored offset, commit chunks of
 * rows (each with its progress, in one transaction) until the file ends or the step's time
 * is up, then finish or hand over to a continuation message.
 */
export async function processUploadStep(env: Env, message: UploadMessage): Promise<StepOutcome> {
  const settings = readSettings(env);
  const upload = await findUploadById(env.DB, message.upload_id);
  if (!upload) return { kind: 'skipped', reason: 'missing' };
  if (upload.status === 'completed' || upload.status === 'failed') {
    return { kind: 'skipped', reason: 'finished' };
  }
  // A duplicate, or a message overtaken by another consumer's progress.
  if (upload.step !== message.step) return { kind: 'skipped', reason: 'stale' };

  const lease = newLease(upload, settings);
  const claimed = await claimUpload(env.DB, { ...lease, now: new Date().toISOString() });
  if (!claimed) return { kind: 'skipped', reason: 'held' };
  if (claimed.attempts >= MAX_FAILED_ATTEMPTS) {
    const reason = `Processing failed ${claimed.attempts} times in a row; last error: ${claimed.lastError}`;
    return fail(env, claimed, reason);
  }

  try {
    return await readAndCommit(env, claimed, lease, settings);
  } catch (error) {
    if (isLeaseLost(error)) return afterLeaseLost(env, claimed, lease);
    return retryLater(env, claimed, lease, describe(error));
  }
}

/**
 * A commit found the upload no longer at this lease's step. Either another consumer took it
 * over, or this commit had landed already and only D1's answer was lost, so that its retry
 * found the step moved on. In that case the upload is still this consumer's: it goes on from
 * what landed at once, instead of waiting for the lease to expire and the sweeper.
 */
async function afterLeaseLost(env: Env, claimed: Upload, lease: Lease): Promise<StepOutcome> {
  const upload = await findUploadById(env.DB, claimed.id);
  if (upload?.status === 'completed' || upload?.status === 'failed') {
    await discardFile(env, upload);
    return { kind: 'skipped', reason: 'finished' };
  }
  if (!upload || upload.leaseId !== lease.leaseId) return { kind: 'skipped', reason: 'lease_lost' };

  const rows = upload.processedRows - claimed.processedRows;
  return continueLater(env, { ...lease, step: upload.step }, rows);
}

/**
 * After an unexpected failure: hand the upload back and wake it again after a backoff, from
 * wherever its committed progress stands; give up after too many failures in a row.
 */
async function retryLater(env: Env, upload: Upload, lease: Lease, error: string) {
  const attempts = await countFailedAttempt(env.DB, lease, error, new Date().toISOString());
  if (attempts === null) return { kind: 'skipped' as const, reason: 'lease_lost' as const };
  if (attempts >= MAX_FAILED_ATTEMPTS) {
    return fail(env, upload, `Processing failed ${attempts} times in a row; last error: ${error}`);
  }

  const delaySeconds = Math.min(300, 5 * 2 ** attempts);
  await releaseUpload(env.DB, lease, new Date().toISOString());
  await wakeUpload(env.UPLOAD_QUEUE, { upload_id: upload.id, step: lease.step }, delaySeconds);
  return { kind: 'retrying' as const, error, delaySeconds };
}

async function readAndCommit(
  env: Env,
  upload: Upload,
  lease: Lease,
  settings: Settings,
): Promise<StepOutcome> {
  const columns = mapColumns(upload.header);
  if (!columns.ok) return fail(env, upload, 'The header row cannot be used.');

  const records = await openRecords(env, upload);
  if (!records) return fail(env, upload, 'The uploaded file is no longer in storage.');

  const deadline = Date.now() + settings.UPLOAD_STEP_SECONDS * 1000;
  const budget = new QueryBudget(env.DB);
  const start = { offset: upload.nextOffset, line: upload.nextLine, row: upload.nextRow };
  // One reader for the step, so that it remembers the agents of every chunk.
  const rowReader = new RowReader(columns.columns, upload.header.length);
  let chunk = new Chunk(rowReader, start);
  let processed = upload.processedRows;
  let rows = 0;
  // The employees this step has read and written, so that a chunk can skip its read round
  // trip: trusted after a chunk whose tasks were all new, which predicts a file of new tasks
  // by agents already seen. The first chunk of a step reads, which also fills the cache.
  const cache = new SnapshotCache(STEP_CACHE_ENTRIES, false);
  let trustCache = false;

  try {
    for (;;) {
      // One record is read ahead, so that a chunk which ends the file commits as the last one:
      // a file of exactly a step's rows then completes in that step.
      const following = await fillChunk(records, chunk, settings.UPLOAD_CHUNK_ROWS);
      processed += chunk.size;
      rows += chunk.size;
      lease.leaseUntil = leaseExpiry(settings);
      const totalRows = following.kind === 'end' ? processed : null;
      const applied = await commit(budget.db, upload, lease, chunk, {
        totalRows,
        cache,
        trustCache,
      });
      budget.endUnit();
      trustCache = applied.every((task) => task.outcome === 'created');
      lease.step++;

      if (following.kind === 'invalid') return fail(env, upload, following.reason);
      if (following.kind === 'end') {
        await discardFile(env, upload);
        return { kind: 'completed', rows };
      }
      if (Date.now() > deadline || rows >= MAX_ROWS_PER_STEP || !budget.fitsAnother()) {
        return continueLater(env, lease, rows);
      }
      chunk = new Chunk(rowReader, chunk.position);
    }
  } finally {
    await records.close();
  }
}

/** The chunk's tasks, row errors and progress in one transaction (see ingestTasks). */
async function commit(
  db: D1Database,
  upload: Upload,
  lease: Lease,
  chunk: Chunk,
  options: { totalRows: number | null; cache: SnapshotCache; trustCache: boolean },
): Promise<AppliedTask[]> {
  const { totalRows, cache, trustCache } = options;
  const companions = (applied: AppliedTask[]) => {
    const count = (outcome: string) => applied.filter((task) => task.outcome === outcome).length;
    const progress = {
      created: count('created'),
      updated: count('updated'),
      unchanged: count('unchanged'),
      failed: chunk.errors.length,
      nextOffset: chunk.position.offset,
      nextLine: chunk.position.line,
      nextRow: chunk.position.row,
      totalRows,
    };
    return recordChunk(db, lease, progress, chunk.errors, new Date().toISOString());
  };
  return ingestTasks(db, upload.organizationId, chunk.tasks, { companions, cache, trustCache });
}

async function continueLater(env: Env, lease: Lease, rows: number): Promise<StepOutcome> {
  await releaseUpload(env.DB, lease, new Date().toISOString());
  await wakeUpload(env.UPLOAD_QUEUE, { upload_id: lease.uploadId, step: lease.step });
  return { kind: 'continued', rows };
}

async function fail(env: Env, upload: Upload, reason: string): Promise<StepOutcome> {
  await failUpload(env.DB, upload.id, reason, new Date().toISOString());
  await discardFile(env, upload);
  return { kind: 'failed', reason };
}

/**
 * A finished upload's file is not needed any more: its rows are stored and its refused rows
 * keep their cells for the error report. An R2 lifecycle rule removes any file this misses.
 */
export async function discardFile(env: Env, upload: Upload): Promise<void> {
  await env.UPLOADS.delete(upload.objectKey);
}

function newLease(upload: Upload, settings: Settings): Lease {
  return {
    uploadId: upload.id,
    step: upload.step,
    leaseId: crypto.randomUUID(),
    leaseUntil: leaseExpiry(settings),
  };
}

function leaseExpiry(settings: Settings): string {
  return new Date(Date.now() + settings.UPLOAD_LEASE_SECONDS * 1000).toISOString();
}

function isLeaseLost(error: unknown): boolean {
  return error instanceof Error && /CHECK constraint failed: lease_lost/.test(error.message);
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
