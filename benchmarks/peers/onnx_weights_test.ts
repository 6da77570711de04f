import { deepStrictEqual as assertEquals, throws as assertThrows } from "node:assert/strict";
import { gruDirection, lstmDirection, stackDirections, transposeGates } from "./onnx_weights.ts";

// Keras (rows=2, gates=4, units=1): value = 10·row + gate, gates i, f, c, o.
const kernel = new Float32Array([0, 1, 2, 3, 10, 11, 12, 13]);

Deno.test("transposeGates transposes and reorders gate blocks", () => {
  assertEquals([...transposeGates(kernel, 2, 1, [0, 3, 1, 2])], [0, 10, 3, 13, 1, 11, 2, 12]);
  assertEquals([...transposeGates(new Float32Array([1, 2, 3, 4]), 1, 2, [1, 0])], [3, 4, 1, 2]);
});

Deno.test("transposeGates refuses a matrix of the wrong size", () => {
  assertThrows(
    () => transposeGates(new Float32Array(5), 2, 1, [0, 1, 2, 3]),
    { name: "RangeError", message: "Expected 2×4 = 8 values, found 5" },
  );
});

Deno.test("lstmDirection gives W, R in i, o, f, c order and B = [Wb ‖ 0]", () => {
  const [W, R, B] = lstmDirection({
    kernel,
    recurrent: new Float32Array([20, 21, 22, 23]),
    bias: new Float32Array([30, 31, 32, 33]),
  }, 1);
  assertEquals([...W], [0, 10, 3, 13, 1, 11, 2, 12]);
  assertEquals([...R], [20, 23, 21, 22]);
  assertEquals([...B], [30, 33, 31, 32, 0, 0, 0, 0]);
});

Deno.test("gruDirection keeps z, r, h and splits the (2, 3H) bias into [Wb ‖ Rb]", () => {
  const [W, R, B] = gruDirection({
    kernel: new Float32Array([0, 1, 2, 10, 11, 12]),
    recurrent: new Float32Array([20, 21, 22]),
    bias: new Float32Array([30, 31, 32, 40, 41, 42]),
  }, 1);
  assertEquals([...W], [0, 10, 1, 11, 2, 12]);
  assertEquals([...R], [20, 21, 22]);
  assertEquals([...B], [30, 31, 32, 40, 41, 42]);
  assertThrows(
    () => gruDirection({ kernel, recurrent: kernel, bias: new Float32Array(3) }, 1),
    { name: "RangeError", message: "GRU with reset_after needs a (2, 3) bias, found 3 values" },
  );
});

Deno.test("stackDirections concatenates forward then backward", () => {
  const f = [new Float32Array([1]), new Float32Array([2]), new Float32Array([3])];
  const b = [new Float32Array([4]), new Float32Array([5]), new Float32Array([6])];
  const s = stackDirections([f, b]);
  assertEquals([[...s.W], [...s.R], [...s.B]], [[1, 4], [2, 5], [3, 6]]);
});
