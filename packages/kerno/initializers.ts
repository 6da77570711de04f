/**
 * The Keras initializers, as `keras.initializers` names them. Imported as the `initializers`
 * namespace of `@kerno/kerno`: `new initializers.Constant(0.3)`.
 *
 * @module
 */
export {
  Constant,
  getInitializer as get,
  GlorotNormal,
  GlorotUniform,
  HeNormal,
  HeUniform,
  Identity,
  LecunNormal,
  LecunUniform,
  Ones,
  Orthogonal,
  RandomNormal,
  RandomUniform,
  TruncatedNormal,
  VarianceScaling,
  Zeros,
} from "@kerno/layers";
