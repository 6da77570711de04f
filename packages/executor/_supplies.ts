/**
 * Whether the pool's workers can rebuild a model: its Lambda layers need a body from a setup
 * module, its layers of classes Kerno does not have need the class. The refusal names every such
 * layer and says how to supply it.
 *
 * @module
 */
import { findLambdaLayers, type LambdaLayerInfo } from "@kerno/model";
import { shapeToString } from "@kerno/layers";
import { allLayers, layerClasses } from "./_layer_tree.ts";
import type { SetupReport } from "./setup.ts";
import type { PoolModel } from "./types.ts";

/** A layer of a class the workers cannot build. */
interface MissingClass {
  readonly layer: string;
  readonly className: string;
}

function describeLambda(info: LambdaLayerInfo): string {
  const input = info.inputShapes ? info.inputShapes.map(shapeToString).join(", ") : "?";
  const output = info.outputShape ? shapeToString(info.outputShape) : "?";
  return `Lambda layer "${info.name}": input ${input} -> output ${output} (needs its body)`;
}

/** Every `class_name` written in a config. */
function classNamesIn(v: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(v)) v.forEach((x) => classNamesIn(x, out));
  else if (typeof v === "object" && v !== null) {
    const { class_name } = v as { class_name?: unknown };
    if (typeof class_name === "string") out.add(class_name);
    Object.values(v).forEach((x) => classNamesIn(x, out));
  }
  return out;
}

/**
 * The model's layers whose class the workers would have to build from the config and cannot
 * (a layer built inside another, such as ConvLSTM2D's cell, never is).
 */
function missingClasses(model: PoolModel, config: unknown, report: SetupReport): MissingClass[] {
  const known = new Set(report.classes);
  const written = classNamesIn(config);
  const out: MissingClass[] = [];
  for (const layer of allLayers(model.layers)) {
    const { className, name } = layer as { className?: unknown; name?: unknown };
    if (typeof className !== "string" || known.has(className) || !written.has(className)) {
      continue;
    }
    out.push({ layer: typeof name === "string" ? name : "?", className });
  }
  return out;
}

function modulesText(report: SetupReport): string {
  if (report.modules.length === 0) return "no setup module was given";
  const lambdas = report.lambdas.length === 0
    ? "no lambdas"
    : `lambdas for ${report.lambdas.map((n) => `"${n}"`).join(", ")}`;
  return `the setup module${report.modules.length === 1 ? "" : "s"} ${
    report.modules.join(", ")
  } supply ${lambdas}`;
}

/**
 * The refusal for a model the workers cannot rebuild with what their setup modules supply, or
 * `null` when they can.
 */
export function unsuppliedLayers(
  model: PoolModel,
  json: string,
  report: SetupReport,
): string | null {
  const supplied = new Set(report.lambdas);
  const config = JSON.parse(json);
  const lambdas = findLambdaLayers(config).filter((l) => !supplied.has(l.name));
  const classes = missingClasses(model, config, report);
  if (lambdas.length === 0 && classes.length === 0) return null;
  const lines = [
    ...lambdas.map(describeLambda),
    ...classes.map((c) => `layer "${c.layer}" of class ${c.className} (needs the class)`),
  ];
  const exports = [
    lambdas.length > 0
      ? `lambdas = { ${lambdas.map((l) => `"${l.name}": (x) => …`).join(", ")} }`
      : "",
    classes.length > 0
      ? `customObjects = { ${
        [...new Set(classes.map((c) => c.className))].map((c) => `${c}: (config, options) => …`)
          .join(", ")
      } }`
      : "",
  ].filter((s) => s !== "");
  return `Model "${model.name ?? "model"}" cannot run in the worker pool: its workers rebuild it ` +
    `from its config and cannot receive functions, and ${modulesText(report)}. Missing:\n` +
    lines.map((l) => `  - ${l}`).join("\n") + "\n" +
    `Give the pool a setup module that every worker imports before building models, ` +
    `WorkerPool.create({ setup: new URL("./my_layers.ts", import.meta.url) }) (kerno predict ` +
    `--setup my_layers.ts), exporting ${exports.join(" and ")}` +
    (classes.length > 0 ? " (or registering the classes with registerLayer)" : "") +
    `; see the guide's "Lambda and custom layers".`;
}

/**
 * The refusal for a model whose rebuilt copy in a worker has other layer classes than the model
 * itself (`workerClasses` from {@linkcode layerClasses}), or `null` when they agree: a class of
 * the user's under a built-in Keras name (passed to `loadModel` in `customObjects`) is rebuilt as
 * the built-in class unless a setup module supplies it, and would give other numbers.
 */
export function classMismatch(model: PoolModel, workerClasses: readonly string[]): string | null {
  const layers = allLayers(model.layers);
  const here = layerClasses(model.layers);
  const diffs = here.flatMap((c, i) => {
    if (c === workerClasses[i]) return [];
    const { name, className } = layers[i] as { name?: unknown; className?: unknown };
    return [
      `layer "${String(name)}" (Keras class ${String(className)}) is a ${c} here, but the ` +
      `workers built it as ${workerClasses[i] ?? "(nothing)"}`,
    ];
  });
  if (diffs.length === 0 && here.length === workerClasses.length) return null;
  if (diffs.length === 0) {
    diffs.push(`the model has ${here.length} layers, the workers' copy ${workerClasses.length}`);
  }
  return `Model "${model.name ?? "model"}" cannot run in the worker pool: its workers rebuilt it ` +
    `with other layer classes, which would give other numbers:\n` +
    diffs.map((d) => `  - ${d}`).join("\n") + "\n" +
    `Give the pool a setup module (WorkerPool.create({ setup })) exporting the classes the model ` +
    `was loaded with, customObjects = { ClassName: (config, options) => … }; see the guide's ` +
    `"Lambda and custom layers".`;
}
