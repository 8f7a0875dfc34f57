import { z } from 'zod';

import { problemSchema } from '../http/problem-schema';
import { createTaskBodySchema, taskSchema } from '../tasks/schemas';
import { errorListQuerySchema, rowErrorPageSchema, uploadSchema } from '../uploads/schemas';

type Schema = z.ZodType;

const requestSchema = (schema: Schema) =>
  z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
const responseSchema = (schema: Schema) =>
  z.toJSONSchema(schema, { io: 'output', unrepresentable: 'any' });

const dataOf = (schema: Schema) => responseSchema(z.object({ data: schema }));

const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
});

const json = (description: string, schema: Schema, headers?: Record<string, unknown>) => ({
  description,
  ...(headers ? { headers } : {}),
  content: { 'application/json': { schema: dataOf(schema) } },
});

const location = { Location: { schema: { type: 'string' }, description: 'The new resource.' } };

const idParameter = { name: 'id', in: 'path', required: true, schema: { type: 'string' } };

/** Query parameters, one per property of the zod schema that validates them. */
const queryParameters = (schema: z.ZodObject) =>
  Object.entries(schema.shape).map(([name, property]) => ({
    name,
    in: 'query',
    required: false,
    schema: requestSchema(property as Schema),
  }));

/**
 * The OpenAPI 3.1 description, built from the zod schemas that validate the requests, so
 * the document cannot drift from what the API accepts.
 */
export function buildOpenApiDocument() {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Tasks Ingest API',
      version: '1.0.0',
      description: 'Send back-office tasks one by one or as CSV uploads, attributed to agents.',
    },
    security: [{ apiKey: [] }],
    components: {
      securitySchemes: { apiKey: { type: 'http', scheme: 'bearer' } },
      schemas: { Problem: responseSchema(problemSchema) },
    },
    paths: {
      '/health': {
        get: {
          summary: 'Whether the service and its database answer',
          security: [],
          responses: {
            '200': json('Healthy', z.object({ status: z.literal('ok') })),
            '503': problem('The database does not answer'),
          },
        },
      },
      '/tasks': {
        post: {
          summary: 'Create a task, or update the task with the same external_id',
          requestBody: {
            required: true,
            content: { 'application/json': { schema: requestSchema(createTaskBodySchema) } },
          },
          responses: {
            '201': json('Created', taskSchema, location),
            '200': json('Updated in place, or unchanged', taskSchema),
            '400': problem('Empty or malformed JSON, or not UTF-8'),
            '401': problem('Missing or unknown API key'),
            '413': problem('Body too large'),
            '415': problem('Not JSON, a charset other than UTF-8, or a Content-Encoding'),
            '422': problem('A field is invalid; `errors` points to each'),
            '503': problem('Concurrent writes kept colliding; retry after `Retry-After` seconds'),
          },
        },
      },
      '/tasks/{id}': {
        get: {
          summary: 'One task of your organization',
          parameters: [idParameter],
          responses: {
            '200': json('The task', taskSchema),
            '401': problem('Missing or unknown API key'),
            '404': problem('No such task in your organization'),
          },
        },
      },
      '/tasks/upload': {
        post: {
          summary: 'Upload a CSV of tasks, processed in the background',
          requestBody: {
            required: true,
            content: {
              'multipart/form-data': {
                schema: {
                  type: 'object',
                  required: ['file'],
                  properties: { file: { type: 'string', contentMediaType: 'text/csv' } },
                },
              },
              'text/csv': { schema: { type: 'string' } },
              'application/csv': { schema: { type: 'string' } },
            },
          },
          responses: {
            '202': json('Accepted, pending', uploadSchema, location),
            '400': problem('Malformed multipart body'),
            '401': problem('Missing or unknown API key'),
            '413': problem('File too large'),
            '415': problem('Not multipart/form-data or text/csv, not UTF-8, or a Content-Encoding'),
            '422': problem('No file part, or a header row that cannot work'),
          },
        },
      },
      '/tasks/upload/{id}': {
        get: {
          summary: 'Status, progress, counters and first row errors of an upload',
          parameters: [idParameter],
          responses: {
            '200': json('The upload', uploadSchema),
            '401': problem('Missing or unknown API key'),
            '404': problem('No such upload in your organization'),
          },
        },
      },
      '/tasks/upload/{id}/errors': {
        get: {
          summary: 'Every refused row, in order; as CSV with Accept: text/csv or format=csv',
          parameters: [idParameter, ...queryParameters(errorListQuerySchema)],
          responses: {
            '200': {
              description: 'A page of row errors, or the whole report as CSV',
              content: {
                'application/json': { schema: responseSchema(rowErrorPageSchema) },
                'text/csv': { schema: { type: 'string' } },
              },
            },
            '401': problem('Missing or unknown API key'),
            '404': problem('No such upload in your organization'),
            '422': problem('An invalid limit, cursor or format'),
          },
        },
      },
    },
  };
}
