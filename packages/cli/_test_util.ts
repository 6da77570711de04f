import { main } from "./mod.ts";

/** What {@linkcode runMain} captured: the exit code and everything written to stdout and stderr. */
export interface MainRun {
  /** Exit code `main` returned. */
  readonly code: number;
  /** Everything written to stdout. */
  readonly out: string;
  /** Everything written to stderr. */
  readonly err: string;
}

/** Runs `kerno` with `args` in-process, capturing its output (for tests). */
export async function runMain(args: string[]): Promise<MainRun> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, {
    stdout: { write: (t) => void out.push(t) },
    stderr: { write: (t) => void err.push(t) },
  });
  return { code, out: out.join(""), err: err.join("") };
}
