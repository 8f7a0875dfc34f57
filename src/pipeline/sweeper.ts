import { readSettings } from '../env';
import { deleteFinishedUploads, listStalledUploads } from '../uploads/repository';
import { wakeUpload } from './messages';

/** An unfinished upload that has not moved for this long has lost its queue message. */
const STALLED_AFTER_MS = 5 * 60 * 1000;
const WAKE_PER_RUN = 100;

/**
 * The cron job. Wakes uploads whose message was lost (a consumer that died between its
 * last commit and its continuation, a send that failed after the upload was accepted), so
 * that none stays pending or processing forever; a duplicate wake-up is skipped as stale.
 * Deletes uploads and their error reports once the retention period has passed.
 */
export async function sweepUploads(
  env: Env,
  now = Date.now(),
): Promise<{ woken: number; deleted: number }> {
  const stalled = await listStalledUploads(
    env.DB,
    new Date(now - STALLED_AFTER_MS).toISOString(),
    WAKE_PER_RUN,
  );
  for (const upload of stalled) {
    await wakeUpload(env.UPLOAD_QUEUE, { upload_id: upload.id, step: upload.step });
  }

  const retentionMs = readSettings(env).UPLOAD_RETENTION_DAYS * 24 * 60 * 60 * 1000;
  const deleted = await deleteFinishedUploads(env.DB, new Date(now - retentionMs).toISOString());

  console.log(JSON.stringify({ message: 'upload sweep', woken: stalled.length, deleted }));
  return { woken: stalled.length, deleted };
}
