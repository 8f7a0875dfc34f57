import { z } from 'zod';

import { parseTimestamp } from '../lib/timestamps';
import {
  attributeShapeProblem,
  MAX_CUSTOM_ATTRIBUTES_DEPTH,
  UNPAIRED_SURROGATE,
} from './attribute-shape';
import { isEmailAddress } from './email-address';

/** Largest `custom_attributes` accepted, measured as UTF-8 bytes of its JSON text. */
export const MAX_CUSTOM_ATTRIBUTES_BYTES = 32 * 1024;

const TIMESTAMP_PROBLEMS = {
  missing_offset: 'has no UTC offset, so the instant is ambiguous: add Z or an offset like +02:00',
  invalid_format: 'must be an RFC 3339 date-time with an offset, e.g. 2026-05-12T14:32:00Z',
  impossible_date: 'is not a real date and time',
  out_of_range: 'falls outside the years 0000 to 9999 in UTC',
} as const;

const required = (expected: string) => ({
  error: (issue: { input?: unknown }) =>
    issue.input === undefined ? 'is required' : `must be ${expected}`,
});

/** What the OpenAPI document says of the bounds it gives, which hold after trimming. */
const TRIMMED = 'Surrounding white space is trimmed first; the length bounds apply to the rest.';

/** A string trimmed of surrounding white space, then 1..max characters of valid Unicode. */
const text = (max: number) =>
  z
    .string(required('a string'))
    .trim()
    .min(1, 'must not be blank')
    .max(max, `must be at most ${max} characters`)
    .refine((value) => value.isWellFormed(), UNPAIRED_SURROGATE)
    .meta({ description: TRIMMED });

/** The longest task external id, agent external id or agent name. */
const MAX_TEXT_LENGTH = 255;

/** Optional fields also accept `null`, which means the same as leaving them out. */
const optional = <T extends z.ZodType>(schema: T) =>
  schema.nullish().transform((value) => value ?? undefined);

const emailSchema = z
  .string(required('a string'))
  .trim()
  .max(254, 'must be at most 254 characters')
  .refine(isEmailAddress, 'must be a valid email address')
  .meta({ format: 'idn-email', description: `Compared case-insensitively. ${TRIMMED}` });

export const agentSchema = z
  .strictObject(
    {
      external_id: optional(text(MAX_TEXT_LENGTH)),
      email: optional(emailSchema),
      name: optional(text(MAX_TEXT_LENGTH)),
    },
    required('an object with external_id, email and name'),
  )
  .refine((agent) => agent.external_id !== undefined || agent.email !== undefined, {
    message: 'needs at least one of external_id and email',
  });

const completedAtSchema = z
  .string(required('a string'))
  .meta({
    description:
      'An RFC 3339 date-time with a UTC offset or Z, `T` or a space between date and time ' +
      '(2026-05-12T16:32:00+02:00); stored and returned in UTC, to the millisecond.',
  })
  .transform((value, context) => {
    const parsed = parseTimestamp(value);
    if (parsed.ok) return parsed.utc;
    context.addIssue({ code: 'custom', message: TIMESTAMP_PROBLEMS[parsed.problem] });
    return z.NEVER;
  });

/**
 * The rules of `taskInputSchema` for `external_id` and `completed_at`, for a string, as plain
 * functions: the value the schema gives, or null where it refuses the string. An upload reads
 * these two fields of every row, and zod's own machinery cost more than the checks themselves.
 * Kept beside the schema they repeat; the row reader's differential test holds them to it.
 */
export const taskFieldRules = {
  externalId(value: string): string | null {
    const trimmed = value.trim();
    const fits = trimmed.length >= 1 && trimmed.length <= MAX_TEXT_LENGTH;
    return fits && trimmed.isWellFormed() ? trimmed : null;
  },
  completedAt(value: string): string | null {
    const parsed = parseTimestamp(value);
    return parsed.ok ? parsed.utc : null;
  },
};

