const counters = new Map<string, number>();

/**
 * Keras's `to_snake_case`: `SimpleRNN` → `simple_rnn`, `StackedRNNCells` → `stacked_rnn_cells`,
 * `LSTMCell` → `lstm_cell`, `Conv1D` → `conv1d`, `ConvLSTM2D` → `conv_lstm2d` (a digit does not
 * start a new word).
 */
export function toSnakeCase(name: string): string {
  return name
    .replace(/\W+/g, "")
    .replace(/(.)([A-Z][a-z]+)/g, "$1_$2")
    .replace(/([a-z])([A-Z])/g, "$1_$2")
    .toLowerCase();
}

/**
 * A fresh layer name from a prefix, as Keras auto-names layers: `lstm`, then `lstm_1`, `lstm_2`…
 * The counters are global to the process, like Keras's; {@linkcode resetLayerNames} clears them.
 */
export function uniqueLayerName(prefix: string): string {
  const n = counters.get(prefix) ?? 0;
  counters.set(prefix, n + 1);
  return n === 0 ? prefix : `${prefix}_${n}`;
}

/** Resets the auto-naming counters, as `keras.backend.clear_session()` does. */
export function resetLayerNames(): void {
  counters.clear();
}
