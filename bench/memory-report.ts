import type { MemoryRun } from './memory.ts';
import { formatNumber, megabytes, ratio, seconds, type Section } from './report.ts';
import type { RssPeak } from './rss-sampler.ts';

/**
 * "A small constant": what the larger upload may add to the smaller one's peak. Holding the
 * file, or a share of it, would add tens of megabytes; the receiver's one R2 part is 5 MiB.
 */
export const SMALL_CONSTANT_BYTES = 16_000_000;

export function memorySection(small: MemoryRun, large: MemoryRun): Section {
  const rssGrowth = large.rss.peakBytes - small.rss.peakBytes;
  const referenceGrowth = large.rawD1.rss.peakBytes - small.rawD1.rss.peakBytes;
  const aboveBaseline = (peak: RssPeak) => peak.peakBytes - peak.baselineBytes;
  const size = (run: MemoryRun) => `${formatNumber(run.file.bytes / 1e6)} MB`;
  const [smallHeap, largeHeap] = [heapPhases(small), heapPhases(large)];
  const receivingGrowth = largeHeap.receiving.maxBytes - smallHeap.receiving.maxBytes;

  const rssRow = (name: string, run: MemoryRun, peak: RssPeak, ms: number) => {
    const role = (wanted: string) =>
      peak.processes
        .filter((process) => process.role === wanted)
        .map((process) => `${megabytes(process.baselineBytes)} → ${megabytes(process.peakBytes)}`)
        .join(', ') || '-';
    return [
      `${name}, ${size(run)} (${run.file.rows} rows)`,
      seconds(ms),
      role('runtime'),
      role('dev proxy'),
      megabytes(peak.peakBytes),
      megabytes(aboveBaseline(peak)),
      megabytes(peak.processes.reduce((total, process) => total + process.highWaterBytes, 0)),
    ];
  };
  const phase = ({ maxBytes, samples }: HeapPhase) =>
    samples === 0 ? '- (0)' : `${megabytes(maxBytes)} (${samples})`;
  const heapRow = (run: MemoryRun, phases: HeapPhases) => [
    size(run),
    phase(phases.receiving),
    phase(phases.processing),
    phase(phases.upload),
    megabytes(phases.upload.maxHeldBytes),
    phase(phases.all),
  ];

  return {
    title: 'Memory',
    method: [
      'A fresh `wrangler dev` of the real wrangler.toml per upload; 1 s after it answers',
      '/health the baseline is read, then every 50 ms until the upload (multipart/form-data) is',
      '`completed`: VmRSS of each workerd process from /proc (the runtime, and the dev proxy',
      "that forwards requests to it), and the live V8 heap of the Worker's own isolate through",
      'DevTools (a forced full garbage collection, then `Runtime.getHeapUsage`). The runtime',
      'process also hosts the local D1, R2 and queue simulators, so the reference is its RSS',
      'while the raw-D1 Worker writes the same rows (no parsing, no validation, no R2) on its',
      'own fresh server.',
    ].join(' '),
    tables: [
      {
        caption: 'RSS of the workerd processes, MB (VmHWM: the highest RSS since start).',
        header: [
          'run',
          'seconds',
          'runtime baseline → peak',
          'dev proxy baseline → peak',
          'peak (sum)',
          'peak − baseline',
          'VmHWM (sum)',
        ],
        rows: [
          rssRow('upload', small, small.rss, small.upload.totalMs),
          rssRow('raw-D1 reference, same rows', small, small.rawD1.rss, small.rawD1.ms),
          rssRow('upload', large, large.rss, large.upload.totalMs),
          rssRow('raw-D1 reference, same rows', large, large.rawD1.rss, large.rawD1.ms),
        ],
      },
      {
        caption:
          "Largest live V8 heap of the Worker's isolate, MB (samples), by the server's own " +
          'timestamps: while the file was received and stored, while the consumer processed it, ' +
          'from the request to `completed` (with the largest heap V8 held for the isolate then, ' +
          'live or garbage), and until the poll that saw `completed`. A sample in that last ' +
          "moment can catch the consumer's invocation ending: its garbage is not yet freed " +
          'then (see bench/README.md).',
        header: [
          'upload',
          'receiving',
          'processing',
          'request to completed',
          'largest heap held',
          'until the poll that saw it',
        ],
        rows: [heapRow(small, smallHeap), heapRow(large, largeHeap)],
      },
    ],
    notes: [
      `From ${size(small)} to ${size(large)} the runtime's peak RSS grows by ` +
        `${megabytes(rssGrowth)} MB; with the raw-D1 reference writing the same rows it grows by ` +
        `${megabytes(referenceGrowth)} MB: local D1 keeps more memory as the database grows. ` +
        `The Worker's own isolate held at most ${megabytes(largeHeap.upload.maxHeldBytes)} MB of ` +
        `V8 heap during the ${size(large)} upload (${megabytes(smallHeap.upload.maxHeldBytes)} MB ` +
        `for ${size(small)}): of the runtime's growth, at most ` +
        `${megabytes(Math.max(0, largeHeap.upload.maxHeldBytes - smallHeap.upload.maxHeldBytes))} MB ` +
        'is the Worker heap; the rest is outside the Worker.',
      'The runtime answers DevTools only when its event loop is free, which a consumer step ' +
        'never leaves it (see the bulk benchmark): samples while processing come from the ' +
        'moments between steps, and there are few of them.',
    ],
    targets: [
      {
        text:
          `runtime peak RSS for ${size(large)} at most the ${size(small)} peak + ` +
          `${megabytes(SMALL_CONSTANT_BYTES)} MB: ${signed(rssGrowth)} MB`,
        met: rssGrowth <= SMALL_CONSTANT_BYTES,
      },
      {
        text:
          `runtime RSS growth from ${size(small)} to ${size(large)} at most the raw-D1 ` +
          `reference's + ${megabytes(SMALL_CONSTANT_BYTES)} MB: ${signed(rssGrowth)} MB against ` +
          `${signed(referenceGrowth)} MB`,
        met: rssGrowth - referenceGrowth <= SMALL_CONSTANT_BYTES,
      },
      {
        text:
          `Worker isolate's live heap while receiving ${size(large)} at most that for ` +
          `${size(small)} + ${megabytes(SMALL_CONSTANT_BYTES)} MB: ${signed(receivingGrowth)} MB`,
        met: receivingGrowth <= SMALL_CONSTANT_BYTES,
      },
    ],
    lines: [
      {
        name: `memory-${formatNumber(small.file.bytes / 1e6)}mb`,
        value: small.rss.peakBytes / 1e6,
        unit: 'MB peak RSS',
        ratio: ratio(small.rss.peakBytes, small.rss.baselineBytes),
        reference: 'baseline RSS after startup',
      },
      {
        name: `memory-${formatNumber(large.file.bytes / 1e6)}mb`,
        value: large.rss.peakBytes / 1e6,
        unit: 'MB peak RSS',
        ratio: ratio(large.rss.peakBytes, small.rss.peakBytes),
        reference: `${size(small)} upload peak`,
      },
      {
        name: `memory-${formatNumber(large.file.bytes / 1e6)}mb-growth`,
        value: aboveBaseline(large.rss) / 1e6,
        unit: 'MB RSS above baseline',
        ratio: ratio(aboveBaseline(large.rss), aboveBaseline(large.rawD1.rss)),
        reference: 'raw-D1 reference writing the same rows',
      },
      {
        name: `memory-${formatNumber(large.file.bytes / 1e6)}mb-live-heap`,
        value: largeHeap.upload.maxBytes / 1e6,
        unit: 'MB live V8 heap',
        ratio: ratio(largeHeap.upload.maxBytes, smallHeap.upload.maxBytes),
        reference: `${size(small)} upload`,
      },
    ],
  };
}

