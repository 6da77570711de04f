/**
 * Headless Chromium driven over the DevTools protocol (a WebSocket, no npm package): find the
 * browser, start it on 127.0.0.1, open pages, evaluate expressions in them, and close it all.
 * Used by `tests/browser_test.ts`.
 *
 * @module
 */

/** Names of the Chromium binary, in the order they are looked for on `PATH`. */
const NAMES = ["chromium", "chromium-browser", "google-chrome-stable", "google-chrome"];

/** The Chromium to use: `$CHROMIUM` if set, else the first of {@linkcode NAMES} on `PATH`. */
export function findChromium(): string | null {
  const given = Deno.env.get("CHROMIUM");
  if (given) return given;
  for (const dir of (Deno.env.get("PATH") ?? "").split(":")) {
    for (const name of NAMES) {
      try {
        if (Deno.statSync(`${dir}/${name}`).isFile) return `${dir}/${name}`;
      } catch { /* not there */ }
    }
  }
  return null;
}

interface Pending {
  resolve(result: Record<string, unknown>): void;
  reject(e: Error): void;
}

/** One open tab. */
export class Page {
  /** Console messages and uncaught exceptions of the page, for failure messages. */
  readonly log: string[] = [];
  #browser: Chromium;
  #session: string;

  /** Wraps an attached session (made by {@linkcode Chromium.open}). */
  constructor(browser: Chromium, session: string) {
    this.#browser = browser;
    this.#session = session;
  }

