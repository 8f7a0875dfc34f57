import { describe, expect, it } from 'vitest';

import { employeesOf, tasksOf } from '../support/database';
import { requestAs } from '../support/http';
import { createOrganization } from '../support/organizations';
import { taskBody } from '../support/tasks';

interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  request_id: string;
  errors?: { pointer: string; message: string }[];
}

const valid = taskBody().task;
const json = (body: unknown) => JSON.stringify(body);
/** A task body whose custom attribute `slot` is replaced by raw JSON text. */
const withAttribute = (slot: string, rawJson: string) =>
  json(taskBody({ custom_attributes: { [slot]: '?' } })).replace('"?"', rawJson);
/** `levels` nested arrays, the innermost empty. */
const nested = (levels: number) => `${'['.repeat(levels)}${']'.repeat(levels)}`;
const beyondDepth = `/task/custom_attributes/deep${'/0'.repeat(31)}`;

/** [case, raw body, content type, status, code, pointer of the first error (if any)] */
const BAD_INPUTS: [string, string, string | null, number, string, string?][] = [
  ['malformed JSON', '{"task": {', 'application/json', 400, 'malformed_json'],
  ['an empty body', '', 'application/json', 400, 'empty_body'],
  ['a body of white space', '  \n ', 'application/json', 400, 'empty_body'],
  ['no content type', json(taskBody()), null, 415, 'unsupported_media_type'],
  [
    'a form content type',
    'task=1',
    'application/x-www-form-urlencoded',
    415,
    'unsupported_media_type',
  ],
  ['text/plain', json(taskBody()), 'text/plain', 415, 'unsupported_media_type'],
  [
    'a Latin-1 charset',
    json(taskBody()),
    'application/json; charset=iso-8859-1',
    415,
    'unsupported_media_type',
  ],
  ['an array', json([taskBody()]), 'application/json', 422, 'validation_failed', ''],
  ['a bare string', json('task'), 'application/json', 422, 'validation_failed', ''],
  ['null', 'null', 'application/json', 422, 'validation_failed', ''],
  ['the task without its wrapper', json(valid), 'application/json', 422, 'validation_failed'],
  [
    'task as an array',
    json({ task: [valid] }),
    'application/json',
    422,
    'validation_failed',
    '/task',
  ],
  [
    'custom_attributes nested 33 levels deep',
    withAttribute('deep', nested(32)),
    'application/json',
    422,
    'validation_failed',
    beyondDepth,
  ],
  [
    'custom_attributes nested 20,000 levels deep',
    withAttribute('deep', nested(20_000)),
    'application/json',
    422,
    'validation_failed',
    beyondDepth,
  ],
  [
    'a custom attribute number too large for a 64-bit float',
    withAttribute('amount', '-1e400'),
    'application/json',
    422,
    'validation_failed',
    '/task/custom_attributes/amount',
  ],
  [
    'a __proto__ custom attribute key',
    withAttribute('slot', '{}').replace('"slot"', '"__proto__"'),
    'application/json',
    422,
    'validation_failed',
    '/task/custom_attributes/__proto__',
  ],
  ...(
    [
      ['a missing external_id', { external_id: undefined }, '/task/external_id'],
      ['a blank external_id', { external_id: '   ' }, '/task/external_id'],
      ['a numeric external_id', { external_id: 42 }, '/task/external_id'],
      ['an external_id over 255 characters', { external_id: 'x'.repeat(256) }, '/task/external_id'],
      ['a missing agent', { agent: undefined }, '/task/agent'],
      ['the agent as a string', { agent: 'EMP-447' }, '/task/agent'],
      ['an agent with no id and no email', { agent: { name: 'Alex' } }, '/task/agent'],
      ['an empty agent', { agent: {} }, '/task/agent'],
      ['a blank agent external_id', { agent: { external_id: '' } }, '/task/agent/external_id'],
      ['an invalid email', { agent: { email: 'alex@' } }, '/task/agent/email'],
      ...[
        ['an email without a domain name', 'alex@localhost'],
        ['an email with two dots in a row', 'alex..smith@example.com'],
        ['an email with a space', 'alex smith@example.com'],
        ['an email local part over 64 bytes', `${'é'.repeat(33)}@example.com`],
        ['an email domain label over 63 characters', `alex@${'b'.repeat(64)}.com`],
        ['an email domain label over 63 bytes in its ASCII form', `alex@${'ü'.repeat(60)}.de`],
        ['an email domain label ending in a hyphen', 'alex@example-.com'],
        ['an email with a numeric top-level domain', 'alex@example.123'],
      ].map(([name, email]) => [name!, { agent: { email } }, '/task/agent/email'] as const),
      [
        'an email over 254 characters',
        { agent: { email: `${'a'.repeat(250)}@example.com` } },
        '/task/agent/email',
      ],
      ['a blank agent name', { agent: { external_id: 'E', name: ' ' } }, '/task/agent/name'],
      ['an unknown agent field', { agent: { external_id: 'E', team: 'x' } }, '/task/agent/team'],
      ['a missing completed_at', { completed_at: undefined }, '/task/completed_at'],
      ['a timestamp without offset', { completed_at: '2026-05-12T14:32:00' }, '/task/completed_at'],
      ['a date without time', { completed_at: '2026-05-12' }, '/task/completed_at'],
      ['30 February', { completed_at: '2026-02-30T10:00:00Z' }, '/task/completed_at'],
      [
        '29 February of a common year',
        { completed_at: '2027-02-29T10:00:00Z' },
        '/task/completed_at',
      ],
      ['hour 24', { completed_at: '2026-05-12T24:00:00Z' }, '/task/completed_at'],
      [
        'an offset of 25 hours',
        { completed_at: '2026-05-12T10:00:00+25:00' },
        '/task/completed_at',
      ],
      ['an epoch number', { completed_at: 1778596320 }, '/task/completed_at'],
      ['free text', { completed_at: 'yesterday' }, '/task/completed_at'],
      ['custom_attributes as an array', { custom_attributes: [1, 2] }, '/task/custom_attributes'],
      ['custom_attributes as a string', { custom_attributes: 'x' }, '/task/custom_attributes'],
      [
        'an empty custom attribute key',
        { custom_attributes: { '': 1 } },
        '/task/custom_attributes/',
      ],
      [
        'custom_attributes over 32 KiB',
        { custom_attributes: { blob: 'x'.repeat(33_000) } },
        '/task/custom_attributes',
      ],
      ['an unknown top-level field', { priority: 'high' }, '/task/priority'],
      ['an unpaired surrogate in external_id', { external_id: 'T-\ud800' }, '/task/external_id'],
      [
        'an unpaired surrogate in the agent external_id',
        { agent: { external_id: '\ud83d' } },
        '/task/agent/external_id',
      ],
      [
        'an unpaired surrogate in the agent name',
        { agent: { external_id: 'E', name: 'Al\udc00ex' } },
        '/task/agent/name',
      ],
      [
        'an unpaired surrogate in a custom value',
        { custom_attributes: { notes: ['fine', 'x\ud800'] } },
        '/task/custom_attributes/notes/1',
      ],
      [
        'an unpaired surrogate in a custom key',
        { custom_attributes: { 'k\udfff': 1 } },
        '/task/custom_attributes/k\udfff',
      ],
    ] as const
  ).map(
    ([name, overrides, pointer]) =>
      [name, json(taskBody(overrides)), 'application/json', 422, 'validation_failed', pointer] as [
        string,
        string,
        string,
        number,
        string,
        string,
      ],
  ),
];

