import { parseArgs } from 'node:util';

export const BENCHMARKS = ['bulk', 'single', 'memory'] as const;
export type BenchmarkName = (typeof BENCHMARKS)[number];

/** The sizes of one mode: the full run, or the quick one that keeps the suite from rotting. */
export interface Sizes {
  bulkRows: number;
  /**
   * Rounds of the bulk benchmark: each uploads on a fresh server, then writes the raw ceiling on
   * another, so that every ratio compares two measurements taken moments apart. On this shared
   * machine one run's rounds ranged from 0.35x to 0.47x: five rounds keep one odd round from
   * deciding the median.
   */
  bulkRounds: number;
  /** Load of POST /tasks: connections, seconds per round, rounds per server, warm-up seconds. */
  single: { connections: number; seconds: number; rounds: number; warmupSeconds: number };
  /** The two upload sizes of the memory benchmark, in bytes. */
  memoryBytes: [number, number];
  /** How long one upload may take before the benchmark gives up. */
  uploadTimeoutMs: number;
}

const FULL: Sizes = {
  bulkRows: 100_000,
  bulkRounds: 5,
  single: { connections: 10, seconds: 15, rounds: 2, warmupSeconds: 3 },
  memoryBytes: [10_000_000, 100_000_000],
  uploadTimeoutMs: 20 * 60_000,
};

const QUICK: Sizes = {
  bulkRows: 2_000,
  bulkRounds: 1,
  single: { connections: 10, seconds: 3, rounds: 1, warmupSeconds: 1 },
  memoryBytes: [500_000, 2_000_000],
  uploadTimeoutMs: 60_000,
};

export interface Options {
  quick: boolean;
  only: BenchmarkName[];
  /** `--var NAME:value` for the service's `wrangler dev` (e.g. UPLOAD_CHUNK_ROWS:10000). */
  serviceVars: Record<string, string>;
  sizes: Sizes;
  /** Only a complete full run with the real configuration rewrites BENCHMARKS.md. */
  writesBenchmarksMd: boolean;
}

export const USAGE = `Usage: node bench/run.ts [--quick] [--only <list>] [--var NAME:value]...

  --quick        tiny sizes (under two minutes), for CI; the report goes to bench/out/
  --only <list>  run only these of bulk,single,memory; the report goes to bench/out/
  --var N:v      a variable for the service's wrangler dev, e.g. --var UPLOAD_CHUNK_ROWS:10000
                 (references are unaffected); the report goes to bench/out/
`;

export function parseOptions(args: string[]): Options | null {
  const { values } = parseArgs({
    args,
    options: {
      quick: { type: 'boolean', default: false },
      only: { type: 'string' },
      var: { type: 'string', multiple: true, default: [] },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return null;

  const only = values.only ? values.only.split(',').map((name) => name.trim()) : [...BENCHMARKS];
  for (const name of only) {
    if (!(BENCHMARKS as readonly string[]).includes(name)) {
      throw new Error(`Unknown benchmark "${name}"; known: ${BENCHMARKS.join(', ')}.`);
    }
  }

  const serviceVars: Record<string, string> = {};
  for (const assignment of values.var) {
    const colon = assignment.indexOf(':');
    if (colon < 1) throw new Error(`--var takes NAME:value, got "${assignment}".`);
    serviceVars[assignment.slice(0, colon)] = assignment.slice(colon + 1);
  }

  return {
    quick: values.quick,
    only: only as BenchmarkName[],
    serviceVars,
    sizes: values.quick ? QUICK : FULL,
    writesBenchmarksMd:
      !values.quick && only.length === BENCHMARKS.length && values.var.length === 0,
  };
}
