import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';

import { MAX_FAILED_ATTEMPTS, processUploadStep } from '../../src/pipeline/process-step';
import type { UploadMessage } from '../../src/pipeline/messages';
import { ABANDONED_STEP_ERROR } from '../../src/pipeline/repository';
import { sweepUploads } from '../../src/pipeline/sweeper';
import { tasksOf } from '../support/database';
import { interceptBatches } from '../support/intercepted-d1';
import { createOrganization } from '../support/organizations';
import {
  acceptUpload,
  envWith,
  failingBatches,
  lostAnswers,
  recordingQueue,
  runToEnd,
  validCsv,
} from '../support/pipeline';
import { getUpload } from '../support/uploads';

/** Every chunk (50 rows in tests) is its own step, handed over by a continuation message. */
const ONE_CHUNK_PER_STEP = { UPLOAD_STEP_SECONDS: '0' };

async function expectExactlyProcessed(
  organization: Awaited<ReturnType<typeof createOrganization>>,
  id: string,
  rows: number,
) {
  const upload = await getUpload(organization, id);
  expect(upload).toMatchObject({
    status: 'completed',
    total_rows: rows,
    processed_rows: rows,
    created_rows: rows,
    failed_rows: 0,
  });
  const tasks = await tasksOf(organization.id);
  expect(tasks).toHaveLength(rows);
  expect(new Set(tasks.map((task) => task.external_id)).size).toBe(rows);
}

describe('an upload longer than one step', () => {
  it('continues in new invocations, each from the stored offset, until completed', async () => {
    const organization = await createOrganization();
    const { upload, message } = await acceptUpload(organization, validCsv(230));
    const { sent, queue } = recordingQueue();

    const outcomes = await runToEnd(
      envWith({ ...ONE_CHUNK_PER_STEP, UPLOAD_QUEUE: queue }),
      sent,
      message,
    );

    expect(outcomes.map((outcome) => outcome.kind)).toEqual([
      'continued',
      'continued',
      'continued',
      'continued',
      'completed',
    ]);
    expect(sent.map((continuation) => continuation.step)).toEqual([1, 2, 3, 4]);
    await expectExactlyProcessed(organization, upload.id, 230);
  });

  it('hands over before its step runs more D1 queries than one invocation may, however small its chunks', async () => {
    const organization = await createOrganization();
    const { upload, message } = await acceptUpload(organization, validCsv(2_000));
    const { sent, queue } = recordingQueue();
    const statementsPerStep: number[] = [];
    const db = interceptBatches(async (statements, real) => {
      statementsPerStep[statementsPerStep.length - 1]! += statements.length;
      return real(statements);
    });
    const stepEnv = envWith({ DB: db, UPLOAD_QUEUE: queue, UPLOAD_CHUNK_ROWS: '2' });

    let next: UploadMessage | undefined = message;
    while (next) {
      statementsPerStep.push(0);
      const outcome = await processUploadStep(stepEnv, next);
      next = outcome.kind === 'continued' ? sent.at(-1) : undefined;
    }

    expect(statementsPerStep.length).toBeGreaterThan(1);
    // A few single statements (find, claim, release) come on top of the batches.
    expect(Math.max(...statementsPerStep)).toBeLessThanOrEqual(990);
    await expectExactlyProcessed(organization, upload.id, 2_000);
  }, 60_000);

  it('completes in the step whose chunk ends the file, even when the chunk is full', async () => {
    const organization = await createOrganization();
    const { upload, message } = await acceptUpload(organization, validCsv(100));
    const { sent, queue } = recordingQueue();

    const outcomes = await runToEnd(
      envWith({ ...ONE_CHUNK_PER_STEP, UPLOAD_QUEUE: queue }),
      sent,
      message,
    );

    expect(outcomes).toEqual([
      { kind: 'continued', rows: 50 },
      { kind: 'completed', rows: 50 },
    ]);
    await expectExactlyProcessed(organization, upload.id, 100);
  });
});

describe('at-least-once delivery', () => {
  it('skips a message delivered twice, counting nothing again', async () => {
    const organization = await createOrganization();
    const { upload, message } = await acceptUpload(organization, validCsv(120));
    const { sent, queue } = recordingQueue();
    const stepEnv = envWith({ ...ONE_CHUNK_PER_STEP, UPLOAD_QUEUE: queue });
    await processUploadStep(stepEnv, message);
    const afterFirst = await getUpload(organization, upload.id);

    const duplicate = await processUploadStep(stepEnv, message);

    expect(duplicate).toEqual({ kind: 'skipped', reason: 'stale' });
    expect(await getUpload(organization, upload.id)).toEqual(afterFirst);
    await runToEnd(stepEnv, sent, sent[0]!);
    await expectExactlyProcessed(organization, upload.id, 120);
  });

  it('skips a message for an upload that another consumer is working on', async () => {
    const organization = await createOrganization();
    const { upload, message } = await acceptUpload(organization, validCsv(10));
    const leaseUntil = new Date(Date.now() + 60_000).toISOString();
    await env.DB.prepare(`UPDATE uploads SET lease_id = 'other', lease_until = ?1 WHERE id = ?2`)
      .bind(leaseUntil, upload.id)
      .run();

    const outcome = await processUploadStep(env, message);

    expect(outcome).toEqual({ kind: 'skipped', reason: 'held' });
    expect((await getUpload(organization, upload.id)).processed_rows).toBe(0);
  });

  it('skips messages for finished uploads', async () => {
    const organization = await createOrganization();
    const { message } = await acceptUpload(organization, validCsv(10));
    const { sent, queue } = recordingQueue();
    await runToEnd(envWith({ UPLOAD_QUEUE: queue }), sent, message);

    const late = await processUploadStep(env, message);

    expect(late).toEqual({ kind: 'skipped', reason: 'finished' });
  });
});

