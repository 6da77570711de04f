/**
 * The reference suite with the native BLAS backend on: every Keras case from its config and
 * from its three files, and every keras-wild model, within the same tolerance as on the
 * WebAssembly core (`1e-5 + 1e-5·|want|`). Skipped, with the reason printed, where no BLAS
 * library can be used (no `--allow-ffi`, none installed).
 */
import assert from "node:assert/strict";
import { useBlas } from "@kerno/tensor";
import { listCaseDirs } from "../scripts/_reference/case.ts";
import type { ModelSource } from "../scripts/_reference/load_case_model.ts";
import { formatResult, runCase } from "../scripts/_reference/run_case.ts";
import { needsOutsideData, WILD_FIXTURES } from "./_outside_data.ts";

const FIXTURES = decodeURIComponent(new URL("./fixtures/keras", import.meta.url).pathname);

const status = useBlas(true, { quiet: true });
useBlas(false);
if (!status.active) console.log(`BLAS reference tests skipped: ${status.reason}`);

async function runAll(dir: string, source?: ModelSource): Promise<number> {
  const cases = await listCaseDirs(dir);
  useBlas(true, { quiet: true });
  try {
    for (const name of cases) {
      const r = await runCase(`${dir}/${name}`, source ? { source } : {});
      assert.equal(
        r.status,
        "pass",
        `${source ?? "config"}: ` + formatResult(r) + "\n" + r.problems.join("\n"),
      );
    }
  } finally {
    useBlas(false);
  }
  return cases.length;
}

Deno.test({
  name: "reference with the BLAS backend: every fixture from its config and its three files",
  ignore: !status.active,
  async fn() {
    for (const source of [undefined, "keras", "h5", "weights"] as const) {
      assert.ok(await runAll(FIXTURES, source) >= 100);
    }
  },
});

const wild = needsOutsideData(
  "reference with the BLAS backend: every keras-wild model from its original file",
  WILD_FIXTURES,
);
Deno.test({
  name: wild.name,
  ignore: !status.active || wild.ignore,
  async fn() {
    assert.equal(await runAll(WILD_FIXTURES, "file"), 8);
  },
});
