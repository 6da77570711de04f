/**
 * `@kerno/io` (under construction).
 *
 * @module
 */
export {};
