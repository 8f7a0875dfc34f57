import { MultipartError } from './errors';
import { PartScanner } from './scanner';

export { multipartBoundary } from './boundary';
export { MultipartError } from './errors';

/** The part of a multipart body that holds a file, its bytes still to be read. */
export interface FilePart {
  filename: string | null;
  contentType: string | null;
  /** Exactly the part's content; errors with a `MultipartError` if the body is cut short. */
  body: ReadableStream<Uint8Array>;
  /** Where in the multipart body the content starts. */
  offset: number;
  /**
   * Once `body` has ended: the bytes of the multipart body after the content, to its end (the
   * delimiter that ended it, then the rest of the form), for whoever stores them along.
   */
  trailer: () => AsyncIterable<Uint8Array>;
}

/**
 * Reads the body up to the part whose Content-Disposition name is `fieldName`, skipping (and
 * discarding) other parts, and returns that part's bytes as a stream; null when the body ends
 * without such a part. Throws MultipartError for a malformed body.
 *
 * Unlike `request.formData()`, nothing is buffered: a 100 MiB upload would not fit in a
 * Worker's 128 MB of memory. Once the file's stream has ended, the rest of the body is left
 * unread; cancelling that stream cancels the body.
 */
export async function findFilePart(
  body: ReadableStream<Uint8Array>,
  boundary: string,
  fieldName: string,
): Promise<FilePart | null> {
  const scanner = new PartScanner(body, boundary);
  try {
    if (!(await scanner.skipContent())) {
      throw new MultipartError('the body has no line with the boundary of its Content-Type');
    }

    for (let part = await scanner.readPartHeaders(); part; part = await scanner.readPartHeaders()) {
      if (part.name === fieldName) {
        return {
          filename: part.filename,
          contentType: part.contentType,
          body: streamPart(scanner),
          offset: scanner.position,
          trailer: () => scanner.trailer(),
        };
      }
      if (!(await scanner.skipContent())) {
        throw new MultipartError('the multipart body ended before its closing boundary');
      }
    }

    scanner.release();
    return null;
  } catch (error) {
    await scanner.cancel(error);
    throw error;
  }
}

function streamPart(scanner: PartScanner): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          const piece = await scanner.readContent();
          if (!piece || (piece.last && !(await scanner.checkDelimiterLine()))) {
            throw new MultipartError('the upload ended before the file was complete');
          }

          if (piece.bytes.length > 0) controller.enqueue(piece.bytes);
          if (piece.last) {
            scanner.release();
            controller.close();
          }
        } catch (error) {
          await scanner.cancel(error);
          throw error;
        }
      },
      cancel: (reason) => scanner.cancel(reason),
    },
    // Pulled only while the consumer waits for bytes, so the request is read no faster than the
    // file is stored.
    { highWaterMark: 0 },
  );
}
