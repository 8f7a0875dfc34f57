import { zValidator } from '@hono/zod-validator';
import type { ValidationTargets } from 'hono';
import type { z } from 'zod';

import { ApiError, type FieldError } from './errors';

/** zod validation through the one error path: a 422 whose `errors` point into the input. */
export const validate = <Target extends keyof ValidationTargets, Schema extends z.ZodType>(
  target: Target,
  schema: Schema,
) =>
  zValidator(target, schema, (result) => {
    if (!result.success) throw validationError(result.error, target === 'json' ? 'body' : target);
  });

/** The zod error as field errors, one per problem, with JSON Pointers into the input. */
export function toFieldErrors(error: z.core.$ZodError): { pointer: string; message: string }[] {
  return error.issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        pointer: toPointer([...issue.path, key]),
        message: unknownFieldMessage(issue.path),
      }));
    }
    return [{ pointer: toPointer(issue.path), message: issue.message }];
  });
}

/** A 422 for a body, or for query or path parameters (whose errors name the parameter). */
export function validationError(error: z.core.$ZodError, where: string): ApiError {
  const errors: FieldError[] = toFieldErrors(error);
  const detail = `The ${where} has ${errors.length} invalid field${errors.length === 1 ? '' : 's'}.`;
  return new ApiError('validation_failed', detail, errors);
}

function unknownFieldMessage(path: PropertyKey[]): string {
  if (path.length === 0) return 'is not a field of the body; send {"task": {...}}';
  if (path.length === 1 && path[0] === 'task') {
    return 'is not a task field; put extra data in custom_attributes';
  }
  return 'is not a known field';
}

function toPointer(path: PropertyKey[]): string {
  return path.map((part) => `/${String(part).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}
