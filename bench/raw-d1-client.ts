import { inBatches, type RawRows } from './raw-rows.ts';

/** The organization the raw rows belong to (the tables' foreign keys need one). */
const ORGANIZATION = 'org_bench';

export interface RawPass {
  /** Sum over batches of the time the Worker spent awaiting D1. */
  d1Ms: number;
  /** From the first request to the last response, as the client saw it. */
  wallMs: number;
  batches: number;
}

export async function createRawOrganization(baseUrl: string): Promise<void> {
  const response = await fetch(`${baseUrl}/organizations?organization=${ORGANIZATION}`, {
    method: 'POST',
  });
  if (!response.ok) throw new Error(`raw-D1 Worker answered ${response.status}`);
}

/**
 * Writes every row once through bench/reference/raw-d1.ts: one request per batch of 10
 * statements of 1,000 rows, the request bodies built before the clock starts.
 */
export async function rawPass(baseUrl: string, rows: RawRows): Promise<RawPass> {
  const requests = [
    ...inBatches(rows.employees).map((batch) => ({ table: 'employees', body: batch.join('\n') })),
    ...inBatches(rows.tasks).map((batch) => ({ table: 'tasks', body: batch.join('\n') })),
  ];

  let d1Ms = 0;
  const started = performance.now();
  for (const { table, body } of requests) {
    const url = `${baseUrl}/${table}?organization=${ORGANIZATION}`;
    const response = await fetch(url, { method: 'POST', body });
    if (!response.ok) throw new Error(`raw-D1 Worker answered ${response.status}`);
    d1Ms += ((await response.json()) as { d1_ms: number }).d1_ms;
  }
  return { d1Ms, wallMs: performance.now() - started, batches: requests.length };
}

/** A fresh raw-D1 server's organization, then every row once. */
export async function writeRawRows(baseUrl: string, rows: RawRows): Promise<RawPass> {
  await createRawOrganization(baseUrl);
  return rawPass(baseUrl, rows);
}