interface HeapPhase {
  maxBytes: number;
  /** The largest heap V8 held for the isolate, live or not, in the same samples. */
  maxHeldBytes: number;
  samples: number;
}

interface HeapPhases {
  receiving: HeapPhase;
  processing: HeapPhase;
  /** From the request to `completed`: receiving, queued and processing. */
  upload: HeapPhase;
  /** Every sample, also those after `completed` and before the poll that saw it. */
  all: HeapPhase;
}

/** The heap samples split by the upload's own timestamps (same clock, same machine). */
function heapPhases(run: MemoryRun): HeapPhases {
  const { final, sentAt } = run.upload;
  const created = Date.parse(final.created_at);
  const started = Date.parse(final.started_at ?? final.created_at);
  const completed = Date.parse(final.completed_at ?? final.created_at);
  const phase = (from: number, to: number): HeapPhase => {
    const inside = run.heap.filter((sample) => sample.at >= from && sample.at <= to);
    return {
      maxBytes: Math.max(0, ...inside.map((sample) => sample.liveBytes)),
      maxHeldBytes: Math.max(0, ...inside.map((sample) => sample.heldBytes)),
      samples: inside.length,
    };
  };
  return {
    receiving: phase(sentAt, created),
    processing: phase(started, completed),
    upload: phase(sentAt, completed),
    all: phase(-Infinity, Infinity),
  };
}

function signed(bytes: number): string {
  return `${bytes >= 0 ? '+' : ''}${megabytes(bytes)}`;
}
