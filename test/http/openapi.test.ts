import { describe, expect, it } from 'vitest';

import { request } from '../support/http';

interface OpenApiDocument {
  openapi: string;
  paths: Record<
    string,
    Record<string, { requestBody?: { content: Record<string, { schema: any }> } }>
  >;
}

describe('GET /openapi.json', () => {
  it('describes the API as OpenAPI 3.1 without an API key', async () => {
    const response = await request('/openapi.json');

    expect(response.status).toBe(200);
    const document = await response.json<OpenApiDocument>();
    expect(document.openapi).toBe('3.1.0');
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining(['/tasks', '/tasks/{id}', '/health']),
    );
  });

  it('derives the task body from the validation schema, rules included', async () => {
    const response = await request('/openapi.json');

    const document = await response.json<OpenApiDocument>();
    const body = document.paths['/tasks']!.post!.requestBody!.content['application/json']!.schema;
    const task = body.properties.task;
    expect(body.required).toEqual(['task']);
    expect(task.required).toEqual(['external_id', 'agent', 'completed_at']);
    expect(task.additionalProperties).toBe(false);
    expect(task.properties.external_id.maxLength).toBe(255);
    expect(JSON.stringify(task.properties.agent)).toContain('"format":"email"');
  });
});
