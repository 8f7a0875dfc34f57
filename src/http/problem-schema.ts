import { z } from 'zod';

import { PROBLEMS } from './errors';

/** The problem-details body of every error response, described for the API document. */
export const problemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string(),
  code: z.enum(Object.keys(PROBLEMS) as [keyof typeof PROBLEMS, ...(keyof typeof PROBLEMS)[]]),
  request_id: z.string(),
  errors: z
    .array(
      z.union([
        z.object({ pointer: z.string(), message: z.string() }),
        z.object({ column: z.string(), message: z.string() }),
      ]),
    )
    .optional(),
});
