import { findUploadById } from '../uploads/repository';
import { failUpload } from './repository';
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

/** Messages that exhausted their retries: their uploads end failed instead of waiting forever. */
export async function consumeDeadLetters(batch: MessageBatch, env: Env): Promise<void> {
  for (const message of batch.messages) {
    const parsed = uploadMessageSchema.safeParse(message.body);
    if (parsed.success) {
      const upload = await findUploadById(env.DB, parsed.data.upload_id);
      const lastError = upload?.lastError ? `; last error: ${upload.lastError}` : '';
      const reason = `Processing was retried until the queue gave up${lastError}.`;
      await failUpload(env.DB, parsed.data.upload_id, reason, new Date().toISOString());
      if (upload) await discardFile(env, upload);
      log({ message: 'upload failed by dead-letter queue', upload_id: parsed.data.upload_id });
    }
    message.ack();
  }
}

function log(line: Record<string, unknown>): void {
  console.log(JSON.stringify(line));
}
