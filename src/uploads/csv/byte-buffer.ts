/**
 * The bytes of one field that spans chunks. It grows by doubling and is reused from field to
 * field, so a long file costs no more memory than its largest field.
 */
export class ByteBuffer {
  private bytes = new Uint8Array(1024);
  private used = 0;

  get length(): number {
    return this.used;
  }

  append(part: Uint8Array): void {
    if (this.used + part.length > this.bytes.length) {
      const grown = new Uint8Array(Math.max(this.bytes.length * 2, this.used + part.length));
      grown.set(this.view());
      this.bytes = grown;
    }

    this.bytes.set(part, this.used);
    this.used += part.length;
  }

  /** The bytes appended so far; valid until the next `append` or `clear`. */
  view(): Uint8Array {
    return this.bytes.subarray(0, this.used);
  }

  clear(): void {
    this.used = 0;
  }
}
