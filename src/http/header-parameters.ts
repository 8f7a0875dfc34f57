/** A header value of the form `token *( ";" name "=" ( token / quoted-string ) )`. */
export interface ParameterizedValue {
  /** The leading token, lowercased: a media type or a disposition type. */
  value: string;
  /** Parameters by lowercased name; the first of a repeated name wins. */
  parameters: Map<string, string>;
}

/**
 * Parses a `Content-Type` or `Content-Disposition` value (RFC 9110 section 5.6.6); quoted values
 * lose their quotes and escapes. Null when the syntax is broken: a parameter without `=`, a name
 * that is not a token, a quoted string never closed or followed by more than white space.
 */
export function parseParameterizedValue(header: string): ParameterizedValue | null {
  const firstSemicolon = header.indexOf(';');
  const end = firstSemicolon === -1 ? header.length : firstSemicolon;
  const value = header.slice(0, end).trim().toLowerCase();
  const parameters = new Map<string, string>();

  let position = end;
  while (position < header.length) {
    position = skipWhile(header, position, (char) => char === ';' || isWhitespace(char));
    if (position === header.length) break;

    const equals = header.indexOf('=', position);
    if (equals === -1) return null;
    const name = header.slice(position, equals).trim().toLowerCase();
    position = skipWhile(header, equals + 1, isWhitespace);

    const parsed =
      header[position] === '"' ? readQuoted(header, position) : readToken(header, position);
    if (!parsed || !isToken(name)) return null;
    if (!parameters.has(name)) parameters.set(name, parsed.text);

    position = skipWhile(header, parsed.next, isWhitespace);
    if (position < header.length && header[position] !== ';') return null;
  }

  return { value, parameters };
}

/** Whether a lowercased name is an RFC 9110 `token`, as header and parameter names must be. */
export function isToken(name: string): boolean {
  return /^[!#$%&'*+.^_`|~0-9a-z-]+$/.test(name);
}

interface Scanned {
  text: string;
  /** Index just after the value. */
  next: number;
}

/**
 * A quoted string starting at its opening quote. A backslash escapes only a quote or a backslash
 * after it: browsers and workerd send other backslashes as they are (`C:\data\tasks.csv`).
 */
function readQuoted(header: string, quote: number): Scanned | null {
  let text = '';
  let start = quote + 1;

  for (let at = start; at < header.length; at++) {
    const char = header[at];
    if (char === '"') return { text: text + header.slice(start, at), next: at + 1 };

    const next = header[at + 1];
    if (char === '\\' && (next === '"' || next === '\\')) {
      text += header.slice(start, at);
      start = at + 1;
      at++;
    }
  }
  return null;
}

/** An unquoted value: everything up to the next `;`, without surrounding white space. */
function readToken(header: string, start: number): Scanned {
  const semicolon = header.indexOf(';', start);
  const next = semicolon === -1 ? header.length : semicolon;
  return { text: header.slice(start, next).trim(), next };
}

function skipWhile(text: string, from: number, test: (char: string) => boolean): number {
  let at = from;
  while (at < text.length && test(text[at]!)) at++;
  return at;
}

function isWhitespace(char: string): boolean {
  return char === ' ' || char === '\t';
}
