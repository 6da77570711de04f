/**
 * `@kerno/executor` (under construction).
 *
 * @module
 */
export {};
