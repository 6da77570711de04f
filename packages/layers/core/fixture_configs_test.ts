import assert from "node:assert/strict";
import { deserializeLayer, serializeLayer } from "../registry.ts";
import type { Shape } from "../shape.ts";
import "./mod.ts";

const FIXTURES = new URL("../../../tests/fixtures/keras/", import.meta.url);
const MINE = new Set([
  "Dense",
  "Embedding",
  "Masking",
  "TimeDistributed",
  "Concatenate",
  "NotEqual",
  "Any",
]);

type Entry =
  & { class_name: string; build_config?: { input_shape: unknown } }
  & Record<
    string,
    unknown
  >;

function collect(value: unknown, out: Entry[]): void {
  if (Array.isArray(value)) value.forEach((v) => collect(v, out));
  else if (typeof value === "object" && value !== null) {
    const v = value as Entry;
    if (typeof v.class_name === "string" && MINE.has(v.class_name) && "config" in v) {
      out.push(v);
      if (v.class_name === "TimeDistributed") return; // its inner Dense is checked with it
    }
    Object.values(v).forEach((x) => collect(x, out));
  }
}

Deno.test("serializeLayer(deserializeLayer(x)) equals every core-layer config in the fixtures", async () => {
  let checked = 0;
  for await (const dir of Deno.readDir(FIXTURES)) {
    if (!dir.isDirectory) continue;
    const c = JSON.parse(await Deno.readTextFile(new URL(`${dir.name}/case.json`, FIXTURES)));
    const entries: Entry[] = [];
    collect(c.model_config, entries);
    for (const entry of entries) {
      const { name: _n, inbound_nodes: _i, ...want } = entry;
      const layer = deserializeLayer(want);
      const input = entry.build_config?.input_shape as Shape | Shape[] | undefined;
      if (input) {
        const shapes = Array.isArray(input[0]) ? input as Shape[] : [input as Shape];
        layer.build(shapes, { initialState: null, extraArgs: [] });
      }
      assert.equal(
        JSON.stringify(serializeLayer(layer)),
        JSON.stringify(want),
        `${dir.name}: ${entry.class_name}`,
      );
      checked++;
    }
  }
  assert.ok(checked >= 40, `only ${checked} configs checked`);
});
