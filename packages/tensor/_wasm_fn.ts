/**
 * A small builder for the functions of the WebAssembly compute core: numbered i32 parameters,
 * locals allocated by type, and a byte body. Structured control flow is written with
 * {@linkcode WasmFn.loopWhile} and {@linkcode WasmFn.ifElse} so that branch depths never have to
 * be counted by hand.
 *
 * @module
 */
import { I32, op, V128, type WasmFunction } from "./_gemm_wasm_asm.ts";

/** A function under construction. */
export class WasmFn {
  readonly #locals: number[] = [];
  readonly #body: number[] = [];
  /** Instructions run first: the vector constants' initialisation. */
  readonly #prologue: number[] = [];
  readonly #constants = new Map<string, number>();

  /** A function `name` with `params` i32 parameters (locals 0 to params − 1). */
  constructor(readonly name: string, readonly params: number) {}

  /** A new i32 local. */
  i32(): number {
    this.#locals.push(I32);
    return this.params + this.#locals.length - 1;
  }

  /** A new v128 local. */
  v128(): number {
    this.#locals.push(V128);
    return this.params + this.#locals.length - 1;
  }

  /**
   * A v128 local holding `bytes` (16), set once at the start of the function: constants read
   * from locals are cheaper in loops than `v128.const` re-made at every use.
   */
  constant(bytes: Uint8Array): number {
    const key = bytes.join(",");
    let local = this.#constants.get(key);
    if (local === undefined) {
      local = this.v128();
      this.#constants.set(key, local);
      this.#prologue.push(0xfd, 0x0c, ...bytes, ...op.set(local));
    }
    return local;
  }

  /** {@linkcode WasmFn.constant} of four equal float32 lanes. */
  f32x4(v: number): number {
    return this.constant(new Uint8Array(new Float32Array([v, v, v, v]).buffer));
  }

  /** {@linkcode WasmFn.constant} of four equal int32 lanes. */
  i32x4(v: number): number {
    return this.constant(new Uint8Array(new Int32Array([v, v, v, v]).buffer));
  }

  /** Appends instructions. */
  emit(...parts: readonly (readonly number[])[]): void {
    for (const p of parts) for (const b of p) this.#body.push(b);
  }

  /** `local = value` for an i32 constant. */
  setConst(local: number, value: number): void {
    this.emit(op.i32(value), op.set(local));
  }

  /** `local += value` (i32 constant). */
  bump(local: number, value: number): void {
    if (value !== 0) this.emit(op.get(local), op.i32(value), op.add, op.set(local));
  }

  /** `local += other` (i32 locals). */
  bumpBy(local: number, other: number): void {
    this.emit(op.get(local), op.get(other), op.add, op.set(local));
  }

  /**
   * `while (cond) body`: `cond` leaves an i32 on the stack (non-zero to go on); `body` emits
   * the loop body.
   */
  loopWhile(cond: readonly number[], body: () => void): void {
    this.emit(op.block, op.loop, cond, op.eqz, op.brIf(1));
    body();
    this.emit(op.br(0), op.end, op.end);
  }

  /** `if (cond) then() else otherwise()`; `cond` leaves an i32 on the stack. */
  ifElse(cond: readonly number[], then: () => void, otherwise?: () => void): void {
    this.emit(cond, op.if);
    then();
    if (otherwise) {
      this.emit(op.else);
      otherwise();
    }
    this.emit(op.end);
  }

  /** The finished function. */
  build(): WasmFunction {
    const body = [...this.#prologue, ...this.#body];
    return { name: this.name, params: this.params, locals: this.#locals, body };
  }
}
