// What reference/instrumented.ts counts and serves at /__bench/d1-stats, read by the bench
// scripts in Node. Shared by both sides, so this file imports nothing.

/** D1 use within requests, or within queue invocations. */
export interface D1Stats {
  /** Requests or queue invocations, and the time spent inside them. */
  calls: number;
  handlerMs: number;
  /** `db.batch()` calls, and the statements they carried. */
  batches: number;
  batchedStatements: number;
  /** Statements sent on their own (`first`, `run`, `all`, `raw`). */
  singles: number;
  d1Ms: number;
}

export interface InstrumentedStats {
  fetch: D1Stats;
  queue: D1Stats;
}
