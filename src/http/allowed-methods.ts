/** A route as Hono lists it in `app.routes`: middleware appears with the method `ALL`. */
interface RouteEntry {
  method: string;
  path: string;
}

export type AllowedMethods = (pathname: string) => string[];

/**
 * The methods the app answers for a path, from its route table, so that a request with another
 * method gets 405 with `Allow` rather than a 404 that suggests the path does not exist. Path
 * parameters (`:id`) match one segment, `*` anything; a GET route answers HEAD too. Where routes
 * of several shapes match, the most specific wins, the one with the most literal segments:
 * `/tasks/upload` is the upload collection, not the task `upload` of `/tasks/:id`. Empty for a
 * path no route matches. Only these two pattern forms are read, the ones the app's routes use:
 * an optional parameter (`:id?`) or a `*` inside a segment would need more.
 */
export function allowedMethods(routes: readonly RouteEntry[]): AllowedMethods {
  const patterns = new Map<string, { pattern: RegExp; literals: number; methods: Set<string> }>();
  for (const { method, path } of routes) {
    if (method === 'ALL') continue;
    const entry = patterns.get(path) ?? { ...patternOf(path), methods: new Set<string>() };
    entry.methods.add(method);
    if (method === 'GET') entry.methods.add('HEAD');
    patterns.set(path, entry);
  }

  return (pathname) => {
    const matching = [...patterns.values()].filter(({ pattern }) => pattern.test(pathname));
    const specific = Math.max(...matching.map(({ literals }) => literals));
    const allowed = new Set<string>();
    for (const { literals, methods } of matching) {
      if (literals === specific) for (const method of methods) allowed.add(method);
    }
    return [...allowed].sort();
  };
}

function patternOf(path: string): { pattern: RegExp; literals: number } {
  let literals = 0;
  const segments = path.split('/').map((segment) => {
    if (segment === '*') return '.*';
    if (segment.startsWith(':')) return '[^/]+';
    literals++;
    return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  });
  return { pattern: new RegExp(`^${segments.join('/')}$`), literals };
}
