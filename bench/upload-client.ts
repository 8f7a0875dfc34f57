import { openAsBlob } from 'node:fs';
import { basename } from 'node:path';

import { sleep } from './dev-server.ts';

/** The fields of the upload object the benchmarks read. */
export interface UploadState {
  id: string;
  status: 'pending' | 'processing' | 'completed' | 'failed';
  total_rows: number | null;
  processed_rows: number;
  created_rows: number;
  updated_rows: number;
  unchanged_rows: number;
  failed_rows: number;
  error: string | null;
  created_at: string;
  started_at: string | null;
  completed_at: string | null;
}

export interface TimedUpload {
  final: UploadState;
  /** When the request was sent (epoch ms, the clock the server's timestamps use locally). */
  sentAt: number;
  /** From sending the request to the 202. */
  acceptedMs: number;
  /** From sending the request to the first poll that saw the upload finished. */
  totalMs: number;
}

/**
 * Short enough that the poll adds little to the time measured; the local runtime answers no
 * poll while a consumer step runs anyway, so polling does not slow the upload down.
 */
const POLL_INTERVAL_MS = 50;

/**
 * Uploads a CSV as `multipart/form-data` (streamed from disk: the file is a Blob backed by
 * the file, so its length is known and it is never held in memory), then polls
 * `GET /tasks/upload/{id}` at once and every 50 ms after until it is completed or failed.
 */
export async function uploadAndWait(
  baseUrl: string,
  apiKey: string,
  path: string,
  timeoutMs: number,
): Promise<TimedUpload> {
  const headers = { Authorization: `Bearer ${apiKey}` };
  const form = new FormData();
  form.append('file', await openAsBlob(path, { type: 'text/csv' }), basename(path));

  const sentAt = Date.now();
  const started = performance.now();
  const response = await fetch(`${baseUrl}/tasks/upload`, {
    method: 'POST',
    headers,
    body: form,
  });
  const accepted = (await response.json()) as { data: UploadState };
  const acceptedMs = performance.now() - started;
  if (response.status !== 202) {
    throw new Error(`POST /tasks/upload answered ${response.status}: ${JSON.stringify(accepted)}`);
  }

  const deadline = started + timeoutMs;
  for (let polls = 0; ; polls++) {
    if (polls > 0) await sleep(POLL_INTERVAL_MS);
    const poll = await fetch(`${baseUrl}/tasks/upload/${accepted.data.id}`, { headers });
    const { data } = (await poll.json()) as { data: UploadState };
    if (data.status === 'completed' || data.status === 'failed') {
      return { final: data, sentAt, acceptedMs, totalMs: performance.now() - started };
    }
    if (performance.now() > deadline) {
      throw new Error(`upload ${data.id} still ${data.status} after ${timeoutMs} ms`);
    }
  }
}
