// A released copy's pages with the corrector's marks, drawn as the desk drew them (the same
// drawing module): read-only, fitted to the width of the screen (a phone included).
// @ts-check

import { drawMark, el, rotation } from "../grading/drawing.js";

const root = /** @type {HTMLElement} */ (document.getElementById("result-pages"));
/** @type {{ id: number, position: number, image_url: string, width: number, height: number, rotation: number, marks: { kind: string, data: any }[] }[]} */
const pages = JSON.parse(root.dataset.pages || "[]");
const lang = document.documentElement.lang === "en" ? "en" : "fr";
/** @param {number} n */
const num = (n) => n.toLocaleString(lang, { maximumFractionDigits: 2 });

for (const p of pages) {
  const fig = document.createElement("figure");
  fig.className = "result-page";
  const r = rotation(p);
  const quarter = r === 90 || r === 270;
  const [dw, dh] = quarter ? [p.height, p.width] : [p.width, p.height];
  const alt = (root.dataset.alt || "Page {n}").replace("{n}", String(p.position));
  const svg = el("svg", { viewBox: `0 0 ${dw} ${dh}`, role: "img", "aria-label": alt });
  const turn = { 0: "", 90: `translate(${p.height} 0) rotate(90)`, 180: `translate(${p.width} ${p.height}) rotate(180)`, 270: `translate(0 ${p.width}) rotate(270)` }[r] || "";
  const g = el("g", turn ? { transform: turn } : {});
  const layer = el("g", { class: "marks" });
  g.append(el("image", { href: p.image_url, width: p.width, height: p.height }), layer);
  svg.append(g);
  fig.append(svg);
  root.append(fig);
  p.marks.forEach((m, i) => drawMark({ local: `m${i}`, kind: m.kind, data: m.data }, p, layer, { selected: false, handle: false, num }));
}
