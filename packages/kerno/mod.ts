/**
 * `@kerno/kerno` (under construction).
 *
 * @module
 */
export {};
