import { describe, expect, it } from 'vitest';

import { employeesOf, tasksOf } from '../support/database';
import { requestAs } from '../support/http';
import { createOrganization } from '../support/organizations';
import {
  uploadAndWait,
  uploadCsv,
  uploadRawCsv,
  waitForUpload,
  type UploadBody,
} from '../support/uploads';

const CSV = [
  'external_id,agent_external_id,agent_email,agent_name,completed_at,custom_task_type,custom_zip',
  'T-1,E-1,alex@example.com,Alex Smith,2026-05-12T14:32:00Z,fraud_review,00123',
  'T-2,,sam@example.com,Sam,2026-05-12 16:00:00+02:00,kyc,',
  'T-3,E-1,,,2026-05-13T09:00:00Z,,',
].join('\n');

describe('POST /tasks/upload', () => {
  it('answers 202 with Location and a pending upload', async () => {
    const organization = await createOrganization();

    const response = await uploadCsv(organization, CSV, 'may.csv');

    expect(response.status).toBe(202);
    const { data } = await response.json<{ data: UploadBody }>();
    expect(response.headers.get('Location')).toBe(`/tasks/upload/${data.id}`);
    expect(data).toMatchObject({
      status: 'pending',
      progress: 0,
      filename: 'may.csv',
      size_bytes: new TextEncoder().encode(CSV).byteLength,
      total_rows: null,
      processed_rows: 0,
      errors: [],
      error: null,
    });
    expect(data.id).toMatch(/^upload_[0-9A-Z]{26}$/);
  });

  it('stores every row as a task once processed, with exact counters', async () => {
    const organization = await createOrganization();

    const upload = await uploadAndWait(organization, CSV);

    expect(upload).toMatchObject({
      status: 'completed',
      progress: 1,
      total_rows: 3,
      processed_rows: 3,
      created_rows: 3,
      updated_rows: 0,
      unchanged_rows: 0,
      failed_rows: 0,
    });
    expect(upload.started_at).not.toBeNull();
    expect(upload.completed_at).not.toBeNull();
    expect(await tasksOf(organization.id)).toHaveLength(3);
    expect(await employeesOf(organization.id)).toHaveLength(2);
  });

  it('keeps custom cells as text and leaves empty ones out', async () => {
    const organization = await createOrganization();

    await uploadAndWait(organization, CSV);

    const tasks = await tasksOf(organization.id);
    const attributes = Object.fromEntries(
      tasks.map((task) => [task.external_id, JSON.parse(task.custom_attributes)]),
    );
    expect(attributes).toEqual({
      'T-1': { task_type: 'fraud_review', zip: '00123' },
      'T-2': { task_type: 'kyc' },
      'T-3': {},
    });
  });

  it('accepts the CSV as a raw text/csv body', async () => {
    const organization = await createOrganization();

    const response = await uploadRawCsv(organization, CSV);

    expect(response.status).toBe(202);
    const { data } = await response.json<{ data: UploadBody }>();
    expect((await waitForUpload(organization, data.id)).created_rows).toBe(3);
  });

  it('counts every row as unchanged when the same file is uploaded again', async () => {
    const organization = await createOrganization();
    await uploadAndWait(organization, CSV);
    const before = await tasksOf(organization.id);

    const again = await uploadAndWait(organization, CSV);

    expect(again).toMatchObject({
      processed_rows: 3,
      unchanged_rows: 3,
      created_rows: 0,
      updated_rows: 0,
    });
    expect(await tasksOf(organization.id)).toEqual(before);
  });
});

describe('GET /tasks/upload/{id}', () => {
  it("answers 404 for another organization's upload", async () => {
    const owner = await createOrganization();
    const stranger = await createOrganization();
    const response = await uploadCsv(owner, CSV);
    const { data } = await response.json<{ data: UploadBody }>();

    const seen = await requestAs(stranger, `/tasks/upload/${data.id}`);
    const errors = await requestAs(stranger, `/tasks/upload/${data.id}/errors`);

    expect(seen.status).toBe(404);
    expect(errors.status).toBe(404);
  });
});
