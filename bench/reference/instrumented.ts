// A diagnostic entry around the real Worker: the same app and queue consumer, with a D1
// binding that counts round trips and the time spent awaiting them, separately for HTTP
// requests and queue invocations. Served with a copy of wrangler.toml whose `main` points
// here (bench/diagnose.ts writes it); GET /__bench/d1-stats reads the counts, DELETE resets.

import worker from '../../src/index';
import type { D1Stats } from './d1-stats';

const stats = { fetch: emptyStats(), queue: emptyStats() };

export default {
  async fetch(request, env, context) {
    // A suffix test, not a URL parse: this runs on every request being measured.
    if (request.url.endsWith('/__bench/d1-stats')) {
      const snapshot = structuredClone(stats);
      if (request.method === 'DELETE')
        Object.assign(stats, { fetch: emptyStats(), queue: emptyStats() });
      return Response.json(snapshot);
    }
    return measured(
      stats.fetch,
      async (db) => worker.fetch(request, { ...env, DB: db }, context),
      env.DB,
    );
  },

  async queue(batch, env) {
    await measured(stats.queue, (db) => worker.queue(batch, { ...env, DB: db }), env.DB);
  },

  scheduled: worker.scheduled,
} satisfies ExportedHandler<Env>;

async function measured<T>(
  into: D1Stats,
  handler: (db: D1Database) => Promise<T>,
  db: D1Database,
): Promise<T> {
  const started = performance.now();
  try {
    return await handler(countingD1(db, into));
  } finally {
    into.calls++;
    into.handlerMs += performance.now() - started;
  }
}

function countingD1(db: D1Database, into: D1Stats): D1Database {
  const timed = async <T>(call: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    try {
      return await call();
    } finally {
      into.d1Ms += performance.now() - started;
    }
  };

  /** The statement itself (D1 checks its class in a batch), its methods wrapped in place. */
  const counted = (statement: D1PreparedStatement): D1PreparedStatement => {
    const { bind, first, run, all, raw } = statement;
    const single =
      <R>(method: (...args: never[]) => Promise<R>) =>
      (...args: never[]) => {
        into.singles++;
        return timed(() => method.apply(statement, args));
      };
    return Object.assign(statement, {
      bind: (...values: unknown[]) => counted(bind.apply(statement, values)),
      first: single(first),
      run: single(run),
      all: single(all),
      raw: single(raw),
    });
  };

  return new Proxy(db, {
    get(target, property) {
      if (property === 'prepare') return (sql: string) => counted(target.prepare(sql));
      if (property === 'batch') {
        return (statements: D1PreparedStatement[]) => {
          into.batches++;
          into.batchedStatements += statements.length;
          return timed(() => target.batch(statements));
        };
      }
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

function emptyStats(): D1Stats {
  return { calls: 0, handlerMs: 0, batches: 0, batchedStatements: 0, singles: 0, d1Ms: 0 };
}
