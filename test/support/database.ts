import { env } from 'cloudflare:workers';

/** Reads stored state straight from D1, to check what a request did or did not write. */
export async function employeesOf(organizationId: string) {
  const { results } = await env.DB.prepare(
    `SELECT id, external_id, email, name, created_at, updated_at
       FROM employees
      WHERE organization_id = ?1
      ORDER BY id`,
  )
    .bind(organizationId)
    .all<{ id: string; external_id: string | null; email: string | null; name: string | null }>();
  return results;
}

export async function tasksOf(organizationId: string) {
  const { results } = await env.DB.prepare(
    `SELECT id, external_id, employee_id, completed_at, custom_attributes, created_at, updated_at
       FROM tasks
      WHERE organization_id = ?1
      ORDER BY id`,
  )
    .bind(organizationId)
    .all<{
      id: string;
      external_id: string;
      employee_id: string;
      completed_at: string;
      custom_attributes: string;
      created_at: string;
      updated_at: string;
    }>();
  return results;
}
