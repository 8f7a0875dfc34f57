/**
 * Where `needle` first occurs in `haystack` at or after `from`, or where a prefix of it runs
 * into the end of `haystack` (it may continue in the next chunk); -1 when neither. The match is
 * whole when `index + needle.length <= haystack.length`. The native `indexOf` finds candidates
 * for the first byte, so bytes that cannot start a match cost no JavaScript per byte.
 */
export function findSequence(haystack: Uint8Array, needle: Uint8Array, from = 0): number {
  const first = needle[0];

  for (let at = haystack.indexOf(first!, from); at !== -1; at = haystack.indexOf(first!, at + 1)) {
    const comparable = Math.min(needle.length, haystack.length - at);
    let matched = 1;
    while (matched < comparable && haystack[at + matched] === needle[matched]) matched++;
    if (matched === comparable) return at;
  }
  return -1;
}

/**
 * The bytes read from a stream and not consumed yet. A chunk that arrives when nothing is
 * pending is adopted as it is; otherwise it is appended to storage that at least doubles when it
 * grows, so collecting a header block from tiny chunks stays linear. Bytes handed out by `take`
 * are never written again: storage is only written past the pending bytes.
 */
export class PendingBytes {
  private storage: Uint8Array = new Uint8Array(0);
  private start = 0;
  private end = 0;

  get length(): number {
    return this.end - this.start;
  }

  /** The pending bytes; valid until the next `append`. */
  view(): Uint8Array {
    return this.storage.subarray(this.start, this.end);
  }

  append(chunk: Uint8Array): void {
    if (this.length === 0) {
      this.storage = chunk;
      this.start = 0;
      this.end = chunk.length;
      return;
    }

    // An adopted chunk has no room past its end, so the stream's own memory is never written.
    if (this.end + chunk.length > this.storage.length) {
      const pending = this.view();
      this.storage = new Uint8Array(Math.max(pending.length + chunk.length, pending.length * 2));
      this.storage.set(pending);
      this.start = 0;
      this.end = pending.length;
    }

    this.storage.set(chunk, this.end);
    this.end += chunk.length;
  }

  /** Removes the first `count` pending bytes and returns them. */
  take(count: number): Uint8Array {
    const taken = this.storage.subarray(this.start, this.start + count);
    this.start += count;
    return taken;
  }

  startsWith(prefix: Uint8Array): boolean {
    if (this.length < prefix.length) return false;
    return prefix.every((byte, index) => this.storage[this.start + index] === byte);
  }
}