describe('POST /tasks refuses bad input', () => {
  it.each(BAD_INPUTS)(
    'answers %s with a problem and writes nothing',
    async (_case, body, contentType, status, code, pointer) => {
      const organization = await createOrganization();
      const headers: Record<string, string> = contentType ? { 'Content-Type': contentType } : {};

      const response = await requestAs(organization, '/tasks', { method: 'POST', headers, body });

      expect(response.status).toBe(status);
      expect(response.headers.get('Content-Type')).toBe('application/problem+json');
      const problem = await response.json<Problem>();
      expect(problem).toMatchObject({ status, code, type: `/problems/${code}` });
      expect(problem.title).not.toBe('');
      expect(problem.detail).not.toBe('');
      expect(problem.request_id).toBe(response.headers.get('X-Request-Id'));
      if (pointer !== undefined) expect(problem.errors?.[0]?.pointer).toBe(pointer);
      expect(await tasksOf(organization.id)).toEqual([]);
      expect(await employeesOf(organization.id)).toEqual([]);
    },
  );

  it('answers 415 with Accept-Encoding for a gzip-coded body, and writes nothing', async () => {
    const organization = await createOrganization();
    const compressed = new Blob([json(taskBody())])
      .stream()
      .pipeThrough(new CompressionStream('gzip'));

    const response = await requestAs(organization, '/tasks', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' },
      body: await new Response(compressed).arrayBuffer(),
    });

    expect(response.status).toBe(415);
    expect(response.headers.get('Accept-Encoding')).toBe('identity');
    expect(await response.json()).toMatchObject({ code: 'unsupported_media_type' });
    expect(await tasksOf(organization.id)).toEqual([]);
  });

  it('answers 400 for bytes that are not UTF-8, rather than storing replacement characters', async () => {
    const organization = await createOrganization();
    const [before, after] = json(taskBody({ external_id: 'T-#' })).split('#');
    const encoder = new TextEncoder();
    const body = new Uint8Array([...encoder.encode(before), 0xff, 0xfe, ...encoder.encode(after)]);

    const response = await requestAs(organization, '/tasks', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body,
    });

    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      code: 'malformed_json',
      detail: expect.stringContaining('UTF-8'),
    });
    expect(await tasksOf(organization.id)).toEqual([]);
  });

  it('reads a body that starts with a byte-order mark', async () => {
    const organization = await createOrganization();
    const body = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(json(taskBody()))]);

    const response = await requestAs(organization, '/tasks', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json; charset=UTF-8' },
      body,
    });

    expect(response.status).toBe(201);
  });

  it('points an unknown field to custom_attributes', async () => {
    const organization = await createOrganization();

    const response = await requestAs(organization, '/tasks', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: json(taskBody({ priority: 'high' })),
    });

    const problem = await response.json<Problem>();
    expect(problem.errors).toEqual([
      { pointer: '/task/priority', message: expect.stringContaining('custom_attributes') },
    ]);
  });

  it.each([
    ['an empty key', withAttribute('', '1'), 'keys must not be empty'],
    ['a key over 255 characters', withAttribute('k'.repeat(256), '1'), 'at most 255 characters'],
    ['nesting past 32 levels', withAttribute('deep', nested(40)), 'at most 32 levels deep'],
    [
      'an unpaired surrogate in a value',
      json(taskBody({ custom_attributes: { note: 'x\ud800' } })),
      'must be valid Unicode text: it holds an unpaired surrogate',
    ],
    [
      'an unpaired surrogate in a key',
      json(taskBody({ custom_attributes: { 'k\udfff': 1 } })),
      'key must be valid Unicode text: it holds an unpaired surrogate',
    ],
  ])('explains the refusal of custom_attributes with %s', async (_case, body, message) => {
    const organization = await createOrganization();

    const response = await requestAs(organization, '/tasks', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body,
    });

    const problem = await response.json<Problem>();
    expect(problem.errors?.[0]?.message).toContain(message);
  });

  it('says that a timestamp without offset is ambiguous', async () => {
    const organization = await createOrganization();

    const response = await requestAs(organization, '/tasks', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: json(taskBody({ completed_at: '2026-05-12 14:32:00' })),
    });

    const problem = await response.json<Problem>();
    expect(problem.errors?.[0]?.message).toMatch(/ambiguous/);
  });

  it('reports every invalid field at once', async () => {
    const organization = await createOrganization();

    const response = await requestAs(organization, '/tasks', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: json({ task: { external_id: '', agent: 'x', completed_at: 'soon' } }),
    });

    const problem = await response.json<Problem>();
    expect(problem.errors?.map((error) => error.pointer)).toEqual([
      '/task/external_id',
      '/task/agent',
      '/task/completed_at',
    ]);
  });

  it('answers 413 for a body over 64 KiB without reading it as JSON', async () => {
    const organization = await createOrganization();

    const response = await requestAs(organization, '/tasks', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: json(taskBody({ custom_attributes: { blob: 'x'.repeat(70_000) } })),
    });

    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ code: 'payload_too_large' });
  });

  it('accepts null for the optional fields, meaning absent', async () => {
    const organization = await createOrganization();

    const response = await requestAs(organization, '/tasks', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json; charset=utf-8' },
      body: json(
        taskBody({
          agent: { external_id: 'E-1', email: null, name: null },
          custom_attributes: null,
        }),
      ),
    });

    expect(response.status).toBe(201);
  });
});
