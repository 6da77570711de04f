import {
  type F32,
  ResidentArray,
  ResidentMemoryError,
  resultArray,
  RowSource,
  Tensor,
  useComputeCore,
} from "@kerno/tensor";
import type { FusedStepper, RNNCell } from "./cell.ts";

/** How the time loop runs: Keras's `backend.rnn` arguments. */
export interface LoopSpec {
  /** Process the sequence from the last timestep to the first. */
  readonly goBackwards: boolean;
  /** Return the output of every step (in processing order), not only the last. */
  readonly returnSequences: boolean;
  /** Masked steps output zeros (scan path only, as in Keras). */
  readonly zeroOutputForMask: boolean;
  /** Keras's unrolled path: a masked step repeats the previous *output* (zeros at first). */
  readonly unroll: boolean;
}

/**
 * Where the loop writes a returned sequence: the output of processing step `s` for row `b`
 * starts at `offset + b · rowStride + slot · stepStride`, with `slot = s`, or `T - 1 - s` when
 * `reverse` is set. A plain `[batch, T, width]` array is `{offset: 0, rowStride: T · width,
 * stepStride: width, reverse: false}`; Bidirectional's concat merge points both directions
 * into one array (the backward one at column `width`, reversed into forward time).
 */
export interface SequenceTarget {
  /** The array written. */
  readonly data: Float32Array;
  /** Element index of row 0, slot 0. */
  readonly offset: number;
  /** Elements between consecutive rows. */
  readonly rowStride: number;
  /** Elements between consecutive time slots. */
  readonly stepStride: number;
  /** Whether processing step `s` goes to slot `T - 1 - s`. */
  readonly reverse: boolean;
}

/** The target of a plain `[batch, T, width]` sequence in `data`. */
export function wholeSequence(data: Float32Array, T: number, width: number): SequenceTarget {
  return { data, offset: 0, rowStride: T * width, stepStride: width, reverse: false };
}

/** What the loop produces. */
export interface LoopResult {
  /**
   * `[batch, T, outputSize]` with `returnSequences` (the target's array when one was given),
   * else `[batch, outputSize]`.
   */
  readonly output: Float32Array;
  /**
   * The final states, one `[batch · size]` array per state; none when the loop was given no
   * initial states (they started at zeros and were not wanted after).
   */
  readonly states: F32[];
}

/**
 * The one time loop every recurrent layer uses (Keras's `backend.rnn`). `x` is
 * `[batch, T, features]`; `states` are the initial states (`[batch · size]` each), which the
 * fast path updates in place, or null for zeros when the final states are not wanted (no array
 * is made for them: each would be fresh pages to fault in at every call); `mask` is
 * `[batch · T]` (1 = keep) or null. Without `returnSequences`, the last output is written into
 * `last` when given (`[batch · outputSize]`, e.g. the caller's output rows), else a new array.
 *
 * At a masked step a row keeps its states; its output is the previous output (the current
 * first state of the last cell, as Keras's scan does), or zeros with `zeroOutputForMask`, or
 * the previous output (zeros at first) on the unrolled path.
 */
export function runRecurrence(
  cell: RNNCell,
  x: Tensor,
  states: F32[] | null,
  mask: Uint8Array | null,
  spec: LoopSpec,
  target: SequenceTarget | null = null,
  last: Float32Array | null = null,
): LoopResult {
  const [batch, T] = x.shape;
  const seq = spec.returnSequences
    ? target ?? wholeSequence(resultArray(batch * T * cell.outputSize), T, cell.outputSize)
    : null;
  let steppers: FusedStepper[] | null;
  try {
    steppers = cell.fusedSteppers(batch);
    if (!steppers) return runGeneric(cell, x, states, mask, spec, seq, last);
    return runFused(steppers, x, states, mask, spec, cell.outputSize, seq, last);
  } catch (e) {
    if (!(e instanceof ResidentMemoryError)) throw e;
  }
  // The call is too large for the compute core's memory (4 GiB): its JavaScript kernels run it,
  // on ordinary arrays. Nothing was computed yet: the core's buffers come before the loop.
  const was = useComputeCore(false);
  try {
    // deno-fmt-ignore
    return runFused(cell.fusedSteppers(batch)!, x, states, mask, spec, cell.outputSize, seq, last);
  } finally {
    useComputeCore(was);
  }
}

/**
 * Writes the output of one step into `out` from `h` (the output state): masked rows get zeros
 * or keep their previous output, per {@linkcode LoopSpec}.
 */
