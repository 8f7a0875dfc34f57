import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** Every problem the API reports, by its stable code, with its status and title. */
export const PROBLEMS = {
  bad_request: { status: 400, title: 'Bad request' },
  malformed_json: { status: 400, title: 'Malformed JSON' },
  empty_body: { status: 400, title: 'Empty request body' },
  malformed_multipart: { status: 400, title: 'Malformed multipart body' },
  invalid_cursor: { status: 400, title: 'Invalid cursor' },
  unauthorized: { status: 401, title: 'Unauthorized' },
  not_found: { status: 404, title: 'Not found' },
  route_not_found: { status: 404, title: 'No such endpoint' },
  method_not_allowed: { status: 405, title: 'Method not allowed' },
  payload_too_large: { status: 413, title: 'Payload too large' },
  unsupported_media_type: { status: 415, title: 'Unsupported media type' },
  validation_failed: { status: 422, title: 'Validation failed' },
  invalid_csv_header: { status: 422, title: 'Unusable CSV header' },
  missing_file: { status: 422, title: 'No file in the upload' },
  write_conflict: { status: 503, title: 'Too much contention, try again' },
  service_unavailable: { status: 503, title: 'Service unavailable' },
  internal_error: { status: 500, title: 'Internal server error' },
} as const satisfies Record<string, { status: ContentfulStatusCode; title: string }>;

export type ProblemCode = keyof typeof PROBLEMS;

/** One refused field of a JSON body (a JSON Pointer) or one column of a CSV header. */
export type FieldError = { pointer: string; message: string } | { column: string; message: string };

/** The one error type of the API: `onError` turns it into a problem-details response. */
export class ApiError extends Error {
  readonly status: ContentfulStatusCode;
  readonly title: string;

  constructor(
    readonly code: ProblemCode,
    readonly detail: string,
    readonly errors?: FieldError[],
    options?: { cause?: unknown; headers?: Record<string, string> },
  ) {
    super(detail, { cause: options?.cause });
    this.status = PROBLEMS[code].status;
    this.title = PROBLEMS[code].title;
    this.headers = options?.headers ?? {};
  }

  readonly headers: Record<string, string>;
}
