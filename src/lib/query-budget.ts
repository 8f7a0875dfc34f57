/**
 * D1 runs at most 1,000 queries for one Worker invocation, each statement of a batch counted.
 * A budget watches the batches made through its binding and tells whether another unit of
 * work that batches as much as the largest one so far, twice over for retries, still fits.
 */
export class QueryBudget {
  /** Left for the few single statements around the batches (claim, release, failure). */
  private static readonly RESERVE = 10;

  readonly db: D1Database;
  private used = 0;
  private unitStart = 0;
  private largestUnit = 0;

  constructor(
    db: D1Database,
    private readonly limit = 1_000,
  ) {
    this.db = new Proxy(db, {
      get: (target, property) => {
        if (property === 'batch') {
          return (statements: D1PreparedStatement[]) => {
            this.used += statements.length;
            return target.batch(statements);
          };
        }
        const value = Reflect.get(target, property);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  }

  /** Statements the batches have run so far. */
  get statements(): number {
    return this.used;
  }

  /** Call when a unit of work (a chunk) has ended. */
  endUnit(): void {
    this.largestUnit = Math.max(this.largestUnit, this.used - this.unitStart);
    this.unitStart = this.used;
  }

  /** Whether another unit like the largest so far fits, twice over. */
  fitsAnother(): boolean {
    return this.used + 2 * this.largestUnit <= this.limit - QueryBudget.RESERVE;
  }
}