describe('a consumer that dies mid-way', () => {
  it('loses nothing and counts nothing twice when it dies before committing a chunk', async () => {
    const organization = await createOrganization();
    const { upload, message } = await acceptUpload(organization, validCsv(160));
    const { sent, queue } = recordingQueue();

    const crashed = await processUploadStep(
      envWith({ UPLOAD_QUEUE: queue, DB: failingBatches([3]) }),
      message,
    );
    const midway = await getUpload(organization, upload.id);
    await runToEnd(envWith({ UPLOAD_QUEUE: queue }), sent, sent[0]!);

    expect(crashed).toMatchObject({ kind: 'retrying', error: 'simulated crash in batch 3' });
    expect(midway).toMatchObject({ status: 'processing', processed_rows: 50, created_rows: 50 });
    await expectExactlyProcessed(organization, upload.id, 160);
  });

  it('is woken by the sweeper when it died after a commit without sending its continuation', async () => {
    const organization = await createOrganization();
    const { upload, message } = await acceptUpload(organization, validCsv(120));
    let died = () => {};
    const death = new Promise<void>((resolve) => (died = resolve));
    const queueOfADyingConsumer = {
      send() {
        died();
        return new Promise<never>(() => {});
      },
    } as unknown as Queue;
    void processUploadStep(
      envWith({ ...ONE_CHUNK_PER_STEP, UPLOAD_QUEUE: queueOfADyingConsumer }),
      message,
    );
    await death;
    const redelivered = await processUploadStep(env, message);
    const { sent, queue } = recordingQueue();

    const sweep = await sweepUploads(envWith({ UPLOAD_QUEUE: queue }), Date.now() + 10 * 60_000);
    await runToEnd(
      envWith({ UPLOAD_QUEUE: queue }),
      sent,
      sent.find((woken) => woken.upload_id === upload.id)!,
    );

    expect(redelivered).toEqual({ kind: 'skipped', reason: 'stale' });
    expect(sweep.woken).toBeGreaterThanOrEqual(1);
    await expectExactlyProcessed(organization, upload.id, 120);
  });

  it('writes no row of a chunk whose consumer lost the upload to another', async () => {
    const organization = await createOrganization();
    const { upload, message } = await acceptUpload(organization, validCsv(120));
    const stealBeforeSecondWrite = async (call: number) => {
      if (call !== 3) return;
      await env.DB.prepare(`UPDATE uploads SET lease_id = 'thief' WHERE id = ?1`)
        .bind(upload.id)
        .run();
    };

    const outcome = await processUploadStep(
      envWith({ DB: failingBatches([], stealBeforeSecondWrite) }),
      message,
    );

    expect(outcome).toEqual({ kind: 'skipped', reason: 'lease_lost' });
    expect(await tasksOf(organization.id)).toHaveLength(50);
    expect((await getUpload(organization, upload.id)).processed_rows).toBe(50);
  });

  it('fails the upload after repeated failures, keeping the rows stored before', async () => {
    const organization = await createOrganization();
    const { upload, message } = await acceptUpload(organization, validCsv(120));
    const { sent, queue } = recordingQueue();
    const everyBatchAfterTheFirstChunk = Array.from({ length: 40 }, (_, index) => 3 + index);

    const outcomes = await runToEnd(
      envWith({ UPLOAD_QUEUE: queue, DB: failingBatches(everyBatchAfterTheFirstChunk) }),
      sent,
      message,
    );

    expect(outcomes.at(-1)).toMatchObject({ kind: 'failed' });
    const failed = await getUpload(organization, upload.id);
    expect(failed).toMatchObject({ status: 'failed', processed_rows: 50, total_rows: null });
    expect(failed.error).toContain(`failed ${MAX_FAILED_ATTEMPTS} times`);
    expect(await tasksOf(organization.id)).toHaveLength(50);
  });
});

/**
 * A consumer stuck for good at its first D1 batch, as one whose isolate was killed: the
 * returned promise settles when it gets there.
 */
function dyingConsumer() {
  let died = () => {};
  const death = new Promise<void>((resolve) => (died = resolve));
  const db = interceptBatches(() => {
    died();
    return new Promise<never>(() => {});
  });
  return { env: envWith({ DB: db }), death };
}

async function expireLease(uploadId: string) {
  await env.DB.prepare(`UPDATE uploads SET lease_until = '2000-01-01T00:00:00.000Z' WHERE id = ?1`)
    .bind(uploadId)
    .run();
}

