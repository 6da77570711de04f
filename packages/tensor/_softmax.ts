/**
 * Row-wise softmax and log-softmax, in place: `x[offset, offset+length)` is cut into rows of
 * `lastDim` values; each row has its maximum subtracted before `exp`, as Keras does.
 *
 * @module
 */
import type { F32 } from "./tensor.ts";

function checkRows(name: string, length: number, lastDim: number): void {
  if (length === 0) return;
  if (!Number.isInteger(lastDim) || lastDim <= 0 || length % lastDim !== 0) {
    throw new RangeError(
      `${name}: the length ${length} must be a multiple of a positive lastDim, received lastDim ${lastDim}`,
    );
  }
}

/** exp(x − max) / Σ exp(x − max) over each row of `lastDim` values. */
export function softmax(x: F32, offset: number, length: number, lastDim: number): void {
  checkRows("softmax", length, lastDim);
  for (let row = offset, end = offset + length; row < end; row += lastDim) {
    const rowEnd = row + lastDim;
    let max = -Infinity;
    for (let i = row; i < rowEnd; i++) if (x[i] > max) max = x[i];
    let sum = 0;
    for (let i = row; i < rowEnd; i++) sum += Math.exp(x[i] - max);
    for (let i = row; i < rowEnd; i++) x[i] = Math.exp(x[i] - max) / sum;
  }
}

/** x − max − log Σ exp(x − max) over each row of `lastDim` values. */
export function logSoftmax(x: F32, offset: number, length: number, lastDim: number): void {
  checkRows("log_softmax", length, lastDim);
  for (let row = offset, end = offset + length; row < end; row += lastDim) {
    const rowEnd = row + lastDim;
    let max = -Infinity;
    for (let i = row; i < rowEnd; i++) if (x[i] > max) max = x[i];
    let sum = 0;
    for (let i = row; i < rowEnd; i++) sum += Math.exp(x[i] - max);
    const shift = max + Math.log(sum);
    for (let i = row; i < rowEnd; i++) x[i] = x[i] - shift;
  }
}
