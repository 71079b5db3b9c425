// Unit tests of the harmonisation form's pure parts (node --test; no browser needed).
import { test } from "node:test";
import assert from "node:assert/strict";
import { frenchNumber, histogramSvg, parseNumber, requestBody } from "../assets/results/harmonise.js";

test("numbers are read with a comma or a point and written with a comma", () => {
  assert.equal(parseNumber("0,5"), 0.5);
  assert.equal(parseNumber(" -1.25 "), -1.25);
  assert.equal(parseNumber("\u22120,5"), -0.5);
  assert.ok(Number.isNaN(parseNumber("")));
  assert.equal(frenchNumber(12.5), "12,5");
  assert.equal(frenchNumber(3), "3");
  assert.equal(frenchNumber(13.456), "13,46");
});

test("an offset and a linear map make the API's request; a blank or zero names its field", () => {
  assert.deepEqual(requestBody({ corrector: "mdupont", kind: "offset", offset: "0,5" }, true).body, {
    corrector: "mdupont",
    kind: "offset",
    offset: 0.5,
    preview: true,
  });
  assert.equal(requestBody({ corrector: "m", kind: "offset", offset: "0" }, true).field, "offset");
  assert.equal(requestBody({ corrector: "m", kind: "offset", offset: "" }, true).field, "offset");
  const lin = requestBody({ corrector: "m", kind: "linear", from_low: "8", to_low: "9", from_high: "16", to_high: "16" }, false);
  assert.deepEqual(lin.body.anchors, [{ from: 8, to: 9 }, { from: 16, to: 16 }]);
  assert.equal(lin.body.preview, false);
  assert.equal(requestBody({ corrector: "m", kind: "linear", from_low: "8", to_low: "", from_high: "16", to_high: "16" }, true).field, "to_low");
  assert.equal(requestBody({ corrector: "m", kind: "linear", from_low: "-1", to_low: "2", from_high: "16", to_high: "16" }, true).field, "from_low");
});

test("the histogram draws a bar per non-empty count, before and after, and escapes its title", () => {
  const svg = histogramSvg([0, 2, 1], [0, 0, 3], 20, "Notes <sur> 20", ["Avant", "Après <b>"]);
  assert.equal((svg.match(/<rect /g) || []).length, 3 + 2, "three bars and the legend's two keys");
  assert.ok(svg.includes(">Avant<") && svg.includes("Après &lt;b>"));
  assert.ok(svg.includes('fill="#8a8f98"') && svg.includes('fill="#1d4ed8"'));
  assert.ok(svg.includes("Notes &lt;sur> 20"));
  assert.ok(!svg.includes("<sur>"));
});
