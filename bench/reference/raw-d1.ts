// The raw D1 ceiling: rows arrive as ready JSON, one line per statement (1,000 rows each),
// and are upserted with `INSERT ... SELECT ... FROM jsonb_each(?)`, all of a request's lines
// in one batch. No parsing, no validation, no reads: only what D1 itself costs.

import { UPSERT_EMPLOYEES, UPSERT_TASKS } from './raw-d1-sql';

interface Env {
  DB: D1Database;
}

const UPSERTS: Record<string, string> = { employees: UPSERT_EMPLOYEES, tasks: UPSERT_TASKS };

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    if (url.pathname === '/health') {
      await env.DB.prepare('SELECT 1').first();
      return new Response('ok');
    }

    const organizationId = url.searchParams.get('organization') ?? '';
    if (request.method === 'POST' && url.pathname === '/organizations') {
      await env.DB.prepare(
        `INSERT INTO organizations (id, name, created_at) VALUES (?1, ?1, ?2)
         ON CONFLICT (id) DO NOTHING`,
      )
        .bind(organizationId, new Date().toISOString())
        .run();
      return new Response(null, { status: 204 });
    }

    const sql = UPSERTS[url.pathname.slice(1)];
    if (request.method !== 'POST' || !sql) return new Response('not found', { status: 404 });

    const statementRows = (await request.text()).split('\n').filter((line) => line !== '');
    const statement = env.DB.prepare(sql);
    // Time only advances across I/O in workerd, which is exactly what is measured here.
    const started = performance.now();
    await env.DB.batch(statementRows.map((json) => statement.bind(organizationId, json)));
    const d1Ms = performance.now() - started;

    return Response.json({ statements: statementRows.length, d1_ms: d1Ms });
  },
} satisfies ExportedHandler<Env>;
