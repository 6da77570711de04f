/**
 * The BLAS backend's tests again, on the OpenBLAS kernel Kerno chooses for this CPU. Kerno
 * honours an `OPENBLAS_CORETYPE` the environment sets, and with an older kernel (Haswell: its
 * rows depend on the number of rows) it keeps those products on the WebAssembly core, so the main
 * run then never multiplies on the library's row-independent kernels, nor runs the generated
 * one-row code that must match them bit for bit. Where the variable is set, this runs those test
 * files in a child `deno test` without it; where it is not, the main run already covers them.
 */
import assert from "node:assert/strict";
import { blasStatus, withBlas } from "@kerno/tensor";

const FILES = [
  "packages/tensor/_native_rows_test.ts",
  "packages/tensor/_native_gemm_test.ts",
  "packages/tensor/_native_choice_test.ts",
  "packages/tensor/_blas_core_test.ts",
  "packages/tensor/blas_test.ts",
  "tests/blas_bit_identity_test.ts",
  "tests/blas_reference_test.ts",
];

const root = decodeURIComponent(new URL("..", import.meta.url).pathname);
const given = Deno.env.get("OPENBLAS_CORETYPE");
const status = withBlas(true, blasStatus);
const skip = given === undefined
  ? "OPENBLAS_CORETYPE is not set: the main run already uses the kernel Kerno chooses"
  : !status.active
  ? `no BLAS library can be used (${status.reason})`
  : null;
if (skip !== null) console.log(`BLAS tests on the chosen core type skipped: ${skip}`);

Deno.test({
  name: `BLAS tests pass on the kernel Kerno chooses (without OPENBLAS_CORETYPE=${given})`,
  ignore: skip !== null,
  async fn() {
    const env = Deno.env.toObject();
    delete env.OPENBLAS_CORETYPE;
    const run = await new Deno.Command(Deno.execPath(), {
      args: [
        "test",
        "--allow-read",
        "--allow-write",
        "--allow-env",
        "--allow-run",
        "--allow-ffi",
        "--no-check",
        ...FILES,
      ],
      cwd: root,
      env: { ...env, NO_COLOR: "1" },
      clearEnv: true,
      stdout: "piped",
      stderr: "piped",
    }).output();
    const out = new TextDecoder().decode(run.stdout) + new TextDecoder().decode(run.stderr);
    const summary = out.split("\n").find((l) => /^(ok|FAILED) \| \d+ passed/.test(l)) ?? "";
    assert.equal(run.code, 0, `child deno test failed:\n${out.split("\n").slice(-40).join("\n")}`);
    assert.match(summary, /^ok \| [1-9]\d* passed/);
  },
});
