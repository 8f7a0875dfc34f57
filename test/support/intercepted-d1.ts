import { env } from 'cloudflare:workers';

type Batch = (statements: D1PreparedStatement[]) => Promise<D1Result[]>;

/**
 * The test D1 binding with `batch()` handed to `intercept`, which may count, delay or fail a
 * round trip, and calls `real` to run it; everything else reaches D1 as it is.
 */
export function interceptBatches(
  intercept: (statements: D1PreparedStatement[], real: Batch) => Promise<D1Result[]>,
): D1Database {
  return new Proxy(env.DB, {
    get(target, property) {
      if (property === 'batch') {
        return (statements: D1PreparedStatement[]) =>
          intercept(statements, (batch) => target.batch(batch));
      }
      const value = Reflect.get(target, property);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
