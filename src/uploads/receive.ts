import { readSettings } from '../env';
import { requireNoContentCoding, requireUtf8Charset } from '../http/body-encoding';
import { ApiError } from '../http/errors';
import { newId } from '../lib/ids';
import { wakeUpload } from '../pipeline/messages';
import type { CsvRecord } from './csv/parser';
import { readHeader } from './header';
import { findFilePart, multipartBoundary, MultipartError } from './multipart/reader';
import { insertUpload } from './repository';
import { storeStream, TooLargeError } from './storage';
import type { Upload } from './upload';

/** What multipart framing may add around the file, for the early Content-Length check. */
const MULTIPART_OVERHEAD_BYTES = 64 * 1024;

const CSV_MEDIA_TYPES = ['text/csv', 'application/csv'];

/**
 * Accepts an upload: streams the file into R2 while its header is checked, records the
 * upload as pending and wakes a consumer. A refused file leaves nothing behind.
 */
export async function receiveUpload(env: Env, request: Request, organizationId: string) {
  const { MAX_UPLOAD_BYTES: maxBytes } = readSettings(env);
  const file = await openFile(request, maxBytes);
  const id = newId('upload');
  const objectKey = `uploads/${organizationId}/${id}.csv`;

  let header: CsvRecord | undefined;
  const sizeBytes = await storeStream(env.UPLOADS, objectKey, file.body, {
    maxBytes,
    inspectStart: async (start, isWholeFile) => {
      header = await readHeader(start, isWholeFile);
    },
    declared: file.declared,
  }).catch((error: unknown) => {
    throw translate(error, maxBytes);
  });

  const now = new Date().toISOString();
  const upload: Upload = {
    ...emptyProgress(),
    id,
    organizationId,
    status: 'pending',
    filename: file.filename,
    sizeBytes,
    objectKey,
    header: header!.cells,
    nextOffset: header!.nextOffset,
    nextLine: header!.nextLine,
    // Blank lines above the header are rows of the spreadsheet too: the header is one row.
    nextRow: header!.line + 1,
    createdAt: now,
    updatedAt: now,
  };
  await insertUpload(env.DB, upload).catch(async (error: unknown) => {
    await env.UPLOADS.delete(objectKey);
    throw error;
  });

  // If this send fails the upload is still safe: the sweeper wakes pending uploads.
  await wakeUpload(env.UPLOAD_QUEUE, { upload_id: id, step: 0 }).catch((error: unknown) => {
    console.log(
      JSON.stringify({ message: 'upload wake-up failed', upload_id: id, error: String(error) }),
    );
  });
  return upload;
}

/**
 * The file's bytes and name, from a multipart part named `file` or a raw CSV body; and when the
 * request declares its length, the bytes from the file's start to the body's end, so that the
 * file can be stored with one put (see StoreOptions).
 */
async function openFile(request: Request, maxBytes: number) {
  const contentType = request.headers.get('Content-Type') ?? '';
  const mediaType = contentType.split(';')[0]!.trim().toLowerCase();
  const isMultipart = mediaType === 'multipart/form-data';
  if (!isMultipart && !CSV_MEDIA_TYPES.includes(mediaType)) {
    throw new ApiError(
      'unsupported_media_type',
      'Send the CSV as multipart/form-data (a part named `file`) or as a text/csv body.',
    );
  }

  requireNoContentCoding(request.headers);

  const declared = declaredLength(request.headers);
  if (!isMultipart && declared !== null && declared > maxBytes) {
    throw translate(new TooLargeError(maxBytes), maxBytes);
  }
  if (isMultipart && declared !== null && declared > maxBytes + MULTIPART_OVERHEAD_BYTES) {
    throw new ApiError(
      'payload_too_large',
      `The form is ${declared} bytes: it may hold a file of at most ${maxBytes} bytes and ` +
        `${MULTIPART_OVERHEAD_BYTES} bytes of other fields and framing.`,
    );
  }

  const body = request.body ?? new Blob([]).stream();
  if (!isMultipart) {
    requireUtf8Charset(contentType);
    const length = declared ?? (request.body ? null : 0);
    return {
      body,
      filename: null,
      declared: length === null ? undefined : { length, trailer: none },
    };
  }

  const boundary = multipartBoundary(contentType);
  if (!boundary) throw new ApiError('malformed_multipart', 'The Content-Type has no boundary.');
  const part = await findFilePart(body, boundary, 'file').catch((error: unknown) => {
    throw translate(error, maxBytes);
  });
  if (!part) throw new ApiError('missing_file', 'The form has no part named `file`.');
  requireUtf8Charset(part.contentType);
  const rest =
    declared === null ? undefined : { length: declared - part.offset, trailer: part.trailer };
  return { body: part.body, filename: part.filename, declared: rest };
}

/** The body's length as the request declares it, or null when it does not (a chunked body). */
function declaredLength(headers: Headers): number | null {
  const value = headers.get('Content-Length');
  return value !== null && /^\d+$/.test(value.trim()) ? Number(value) : null;
}

async function* none(): AsyncGenerator<Uint8Array, void> {}

function translate(error: unknown, maxBytes: number): unknown {
  if (error instanceof TooLargeError) {
    const mib = Math.floor(maxBytes / (1024 * 1024));
    return new ApiError(
      'payload_too_large',
      `The file must be at most ${maxBytes} bytes (${mib} MiB).`,
    );
  }
  if (error instanceof MultipartError) return new ApiError('malformed_multipart', error.message);
  return error;
}

function emptyProgress() {
  return {
    totalRows: null,
    processedRows: 0,
    createdRows: 0,
    updatedRows: 0,
    unchangedRows: 0,
    failedRows: 0,
    step: 0,
    leaseId: null,
    leaseUntil: null,
    attempts: 0,
    lastError: null,
    error: null,
    startedAt: null,
    completedAt: null,
  };
}
