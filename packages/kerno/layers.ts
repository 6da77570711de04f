/**
 * The Keras layer classes, as `keras.layers` names them. Imported as the `layers` namespace of
 * `@kerno/kerno`: `new layers.LSTM(4)`.
 *
 * @module
 */
export {
  Activation,
  Add,
  Average,
  Bidirectional,
  Concatenate,
  Dense,
  Dropout,
  Embedding,
  GRU,
  GRUCell,
  Layer,
  LSTM,
  LSTMCell,
  Masking,
  Maximum,
  Minimum,
  Multiply,
  RNN,
  RNNCell,
  SimpleRNN,
  SimpleRNNCell,
  StackedRNNCells,
  Subtract,
  TimeDistributed,
} from "@kerno/layers";
export { InputLayer } from "@kerno/model";
