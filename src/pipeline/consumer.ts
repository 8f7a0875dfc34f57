import { findUploadById } from '../uploads/repository';
import { failStalledUpload } from './repository';
import { uploadMessageSchema } from './messages';
import { discardFile, processUploadStep } from './process-step';

/**
 * The upload queue's consumer. A message that cannot even be handled (D1 unreachable, say)
 * is retried with backoff; past the queue's max_retries it lands in the dead-letter queue.
 */
export async function consumeUploadMessages(batch: MessageBatch, env: Env): Promise<void> {
  for (const message of batch.messages) {
    const parsed = uploadMessageSchema.safeParse(message.body);
    if (!parsed.success) {
      log({ message: 'upload message ignored', reason: 'malformed', queue_message_id: message.id });
      message.ack();
      continue;
    }

    const started = Date.now();
    try {
      const outcome = await processUploadStep(env, parsed.data);
      log({
        message: 'upload step',
        upload_id: parsed.data.upload_id,
        step: parsed.data.step,
        ...outcome,
        duration_ms: Date.now() - started,
      });
      message.ack();
    } catch (error) {
      const delaySeconds = Math.min(300, 2 ** message.attempts);
      log({
        message: 'upload step crashed',
        upload_id: parsed.data.upload_id,
        error: String(error),
        attempts: message.attempts,
        retry_in_s: delaySeconds,
      });
      message.retry({ delaySeconds });
    }
  }
}

/**
 * Messages that exhausted their retries: their uploads end failed instead of waiting forever,
 * unless the upload has moved on since (another message's consumer is working on it, or has
 * committed past the message's step): a stale message says nothing about it.
 */
export async function consumeDeadLetters(batch: MessageBatch, env: Env): Promise<void> {
  for (const message of batch.messages) {
    const parsed = uploadMessageSchema.safeParse(message.body);
    if (parsed.success) {
      const { upload_id: uploadId, step } = parsed.data;
      const upload = await findUploadById(env.DB, uploadId);
      const lastError = upload?.lastError ? `; last error: ${upload.lastError}` : '';
      const reason = `Processing was retried until the queue gave up${lastError}.`;
      const now = new Date().toISOString();
      if (upload && (await failStalledUpload(env.DB, { uploadId, step, now }, reason))) {
        await discardFile(env, upload);
        log({ message: 'upload failed by dead-letter queue', upload_id: uploadId });
      } else {
        log({ message: 'dead letter ignored', reason: 'upload moved on', upload_id: uploadId });
      }
    }
    message.ack();
  }
}

function log(line: Record<string, unknown>): void {
  console.log(JSON.stringify(line));
}
