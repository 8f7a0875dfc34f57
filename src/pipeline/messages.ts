import { z } from 'zod';

/** A queue message: "work on this upload, which should be at this step". */
export const uploadMessageSchema = z.object({
  upload_id: z.string().min(1),
  step: z.number().int().min(0),
});

export type UploadMessage = z.infer<typeof uploadMessageSchema>;

/** Sends the message that makes a consumer work on the upload, now or after a delay. */
export async function wakeUpload(
  queue: Queue,
  message: UploadMessage,
  delaySeconds = 0,
): Promise<void> {
  await queue.send(message, { contentType: 'json', delaySeconds });
}
