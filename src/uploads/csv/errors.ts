/** Why a CSV file as a whole cannot be read; a malformed row is a `problem`, not an error. */
export type CsvErrorCode = 'invalid_utf8' | 'record_too_large';

/** The file cannot be parsed past `offset`: the record that starts there is unusable. */
export class CsvError extends Error {
  override readonly name = 'CsvError';

  constructor(
    readonly code: CsvErrorCode,
    message: string,
    /** Absolute byte offset of the record that holds the problem. */
    readonly offset: number,
    /** Physical line where that record starts. */
    readonly line: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
