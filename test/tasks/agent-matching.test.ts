import { describe, expect, it } from 'vitest';

import { employeesOf } from '../support/database';
import { postTask } from '../support/http';
import { createOrganization, type TestOrganization } from '../support/organizations';
import { taskBody } from '../support/tasks';

interface Agent {
  id: string;
  external_id: string | null;
  email: string | null;
  name: string | null;
}

let taskNumber = 0;

/** Posts a new task for the agent and returns the agent the API attributed it to. */
async function postForAgent(organization: TestOrganization, agent: object): Promise<Agent> {
  const response = await postTask(
    organization,
    taskBody({ external_id: `T-${++taskNumber}`, agent }),
  );
  expect(response.status).toBe(201);
  const { data } = await response.json<{ data: { agent: Agent } }>();
  return data.agent;
}

describe('agent matching', () => {
  it('matches an employee by external id first', async () => {
    const organization = await createOrganization();
    const known = await postForAgent(organization, { external_id: 'E-1', email: 'a@example.com' });
    await postForAgent(organization, { email: 'b@example.com' });

    const matched = await postForAgent(organization, {
      external_id: 'E-1',
      email: 'b@example.com',
    });

    expect(matched.id).toBe(known.id);
    expect(matched.email).toBe('a@example.com');
    expect(await employeesOf(organization.id)).toHaveLength(2);
  });

  it('matches by email, ignoring case, when no employee has the external id', async () => {
    const organization = await createOrganization();
    const known = await postForAgent(organization, { email: 'Alex@Example.com' });

    const matched = await postForAgent(organization, { email: 'alex@EXAMPLE.com' });

    expect(matched.id).toBe(known.id);
    expect(matched.email).toBe('Alex@Example.com');
  });

  it('takes addresses in any script, and matches them ignoring case too', async () => {
    const organization = await createOrganization();
    const known = await postForAgent(organization, { email: 'José.Núñez@Exemple.fr' });

    const matched = await postForAgent(organization, { email: 'josé.núñez@exemple.FR' });
    const another = await postForAgent(organization, { email: 'info@münchen.de' });

    expect(matched.id).toBe(known.id);
    expect(another.email).toBe('info@münchen.de');
    expect(await employeesOf(organization.id)).toHaveLength(2);
  });

  it('creates an employee from the fields sent when nothing matches', async () => {
    const organization = await createOrganization();

    const agent = await postForAgent(organization, {
      external_id: 'E-7',
      email: 'new@example.com',
      name: 'New Person',
    });

    expect(agent).toMatchObject({
      external_id: 'E-7',
      email: 'new@example.com',
      name: 'New Person',
    });
    expect(await employeesOf(organization.id)).toHaveLength(1);
  });

  it('gives an email-matched employee the external id it lacked', async () => {
    const organization = await createOrganization();
    const known = await postForAgent(organization, { email: 'alex@example.com' });

    await postForAgent(organization, { external_id: 'E-2', email: 'alex@example.com' });
    const byExternalId = await postForAgent(organization, { external_id: 'E-2' });

    expect(byExternalId.id).toBe(known.id);
    expect(byExternalId.external_id).toBe('E-2');
  });

  it('gives an external-id-matched employee the email it lacked', async () => {
    const organization = await createOrganization();
    const known = await postForAgent(organization, { external_id: 'E-3' });

    await postForAgent(organization, { external_id: 'E-3', email: 'sam@example.com' });
    const byEmail = await postForAgent(organization, { email: 'SAM@example.com' });

    expect(byEmail.id).toBe(known.id);
  });

  it('never overwrites an identifier the employee already has', async () => {
    const organization = await createOrganization();
    const known = await postForAgent(organization, {
      external_id: 'E-4',
      email: 'kim@example.com',
    });

    const matched = await postForAgent(organization, {
      external_id: 'E-4',
      email: 'kim.other@example.com',
    });
    const byEmail = await postForAgent(organization, {
      external_id: 'E-5',
      email: 'kim@example.com',
    });

    expect(matched).toMatchObject({ id: known.id, email: 'kim@example.com' });
    expect(byEmail).toMatchObject({ id: known.id, external_id: 'E-4' });
  });

  it('leaves an email that another employee holds with that employee', async () => {
    const organization = await createOrganization();
    const holder = await postForAgent(organization, { email: 'shared@example.com' });
    const other = await postForAgent(organization, { external_id: 'E-6' });

    const matched = await postForAgent(organization, {
      external_id: 'E-6',
      email: 'shared@example.com',
    });

    expect(matched).toMatchObject({ id: other.id, email: null });
    expect(await postForAgent(organization, { email: 'shared@example.com' })).toMatchObject({
      id: holder.id,
    });
  });

  it('replaces the display name with the one sent, and keeps it when none is sent', async () => {
    const organization = await createOrganization();
    await postForAgent(organization, { external_id: 'E-8', name: 'Alex Smith' });

    const renamed = await postForAgent(organization, {
      external_id: 'E-8',
      name: 'Alex Smith-Jones',
    });
    const unnamed = await postForAgent(organization, { external_id: 'E-8' });

    expect(renamed.name).toBe('Alex Smith-Jones');
    expect(unnamed.name).toBe('Alex Smith-Jones');
  });
});
