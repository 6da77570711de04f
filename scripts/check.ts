/**
 * `deno task check`: formatting, lint, type check of every package, doc lint of every entry
 * point and a publish dry-run of the workspace. Stops at the first failing step.
 *
 * @module
 */

interface Step {
  name: string;
  args: string[];
}

async function entryPoints(): Promise<string[]> {
  const out: string[] = [];
  for await (const pkg of Deno.readDir("packages")) {
    if (!pkg.isDirectory) continue;
    const config = JSON.parse(await Deno.readTextFile(`packages/${pkg.name}/deno.json`));
    const exports: Record<string, string> = typeof config.exports === "string"
      ? { ".": config.exports }
      : config.exports;
    for (const file of Object.values(exports)) {
      out.push(`packages/${pkg.name}/${file.replace(/^\.\//, "")}`);
    }
  }
  return out.sort();
}

const entries = await entryPoints();
const benchmarks: string[] = [];
for await (const f of Deno.readDir("benchmarks")) {
  if (f.isFile && f.name.endsWith(".ts")) benchmarks.push(`benchmarks/${f.name}`);
}
benchmarks.sort();
// tests/h5wasm/ has its own config and lock (tests/h5wasm/h5wasm.json): checked in its own step,
// so that the workspace's lock does not list h5wasm.
const tests: string[] = [];
for await (const f of Deno.readDir("tests")) {
  if (f.name !== "h5wasm" && (f.isDirectory || f.name.endsWith(".ts"))) {
    tests.push(`tests/${f.name}`);
  }
}
tests.sort();
const steps: Step[] = [
  { name: "fmt", args: ["fmt", "--check"] },
  { name: "lint", args: ["lint"] },
  // benchmarks/peers/ is left to `deno task check:peers` (its own config and lock,
  // benchmarks/peers/peers.json): type-checking it downloads the peers' npm packages (~600 MB,
  // onnxruntime-node's binaries for every platform), which CI must not depend on. Its own tests
  // (plain TypeScript) still run in `deno task test`.
  {
    name: "type check",
    args: ["check", "packages/", "scripts/", ...tests, "docs/", ...benchmarks],
  },
  {
    name: "type check (h5wasm tests)",
    args: ["check", "--config", "tests/h5wasm/h5wasm.json", "tests/h5wasm/"],
  },
  { name: "doc lint", args: ["doc", "--lint", ...entries] },
  { name: "publish dry-run", args: ["publish", "--dry-run", "--allow-dirty"] },
];

for (const step of steps) {
  console.log(`== ${step.name}: deno ${step.args.join(" ")}`);
  const { code } = await new Deno.Command(Deno.execPath(), { args: step.args }).spawn().status;
  if (code !== 0) {
    console.error(`check failed at step "${step.name}" (exit code ${code})`);
    Deno.exit(1);
  }
}
console.log("check: all steps passed");
