/**
 * Checks what a model says about itself against Keras: total and per-layer parameter counts,
 * class names, weight shapes and variable paths, per-layer output shapes as `summary()` prints
 * them, and the rows of the summary table.
 *
 * @module
 */
import { formatShape } from "@kerno/tensor";
import type { Layer } from "@kerno/layers";
import type { Model } from "@kerno/model";
import type { FixtureLayer } from "./case.ts";
import { compareSummaries } from "./summary_rows.ts";
import { errorText } from "./check_outputs.ts";

/** What Keras reports about a model (the shared part of `case.json` and `param_counts.json`). */
export interface ExpectedStructure {
  /** `model.count_params()`. */
  total_params: number;
  /** `model.layers` with their counts, shapes and paths. */
  layers: FixtureLayer[];
  /** `model.summary()` at the default width, if recorded. */
  summary_text_default?: string;
}

/**
 * The output shape of a layer as Keras prints it: the shapes of its first call's outputs,
 * `(None, 5, 4)` for one output and `[(None, 4), (None, 4)]` for several. Null when the layer
 * was never called in a graph.
 */
export function layerOutputShapeText(layer: Layer): string | null {
  const node = layer.inboundNodes[0];
  if (!node || node.outputs.length === 0) return null;
  const shapes = node.outputs.map((t) => formatShape(t.shape));
  return shapes.length === 1 ? shapes[0] : `[${shapes.join(", ")}]`;
}

function sameList<T>(a: readonly T[], b: readonly T[]): boolean {
  return a.length === b.length && a.every((x, i) => JSON.stringify(x) === JSON.stringify(b[i]));
}

/** Options of {@linkcode checkStructure} and {@linkcode checkLayer}. */
export interface StructureCheckOptions {
  /**
   * Compare variable paths (default true). The reference fixtures record the paths of the model
   * as Keras built it in code; Keras names the variables of a model it loads from a `.keras`
   * archive differently (from the innermost layer: `forward_lstm/lstm_cell/kernel`), and so does
   * Kerno, so a fixture rebuilt from its `model.keras` is not compared on paths.
   */
  paths?: boolean;
}

/** Checks one layer against Keras's record of it; returns the problems found. */
export function checkLayer(
  layer: Layer,
  want: FixtureLayer,
  options: StructureCheckOptions = {},
): string[] {
  const problems: string[] = [];
  const where = `layer "${want.name}"`;
  if (layer.className !== want.class_name) {
    problems.push(`${where}: class ${layer.className} != Keras ${want.class_name}`);
  }
  const params = layer.countParams();
  if (params !== want.param_count) {
    problems.push(`${where}: ${params} params != Keras ${want.param_count}`);
  }
  const weights = layer.weights;
  const shapes = weights.map((w) => [...w.shape]);
  if (!sameList(shapes, want.weight_shapes)) {
    problems.push(
      `${where}: weight shapes ${JSON.stringify(shapes)} != Keras ${
        JSON.stringify(want.weight_shapes)
      }`,
    );
  }
  const paths = weights.map((w) => w.path);
  if (options.paths !== false && !sameList(paths, want.weight_paths)) {
    problems.push(
      `${where}: weight paths [${paths.join(", ")}] != Keras [${want.weight_paths.join(", ")}]`,
    );
  }
  const shapeText = layerOutputShapeText(layer);
  if (shapeText !== want.output_shape_text) {
    problems.push(`${where}: output shape ${shapeText} != Keras ${want.output_shape_text}`);
  }
  return problems;
}

/** The text `model.summary()` prints at its default width, lines joined with `\n`. */
export function captureSummary(model: Model, lineLength?: number): string {
  const lines: string[] = [];
  const print = (line: string) => void lines.push(line);
  if (lineLength === undefined) model.summary(print);
  else model.summary(print, { lineLength });
  return lines.join("\n");
}

/** Checks the counts, layers and summary of `model` against Keras's record. */
export function checkStructure(
  model: Model,
  want: ExpectedStructure,
  options: StructureCheckOptions = {},
): string[] {
  const problems: string[] = [];
  const total = model.countParams();
  if (total !== want.total_params) {
    problems.push(`total params ${total} != Keras ${want.total_params}`);
  }
  for (const w of want.layers) {
    let layer: Layer;
    try {
      layer = model.getLayer(w.name);
    } catch (e) {
      problems.push(`layer "${w.name}" not found: ${errorText(e)}`);
      continue;
    }
    if (!layer) {
      problems.push(`layer "${w.name}" not found`);
      continue;
    }
    problems.push(...checkLayer(layer, w, options));
  }
  if (want.summary_text_default !== undefined) {
    try {
      problems.push(...compareSummaries(captureSummary(model), want.summary_text_default));
    } catch (e) {
      problems.push(`summary: ${errorText(e)}`);
    }
  }
  return problems;
}
