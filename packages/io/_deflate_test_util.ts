/**
 * Test data for the DEFLATE and zlib decoders: data compressed by the runtime's own
 * `CompressionStream`, noise, and data with matches of every size.
 *
 * @module
 */

/** Bytes compressed by the runtime's own compressor (`"deflate-raw"` or `"deflate"`). */
export async function compressed(
  data: Uint8Array,
  format: "deflate-raw" | "deflate",
): Promise<Uint8Array> {
  const stream = new Blob([data as Uint8Array<ArrayBuffer>]).stream().pipeThrough(
    new CompressionStream(format),
  );
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** Deterministic noise. */
export function noise(n: number, seed = 1): Uint8Array {
  const out = new Uint8Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    out[i] = s >>> 23;
  }
  return out;
}

/** Words with numbers between them, some runs and some noise: data with matches of all sizes. */
export function mixed(n: number): Uint8Array {
  const words = ["kernel", "recurrent_kernel", "bias", "lstm_cell", '{"units": ', "0.125, "];
  const r = noise(n, 7);
  const out = new Uint8Array(n);
  const enc = new TextEncoder();
  for (let o = 0, k = 0; o < n; k++) {
    const pick = r[k % n];
    const piece = pick < 20
      ? r.subarray(k % n, (k % n) + (pick % 40))
      : pick < 30
      ? new Uint8Array(pick * 10).fill(pick)
      : enc.encode(words[pick % words.length] + (pick % 7));
    const take = Math.min(piece.length, n - o);
    out.set(piece.subarray(0, take), o);
    o += take;
  }
  return out;
}
