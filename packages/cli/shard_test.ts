/**
 * `kerno predict --shard I/N` in separate processes, `kerno join`, and what a killed run leaves
 * behind, on a Keras fixture model.
 */
import assert from "node:assert/strict";
import { readNpy, writeNpy } from "@kerno/io";
import { Tensor } from "@kerno/tensor";
import { runMain as run } from "./_test_util.ts";

const MODEL = new URL("../../tests/fixtures/keras/lstm_seq_state/model.keras", import.meta.url)
  .pathname;
const MAIN = new URL("./main.ts", import.meta.url).pathname;
const OUTPUTS = ["seq", "h", "c"];

function kernoProcess(args: string[]): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-read", "--allow-write", "--allow-env", MAIN, ...args],
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

/** `rows` sequences of shape (5, 3), the fixture model's input. */
function sequences(rows: number): Tensor {
  const data = Float32Array.from({ length: rows * 15 }, (_, i) => Math.sin(i * 0.61) * 0.9);
  return new Tensor(data, [rows, 5, 3]);
}

async function inTempDir(body: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "kerno_shard_" });
  try {
    await body(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

async function names(dir: string): Promise<string[]> {
  const out: string[] = [];
  for await (const e of Deno.readDir(dir)) out.push(e.name);
  return out.sort();
}

Deno.test("--shard I/3 in three processes, joined, is bit-identical to one run", async () => {
  await inTempDir(async (dir) => {
    await Deno.writeFile(`${dir}/x.npy`, writeNpy(sequences(101)));
    const common = ["-m", MODEL, "-i", `${dir}/x.npy`, "-b", "8", "--window-rows", "10"];
    const shards = [0, 1, 2].map((i) =>
      kernoProcess([
        "predict",
        ...common,
        "--shard",
        `${i}/3`,
        ...OUTPUTS.flatMap((o) => ["-o", `${dir}/${o}.${i}.npy`]),
      ])
    );
    const results = await Promise.all(shards.map((p) => p.output()));
    const said = results.map((r) => new TextDecoder().decode(r.stdout));
    results.forEach((r, i) => assert.equal(r.code, 0, new TextDecoder().decode(r.stderr) + i));
    // 101 rows = 13 batches of 8: shards of 4, 4 and 5 batches.
    assert.match(said[0], /^predicted 32 sequences \(rows 0:32\) in /);
    assert.match(said[1], /^predicted 32 sequences \(rows 32:64\) in /);
    assert.match(said[2], /^predicted 37 sequences \(rows 64:101\) in /);

    const whole = await run([
      "predict",
      ...common,
      "-q",
      ...OUTPUTS.flatMap((o) => ["-o", `${dir}/${o}.npy`]),
    ]);
    assert.equal(whole.code, 0, whole.err);
    for (const o of OUTPUTS) {
      const joined = await run([
        "join",
        "-o",
        `${dir}/${o}.joined.npy`,
        ...[0, 1, 2].map((i) => `${dir}/${o}.${i}.npy`),
      ]);
      assert.equal(joined.code, 0, joined.err);
      const want = await Deno.readFile(`${dir}/${o}.npy`);
      assert.deepEqual(await Deno.readFile(`${dir}/${o}.joined.npy`), want, `${o} bit for bit`);
    }
    assert.ok((await names(dir)).every((n) => !n.includes("partial")), "no temporary files");
  });
});

Deno.test("--rows computes one slice; a stateful model refuses slices", async () => {
  await inTempDir(async (dir) => {
    await Deno.writeFile(`${dir}/x.npy`, writeNpy(sequences(20)));
    const outs = (tag: string) => OUTPUTS.flatMap((o) => ["-o", `${dir}/${o}.${tag}.npy`]);
    const base = ["predict", "-m", MODEL, "-i", `${dir}/x.npy`, "-q"];
    assert.equal((await run([...base, ...outs("all")])).code, 0);
    assert.equal((await run([...base, "--rows", "0:7", ...outs("a")])).code, 0);
    assert.equal((await run([...base, "--rows", "7:", ...outs("b")])).code, 0);
    assert.equal(
      (await run(["join", "-q", "-o", `${dir}/h.ab.npy`, `${dir}/h.a.npy`, `${dir}/h.b.npy`])).code,
      0,
    );
    assert.deepEqual(
      await Deno.readFile(`${dir}/h.ab.npy`),
      await Deno.readFile(`${dir}/h.all.npy`),
    );

    // 20 rows are one batch: shard 0 of 3 is empty, and still writes its (empty) outputs.
    const empty = await run([...base, "--shard", "0/3", ...outs("e")]);
    assert.equal(empty.code, 0, empty.err);
    assert.deepEqual(readNpy(await Deno.readFile(`${dir}/h.e.npy`)).shape, [0, 4]);
    assert.deepEqual(readNpy(await Deno.readFile(`${dir}/seq.e.npy`)).shape, [0, 5, 4]);

    const late = await run([...base, "--rows", "21:30", ...outs("late")]);
    assert.equal(late.code, 2);
    assert.equal(
      late.err.split("\n")[0],
      "kerno predict: --rows 21:30 starts after the last row (the input has 20 rows)",
    );
    const stateful =
      new URL("../../tests/fixtures/keras/stateful_lstm/model.keras", import.meta.url)
        .pathname;
    const refused = await run([
      "predict",
      "-m",
      stateful,
      "-i",
      `${dir}/x.npy`,
      "--shard",
      "0/2",
      "-o",
      `${dir}/s.npz`,
    ]);
    assert.equal(refused.code, 2);
    assert.match(refused.err, /^kerno predict: --shard cannot be used with a stateful model/);
    assert.deepEqual(
      (await names(dir)).filter((n) => n.includes(".late.") || n.startsWith("s.")),
      [],
    );
  });
});

Deno.test("a killed run leaves the previous outputs; the next run removes its temporary files", async () => {
  await inTempDir(async (dir) => {
    await Deno.writeFile(`${dir}/x.npy`, writeNpy(sequences(4000)));
    for (const o of OUTPUTS) await Deno.writeTextFile(`${dir}/${o}.npy`, "previous");
    const outs = OUTPUTS.flatMap((o) => ["-o", `${dir}/${o}.npy`]);
    // One row per window: slow enough to be killed while writing.
    const child = kernoProcess([
      "predict",
      "-m",
      MODEL,
      "-i",
      `${dir}/x.npy`,
      "--window-rows",
      "1",
      "-q",
      ...outs,
    ]);
    for (let i = 0; !(await names(dir)).some((n) => n.includes(".kerno-partial-")); i++) {
      assert.ok(i < 3000, "the run created its temporary files");
      await new Promise((r) => setTimeout(r, 10));
    }
    child.kill("SIGKILL");
    const status = await child.output();
    assert.equal(status.signal, "SIGKILL");
    for (const o of OUTPUTS) assert.equal(await Deno.readTextFile(`${dir}/${o}.npy`), "previous");
    assert.ok((await names(dir)).some((n) => n.includes(".kerno-partial-")));

    const again = await run([
      "predict",
      "-m",
      MODEL,
      "-i",
      `${dir}/x.npy`,
      "--rows",
      "0:3",
      "-q",
      ...outs,
    ]);
    assert.equal(again.code, 0, again.err);
    assert.deepEqual(await names(dir), ["c.npy", "h.npy", "seq.npy", "x.npy"]);
  });
});