function emitOutput(
  h: F32,
  out: Float32Array,
  mask: Uint8Array | null,
  t: number,
  T: number,
  batch: number,
  width: number,
  spec: LoopSpec,
): void {
  for (let b = 0; b < batch; b++) {
    const o = b * width;
    const masked = mask !== null && mask[b * T + t] === 0;
    if (!masked || (!spec.unroll && !spec.zeroOutputForMask)) {
      for (let j = 0; j < width; j++) out[o + j] = h[o + j];
    } else if (!spec.unroll) {
      out.fill(0, o, o + width);
    } // unrolled and masked: keep the previous output
  }
}

/** Copies the output rows of processing step `s` into their slot of the sequence `seq`. */
function storeStep(rows: RowSource, seq: SequenceTarget, s: number, T: number): void {
  rows.copyTo(seq.data, seq.offset + (seq.reverse ? T - 1 - s : s) * seq.stepStride, seq.rowStride);
}

/** Input rows projected per call of the first cell's `project` (one timestep at least). */
const PROJECT_ROWS = 64;

/**
 * Input floats gathered at a time (1 MB), a whole number of projection chunks. A step's input
 * rows lie `timesteps · features` apart in the input; gathering several steps copies each row's
 * run of steps in one go, where a step at a time touched every row's cache lines again at every
 * step (measured on W1 with BLAS: the gather took 5 ms of a 78 ms call, step by step).
 */
const GATHER_FLOATS = 1 << 18;

/** Largest scratch (in floats, 4 MB) kept between calls; a larger call allocates its own. */
const KEEP_FLOATS = 1 << 20;
let kept = new Float32Array(0);

/**
 * `n` floats of scratch for the fast path: the buffer kept between calls when `n` is small
 * enough (the fast path runs only built-in steppers, so it never nests), else a new array. Its
 * contents are arbitrary.
 */
function scratch(n: number): Float32Array {
  if (n > KEEP_FLOATS) return new Float32Array(n);
  if (kept.length < n) kept = new Float32Array(Math.min(KEEP_FLOATS, Math.max(n, 2 * kept.length)));
  return kept;
}

/**
 * Copies the input rows of `steps` timesteps, from processing step `s0` on, into `xs` laid out
 * `[steps, batch, dim]`, so that each step's rows (and their projections) are contiguous.
 */
function gatherSteps(
  x: Float32Array,
  xs: Float32Array,
  s0: number,
  steps: number,
  T: number,
  batch: number,
  dim: number,
  backwards: boolean,
): void {
  // Row by row, so that each row's run of steps is read in one go.
  const stepFloats = batch * dim;
  for (let b = 0; b < batch; b++) {
    for (let q = 0; q < steps; q++) {
      const t = backwards ? T - 1 - (s0 + q) : s0 + q;
      const src = (b * T + t) * dim, o = q * stepFloats + b * dim;
      for (let j = 0; j < dim; j++) xs[o + j] = x[src + j];
    }
  }
}

/**
 * The fast path. The first cell projects its input rows (one gemm, bias folded in) a chunk of
 * timesteps at a time, at least {@linkcode PROJECT_ROWS} rows per chunk, into a
 * `[steps, batch, width]` buffer; every buffer is allocated before the loop. Per step: each
 * cell's `step` (one gemm plus a fused gate loop; upper cells of a stack first project the
 * lower cell's output, one gemm), then the output rows are copied. Nothing is allocated in the
 * loop.
 */
function runFused(
  steppers: FusedStepper[],
  x: Tensor,
  states: F32[] | null,
  mask: Uint8Array | null,
  spec: LoopSpec,
  outSize: number,
  seq: SequenceTarget | null,
  last: Float32Array | null,
): LoopResult {
  const [batch, T, dim] = x.shape;
  const w0 = steppers[0].width;
  const chunk = Math.max(1, Math.min(T, Math.ceil(PROJECT_ROWS / batch)));
  const gather = Math.min(
    Math.ceil(T / chunk) * chunk,
    chunk * Math.max(1, Math.floor(GATHER_FLOATS / (chunk * batch * dim))),
  );
  const xsLength = gather * batch * dim;
  const scratchLength = xsLength + chunk * batch * w0;
  const upperLengths = steppers.map((s, k) => k === 0 ? 0 : batch * s.width);
  const stateLengths = steppers.flatMap((s) => s.stateSizes.map((n) => batch * n));
  if (!steppers.some((s) => s.resident)) {
    const buffers: LoopBuffers = {
      scratch: scratch(scratchLength),
      upperProj: upperLengths.map((n) => new Float32Array(n)),
      states: states ?? stateLengths.map((n) => new Float32Array(n)),
      mask,
    };
    try {
      const result = fusedLoop(steppers, x, buffers, gather, chunk, spec, outSize, seq, last);
      return states === null ? { output: result.output, states: [] } : result;
    } finally {
      for (const s of steppers) s.dispose?.();
    }
  }
  // The compute core's steppers work on arrays resident in its memory: every buffer of the
  // loop is allocated there first, then viewed (an allocation may move the memory).
  const resident: ResidentArray[] = [];
  const alloc = (n: number) => {
    const r = new ResidentArray(n);
    resident.push(r);
    return r;
  };
  try {
    const scratchR = alloc(scratchLength);
    const upperR = upperLengths.map(alloc);
    const statesR = stateLengths.map(alloc);
    const maskR = mask === null ? null : alloc(Math.ceil(mask.length / 4));
    const loopStates = statesR.map((r, i) => {
      if (states === null) r.f32.fill(0);
      else r.f32.set(states[i]);
      return r.f32;
    });
    let loopMask: Uint8Array | null = null;
    if (maskR !== null && mask !== null) {
      loopMask = maskR.bytes;
      loopMask.set(mask);
    }
    const buffers: LoopBuffers = {
      scratch: scratchR.f32,
      upperProj: upperR.map((r) => r.f32),
      states: loopStates,
      mask: loopMask,
    };
    const result = fusedLoop(steppers, x, buffers, gather, chunk, spec, outSize, seq, last);
    if (states === null) return { output: result.output, states: [] };
    loopStates.forEach((s, i) => states[i].set(s));
    return { output: result.output, states };
  } finally {
    for (const s of steppers) s.dispose?.();
    for (const r of resident) r.free();
  }
}

