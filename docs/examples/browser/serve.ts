/**
 * Serves the browser example on 127.0.0.1 with the headers that make a page cross-origin
 * isolated (`SharedArrayBuffer`, needed by the `WorkerPool`):
 *
 * ```sh
 * deno task build:browser
 * deno run --allow-net=127.0.0.1 --allow-read docs/examples/browser/serve.ts   # then open the URL
 * ```
 *
 * Under `/plain/` the same files are served without those headers (the pool then refuses to
 * start and says which headers are missing).
 *
 * @module
 */

/** The headers that make a page cross-origin isolated. */
export const ISOLATION_HEADERS: Readonly<Record<string, string>> = {
  "Cross-Origin-Opener-Policy": "same-origin",
  "Cross-Origin-Embedder-Policy": "require-corp",
};

const TYPES: Record<string, string> = {
  html: "text/html; charset=utf-8",
  js: "text/javascript; charset=utf-8",
  map: "application/json",
  keras: "application/octet-stream",
  npy: "application/octet-stream",
};

/** Options of {@linkcode serveExample}. */
export interface ServeOptions {
  /** The example folder (default: this file's folder). */
  dir?: string;
  /** Where the bundle is (default `<dir>/dist`), served under `/dist/`. */
  dist?: string;
  /** Port (default 0: any free port). */
  port?: number;
  /** Called with the page's URL once listening. */
  onListen?: (url: string) => void;
}

/** Starts the server; `shutdown()` it when done. */
export function serveExample(options: ServeOptions = {}): Deno.HttpServer {
  const dir = options.dir ?? decodeURIComponent(new URL(".", import.meta.url).pathname);
  const dist = options.dist ?? `${dir}/dist`;
  return Deno.serve({
    hostname: "127.0.0.1",
    port: options.port ?? 0,
    onListen: ({ port }) => options.onListen?.(`http://127.0.0.1:${port}/`),
  }, async (request) => {
    let path = new URL(request.url).pathname;
    const plain = path.startsWith("/plain/");
    if (plain) path = path.slice("/plain".length);
    if (path === "/") path = "/index.html";
    const parts = path.split("/").slice(1);
    if (parts.some((p) => p === "" || p === "." || p === "..")) {
      return new Response("not found", { status: 404 });
    }
    const file = parts[0] === "dist" ? `${dist}/${parts.slice(1).join("/")}` : `${dir}/${path}`;
    const type = TYPES[path.slice(path.lastIndexOf(".") + 1)];
    let body: Uint8Array;
    try {
      if (!type) throw new Error("unknown type");
      body = await Deno.readFile(file);
    } catch {
      return new Response("not found", { status: 404 });
    }
    const headers = new Headers({ "Content-Type": type, "Cache-Control": "no-store" });
    if (!plain) { for (const [k, v] of Object.entries(ISOLATION_HEADERS)) headers.set(k, v); }
    return new Response(body as Uint8Array<ArrayBuffer>, { headers });
  });
}

if (import.meta.main) {
  serveExample({
    port: 8000,
    onListen: (url) => console.log(`Kerno browser example: ${url} (not isolated: ${url}plain/)`),
  });
}
