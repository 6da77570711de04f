/**
 * Test helper: the layer configs of one class in a `tests/fixtures/keras-layers` case, with the
 * shapes they were built with. Not exported from `mod.ts`.
 *
 * @module
 */
import type { Shape } from "../shape.ts";

const ROOT = new URL("../../../tests/fixtures/keras-layers/", import.meta.url);

/** A serialized layer found in a case's `model_config`. */
export interface FixtureLayer {
  /** The `{module, class_name, config, …}` entry, without `name` and `inbound_nodes`. */
  entry: Record<string, unknown>;
  /** Build shapes from its `build_config`, when it has one. */
  shapes: Shape[] | null;
}

/** Every serialized `className` layer (at any depth) in case `name`'s model config. */
export function fixtureLayers(name: string, className: string): FixtureLayer[] {
  const c = JSON.parse(Deno.readTextFileSync(new URL(`${name}/case.json`, ROOT)));
  const out: FixtureLayer[] = [];
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(visit);
    else if (typeof v === "object" && v !== null) {
      const o = v as Record<string, unknown>;
      if (o.class_name === className && "config" in o) {
        const { name: _n, inbound_nodes: _i, ...entry } = o;
        const input = (o.build_config as { input_shape?: unknown } | undefined)?.input_shape;
        const shapes = input === undefined
          ? null
          : Array.isArray((input as unknown[])[0])
          ? input as Shape[]
          : [input as Shape];
        out.push({ entry, shapes });
      }
      Object.values(o).forEach(visit);
    }
  };
  visit(c.model_config);
  return out;
}
