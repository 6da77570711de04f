/**
 * `@kerno/model` (under construction).
 *
 * @module
 */
export {};
