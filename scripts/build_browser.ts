/**
 * `deno task build:browser [APP.ts WORKER.ts] [--outdir DIR] [--minify]`: bundles a page's
 * module and the pool's worker entry (a file holding `import "@kerno/kerno/worker";`) for
 * browsers, with code splitting so the worker shares the library's chunk instead of carrying a
 * second copy. It runs
 *
 * ```sh
 * deno bundle --no-lock --platform browser --format esm --code-splitting --outdir DIR APP.ts WORKER.ts
 * ```
 *
 * and prints each file's size, raw and gzipped. Keep both entries in one folder: the outputs are
 * then `DIR/app.js`, `DIR/worker.js` and `DIR/chunk-*.js`, and the page passes
 * `workerUrl: new URL("./worker.js", import.meta.url)` to `WorkerPool.create`. Without arguments
 * it builds the example page `docs/examples/browser/` into its `dist/`.
 *
 * (`--no-lock`: with the workspace's lock file, `deno bundle` would first download every npm
 * package it lists, the peers benchmark's hundreds of megabytes included.)
 *
 * @module
 */

/** One bundled file. */
export interface BundledFile {
  /** File name inside the output folder. */
  name: string;
  /** Size in bytes. */
  bytes: number;
  /** Size in bytes after gzip. */
  gzipBytes: number;
}

/** The example page's two entry points. */
export const EXAMPLE_ENTRIES: readonly string[] = [
  "docs/examples/browser/app.ts",
  "docs/examples/browser/worker.ts",
];

async function gzipSize(bytes: Uint8Array): Promise<number> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream()
    .pipeThrough(new CompressionStream("gzip"));
  return (await new Response(stream).arrayBuffer()).byteLength;
}

/**
 * Bundles `entries` into `outdir` (emptied first) and lists the files it wrote, largest first.
 * Throws with deno bundle's output when it fails.
 */
export async function buildBrowser(
  entries: readonly string[],
  outdir: string,
  options: { minify?: boolean } = {},
): Promise<BundledFile[]> {
  await Deno.remove(outdir, { recursive: true }).catch(() => {});
  const args = [
    "bundle",
    "--no-lock",
    "--platform",
    "browser",
    "--format",
    "esm",
    "--code-splitting",
    ...(options.minify ? ["--minify"] : []),
    "--outdir",
    outdir,
    ...entries,
  ];
  const out = await new Deno.Command(Deno.execPath(), {
    args,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) {
    const text = new TextDecoder().decode(out.stderr) + new TextDecoder().decode(out.stdout);
    throw new Error(`deno ${args.join(" ")} failed (exit code ${out.code}):\n${text}`);
  }
  const files: BundledFile[] = [];
  const walk = async (dir: string, prefix: string): Promise<void> => {
    for await (const e of Deno.readDir(dir)) {
      if (e.isDirectory) await walk(`${dir}/${e.name}`, `${prefix}${e.name}/`);
      else {
        const bytes = await Deno.readFile(`${dir}/${e.name}`);
        files.push({
          name: prefix + e.name,
          bytes: bytes.length,
          gzipBytes: await gzipSize(bytes),
        });
      }
    }
  };
  await walk(outdir, "");
  return files.sort((a, b) => b.bytes - a.bytes || a.name.localeCompare(b.name));
}

function kb(n: number): string {
  return `${(n / 1024).toFixed(1)} KB`;
}

/** Parses the command line, builds, prints the sizes. */
async function main(args: string[]): Promise<void> {
  let outdir: string | null = null;
  let minify = false;
  const entries: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "--outdir") outdir = args[++i];
    else if (args[i] === "--minify") minify = true;
    else entries.push(args[i]);
  }
  if (entries.length !== 0 && entries.length !== 2) {
    throw new Error(
      `expected two entry points (your module and a worker entry holding ` +
        `import "@kerno/kerno/worker"), found ${entries.length}: ${entries.join(" ")}`,
    );
  }
  const chosen = entries.length ? entries : [...EXAMPLE_ENTRIES];
  const dir = outdir ?? (entries.length ? "dist" : "docs/examples/browser/dist");
  const files = await buildBrowser(chosen, dir, { minify });
  for (const f of files) {
    console.log(
      `${f.name.padEnd(24)} ${kb(f.bytes).padStart(10)} ${kb(f.gzipBytes).padStart(10)} gzipped`,
    );
  }
  const total = files.reduce((s, f) => s + f.bytes, 0);
  const gz = files.reduce((s, f) => s + f.gzipBytes, 0);
  console.log(`${"total".padEnd(24)} ${kb(total).padStart(10)} ${kb(gz).padStart(10)} gzipped`);
  console.log(`wrote ${dir}/`);
}

if (import.meta.main) {
  await main(Deno.args).catch((e) => {
    console.error(e instanceof Error ? e.message : e);
    Deno.exit(1);
  });
}
