import { expect } from 'vitest';

import { requestAs } from './http';
import type { TestOrganization } from './organizations';

export interface UploadBody {
  id: string;
  status: 'pending' | 'processing' | 'completed' | 'failed';
  filename: string | null;
  size_bytes: number;
  progress: number;
  total_rows: number | null;
  processed_rows: number;
  created_rows: number;
  updated_rows: number;
  unchanged_rows: number;
  failed_rows: number;
  errors: {
    row: number;
    line: number;
    external_id: string | null;
    code: string;
    field: string | null;
    message: string;
  }[];
  error: string | null;
  created_at: string;
  started_at: string | null;
  completed_at: string | null;
  updated_at: string;
}

/**
 * POST /tasks/upload as multipart/form-data, the way `curl -F file=@tasks.csv` sends it: the
 * form encoded first, so that the request declares its length.
 */
export async function uploadCsv(
  organization: TestOrganization,
  csv: string | Uint8Array,
  filename = 'tasks.csv',
): Promise<Response> {
  const form = new FormData();
  form.append('file', new File([csv], filename, { type: 'text/csv' }));
  const encoded = new Response(form);
  const body = new Uint8Array(await encoded.arrayBuffer());
  return requestAs(organization, '/tasks/upload', {
    method: 'POST',
    headers: {
      'Content-Type': encoded.headers.get('Content-Type')!,
      'Content-Length': String(body.length),
    },
    body,
  });
}

/** POST /tasks/upload with the CSV as the raw body, and its Content-Length. */
export function uploadRawCsv(
  organization: TestOrganization,
  csv: string | Uint8Array,
): Promise<Response> {
  const body = typeof csv === 'string' ? new TextEncoder().encode(csv) : csv;
  return requestAs(organization, '/tasks/upload', {
    method: 'POST',
    headers: { 'Content-Type': 'text/csv', 'Content-Length': String(body.length) },
    body,
  });
}

export async function getUpload(organization: TestOrganization, id: string): Promise<UploadBody> {
  const response = await requestAs(organization, `/tasks/upload/${id}`);
  expect(response.status).toBe(200);
  return (await response.json<{ data: UploadBody }>()).data;
}

/** Polls the upload, as a client would, until it is completed or failed. */
export async function waitForUpload(
  organization: TestOrganization,
  id: string,
  timeoutMs = 20_000,
): Promise<UploadBody> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const upload = await getUpload(organization, id);
    if (upload.status === 'completed' || upload.status === 'failed') return upload;
    if (Date.now() > deadline) throw new Error(`upload ${id} still ${upload.status}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Uploads the CSV and waits for the upload to finish. */
export async function uploadAndWait(organization: TestOrganization, csv: string | Uint8Array) {
  const response = await uploadCsv(organization, csv);
  expect(response.status).toBe(202);
  const { data } = await response.json<{ data: UploadBody }>();
  return waitForUpload(organization, data.id);
}