describe('failed attempts', () => {
  it('count a consumer that died holding the upload, so that a step killing every one ends failed', async () => {
    const organization = await createOrganization();
    const { upload, message } = await acceptUpload(organization, validCsv(60));

    for (let death = 1; death <= MAX_FAILED_ATTEMPTS; death++) {
      const consumer = dyingConsumer();
      void processUploadStep(consumer.env, message);
      await consumer.death;
      await expireLease(upload.id);
    }
    const outcome = await processUploadStep(env, message);

    expect(outcome).toMatchObject({ kind: 'failed' });
    const failed = await getUpload(organization, upload.id);
    expect(failed.status).toBe('failed');
    expect(failed.error).toContain(`failed ${MAX_FAILED_ATTEMPTS} times in a row`);
    expect(failed.error).toContain(ABANDONED_STEP_ERROR);
  });

  it('count in a row only: a step that commits a chunk starts the count again', async () => {
    const organization = await createOrganization();
    const { upload, message } = await acceptUpload(organization, validCsv(120));
    const { sent, queue } = recordingQueue();
    for (let failure = 1; failure < MAX_FAILED_ATTEMPTS; failure++) {
      const failedFirstRead = envWith({ UPLOAD_QUEUE: queue, DB: failingBatches([1]) });
      await processUploadStep(failedFirstRead, failure === 1 ? message : sent.at(-1)!);
    }

    // Batches 1 and 2 read and write the first chunk; batch 3, the second chunk's, fails.
    const afterProgress = await processUploadStep(
      envWith({ UPLOAD_QUEUE: queue, DB: failingBatches([3]) }),
      sent.at(-1)!,
    );
    await runToEnd(envWith({ UPLOAD_QUEUE: queue }), sent, sent.at(-1)!);

    expect(afterProgress).toMatchObject({ kind: 'retrying' });
    await expectExactlyProcessed(organization, upload.id, 120);
  });
});

describe('a commit that landed although D1’s answer was lost', () => {
  it('completes the upload and deletes its stored file when it was the last chunk', async () => {
    const organization = await createOrganization();
    const { upload, message } = await acceptUpload(organization, validCsv(60));

    // Batch 3 writes the second and last chunk; its retry finds the step already moved on.
    const outcome = await processUploadStep(envWith({ DB: lostAnswers([3]) }), message);

    expect(outcome).toEqual({ kind: 'skipped', reason: 'finished' });
    await expectExactlyProcessed(organization, upload.id, 60);
    expect(await env.UPLOADS.head(upload.objectKey)).toBeNull();
  });

  it('hands the rest of the file over at once when chunks remain', async () => {
    const organization = await createOrganization();
    const { upload, message } = await acceptUpload(organization, validCsv(120));
    const { sent, queue } = recordingQueue();

    // Batch 2 writes the first chunk.
    const outcome = await processUploadStep(
      envWith({ DB: lostAnswers([2]), UPLOAD_QUEUE: queue }),
      message,
    );
    const handedOver = await getUpload(organization, upload.id);
    await runToEnd(envWith({ UPLOAD_QUEUE: queue }), sent, sent[0]!);

    expect(outcome).toEqual({ kind: 'continued', rows: 50 });
    expect(sent).toEqual([{ upload_id: upload.id, step: 1 }]);
    expect(handedOver).toMatchObject({ status: 'processing', processed_rows: 50 });
    await expectExactlyProcessed(organization, upload.id, 120);
  });
});

describe('concurrency between consumers', () => {
  it('lets only one of two consumers work on the same upload at once', async () => {
    const organization = await createOrganization();
    const { upload, message } = await acceptUpload(organization, validCsv(60));

    const outcomes = await Promise.all([
      processUploadStep(env, message),
      processUploadStep(env, message),
    ]);

    const kinds = outcomes.map((outcome) => outcome.kind).sort();
    expect(kinds).toEqual(['completed', 'skipped']);
    await expectExactlyProcessed(organization, upload.id, 60);
  });

  it('works on different uploads at the same time', async () => {
    const organization = await createOrganization();
    const first = await acceptUpload(organization, validCsv(80, 0));
    const second = await acceptUpload(organization, validCsv(80, 80));

    const outcomes = await Promise.all([
      processUploadStep(env, first.message),
      processUploadStep(env, second.message),
    ]);

    expect(outcomes.map((outcome) => outcome.kind)).toEqual(['completed', 'completed']);
    expect(await tasksOf(organization.id)).toHaveLength(160);
  });

  it('retries a transient D1 failure inside the step, without giving the upload back', async () => {
    const organization = await createOrganization();
    const { upload, message } = await acceptUpload(organization, validCsv(60));
    const flaky = failingBatches([2], undefined, 'D1_ERROR: Network connection lost.');

    const outcome = await processUploadStep(envWith({ DB: flaky }), message);

    expect(outcome).toEqual({ kind: 'completed', rows: 60 });
    await expectExactlyProcessed(organization, upload.id, 60);
  });
});