/** The arrays the fast path works in: plain, or views of the compute core's memory. */
interface LoopBuffers {
  /** The gathered input rows of `gather` steps, then the projections of a chunk. */
  readonly scratch: Float32Array;
  /** Per cell of a stack (none for the first): the projection of the lower cell's output. */
  readonly upperProj: Float32Array[];
  /** The states, updated in place. */
  readonly states: F32[];
  /** `[batch · T]` (1 = keep), or null. */
  readonly mask: Uint8Array | null;
}

/** The time loop of the fast path over prepared buffers. */
function fusedLoop(
  steppers: FusedStepper[],
  x: Tensor,
  buffers: LoopBuffers,
  gather: number,
  chunk: number,
  spec: LoopSpec,
  outSize: number,
  seq: SequenceTarget | null,
  last: Float32Array | null,
): LoopResult {
  const [batch, T, dim] = x.shape;
  const first = steppers[0];
  const w0 = first.width;
  const { states, mask, upperProj } = buffers;
  const xsLength = gather * batch * dim;
  const xs = buffers.scratch.subarray(0, xsLength);
  const proj0 = buffers.scratch.subarray(xsLength, xsLength + chunk * batch * w0);
  const groups: F32[][] = [];
  let at = 0;
  for (const s of steppers) {
    groups.push(states.slice(at, at + s.stateSizes.length));
    at += s.stateSizes.length;
  }
  const top = groups[groups.length - 1];
  // A masked step may keep the previous output, zeros at first.
  const out = seq === null && last !== null ? last.fill(0) : new Float32Array(batch * outSize);
  // A step at a time (batches of 64 rows or more), on the native BLAS backend, the projection
  // reads the step's rows where they are in the input (T·dim apart), without the gather's copy.
  const direct = chunk === 1 && first.projectsAnyRows?.() === true;
  // The rows a step stores: the top h, or the step's output when a mask may hold some back.
  const stored = seq && new RowSource(mask === null ? top[0] : out, 0, outSize, batch, outSize);
  for (let s = 0; s < T; s++) {
    const t = spec.goBackwards ? T - 1 - s : s;
    const q = s % chunk;
    if (direct) {
      first.project(x.f32, t * dim, batch, proj0, 0, T * dim);
    } else if (q === 0) {
      const g = s % gather;
      if (g === 0) {
        gatherSteps(x.f32, xs, s, Math.min(gather, T - s), T, batch, dim, spec.goBackwards);
      }
      const steps = Math.min(chunk, T - s);
      first.project(xs, g * batch * dim, steps * batch, proj0, 0);
    }
    first.step(proj0, q * batch * w0, w0, groups[0], mask, t, T);
    for (let k = 1; k < steppers.length; k++) {
      const st = steppers[k];
      st.project(groups[k - 1][0], 0, batch, upperProj[k], 0);
      st.step(upperProj[k], 0, st.width, groups[k], mask, t, T);
    }
    if (mask !== null) {
      emitOutput(top[0], out, mask, t, T, batch, outSize, spec);
      if (seq) storeStep(stored!, seq, s, T);
    } else if (seq) {
      storeStep(stored!, seq, s, T); // unmasked: the output is h
    }
  }
  // Without a mask or a sequence to fill, only the last output matters: it is the top h.
  if (mask === null && !seq) emitOutput(top[0], out, null, 0, T, batch, outSize, spec);
  return { output: seq?.data ?? out, states };
}

