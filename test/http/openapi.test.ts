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
      expect.arrayContaining([
        '/tasks',
        '/tasks/{id}',
        '/tasks/upload',
        '/tasks/upload/{id}',
        '/tasks/upload/{id}/errors',
        '/health',
      ]),
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
    expect(JSON.stringify(task.properties.agent)).toContain('"format":"idn-email"');
    // What JSON Schema cannot say is said in words: trimming, the timestamp's form, the bounds.
    expect(task.properties.external_id.description).toContain('trimmed first');
    expect(task.properties.completed_at.description).toContain('UTC offset');
    expect(JSON.stringify(task.properties.custom_attributes)).toContain('32768 bytes');
  });
});

describe('GET /openapi.json for uploads', () => {
  it('derives the error list parameters from their validation schema', async () => {
    const response = await request('/openapi.json');

    const document = await response.json<{
      paths: Record<string, { get: { parameters: { name: string; schema: any }[] } }>;
    }>();
    const parameters = document.paths['/tasks/upload/{id}/errors']!.get.parameters;
    const limit = parameters.find((parameter) => parameter.name === 'limit');
    expect(parameters.map((parameter) => parameter.name)).toEqual([
      'id',
      'limit',
      'cursor',
      'format',
    ]);
    expect(limit?.schema).toMatchObject({ minimum: 1, maximum: 1000, default: 100 });
  });
});
