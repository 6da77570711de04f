/**
 * What a user must build to call a model, and what comes back: each input's name, shape and
 * dtype, and each output's name, with the role of every output of a layer that returns several
 * (`bidirectional/sequence`, `bidirectional/forward_h`…).
 *
 * @module
 */
import type { PoolModel, PoolTensorSpec } from "@kerno/executor";

/** The parts of a recurrent layer (or `Bidirectional`) that decide its outputs' roles. */
interface LayerLike {
  readonly name: string;
  readonly className?: string;
  readonly returnSequences?: boolean;
  readonly returnState?: boolean;
  readonly mergeMode?: string | null;
}

interface SpecWithNode extends PoolTensorSpec {
  readonly node?: { readonly layer: LayerLike; readonly outputs?: readonly unknown[] };
  readonly index?: number;
}

function stateNames(count: number): string[] {
  if (count === 1) return ["h"];
  if (count === 2) return ["h", "c"];
  return Array.from({ length: count }, (_, i) => `state_${i}`);
}

/** The role of output `index` of `layer`, which has `count` outputs (`sequence`, `h`, `forward_c`…). */
function role(layer: LayerLike, index: number, count: number): string {
  const first = layer.returnSequences ? "sequence" : "output";
  if (layer.className === "Bidirectional") {
    const heads = layer.mergeMode === null ? [`forward_${first}`, `backward_${first}`] : [first];
    const perSide = (count - heads.length) / 2;
    const states = Number.isInteger(perSide) && layer.returnState ? stateNames(perSide) : [];
    const roles = [
      ...heads,
      ...states.map((s) => `forward_${s}`),
      ...states.map((s) => `backward_${s}`),
    ];
    return roles[index] ?? `output_${index}`;
  }
  if (layer.returnState) return index === 0 ? first : stateNames(count - 1)[index - 1];
  return `output_${index}`;
}

/**
 * Display names of `specs` (a model's inputs or outputs): the producing layer's name, and for a
 * layer with several outputs its role after a slash (`lstm/sequence`, `lstm/h`, `lstm/c`).
 */
export function tensorNames(specs: readonly PoolTensorSpec[]): string[] {
  return (specs as readonly SpecWithNode[]).map((s, i) => {
    const layer = s.node?.layer;
    if (!layer) return s.name ?? `#${i}`;
    const count = s.node?.outputs?.length ?? 1;
    return count > 1 ? `${layer.name}/${role(layer, s.index ?? 0, count)}` : layer.name;
  });
}

function shapeText(shape: readonly (number | null)[]): string {
  const dims = shape.map((d) => (d === null ? "None" : String(d)));
  return `(${dims.join(", ")}${dims.length === 1 ? "," : ""})`;
}

/**
 * Lines that tell a user what to feed `model` and what it returns, in `--input` / `--output`
 * order: name, shape (batch first, `None` where any size goes) and dtype.
 *
 * @example
 * ```ts ignore
 * describeIO(model);
 * // ["Inputs (one --input .npy each, in this order):", "  1. input_layer  (None, 5, 3)  float32", …]
 * ```
 */
export function describeIO(model: PoolModel): string[] {
  const lines: string[] = [];
  const section = (title: string, specs: readonly PoolTensorSpec[]) => {
    lines.push(title);
    const names = tensorNames(specs);
    const width = Math.max(...names.map((n) => n.length));
    specs.forEach((s, i) => {
      lines.push(`  ${i + 1}. ${names[i].padEnd(width)}  ${shapeText(s.shape)}  ${s.dtype}`);
    });
  };
  section("Inputs (one --input .npy each, in this order):", model.inputs);
  section("Outputs (one --output .npy each, in this order, or one .npz):", model.outputs);
  return lines;
}
