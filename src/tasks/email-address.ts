/**
 * Email addresses as mail systems deliver them (RFC 5321, with the UTF-8 of RFC 6531): a
 * dot-atom local part of at most 64 bytes, `@`, and a domain name of two or more labels.
 * Letters, marks and digits of any script count where ASCII ones do, so `José.Núñez@exemple.fr`
 * and `info@münchen.de` are addresses. Quoted local parts and address literals (`[192.0.2.1]`)
 * are not taken: no directory of employees holds them.
 */
const LETTER_OR_DIGIT = String.raw`[\p{L}\p{M}\p{N}]`;
/** RFC 5322's atext, with the letters, marks and digits of every script. */
const ATEXT = "[\\p{L}\\p{M}\\p{N}!#$%&'*+/=?^_`{|}~-]";
const LOCAL_PART = new RegExp(`^${ATEXT}+(?:\\.${ATEXT}+)*$`, 'u');
/** 1 to 63 characters, hyphens only inside. */
const LABEL = new RegExp(
  String.raw`^${LETTER_OR_DIGIT}(?:[\p{L}\p{M}\p{N}-]{0,61}${LETTER_OR_DIGIT})?$`,
  'u',
);
/** A top-level domain is letters, or the ASCII form of one that is not (`xn--p1ai`). */
const TOP_LEVEL_LABEL = /^(?:\p{L}[\p{L}\p{M}]+|xn--[a-z0-9-]+)$/iu;

const MAX_LOCAL_PART_BYTES = 64;
/** DNS carries a label of at most 63 bytes, in its ASCII form (`xn--...` for other scripts). */
const MAX_ASCII_LABEL_BYTES = 63;

const encoder = new TextEncoder();

export function isEmailAddress(value: string): boolean {
  const at = value.lastIndexOf('@');
  const local = value.slice(0, at);
  const labels = value.slice(at + 1).split('.');
  return (
    at > 0 &&
    encoder.encode(local).length <= MAX_LOCAL_PART_BYTES &&
    LOCAL_PART.test(local) &&
    labels.length >= 2 &&
    labels.every((label) => LABEL.test(label)) &&
    TOP_LEVEL_LABEL.test(labels.at(-1)!) &&
    fitsDns(value.slice(at + 1))
  );
}

/**
 * Whether the domain's labels fit DNS once in the ASCII form it carries them in: `ü` alone is
 * one character but `xn--tda` on the wire. The URL parser writes that form (IDNA), and refuses a
 * name it cannot write.
 */
function fitsDns(domain: string): boolean {
  try {
    const ascii = new URL(`http://${domain}/`).hostname;
    return ascii.split('.').every((label) => label.length <= MAX_ASCII_LABEL_BYTES);
  } catch {
    return false;
  }
}
