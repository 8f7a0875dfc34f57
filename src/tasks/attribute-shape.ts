/** How deeply `custom_attributes` may nest: the object itself is level 1. */
export const MAX_CUSTOM_ATTRIBUTES_DEPTH = 32;

export const UNPAIRED_SURROGATE = 'must be valid Unicode text: it holds an unpaired surrogate';

/** JSON numbers past ±1.8e308 parse as infinite, which JSON text cannot hold: null would be stored. */
const NUMBER_TOO_LARGE =
  'must be a number of at most about ±1.8e308 (a 64-bit float); send larger ones as text';

export interface ShapeProblem {
  /** Where the problem is, from the attributes object down. */
  path: (string | number)[];
  message: string;
}

/**
 * What keeps a parsed JSON object from being stored as custom attributes and returned as sent,
 * size aside: a top-level `__proto__` key (an object built by assignment drops it), nesting past
 * MAX_CUSTOM_ATTRIBUTES_DEPTH (deep enough, it exhausts the stack of whatever serializes it), or
 * a key or text with an unpaired surrogate (which has no UTF-8 form, so storage would change it),
 * or a number too large for a 64-bit float (it would be stored as null). Null when there is none. The walk keeps its own stack, so no depth of input can overflow it.
 */
export function attributeShapeProblem(attributes: object): ShapeProblem | null {
  if (Object.hasOwn(attributes, '__proto__')) {
    return { path: ['__proto__'], message: 'cannot be an attribute name' };
  }

  const pending: { value: unknown; path: (string | number)[] }[] = [
    { value: attributes, path: [] },
  ];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const { value, path } = next;
    if (typeof value === 'string') {
      if (!value.isWellFormed()) return { path, message: UNPAIRED_SURROGATE };
      continue;
    }
    if (typeof value === 'number' && !Number.isFinite(value)) {
      return { path, message: NUMBER_TOO_LARGE };
    }
    if (typeof value !== 'object' || value === null) continue;

    if (path.length >= MAX_CUSTOM_ATTRIBUTES_DEPTH) {
      const message = `must nest at most ${MAX_CUSTOM_ATTRIBUTES_DEPTH} levels deep`;
      return { path, message };
    }
    const isArray = Array.isArray(value);
    for (const [key, inner] of Object.entries(value)) {
      const innerPath = [...path, isArray ? Number(key) : key];
      if (!key.isWellFormed()) return { path: innerPath, message: `key ${UNPAIRED_SURROGATE}` };
      pending.push({ value: inner, path: innerPath });
    }
  }
  return null;
}
