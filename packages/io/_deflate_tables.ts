/**
 * The constant tables of DEFLATE (RFC 1951, section 3.2.5 and 3.2.7).
 *
 * @module
 */

/** Base lengths of the length symbols 257..285. */
// deno-fmt-ignore
export const LENGTH_BASE: Uint16Array = new Uint16Array([
  3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131,
  163, 195, 227, 258,
]);

/** Extra bits after the length symbols 257..285. */
// deno-fmt-ignore
export const LENGTH_EXTRA: Uint8Array = new Uint8Array([
  0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
]);

/** Base distances of the distance symbols 0..29. */
// deno-fmt-ignore
export const DIST_BASE: Uint16Array = new Uint16Array([
  1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537,
  2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577,
]);

/** Extra bits after the distance symbols 0..29. */
// deno-fmt-ignore
export const DIST_EXTRA: Uint8Array = new Uint8Array([
  0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13,
]);

/** Order in which a dynamic block sends the code lengths of the code-length alphabet. */
// deno-fmt-ignore
export const CODE_LENGTH_ORDER: readonly number[] = [
  16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15,
];
