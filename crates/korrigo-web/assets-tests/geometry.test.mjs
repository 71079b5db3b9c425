// Unit tests of the marks' geometry (node --test; no browser needed).
import { test } from "node:test";
import assert from "node:assert/strict";
import { toPage, toDisplay, simplify, strokeForServer } from "../assets/grading/geometry.js";

const box = { left: 100, top: 50, width: 400, height: 600 };

test("a pointer on an upright page maps straight to the page", () => {
  assert.deepEqual(toPage(100, 50, box, 0), [0, 0]);
  assert.deepEqual(toPage(500, 650, box, 0), [1, 1]);
  assert.deepEqual(toPage(300, 350, box, 0), [0.5, 0.5]);
});

test("turned pages: the page's own top-left stays its top-left", () => {
  // Shown turned a quarter clockwise, the page's top-left corner is at the box's top-right.
  assert.deepEqual(toPage(500, 50, box, 90), [0, 0]);
  assert.deepEqual(toPage(500, 650, box, 180), [0, 0]);
  assert.deepEqual(toPage(100, 650, box, 270), [0, 0]);
});

test("display and page coordinates are inverse at every rotation", () => {
  for (const r of [0, 90, 180, 270]) {
    for (const p of [[0.1, 0.2], [0.9, 0.4], [0.5, 0.5], [0, 1]]) {
      const [cx, cy] = toDisplay(/** @type {[number, number]} */ (p), box, r);
      const back = toPage(cx, cy, box, r);
      assert.ok(Math.abs(back[0] - p[0]) < 1e-9 && Math.abs(back[1] - p[1]) < 1e-9, `${r}: ${p} → ${back}`);
    }
  }
});

test("a pointer outside the page is held at its edge", () => {
  assert.deepEqual(toPage(0, 0, box, 0), [0, 0]);
  assert.deepEqual(toPage(9999, 9999, box, 0), [1, 1]);
});

test("a straight stroke simplifies to its two ends, a corner keeps its corner", () => {
  const line = Array.from({ length: 50 }, (_, i) => [i / 49, i / 49]);
  assert.deepEqual(simplify(line, 0.001), [[0, 0], [1, 1]]);
  const corner = [[0, 0], [0.25, 0], [0.5, 0], [0.5, 0.25], [0.5, 0.5]];
  assert.deepEqual(simplify(corner, 0.001), [[0, 0], [0.5, 0], [0.5, 0.5]]);
});

test("a long scribble is brought under the server's limit", () => {
  const scribble = Array.from({ length: 20000 }, (_, i) => [0.5 + 0.4 * Math.sin(i / 7), 0.5 + 0.4 * Math.cos(i / 11)]);
  const out = strokeForServer(/** @type {[number, number][]} */ (scribble), 5000);
  assert.ok(out.length <= 5000 && out.length > 100, `${out.length} points`);
  assert.ok(out.every(([x, y]) => x >= 0 && x <= 1 && y >= 0 && y <= 1));
});
