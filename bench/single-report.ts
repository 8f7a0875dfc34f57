import type { CpuProfile } from './cpu-profile.ts';
import type { ServerCpu } from './dev-server.ts';
import type { D1Stats } from './reference/d1-stats.ts';
import type { Sizes } from './options.ts';
import { formatNumber, formatRatio, profileTable, ratio, type Section } from './report.ts';

/** One server's measured rounds, added up. */
export interface Throughput {
  requests: number;
  successes: number;
  durationMs: number;
  latenciesMs: number[];
  statuses: Record<string, number>;
  /** CPU time during the rounds: the server's processes, and the load generator. */
  cpu: ServerCpu;
  loadCpuMs: number;
}

export function emptyThroughput(): Throughput {
  return {
    requests: 0,
    successes: 0,
    durationMs: 0,
    latenciesMs: [],
    statuses: {},
    cpu: { runtime: 0, runtimeMainThread: 0, proxy: 0, wrangler: 0 },
    loadCpuMs: 0,
  };
}

const READ_FIRST = 'minimal Worker, a read batch before the upsert';
const LOG_ALL = 'service, REQUEST_LOG=all (a log line per request)';

export function singleSection(
  settings: Sizes['single'],
  measured: {
    service: Throughput;
    logAll: Throughput;
    reference: Throughput;
    readFirst: Throughput;
  },
  perRequest: D1Stats,
  profile: CpuProfile,
): Section {
  const { service, logAll, reference, readFirst } = measured;
  const rate = (result: Throughput) => result.successes / (result.durationMs / 1000);
  const [serviceRate, referenceRate] = [rate(service), rate(reference)];
  const throughputRatio = ratio(serviceRate, referenceRate);
  const p99 = (result: Throughput) => percentile(result.latenciesMs, 0.99);

  const row = (name: string, result: Throughput) => [
    name,
    result.requests,
    formatNumber(rate(result)),
    formatNumber(percentile(result.latenciesMs, 0.5)),
    formatNumber(p99(result)),
    formatRatio(rate(result), referenceRate),
    Object.entries(result.statuses)
      .map(([status, count]) => `${status}: ${count}`)
      .join(', '),
  ];
  const cpuRow = (name: string, result: Throughput) => {
    const perRequestMs = (ms: number) => (ms / result.requests).toFixed(2);
    return [
      name,
      perRequestMs(result.cpu.runtimeMainThread),
      perRequestMs(result.cpu.runtime),
      perRequestMs(result.cpu.proxy),
      perRequestMs(result.cpu.wrangler),
      perRequestMs(result.loadCpuMs),
      `${Math.round((result.cpu.runtimeMainThread / result.durationMs) * 100)}%`,
    ];
  };
  const calls = perRequest.calls || 1;

  return {
    title: 'Single tasks',
    method: [
      `\`POST /tasks\` from a separate Node process (\`bench/load.ts\`), ${settings.connections}`,
      'connections sending back to back, half new external ids and half repeats (of which half',
      `change a custom attribute), ${settings.rounds} round(s) of ${settings.seconds} s per`,
      `target, alternating, after ${settings.warmupSeconds} s of warm-up each. The reference`,
      '(`bench/reference/minimal.ts`) is a Hono Worker that validates the same body with the',
      "service's `createTaskBodySchema` and does one D1 upsert; both run under `wrangler dev`,",
      'whose proxy dominates. The same Worker with `?read_first=1` first reads in a batch of two',
      'indexed SELECTs, as the service does: what a second D1 round trip costs on its own.',
      'The service logs only problems (4xx/5xx, slow requests) as configured; with',
      '`REQUEST_LOG=all` it logs every request, and under `wrangler dev` each line costs CPU',
      'time in the dev proxy too (below).',
    ].join(' '),
    tables: [
      {
        caption: '',
        header: [
          'server',
          'requests',
          'req/s (2xx)',
          'p50 ms',
          'p99 ms',
          'vs minimal Worker',
          'statuses',
        ],
        rows: [
          row('service', service),
          row(LOG_ALL, logAll),
          row('minimal Worker (reference)', reference),
          row(READ_FIRST, readFirst),
        ],
      },
      {
        caption:
          'CPU time per request during the measured rounds (from /proc): the runtime process ' +
          'and its main thread (which runs the Worker and the local D1 simulator), the dev ' +
          "proxy, wrangler's Node process, the load generator; and how busy the runtime's main " +
          'thread was.',
        header: [
          'server',
          'runtime main thread ms',
          'runtime ms',
          'dev proxy ms',
          'wrangler ms',
          'load generator ms',
          'main thread busy',
        ],
        rows: [
          cpuRow('service', service),
          cpuRow(LOG_ALL, logAll),
          cpuRow('minimal Worker (reference)', reference),
          cpuRow(READ_FIRST, readFirst),
        ],
      },
      {
        caption:
          'The service per request, from one more round against the instrumented Worker ' +
          '(`bench/reference/instrumented.ts`); the minimal Worker makes 1 D1 round trip.',
        header: ['requests', 'D1 round trips', 'statements', 'awaiting D1 ms', 'handler ms'],
        rows: [
          [
            perRequest.calls,
            ((perRequest.batches + perRequest.singles) / calls).toFixed(2),
            ((perRequest.batchedStatements + perRequest.singles) / calls).toFixed(2),
            (perRequest.d1Ms / calls).toFixed(2),
            (perRequest.handlerMs / calls).toFixed(2),
          ],
        ],
      },
      profileTable(
        "The hottest functions of the Worker's isolate during that round (V8 CPU profile " +
          'through DevTools, self time).',
        profile,
      ),
    ],
    notes: [],
    targets: [
      {
        text: `throughput at least 0.8x the minimal Worker's: ${throughputRatio.toFixed(2)}x`,
        met: throughputRatio >= 0.8,
      },
    ],
    lines: [
      {
        name: 'single-tasks',
        value: serviceRate,
        unit: 'req/s',
        ratio: ratio(serviceRate, referenceRate),
        reference: 'minimal Worker',
      },
      {
        name: 'single-tasks-log-all',
        value: rate(logAll),
        unit: 'req/s',
        ratio: ratio(rate(logAll), referenceRate),
        reference: 'minimal Worker, service logging every request',
      },
      {
        name: 'single-tasks-p99',
        value: p99(service),
        unit: 'ms',
        ratio: ratio(p99(service), p99(reference)),
        reference: 'minimal Worker p99',
      },
    ],
  };
}

function percentile(values: number[], share: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(share * sorted.length))] ?? Number.NaN;
}
