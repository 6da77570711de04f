/**
 * `deno task fuzz`: a mutation campaign against Kerno's loaders and `predict`.
 *
 *   deno task fuzz [--seed N] [--count N] [--out DIR] [--fixtures DIR,DIR] [--jobs N]
 *                  [--time-limit MS] [--memory-mb N] [--per-child N]
 *   deno task fuzz --replay DIR/job.json
 *
 * Without `--seed` a fresh seed is drawn (and printed). The exit code is 1 when any input ended
 * as a crash-like error, a hang, a memory blow-up, a write outside its folder, or an unexplained
 * silent accept (see the README's Reliability section).
 *
 * @module
 */
import { parseArgs } from "node:util";
import { type CampaignReport, replayJob, runCampaign } from "./campaign.ts";
import { FAILURES } from "./classify.ts";

const REPO = new URL("../../", import.meta.url).pathname;

/** The summary lines of a report. */
export function formatReport(r: CampaignReport): string {
  const lines = [
    `seed ${r.seed}: ${r.count} inputs in ${(r.wallMs / 1000).toFixed(1)} s`,
    ...Object.entries(r.counts).map(([k, v]) => `  ${k.padEnd(15)} ${v}`),
    `  peak memory of one input ${r.maxPeakMiB} MiB (child process), slowest input ${r.slowestMs} ms`,
    `  by target: ${
      Object.entries(r.byTarget).map(([t, c]) =>
        `${t} ${Object.values(c).reduce((a, b) => a + (b ?? 0), 0)}`
      ).join(", ")
    }`,
  ];
  for (const f of r.failures.slice(0, 20)) {
    lines.push(
      `  FAIL #${f.index} ${f.outcome} (${f.detail}) ${f.mutation}: ${f.message.slice(0, 200)}`,
    );
    if (f.reproducer) lines.push(`       reproducer: ${f.reproducer}`);
  }
  return lines.join("\n");
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      seed: { type: "string" },
      count: { type: "string", default: "300" },
      out: { type: "string" },
      fixtures: {
        type: "string",
        default: `${REPO}tests/fixtures/keras,${REPO}tests/fixtures/keras-layers`,
      },
      jobs: { type: "string", default: "2" },
      "time-limit": { type: "string", default: "10000" },
      "memory-mb": { type: "string", default: "768" },
      "per-child": { type: "string", default: "40" },
      replay: { type: "string" },
    },
  });
  if (values.replay) {
    const r = await replayJob(values.replay, {
      timeLimitMs: Number(values["time-limit"]),
      memoryLimitMiB: Number(values["memory-mb"]),
    });
    console.log(`${r.outcome}${r.detail ? ` (${r.detail})` : ""}`);
    console.log(JSON.stringify(r.result, null, 2));
    Deno.exit(FAILURES.includes(r.outcome) ? 1 : 0);
  }
  const seed = values.seed !== undefined
    ? Number(values.seed)
    : crypto.getRandomValues(new Uint32Array(1))[0];
  const out = values.out ?? await Deno.makeTempDir({ prefix: `kerno-fuzz-${seed}-` });
  console.log(`kerno fuzz: seed ${seed}, ${values.count} inputs, output in ${out}`);
  let last = 0;
  const report = await runCampaign({
    seed,
    count: Number(values.count),
    outDir: out,
    fixturesDirs: values.fixtures!.split(","),
    concurrency: Number(values.jobs),
    timeLimitMs: Number(values["time-limit"]),
    memoryLimitMiB: Number(values["memory-mb"]),
    inputsPerChild: Number(values["per-child"]),
    onProgress: (done, total) => {
      if (done - last >= Math.max(1, Math.floor(total / 20)) || done === total) {
        last = done;
        console.log(`  ${done}/${total}`);
      }
    },
  });
  console.log(formatReport(report));
  console.log(`report: ${out}/report.json`);
  Deno.exit(report.failures.length > 0 ? 1 : 0);
}