/** Row-wise select: `out[b] = keep[b] ? a[b] : b[b]` over rows of `width`. */
function selectRows(
  mask: Uint8Array,
  t: number,
  T: number,
  a: F32,
  b: F32,
  batch: number,
  width: number,
): Float32Array {
  const out = new Float32Array(batch * width);
  for (let r = 0; r < batch; r++) {
    const src = mask[r * T + t] !== 0 ? a : b;
    const o = r * width;
    for (let j = 0; j < width; j++) out[o + j] = src[o + j];
  }
  return out;
}

/**
 * The path for cells without a fast path (user-written cells): the cell's Keras-style `step`
 * at each timestep, the mask applied with a row select.
 */
function runGeneric(
  cell: RNNCell,
  x: Tensor,
  initial: F32[] | null,
  mask: Uint8Array | null,
  spec: LoopSpec,
  seq: SequenceTarget | null,
  last: Float32Array | null,
): LoopResult {
  const [batch, T, dim] = x.shape;
  const sizes = cell.stateSize;
  const outSize = cell.outputSize;
  const outIndex = outputStateIndex(cell);
  if (mask && !spec.unroll && !spec.zeroOutputForMask && sizes[outIndex] !== outSize) {
    throw new TypeError(
      `Cell "${cell.name}": a masked step repeats state ${outIndex} as the output, but its ` +
        `size ${sizes[outIndex]} differs from the output size ${outSize}`,
    );
  }
  const xs = x.f32;
  let states = (initial ?? sizes.map((n) => new Float32Array(batch * n)))
    .map((d, i) => new Tensor(d, [batch, sizes[i]]));
  const out = new Float32Array(batch * outSize);
  const stored = seq && new RowSource(out, 0, outSize, batch, outSize);
  for (let s = 0; s < T; s++) {
    const t = spec.goBackwards ? T - 1 - s : s;
    const xt = new Float32Array(batch * dim);
    for (let b = 0; b < batch; b++) {
      xt.set(xs.subarray((b * T + t) * dim, (b * T + t + 1) * dim), b * dim);
    }
    const r = cell.step(new Tensor(xt, [batch, dim]), states);
    checkStep(cell, r.output, r.states, batch);
    const next = mask
      ? r.states.map((n, i) =>
        new Tensor(selectRows(mask, t, T, n.f32, states[i].f32, batch, sizes[i]), n.shape)
      )
      : r.states;
    if (mask && !spec.unroll && !spec.zeroOutputForMask) {
      // Keras's scan: a masked row outputs the (unchanged) output state.
      const y = selectRows(mask, t, T, r.output.f32, states[outIndex].f32, batch, outSize);
      out.set(y);
    } else if (mask) {
      const prev = spec.unroll ? out.slice() : new Float32Array(out.length);
      out.set(selectRows(mask, t, T, r.output.f32, prev, batch, outSize));
    } else {
      out.set(r.output.f32);
    }
    states = next;
    if (seq) storeStep(stored!, seq, s, T);
  }
  if (!seq && last !== null) last.set(out);
  return {
    output: seq?.data ?? last ?? out,
    states: initial === null ? [] : states.map((st) => st.f32),
  };
}

/** Index (in the flat states) of the state Keras repeats as a masked step's output. */
function outputStateIndex(cell: RNNCell): number {
  const cells = (cell as { cells?: readonly RNNCell[] }).cells;
  if (!cells || cells.length === 0) return 0;
  const last = cells[cells.length - 1];
  return cell.stateSize.length - last.stateSize.length + outputStateIndex(last);
}

function checkStep(cell: RNNCell, output: Tensor, states: readonly Tensor[], batch: number): void {
  const sizes = cell.stateSize;
  const bad = (t: Tensor, size: number) =>
    t.rank !== 2 || t.shape[0] !== batch || t.shape[1] !== size || t.dtype !== "float32";
  if (bad(output, cell.outputSize)) {
    throw new TypeError(
      `Cell "${cell.name}" step returned an output of shape (${output.shape.join(", ")}), ` +
        `expected float32 (${batch}, ${cell.outputSize})`,
    );
  }
  if (states.length !== sizes.length) {
    throw new TypeError(
      `Cell "${cell.name}" step returned ${states.length} states, expected ${sizes.length}`,
    );
  }
  states.forEach((s, i) => {
    if (bad(s, sizes[i])) {
      throw new TypeError(
        `Cell "${cell.name}" step returned state ${i} of shape (${s.shape.join(", ")}), ` +
          `expected float32 (${batch}, ${sizes[i]})`,
      );
    }
  });
}
