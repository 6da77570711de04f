/** `deno doc packages/kerno/mod.ts` is where a Keras user looks first: it must show the way. */
import assert from "node:assert/strict";

interface DocSymbol {
  name: string;
  declarations: {
    kind: string;
    jsDoc?: { doc?: string };
    def?: { methods?: { name: string }[]; properties?: { name: string }[] };
  }[];
}

async function kernoDoc(): Promise<Map<string, DocSymbol>> {
  const root = new URL("../", import.meta.url).pathname;
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["doc", "--json", "packages/kerno/mod.ts"],
    cwd: root,
  }).output();
  assert.equal(code, 0, new TextDecoder().decode(stderr));
  const json = JSON.parse(new TextDecoder().decode(stdout));
  const symbols = new Map<string, DocSymbol>();
  for (const node of Object.values(json.nodes) as { symbols: DocSymbol[] }[]) {
    for (const s of node.symbols) symbols.set(s.name, s);
  }
  return symbols;
}

Deno.test("deno doc of @kerno/kerno lists Model's API without its internals", async () => {
  const symbols = await kernoDoc();
  const model = symbols.get("Model")!.declarations.find((d) => d.kind === "class")!;
  const members = [...model.def!.methods!, ...model.def!.properties!].map((m) => m.name);
  for (const name of ["predict", "predictFlat", "summary", "getLayer", "inputs", "outputs"]) {
    assert.ok(members.includes(name), `Model.${name} is documented`);
  }
  for (const name of ["setGraph", "clearGraph", "graph", "prepareFor", "summaryPlan", "call"]) {
    assert.ok(!members.includes(name), `Model.${name} is internal`);
  }
});

Deno.test("deno doc of @kerno/kerno names the layers, initializers and option types", async () => {
  const symbols = await kernoDoc();
  const doc = (name: string) => symbols.get(name)?.declarations[0].jsDoc?.doc ?? "";
  for (const layer of ["`LSTM`", "`GRU`", "`SimpleRNN`", "`Bidirectional`", "`Dense`"]) {
    assert.ok(doc("layers").includes(layer), `layers names ${layer}`);
  }
  assert.match(doc("initializers"), /`GlorotUniform`/);
  for (const options of ["LSTMOptions", "GRUOptions", "BidirectionalOptions", "RNNOptions"]) {
    assert.equal(symbols.get(options)?.declarations[0].kind, "interface", options);
  }
});
