/**
 * Every ```ts snippet of README.md and docs/guide.md runs as written: each is type-checked, then
 * run in a folder holding the files snippets name (`model.keras`, `x.npy`, `config.json`,
 * `model.weights.h5`, `attention.keras`, a copy of `docs/examples/`). A snippet whose first line
 * is `// NAME.ts: …` is also written as `NAME.ts`, for the others to import. Blocks marked
 * ```ts ignore are not run (the text says why).
 */
import assert from "node:assert/strict";
import {
  Input,
  layers,
  Model,
  resetLayerNames,
  saveModel,
  saveWeights,
  type SymbolicTensor,
  Tensor,
  tensor,
  writeNpy,
} from "@kerno/kerno";

const ROOT = decodeURIComponent(new URL("../", import.meta.url).pathname);
const DOCS = ["README.md", "docs/guide.md"];

interface Snippet {
  where: string;
  code: string;
}

/** The ```ts blocks of a markdown file (not ```ts ignore), each with the line of its fence. */
export function tsBlocks(file: string, text: string): Snippet[] {
  const out: Snippet[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].trim() !== "```ts") continue;
    const start = i + 1;
    let end = start;
    while (end < lines.length && lines[end].trim() !== "```") end++;
    out.push({ where: `${file}:${start}`, code: lines.slice(start, end).join("\n") + "\n" });
    i = end;
  }
  return out;
}

/** `K.reverse(x, axes=1)` on `(batch, time, features)`. */
function reverseTime(x: Tensor | Tensor[]): Tensor {
  const t = x as Tensor;
  const [b, steps, f] = t.shape;
  const out = new Float32Array(t.size);
  for (let r = 0; r < b; r++) {
    for (let s = 0; s < steps; s++) {
      for (let k = 0; k < f; k++) {
        out[(r * steps + steps - 1 - s) * f + k] = t.f32[(r * steps + s) * f + k];
      }
    }
  }
  return new Tensor(out, t.shape);
}

/**
 * The files the snippets open: an LSTM(128) model on (5, 3) sequences and 8 rows of input; a
 * model with a Lambda layer ("reverse") and an Attention layer on the same sequences; the guide's
 * examples.
 */
async function prepareFolder(dir: string): Promise<void> {
  resetLayerNames();
  const inputs = Input({ shape: [5, 3] });
  const model = new Model({ inputs, outputs: new layers.LSTM(128).apply(inputs) });
  await saveModel(model, `${dir}/model.keras`);
  const seq = new layers.LSTM(4, { returnSequences: true }).apply(inputs) as SymbolicTensor;
  const reversed = new layers.Lambda(reverseTime, { name: "reverse" }).apply(seq);
  const attention = new layers.Attention().apply([seq, reversed as SymbolicTensor]);
  await saveModel(
    new Model({ inputs, outputs: attention as SymbolicTensor }),
    `${dir}/attention.keras`,
  );
  await Deno.mkdir(`${dir}/docs/examples`, { recursive: true });
  for await (const entry of Deno.readDir(`${ROOT}docs/examples`)) {
    if (!entry.isFile || !entry.name.endsWith(".ts")) continue;
    await Deno.copyFile(`${ROOT}docs/examples/${entry.name}`, `${dir}/docs/examples/${entry.name}`);
  }
  await saveWeights(model, `${dir}/model.weights.h5`);
  await Deno.writeTextFile(`${dir}/config.json`, model.toJSON());
  const x = Float32Array.from({ length: 8 * 5 * 3 }, (_, i) => Math.sin(i));
  await Deno.writeFile(`${dir}/x.npy`, writeNpy(tensor(x, [8, 5, 3])));
}

async function deno(args: string[], cwd: string) {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args,
    cwd,
    env: { NO_COLOR: "1" },
  }).output();
  const text = new TextDecoder().decode(stdout) + new TextDecoder().decode(stderr);
  return { code, text };
}

Deno.test("tsBlocks finds ```ts blocks and skips ```ts ignore", () => {
  const md = "a\n```ts\nconst x = 1;\n```\n```ts ignore\nno\n```\n```sh\nls\n```\n";
  assert.deepEqual(tsBlocks("m.md", md), [{ where: "m.md:2", code: "const x = 1;\n" }]);
});

Deno.test("every ts snippet of README.md and docs/guide.md type-checks and runs", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "kerno_snippets_" });
  try {
    await prepareFolder(dir);
    const snippets: Snippet[] = [];
    for (const file of DOCS) {
      snippets.push(...tsBlocks(file, await Deno.readTextFile(`${ROOT}${file}`)));
    }
    assert.ok(snippets.length >= 8, `found ${snippets.length} snippets`);
    const files = snippets.map((_, i) => `snippet_${i}.ts`);
    for (const [i, s] of snippets.entries()) {
      await Deno.writeTextFile(`${dir}/${files[i]}`, s.code);
      const named = /^\/\/ (\w+\.ts):/.exec(s.code);
      if (named) await Deno.writeTextFile(`${dir}/${named[1]}`, s.code);
    }
    const config = ["--no-lock", "--config", `${ROOT}deno.json`];
    const checked = await deno(["check", ...config, ...files], dir);
    assert.equal(checked.code, 0, checked.text);
    for (const [i, s] of snippets.entries()) {
      await t.step(s.where, async () => {
        const perms = ["--allow-read", "--allow-write", "--allow-env", "--allow-ffi"];
        const ran = await deno(["run", ...config, ...perms, files[i]], dir);
        assert.equal(ran.code, 0, `${s.where}:\n${ran.text}`);
      });
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
