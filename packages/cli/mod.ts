/**
 * `@kerno/cli` (under construction).
 *
 * @module
 */
export {};
