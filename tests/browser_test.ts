/**
 * Kerno in a real browser: bundles `docs/examples/browser/` with `deno task build:browser`'s
 * function, serves it on 127.0.0.1 with the COOP/COEP headers, opens it in headless Chromium and
 * checks the page's `model.predict` and 2-worker pool outputs against Kerno's in Deno, bit for
 * bit (and against Keras's within the fixtures' tolerance). It also checks what the page is told
 * when the headers are missing, when the worker module is a 404, and when given a file path.
 *
 * Skipped, with the reason printed, where no Chromium is installed, except under `CI=true`
 * (`.ci/run` installs Debian's `chromium`), where a missing browser fails the test.
 */
import assert from "node:assert/strict";
import { readNpy } from "@kerno/io";
import { resetLayerNames } from "@kerno/layers";
import { type ExampleReport, runExample } from "../docs/examples/browser/example.ts";
import type { PageReport } from "../docs/examples/browser/app.ts";
import { serveExample } from "../docs/examples/browser/serve.ts";
import { buildBrowser, EXAMPLE_ENTRIES } from "../scripts/build_browser.ts";
import { Chromium, findChromium } from "./_chromium.ts";

const chromium = findChromium();
const inCI = Deno.env.get("CI") === "true";
if (!chromium && !inCI) {
  console.log(
    "browser_test: skipped: no Chromium on PATH (install Debian's chromium, or set CHROMIUM)",
  );
}

const CASE = new URL("./fixtures/keras/batch37_lstm_seq_state/", import.meta.url);
const EXAMPLE = new URL("../docs/examples/browser/", import.meta.url);

function floats(base64: string): Float32Array {
  const text = atob(base64);
  const bytes = Uint8Array.from(text, (c) => c.charCodeAt(0));
  return new Float32Array(bytes.buffer);
}

async function pageReport(browser: Chromium, url: string): Promise<PageReport> {
  const page = await browser.open(url);
  const report = await page.waitFor<PageReport | { error: string }>(
    "globalThis.kernoReport",
    120_000,
  );
  if ("error" in report) {
    throw new Error(`the page failed: ${report.error}\npage log:\n${page.log.join("\n")}`);
  }
  return report;
}

Deno.test("the example page's files are the Keras fixture's model and input", async () => {
  assert.deepEqual(
    await Deno.readFile(new URL("model.keras", EXAMPLE)),
    await Deno.readFile(new URL("model.keras", CASE)),
  );
  const x = readNpy(await Deno.readFile(new URL("input.npy", EXAMPLE)));
  const want = JSON.parse(await Deno.readTextFile(new URL("case.json", CASE))).inputs[0];
  assert.deepEqual(x.shape, want.shape);
  assert.deepEqual(Array.from(x.data), Array.from(Float32Array.from(want.data)));
});

Deno.test({
  name: "in headless Chromium, model.predict and a 2-worker pool give Kerno-in-Deno's bits",
  ignore: !chromium && !inCI,
  sanitizeOps: true,
  sanitizeResources: true,
  async fn() {
    if (!chromium) {
      throw new Error("CI=true, but no Chromium is installed (.ci/run installs Debian's chromium)");
    }
    const dist = await Deno.makeTempDir({ prefix: "kerno-browser-" });
    let url = "";
    const server = serveExample({ dist, onListen: (u) => (url = u) });
    try {
      await buildBrowser(EXAMPLE_ENTRIES, dist);
      resetLayerNames();
      const deno: ExampleReport = await runExample(
        new URL("model.keras", url),
        new URL("input.npy", url),
      );
      assert.equal(deno.poolError, null);
      assert.deepEqual(deno.pool, deno.predict);

      await using browser = await Chromium.launch(chromium);
      const isolated = await pageReport(browser, url);
      assert.equal(isolated.isolated, true);
      assert.deepEqual(isolated.shapes, [[37, 6, 8], [37, 8], [37, 8]]);
      assert.equal(isolated.poolError, null);
      assert.deepEqual(isolated.predict, deno.predict, "model.predict: page vs Deno");
      assert.deepEqual(isolated.pool, deno.pool, "2-worker pool: page vs Deno");

      const keras = JSON.parse(await Deno.readTextFile(new URL("case.json", CASE))).outputs as {
        data: number[];
      }[];
      isolated.predict.forEach((bits, i) => {
        const got = floats(bits);
        keras[i].data.forEach((want, j) => {
          const tol = 1e-5 + 1e-5 * Math.abs(want);
          assert.ok(Math.abs(got[j] - want) <= tol, `output ${i}[${j}]: ${got[j]} vs ${want}`);
        });
      });

      assert.equal(isolated.pathError, "model.keras: file paths need Deno; pass bytes or a URL");
      assert.equal(
        isolated.saveError,
        "copy.keras: file paths need Deno; keep the bytes of modelToBytes(model) yourself",
      );
      assert.equal(
        isolated.missingWorkerError,
        "WorkerPool could not start its workers: could not start the worker module " +
          `${url}no_such_worker.js: the server answered 404 Not Found`,
      );

      const plain = await pageReport(browser, `${url}plain/`);
      assert.equal(plain.isolated, false);
      assert.deepEqual(plain.predict, deno.predict, "model.predict without isolation");
      assert.equal(plain.pool, null);
      assert.equal(
        plain.poolError,
        "WorkerPool needs SharedArrayBuffer, which browsers give only to cross-origin isolated " +
          "pages (crossOriginIsolated is false): serve the page with the headers " +
          '"Cross-Origin-Opener-Policy: same-origin" and "Cross-Origin-Embedder-Policy: require-corp"',
      );
    } finally {
      await server.shutdown();
      await Deno.remove(dist, { recursive: true });
    }
  },
});
