import { createExecutionContext, createMessageBatch, getQueueResult } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';

import { consumeDeadLetters, consumeUploadMessages } from '../../src/pipeline/consumer';
import type { UploadMessage } from '../../src/pipeline/messages';
import { processUploadStep } from '../../src/pipeline/process-step';
import { sweepUploads } from '../../src/pipeline/sweeper';
import { requestAs } from '../support/http';
import { createOrganization } from '../support/organizations';
import { acceptUpload, envWith, recordingQueue, runToEnd, validCsv } from '../support/pipeline';
import { getUpload, uploadAndWait } from '../support/uploads';

/** The message as the dead-letter queue delivers it, once its retries are exhausted. */
function deadLetter(message: UploadMessage) {
  return createMessageBatch('tasks-ingest-uploads-dlq', [
    { id: 'dead-1', timestamp: new Date(), attempts: 1, body: message },
  ]);
}

describe('uploads that cannot finish', () => {
  it('end failed when their stored file has disappeared', async () => {
    const organization = await createOrganization();
    const { upload, message } = await acceptUpload(organization, validCsv(5));
    await env.UPLOADS.delete(upload.objectKey);

    const outcome = await processUploadStep(env, message);

    expect(outcome.kind).toBe('failed');
    expect(await getUpload(organization, upload.id)).toMatchObject({
      status: 'failed',
      error: expect.stringContaining('no longer in storage'),
    });
  });

  it('end failed, with the last error, when the dead-letter queue receives their message', async () => {
    const organization = await createOrganization();
    const { upload, message } = await acceptUpload(organization, validCsv(5));
    await env.DB.prepare(`UPDATE uploads SET last_error = 'D1 overloaded' WHERE id = ?1`)
      .bind(upload.id)
      .run();
    await consumeDeadLetters(deadLetter(message), env);

    const failed = await getUpload(organization, upload.id);
    expect(failed.status).toBe('failed');
    expect(failed.error).toContain('D1 overloaded');
    expect(failed.completed_at).not.toBeNull();
  });

  it('are left alone by a dead letter of a step they have moved past', async () => {
    const organization = await createOrganization();
    const { upload, message } = await acceptUpload(organization, validCsv(120));
    const { sent, queue } = recordingQueue();
    const stepEnv = envWith({ UPLOAD_QUEUE: queue, UPLOAD_STEP_SECONDS: '0' });
    await processUploadStep(stepEnv, message);

    await consumeDeadLetters(deadLetter(message), env);
    const afterwards = await getUpload(organization, upload.id);
    await runToEnd(stepEnv, sent, sent[0]!);

    expect(afterwards).toMatchObject({ status: 'processing', processed_rows: 50 });
    expect(await getUpload(organization, upload.id)).toMatchObject({
      status: 'completed',
      processed_rows: 120,
    });
  });

  it('are left alone by a dead letter while a consumer holds them', async () => {
    const organization = await createOrganization();
    const { upload, message } = await acceptUpload(organization, validCsv(5));
    const inAMinute = new Date(Date.now() + 60_000).toISOString();
    await env.DB.prepare(`UPDATE uploads SET lease_id = 'working', lease_until = ?2 WHERE id = ?1`)
      .bind(upload.id, inAMinute)
      .run();

    await consumeDeadLetters(deadLetter(message), env);

    expect((await getUpload(organization, upload.id)).status).toBe('pending');
    expect(await env.UPLOADS.head(upload.objectKey)).not.toBeNull();
  });

  it('are woken by the sweeper when their message was lost', async () => {
    const organization = await createOrganization();
    const { upload } = await acceptUpload(organization, validCsv(5));
    const { sent, queue } = recordingQueue();

    await sweepUploads(envWith({ UPLOAD_QUEUE: queue }), Date.now() + 10 * 60_000);

    expect(sent).toContainEqual({ upload_id: upload.id, step: 0 });
  });
});

describe('retention', () => {
  it('deletes finished uploads and their error reports after the retention period', async () => {
    const organization = await createOrganization();
    const upload = await uploadAndWait(
      organization,
      'external_id,agent_external_id,completed_at\nT-1,E-1,never\n',
    );
    const { queue } = recordingQueue();

    await sweepUploads(envWith({ UPLOAD_QUEUE: queue }), Date.now() + 29 * 24 * 3600_000);
    const kept = await requestAs(organization, `/tasks/upload/${upload.id}`);
    await sweepUploads(envWith({ UPLOAD_QUEUE: queue }), Date.now() + 31 * 24 * 3600_000);
    const expired = await requestAs(organization, `/tasks/upload/${upload.id}/errors`);

    expect(kept.status).toBe(200);
    expect(expired.status).toBe(404);
    const errors = await env.DB.prepare(
      `SELECT COUNT(*) AS count FROM upload_errors WHERE upload_id = ?1`,
    )
      .bind(upload.id)
      .first<{ count: number }>();
    expect(errors?.count).toBe(0);
  });

  it('deletes the stored file as soon as the upload has finished', async () => {
    const organization = await createOrganization();
    const upload = await uploadAndWait(organization, validCsv(3));

    const stored = await env.DB.prepare(`SELECT object_key FROM uploads WHERE id = ?1`)
      .bind(upload.id)
      .first<{ object_key: string }>();

    expect(await env.UPLOADS.head(stored!.object_key)).toBeNull();
  });
});

describe('the upload queue consumer', () => {
  it('acknowledges a malformed message and retries one it could not handle', async () => {
    const unreachable = {
      prepare() {
        throw new Error('D1 unreachable');
      },
    } as unknown as D1Database;
    const batch = createMessageBatch('tasks-ingest-uploads', [
      { id: 'malformed', timestamp: new Date(), attempts: 1, body: { upload: 42 } },
      {
        id: 'unlucky',
        timestamp: new Date(),
        attempts: 3,
        body: { upload_id: 'upload_x', step: 0 },
      },
    ]);
    const context = createExecutionContext();

    await consumeUploadMessages(batch, envWith({ DB: unreachable }));

    const result = await getQueueResult(batch, context);
    expect(result.explicitAcks).toEqual(['malformed']);
    expect(result.retryMessages).toEqual([expect.objectContaining({ msgId: 'unlucky' })]);
  });
});
