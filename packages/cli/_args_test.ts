import assert from "node:assert/strict";
import { joinDashValues } from "./_args.ts";

Deno.test("joinDashValues joins negative numbers to their option and leaves options alone", () => {
  const valued = { w: "workers", b: "batch-size" };
  assert.deepEqual(joinDashValues(["-w", "-1"], valued), ["--workers=-1"]);
  assert.deepEqual(joinDashValues(["--batch-size", "-0.5", "-q"], valued), [
    "--batch-size=-0.5",
    "-q",
  ]);
  assert.deepEqual(joinDashValues(["-w", "-q"], valued), ["-w", "-q"]);
  assert.deepEqual(joinDashValues(["-m", "-1"], valued), ["-m", "-1"]);
});
