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

test("a moved mark stays on its page", async () => {
  const { moved } = await import("../assets/grading/geometry.js");
  assert.deepEqual(moved({ x: 0.5, y: 0.9, color: "#000" }, 0.1, 0.2), { x: 0.6, y: 1, color: "#000" });
  assert.deepEqual(moved({ points: [[0.1, 0.1], [0.95, 0.5]] }, 0.1, -0.2), { points: [[0.2, 0], [1, 0.3]] });
  assert.deepEqual(moved({ x1: 0, y1: 0, x2: 0.5, y2: 0.5 }, -0.1, 0), { x1: 0, y1: 0, x2: 0.4, y2: 0.5 });
});

test("a highlighter takes yellow when the pen's default red is chosen", async () => {
  const { shapeData } = await import("../assets/grading/geometry.js");
  assert.equal(shapeData("highlight", [[0, 0]], [0, 0], [0, 0], "#d7263d").color, "#ffd400");
  assert.equal(shapeData("pen", [[0, 0]], [0, 0], [0, 0], "#d7263d").color, "#d7263d");
  assert.deepEqual(shapeData("rect", [], [0.2, 0.3], [1.4, 0.5], "#000"), { x1: 0.2, y1: 0.3, x2: 1, y2: 0.5, color: "#000" });
});