  /** Evaluates `expression` in the page and returns its value (JSON-serializable). */
  async evaluate<T>(expression: string): Promise<T> {
    const r = await this.#browser.send("Runtime.evaluate", {
      expression,
      returnByValue: true,
      awaitPromise: true,
    }, this.#session);
    const details = r.exceptionDetails as { text?: string; exception?: { description?: string } };
    if (details) {
      throw new Error(`in the page: ${details.exception?.description ?? details.text}`);
    }
    return (r.result as { value: T }).value;
  }

  /** Polls `expression` until it is not null or undefined, for at most `timeoutMs`. */
  async waitFor<T>(expression: string, timeoutMs: number): Promise<T> {
    const end = Date.now() + timeoutMs;
    while (true) {
      const value = await this.evaluate<T | null>(`(${expression}) ?? null`);
      if (value !== null && value !== undefined) return value;
      if (Date.now() > end) {
        throw new Error(
          `timed out after ${timeoutMs} ms waiting for ${expression}; page log:\n` +
            this.log.join("\n"),
        );
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** A headless Chromium process and its DevTools connection. */
export class Chromium implements AsyncDisposable {
  #child: Deno.ChildProcess;
  #profile: string;
  #socket: WebSocket;
  #socketClosed: Promise<void>;
  #stderrDone: Promise<void>;
  #stderrTail: string[];
  #ids = 0;
  #pending = new Map<number, Pending>();
  #pages = new Map<string, Page>();

  private constructor(
    child: Deno.ChildProcess,
    profile: string,
    socket: WebSocket,
    stderrDone: Promise<void>,
    stderrTail: string[],
  ) {
    this.#child = child;
    this.#profile = profile;
    this.#socket = socket;
    this.#stderrDone = stderrDone;
    this.#stderrTail = stderrTail;
    this.#socketClosed = new Promise((resolve) =>
      socket.addEventListener("close", () => resolve())
    );
    socket.addEventListener("message", (ev) => this.#onMessage(JSON.parse(ev.data)));
  }

  /** Starts `path` headless with a fresh profile and connects to it. */
  static async launch(path: string): Promise<Chromium> {
    const profile = await Deno.makeTempDir({ prefix: "kerno-chromium-" });
    const child = new Deno.Command(path, {
      args: [
        "--headless",
        "--no-sandbox", // tests run as root in CI; the pages are our own
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--no-default-browser-check",
        "--remote-debugging-address=127.0.0.1",
        "--remote-debugging-port=0",
        `--user-data-dir=${profile}`,
        "about:blank",
      ],
      stdin: "null",
      stdout: "null",
      stderr: "piped",
    }).spawn();
    const tail: string[] = [];
    let found!: (url: string) => void;
    const endpoint = new Promise<string>((resolve) => (found = resolve));
    const stderrDone = (async () => {
      const lines = child.stderr.pipeThrough(new TextDecoderStream());
      let buffered = "";
      for await (const chunk of lines) {
        buffered += chunk;
        const parts = buffered.split("\n");
        buffered = parts.pop()!;
        for (const line of parts) {
          tail.push(line);
          if (tail.length > 40) tail.shift();
          const m = line.match(/DevTools listening on (ws:\/\/\S+)/);
          if (m) found(m[1]);
        }
      }
    })();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const url = await Promise.race([
      endpoint,
      child.status.then((s) => {
        throw new Error(`${path} exited (code ${s.code}) before listening:\n${tail.join("\n")}`);
      }),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`${path} did not start within 30 s:\n${tail.join("\n")}`)),
          30_000,
        );
      }),
    ]).catch(async (e) => {
      clearTimeout(timer);
      try {
        child.kill("SIGKILL");
      } catch { /* already gone */ }
      await child.status;
      await stderrDone;
      await Deno.remove(profile, { recursive: true }).catch(() => {});
      throw e;
    });
    clearTimeout(timer);
    const socket = new WebSocket(url);
    await new Promise<void>((resolve, reject) => {
      socket.addEventListener("open", () => resolve(), { once: true });
      socket.addEventListener("error", () => reject(new Error(`could not connect to ${url}`)), {
        once: true,
      });
    });
    return new Chromium(child, profile, socket, stderrDone, tail);
  }

  /** Sends a DevTools command (to a page's session when given) and resolves with its result. */
  send(
    method: string,
    params: Record<string, unknown> = {},
    sessionId?: string,
  ): Promise<Record<string, unknown>> {
    const id = ++this.#ids;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#socket.send(JSON.stringify({ id, method, params, sessionId }));
    });
  }

  /** Opens a new tab, starts recording its console, and navigates it to `url`. */
  async open(url: string): Promise<Page> {
    const { targetId } = await this.send("Target.createTarget", { url: "about:blank" });
    const { sessionId } = await this.send("Target.attachToTarget", { targetId, flatten: true });
    const page = new Page(this, sessionId as string);
    this.#pages.set(sessionId as string, page);
    await this.send("Runtime.enable", {}, sessionId as string);
    await this.send("Page.enable", {}, sessionId as string);
    await this.send("Page.navigate", { url }, sessionId as string);
    return page;
  }

  /** Closes the browser and waits for the process to end; removes its profile. */
  async close(): Promise<void> {
    const closing = this.send("Browser.close").catch(() => {});
    const exited = await Promise.race([
      this.#child.status.then(() => true),
      new Promise<false>((r) => {
        const t = setTimeout(() => r(false), 5000);
        this.#child.status.then(() => clearTimeout(t));
      }),
    ]);
    if (!exited) {
      try {
        this.#child.kill("SIGKILL");
      } catch { /* already gone */ }
    }
    await this.#child.status;
    if (this.#socket.readyState !== WebSocket.CLOSED) this.#socket.close();
    await this.#socketClosed;
    for (const p of this.#pending.values()) p.reject(new Error("the browser was closed"));
    await closing;
    await this.#stderrDone;
    await Deno.remove(this.#profile, { recursive: true }).catch(() => {});
  }

  /** Same as {@linkcode Chromium.close}. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /** The last lines Chromium wrote to stderr. */
  get stderrTail(): string {
    return this.#stderrTail.join("\n");
  }

  #onMessage(m: {
    id?: number;
    result?: Record<string, unknown>;
    error?: { message: string };
    method?: string;
    params?: Record<string, unknown>;
    sessionId?: string;
  }): void {
    if (m.id !== undefined) {
      const p = this.#pending.get(m.id);
      this.#pending.delete(m.id);
      if (m.error) p?.reject(new Error(`DevTools: ${m.error.message}`));
      else p?.resolve(m.result ?? {});
      return;
    }
    const page = m.sessionId ? this.#pages.get(m.sessionId) : undefined;
    if (!page || !m.params) return;
    if (m.method === "Runtime.consoleAPICalled") {
      const args = m.params.args as { value?: unknown; description?: string }[];
      page.log.push(
        `console.${m.params.type}: ${args.map((a) => a.description ?? String(a.value)).join(" ")}`,
      );
    } else if (m.method === "Runtime.exceptionThrown") {
      const d = m.params.exceptionDetails as { exception?: { description?: string }; text: string };
      page.log.push(`uncaught: ${d.exception?.description ?? d.text}`);
    }
  }
}
