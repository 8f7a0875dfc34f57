import { z } from 'zod';

export const uploadIdParamsSchema = z.object({ id: z.string() });

/** The position after the last row of a page, opaque to clients. */
export const cursorSchema = z
  .string()
  .regex(/^r\d{1,10}$/, 'is not a cursor this API returned')
  .transform((cursor) => Number(cursor.slice(1)));

export function toCursor(row: number): string {
  return `r${row}`;
}

export const errorListQuerySchema = z.object({
  limit: z.coerce
    .number('must be a number')
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(1000, 'must be at most 1000')
    .default(100),
  cursor: cursorSchema.optional(),
  format: z.enum(['json', 'csv']).optional(),
});

const rowErrorSchema = z.object({
  row: z.number().int(),
  line: z.number().int(),
  external_id: z.string().nullable(),
  code: z.string(),
  field: z.string().nullable(),
  message: z.string(),
});

export const uploadSchema = z.object({
  id: z.string(),
  status: z.enum(['pending', 'processing', 'completed', 'failed']),
  filename: z.string().nullable(),
  size_bytes: z.number().int(),
  progress: z.number().min(0).max(1),
  total_rows: z.number().int().nullable(),
  processed_rows: z.number().int(),
  created_rows: z.number().int(),
  updated_rows: z.number().int(),
  unchanged_rows: z.number().int(),
  failed_rows: z.number().int(),
  errors: z.array(rowErrorSchema),
  error: z.string().nullable(),
  created_at: z.string(),
  started_at: z.string().nullable(),
  completed_at: z.string().nullable(),
  updated_at: z.string(),
});

export const rowErrorPageSchema = z.object({
  data: z.array(rowErrorSchema),
  next_cursor: z.string().nullable(),
});
