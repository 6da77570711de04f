import assert from "node:assert/strict";
import { erf } from "./_erf.ts";

Deno.test("erf matches reference values to 1e-15 on both branches", () => {
  const table: [number, number][] = [
    [0, 0],
    [0.1, 0.1124629160182849],
    [0.5, 0.5204998778130465],
    [1, 0.8427007929497149],
    [1.5, 0.9661051464753108],
    [2, 0.9953222650189527],
    [2.5, 0.999593047982555],
    [3, 0.9999779095030014],
    [4, 0.9999999845827421],
    [6, 1],
  ];
  for (const [x, want] of table) {
    assert.ok(Math.abs(erf(x) - want) < 1e-15, `erf(${x}) = ${erf(x)}, want ${want}`);
    assert.ok(Math.abs(erf(-x) + want) < 1e-15, `erf(${-x})`);
  }
});

Deno.test("erf is continuous where the series hands over to the continued fraction", () => {
  const below = erf(3 - 1e-12), above = erf(3);
  assert.ok(Math.abs(above - below) < 1e-14, `${below} vs ${above}`);
  assert.ok(Number.isNaN(erf(NaN)));
  assert.equal(erf(Infinity), 1);
});
