/**
 * A multipart/form-data body that cannot be read: a broken delimiter or header, a part header
 * block over its size limit, or a body that ends before its closing delimiter.
 */
export class MultipartError extends Error {
  override readonly name = 'MultipartError';
}
