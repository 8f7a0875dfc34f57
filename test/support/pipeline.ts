import { env } from 'cloudflare:workers';

import type { UploadMessage } from '../../src/pipeline/messages';
import { processUploadStep } from '../../src/pipeline/process-step';
import { receiveUpload } from '../../src/uploads/receive';
import { interceptBatches } from './intercepted-d1';
import type { TestOrganization } from './organizations';

/** A queue that only records what is sent, so a test decides when and how often to deliver. */
export function recordingQueue() {
  const sent: UploadMessage[] = [];
  const queue = {
    async send(body: UploadMessage) {
      sent.push(body);
    },
  };
  return { sent, queue: queue as unknown as Queue };
}

/** The Worker's env with some bindings or settings replaced. */
export function envWith(overrides: Partial<Env>): Env {
  return { ...env, ...overrides };
}

/**
 * A D1 binding that fails the batches whose 1-based call numbers are listed, as a consumer
 * that dies mid-chunk would leave things. A step's first chunk makes two calls (the read,
 * then the write); each later chunk of new tasks makes one, the write.
 */
export function failingBatches(
  calls: number[],
  before?: (call: number) => Promise<void>,
  message = 'simulated crash',
): D1Database {
  let call = 0;
  return interceptBatches(async (statements, real) => {
    call++;
    await before?.(call);
    if (calls.includes(call)) throw new Error(`${message} in batch ${call}`);
    return real(statements);
  });
}

/**
 * A D1 binding whose listed batches (1-based call numbers, as for `failingBatches`) commit,
 * but whose answer is lost on the way back: the caller sees a transient error.
 */
export function lostAnswers(calls: number[]): D1Database {
  let call = 0;
  return interceptBatches(async (statements, real) => {
    const results = await real(statements);
    if (calls.includes(++call)) throw new Error('D1_ERROR: Network connection lost.');
    return results;
  });
}

/** Accepts an upload through the real receiver, with its wake-up message held back. */
export async function acceptUpload(organization: TestOrganization, csv: string | Uint8Array) {
  const { sent, queue } = recordingQueue();
  const body = typeof csv === 'string' ? new TextEncoder().encode(csv) : csv;
  const request = new Request('https://tasks-ingest.test/tasks/upload', {
    method: 'POST',
    headers: { 'Content-Type': 'text/csv', 'Content-Length': String(body.length) },
    body,
  });
  const upload = await receiveUpload(envWith({ UPLOAD_QUEUE: queue }), request, organization.id);
  return { upload, message: sent[0]! };
}

/** Delivers messages one by one, as the queue would, until the upload stops asking for more. */
export async function runToEnd(stepEnv: Env, sent: UploadMessage[], first: UploadMessage) {
  const outcomes = [];
  let message: UploadMessage | undefined = first;
  while (message) {
    const before = sent.length;
    outcomes.push(await processUploadStep(stepEnv, message));
    message = sent.length > before ? sent.at(-1) : undefined;
  }
  return outcomes;
}

/** A CSV of `count` valid rows with distinct tasks spread over a few agents. */
export function validCsv(count: number, firstRow = 0): string {
  const lines = ['external_id,agent_external_id,completed_at,custom_n'];
  for (let index = firstRow; index < firstRow + count; index++) {
    lines.push(`T-${index},E-${index % 7},2026-05-12T14:32:00Z,${index}`);
  }
  return `${lines.join('\n')}\n`;
}
