import type { Context } from 'hono';

/** What the middleware chain stores on each request's context. */
export interface RequestVariables {
  requestId: string;
  organizationId: string;
  /** The error behind a 5xx response, kept for the request's log line. */
  failure: unknown;
}

export interface AppBindings {
  Bindings: Env;
  Variables: RequestVariables;
}

export type AppContext = Context<AppBindings>;
