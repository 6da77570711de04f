/**
 * `deno task demo`: the Keras RNN tutorial, run with Kerno. It walks through the examples of
 * `docs/examples/` in order — input shapes, what SimpleRNN/LSTM/GRU return, `summary()` and
 * parameter counts, an LSTM with fixed weights, the constant-initialized Bidirectional LSTM and
 * an encoder–decoder — printing shapes and values. Models and data are embedded; no files are
 * read besides the code.
 *
 * @module
 */
import { resetLayerNames } from "@kerno/layers";
import { EXAMPLES } from "../docs/examples/mod.ts";

/** Runs every example, printing through `print`. */
export function main(print: (line: string) => void = console.log): void {
  print("Kerno: the Keras RNN tutorial in TypeScript");
  EXAMPLES.forEach((example, i) => {
    print("");
    print(`== ${i + 1}. ${example.title}  (docs/examples/${example.id}.ts)`);
    // Fresh layer names per example (simple_rnn, dense, …), like keras.backend.clear_session().
    resetLayerNames();
    example.run(print);
  });
}

if (import.meta.main) main();
