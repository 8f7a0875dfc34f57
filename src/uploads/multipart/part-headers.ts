import { MultipartError } from './errors';
import { isToken, parseParameterizedValue } from '../../http/header-parameters';

/** What a part's headers say about it. */
export interface PartHeaders {
  /** The `name` of its `Content-Disposition: form-data`; null for a part without one. */
  name: string | null;
  filename: string | null;
  contentType: string | null;
}

// Part headers are UTF-8 in practice: browsers and curl send non-ASCII filenames unencoded.
const decoder = new TextDecoder('utf-8');

/**
 * Parses the bytes between a boundary and the blank line after the part's headers: the rest of
 * the delimiter line (transport padding, RFC 2046 section 5.1.1), then one header per line.
 * Header names are case-insensitive; a line starting with white space continues the previous one.
 */
export function parsePartHeaders(block: Uint8Array): PartHeaders {
  const [padding = '', ...lines] = decoder.decode(block).split('\r\n');
  if (!/^[ \t]*$/.test(padding)) {
    throw new MultipartError('a boundary is followed by other text on its line');
  }

  const headers = new Map<string, string>();
  let previous: string | null = null;
  for (const line of lines) {
    if (previous !== null && /^[ \t]/.test(line)) {
      headers.set(previous, `${headers.get(previous)} ${line.trim()}`);
      continue;
    }

    const colon = line.indexOf(':');
    const name = line.slice(0, colon).trim().toLowerCase();
    if (colon === -1 || !isToken(name)) {
      throw new MultipartError(`a part has a malformed header: ${line}`);
    }
    if (!headers.has(name)) headers.set(name, line.slice(colon + 1).trim());
    previous = name;
  }

  return {
    ...parseDisposition(headers.get('content-disposition')),
    contentType: headers.get('content-type') || null,
  };
}

function parseDisposition(header: string | undefined): Pick<PartHeaders, 'name' | 'filename'> {
  if (header === undefined) return { name: null, filename: null };

  const disposition = parseParameterizedValue(header);
  if (!disposition) {
    throw new MultipartError(`a part has a malformed Content-Disposition: ${header}`);
  }
  if (disposition.value !== 'form-data') return { name: null, filename: null };

  const { parameters } = disposition;
  const name = parameters.get('name');
  const filename = parameters.get('filename');
  const extendedFilename = parameters.get('filename*');
  const decodedFilename =
    (extendedFilename === undefined ? null : decodeExtendedValue(extendedFilename)) ??
    (filename === undefined ? null : decodeFormName(filename));
  return {
    name: name === undefined ? null : decodeFormName(name),
    // Browsers send `filename=""` for a file input left empty: that is no name at all.
    filename: decodedFilename || null,
  };
}

/**
 * Browsers and curl (since 7.81) write `"`, CR and LF in names and filenames as `%22`, `%0D` and
 * `%0A`, as HTML's form encoding says (workerd does it for `"` and LF). Readers that follow the
 * WHATWG multipart parsing draft turn them back, and so do we; other percent signs are literal.
 */
function decodeFormName(value: string): string {
  return value.replace(/%22|%0D|%0A/gi, (escape) => ESCAPED[escape.toUpperCase()]!);
}

const ESCAPED: Record<string, string> = { '%22': '"', '%0D': '\r', '%0A': '\n' };

/**
 * An RFC 8187 (formerly 5987) `charset'language'percent-encoded` value, as in
 * `filename*=UTF-8''t%C3%A2ches.csv`; null when it cannot be decoded, so that `filename` counts.
 */
function decodeExtendedValue(value: string): string | null {
  const match = /^([\w!#$%&+^`{}~-]+)'[^']*'(.*)$/.exec(value);
  if (!match) return null;

  const [, charset = '', encoded = ''] = match;
  const bytes = percentDecode(encoded);
  if (!bytes) return null;

  switch (charset.toLowerCase()) {
    case 'utf-8':
      try {
        return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
      } catch {
        return null;
      }
    case 'iso-8859-1':
      return String.fromCharCode(...bytes);
    default:
      return null;
  }
}

function percentDecode(encoded: string): Uint8Array | null {
  const bytes: number[] = [];
  for (let at = 0; at < encoded.length; at++) {
    const code = encoded.charCodeAt(at);
    if (code <= 0x20 || code >= 0x7f) return null;
    if (code !== 0x25) {
      bytes.push(code);
      continue;
    }

    const hex = encoded.slice(at + 1, at + 3);
    if (!/^[0-9a-f]{2}$/i.test(hex)) return null;
    bytes.push(Number.parseInt(hex, 16));
    at += 2;
  }
  return Uint8Array.from(bytes);
}
