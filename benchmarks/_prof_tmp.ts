import { workload } from "./workloads.ts";
const w = workload(Deno.args[0] ?? "W3");
const batchSize = w.x.shape[0];
for (let i = 0; i < 6; i++) w.model.predictFlat([w.x], { batchSize });