/** A key of `custom_attributes`; CSV uploads check their custom columns with it once, up front. */
export const customAttributeKeySchema = z
  .string()
  .min(1, 'keys must not be empty')
  .max(255, 'keys must be at most 255 characters');

/**
 * Any JSON object within the bounds: its shape is checked on the parsed input first (see
 * `attributeShapeProblem`), since a record drops a `__proto__` key and a deep value is only safe
 * to serialize, as the size rule does, once its depth is known to be bounded.
 */
const customAttributesSchema = z
  .preprocess(
    (input, context) => {
      const problem = typeof input === 'object' && input ? attributeShapeProblem(input) : null;
      if (problem) context.addIssue({ code: 'custom', input, ...problem });
      return input;
    },
    z.record(
      customAttributeKeySchema,
      // Values come from JSON.parse or are CSV text: they are JSON already, whatever their type.
      z.unknown(),
      {
        error: (issue) =>
          // A refused key reads as the key rule that refused it.
          issue.code === 'invalid_key'
            ? issue.issues[0]?.message
            : required('a JSON object').error(issue),
      },
    ),
  )
  .refine(fitsCustomAttributes, {
    message: `must serialize to at most ${MAX_CUSTOM_ATTRIBUTES_BYTES} bytes of JSON`,
  })
  .meta({
    description:
      `Any JSON object, stored and returned as sent: at most ${MAX_CUSTOM_ATTRIBUTES_BYTES} ` +
      `bytes of UTF-8 JSON, nested at most ${MAX_CUSTOM_ATTRIBUTES_DEPTH} levels deep.`,
  });

/** One task as a source system sends it; also the shape each CSV row is turned into. */
export const taskInputSchema = z.strictObject(
  {
    external_id: text(MAX_TEXT_LENGTH),
    agent: agentSchema,
    completed_at: completedAtSchema,
    custom_attributes: optional(customAttributesSchema),
  },
  required('an object'),
);

export type TaskInput = z.output<typeof taskInputSchema>;

export const createTaskBodySchema = z.strictObject(
  { task: taskInputSchema },
  required('an object of the form {"task": {...}}'),
);

export const taskIdParamsSchema = z.object({ id: z.string() });

export const taskSchema = z.object({
  id: z.string().meta({ example: 'task_01JX6Q4ZK8M2B9T1V3W5Y7A9C0' }),
  external_id: z.string(),
  agent: z.object({
    id: z.string(),
    external_id: z.string().nullable(),
    email: z.string().nullable(),
    name: z.string().nullable(),
  }),
  completed_at: z.string(),
  custom_attributes: z.record(z.string(), z.json()),
  created_at: z.string(),
  updated_at: z.string(),
});

export type Task = z.infer<typeof taskSchema>;

const encoder = new TextEncoder();

/**
 * Whether the attributes' JSON takes at most MAX_CUSTOM_ATTRIBUTES_BYTES of UTF-8: the size
 * rule of `custom_attributes`, which an upload's row reader also applies to every row.
 */
export function fitsCustomAttributes(attributes: Record<string, unknown>): boolean {
  const maxBytes = MAX_CUSTOM_ATTRIBUTES_BYTES;
  // Text values (every CSV cell) bound their JSON without writing it: a UTF-16 unit is at
  // most 6 bytes there (a \u escape), and quotes, colon and comma add 6 per entry.
  const bound = boundOfTextValues(attributes);
  if (bound !== null && bound <= maxBytes) return true;

  const text = JSON.stringify(attributes);
  // A UTF-16 unit is at most 3 bytes of UTF-8, so most texts need no encoding to be measured.
  return text.length * 3 <= maxBytes || encoder.encode(text).length <= maxBytes;
}

/** An upper bound of the bytes of these attributes as JSON, or null if a value is not text. */
function boundOfTextValues(attributes: Record<string, unknown>): number | null {
  let bound = 2;
  for (const key in attributes) {
    const value = attributes[key];
    if (typeof value !== 'string') return null;
    bound += 6 * (key.length + value.length) + 6;
  }
  return bound;
}
