import { RAW_D1_CONFIG, type RunContext } from './context.ts';
import { sleep } from './dev-server.ts';
import { csvOfSize, type CsvFile } from './generate-csv.ts';
import { HeapSampler, type HeapSample } from './heap-sampler.ts';
import { memorySection } from './memory-report.ts';
import { writeRawRows } from './raw-d1-client.ts';
import { buildRawRows } from './raw-rows.ts';
import type { Section } from './report.ts';
import { RssSampler, type RssPeak } from './rss-sampler.ts';
import { uploadAndWait, type TimedUpload } from './upload-client.ts';

const SAMPLE_INTERVAL_MS = 50;
const SETTLE_MS = 1_000;

export interface MemoryRun {
  file: CsvFile;
  upload: TimedUpload;
  rss: RssPeak;
  heap: HeapSample[];
  /** The raw-D1 reference writing the same rows: what local D1 alone does to the runtime. */
  rawD1: { rss: RssPeak; ms: number };
}

/**
 * Memory: the RSS of the Workers runtime (every workerd process of `wrangler dev`) and the
 * live V8 heap of the Worker's isolate, sampled every 50 ms while an upload is received and
 * processed, for a small and a large file, each on a fresh server so that no peak carries
 * over; beside the runtime's RSS while the raw-D1 reference writes the same rows.
 */
export async function runMemory(context: RunContext): Promise<Section> {
  const runs: MemoryRun[] = [];
  for (const bytes of context.options.sizes.memoryBytes) {
    const file = await csvOfSize(bytes);
    const measured = await measureUpload(context, file);
    const rawD1 = await measureRawD1(context, file);
    runs.push({ file, ...measured, rawD1 });
  }
  return memorySection(runs[0]!, runs[1]!);
}

async function measureUpload(context: RunContext, file: CsvFile) {
  const { server, apiKey } = await context.serveService(`memory-${file.bytes}`);
  try {
    await sleep(SETTLE_MS);
    const rss = new RssSampler(server);
    const heap = await HeapSampler.connect(server.inspectorUrl);
    rss.start(SAMPLE_INTERVAL_MS);
    heap.start(SAMPLE_INTERVAL_MS);

    let upload: TimedUpload;
    let rssPeak: RssPeak;
    try {
      const { uploadTimeoutMs } = context.options.sizes;
      upload = await uploadAndWait(server.url, apiKey!, file.path, uploadTimeoutMs);
    } finally {
      await heap.stop();
      rssPeak = rss.stop();
    }
    if (upload.final.status !== 'completed' || upload.final.processed_rows !== file.rows) {
      throw new Error(`memory upload ended unexpectedly: ${JSON.stringify(upload.final)}`);
    }
    return { upload, rss: rssPeak, heap: heap.samples };
  } finally {
    await server.stop();
  }
}

async function measureRawD1(context: RunContext, file: CsvFile) {
  const rows = buildRawRows(file.rows);
  const { server } = await context.serveReference(RAW_D1_CONFIG, `memory-raw-d1-${file.bytes}`);
  try {
    await sleep(SETTLE_MS);
    const rss = new RssSampler(server);
    rss.start(SAMPLE_INTERVAL_MS);
    const started = performance.now();
    await writeRawRows(server.url, rows);
    return { ms: performance.now() - started, rss: rss.stop() };
  } finally {
    await server.stop();
  }
}
