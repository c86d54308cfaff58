/**
 * The password policy, shared so that a sign-up form can show each unmet rule before submitting.
 */
import * as z from 'zod/mini';

const encoder = new TextEncoder();
const byteLength = (value: string) => encoder.encode(value).length;

/**
 * 8..72 bytes (bcrypt reads no further than 72), with an upper-case letter, a lower-case letter,
 * a digit and a symbol. Every unmet rule is reported, each as its own issue.
 */
export const Password = z.string().check(
  z.refine((value) => byteLength(value) >= 8, 'Password must be at least 8 bytes long'),
  z.refine((value) => byteLength(value) <= 72, 'Password must be at most 72 bytes long'),
  z.regex(/\p{Lu}/u, 'Password must contain an upper-case letter'),
  z.regex(/\p{Ll}/u, 'Password must contain a lower-case letter'),
  z.regex(/\p{Nd}/u, 'Password must contain a digit'),
  z.regex(/[^\p{L}\p{Nd}\s]/u, 'Password must contain a symbol'),
);
