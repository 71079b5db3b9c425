// The corrector desk: a copy's pages with the corrector's marks drawn over them, the marking
// scheme with a score and a remark per question, the appreciation, and the moves between
// copies. Every change goes through the write queue (queue.js): kept in the browser first,
// sent in order within a second, kept while the network is down, never lost on a reload.
// Nothing here ever holds a student's identity: the server sends codes and masked pages only.
// @ts-check

import { csrfToken, describe, toast } from "../app.js";
import { strokeForServer, toPage } from "./geometry.js";
import { createQueue } from "./queue.js";
import { createBank } from "./bank.js";

/** @typedef {{ id: number, position: number, image_url: string, width: number, height: number, rotation: number }} Page */
/** @typedef {{ id: string, label: string, max_points?: number, children?: SchemeNode[] }} SchemeNode */
/** @typedef {{ question: string, points: number, remark: string, version: number }} Score */
/** @typedef {{ id: number, page: number, kind: string, data: any, version: number, editable?: boolean }} Annotation */
/** @typedef {{ copy: { id: number, exam: number, code: string, status: string, pages: Page[] }, scheme: { nodes: SchemeNode[] }, scores: Score[], annotations: Annotation[], appreciation: { text: string, version: number }, total: number, my_questions: string[], done: string[] }} View */
/** @typedef {{ local: string, page: number, kind: string, data: any, locked?: boolean }} Mark */

const root = /** @type {HTMLElement} */ (document.getElementById("desk"));
/** @type {Record<string, string>} */
const M = JSON.parse(root.dataset.messages || "{}");
const lang = document.documentElement.lang === "en" ? "en" : "fr";
const SVG = "http://www.w3.org/2000/svg";

/** @param {string} key @param {Record<string, string | number>} [vars] */
const t = (key, vars = {}) => (M[key] || key).replace(/\{(\w+)\}/g, (_, k) => String(vars[k] ?? ""));
/** @param {number} n */
const num = (n) => n.toLocaleString(lang, { maximumFractionDigits: 2 });
/** @param {string} id @returns {any} */
const $ = (id) => document.getElementById(id);
const rnd = () => Math.random().toString(36).slice(2, 10);

const pagesEl = /** @type {HTMLElement} */ ($("desk-pages"));
const schemeEl = /** @type {HTMLFormElement} */ ($("desk-scheme"));
const appreciationEl = /** @type {HTMLTextAreaElement} */ ($("desk-appreciation"));
const saveEl = /** @type {HTMLElement} */ ($("desk-save"));
const bannerEl = /** @type {HTMLElement} */ ($("desk-banner"));

// ---------------------------------------------------------------------------------------------
// The write queue, one per tab; a closed tab's writes are taken over by the next desk opened.

const ALIVE = "korrigo.alive.";
const QUEUE = "korrigo.queue.";
let tab = sessionStorage.getItem("korrigo.desk.tab") || "";
// A duplicated tab copies the session storage: a tab id alive elsewhere is not ours.
if (!tab || Date.now() - Number(localStorage.getItem(ALIVE + tab) || 0) < 4000) tab = rnd();
sessionStorage.setItem("korrigo.desk.tab", tab);
const beat = () => localStorage.setItem(ALIVE + tab, String(Date.now()));
beat();
setInterval(beat, 2000);

/** @param {{ url: string, method: string, body: any }} w */
async function send(w) {
  /** @type {Record<string, string>} */
  const headers = { "X-CSRF-Token": csrfToken(), Accept: "application/json" };
  if (w.body !== undefined) headers["Content-Type"] = "application/json";
  const resp = await fetch(w.url, {
    method: w.method,
    headers,
    credentials: "same-origin",
    body: w.body === undefined ? undefined : JSON.stringify(w.body),
  });
  const text = await resp.text();
  let body = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = null;
  }
  return { status: resp.status, body };
}

const bank = createBank({ root: $("desk-bank"), t, num, send, describe, toast });

/** The label path of every question that takes a score ("Exercice 1 · a)"). */
function questionLabels() {
  /** @type {Map<string, string>} */
  const out = new Map();
  /** @param {SchemeNode[]} nodes @param {string} prefix */
  const walk = (nodes, prefix) => {
    for (const n of nodes) {
      const label = prefix ? `${prefix} · ${n.label}` : n.label;
      if (n.children && n.children.length) walk(n.children, label);
      else out.set(n.id, label);
    }
  };
  walk(view.scheme.nodes, "");
  return out;
}

/**
 * Stamps the comment picked in the bank; its points, when it is tied to one of my questions,
 * go to that question's score (within 0 and its maximum).
 * @param {string} page @param {number[]} at
 */
function stampComment(page, at) {
  const c = bank.picked();
  if (!c) return false;
  /** @type {any} */
  const data = { x: r4(at[0]), y: r4(at[1]), text: c.text, color, comment: c.id };
  if (c.points !== null) data.points_value = c.points;
  addMark(page, "stamp", data);
  bank.used(c.id);
  const q = c.question ? questions.get(c.question) : undefined;
  if (q && c.points !== null && !q.score.disabled) {
    const max = q.node.max_points || 0;
    const now = parsePoints(q.score.value);
    const base = now === null || Number.isNaN(now) ? (c.points < 0 ? max : 0) : now;
    const before = q.score.value;
    q.score.value = num(Math.min(max, Math.max(0, base + c.points)));
    scoreTyped(q, true);
    // Undoing the stamp gives the score back as it was (a score once given cannot go back
    // to empty: then it stays, for the corrector to correct).
    const step = undoStack[undoStack.length - 1];
    if (step && before.trim()) step.score = { question: q.node.id, before, after: q.score.value };
  }
  return true;
}

const queue = createQueue({
  storage: localStorage,
  name: QUEUE + tab,
  send,
  onChange: showSaveState,
  onConflict: conflict,
  onRefused: refused,
  onAuth: () => banner(t("session")),
});

/** Takes over the writes of tabs that closed before sending them. */
function adoptOrphans() {
  for (let i = localStorage.length - 1; i >= 0; i--) {
    const key = localStorage.key(i) || "";
    if (!key.startsWith(QUEUE) || key === QUEUE + tab) continue;
    const other = key.slice(QUEUE.length);
    if (Date.now() - Number(localStorage.getItem(ALIVE + other) || 0) > 10000) {
      queue.absorb(key);
      localStorage.removeItem(ALIVE + other);
    }
  }
}

/** @param {string} state @param {number} waiting */
function showSaveState(state, waiting) {
  saveEl.dataset.state = state;
  saveEl.textContent =
    state === "saved" ? t("saved") : state === "saving" ? t("saving") : t((lang === "en" ? waiting === 1 : waiting < 2) ? "offline_one" : "offline_many", { n: waiting });
}

// Retry while something waits: when the network comes back, and every few seconds.
window.addEventListener("online", () => queue.flush());
setInterval(() => {
  if (queue.waiting()) queue.flush();
}, 3000);
setInterval(adoptOrphans, 15000);

// ---------------------------------------------------------------------------------------------
// The copy on the desk.

/** @type {View} */
let view = JSON.parse(root.dataset.initial || "null");
/** @type {Map<string, Mark>} */
const marks = new Map();
/** @type {{ op: string, mark?: Mark, before?: any, after?: any, score?: { question: string, before: string, after: string } }[]} */
let undoStack = [];
/** @type {typeof undoStack} */
let redoStack = [];
let tool = "select";
let color = "#d7263d";
let zoom = 1;
let onePage = false;
let currentPage = 0;
/** @type {string | null} */
let selected = null;
/** @type {{ id: number, code: string, my_status: string }[]} */
let myCopies = [];
/** @type {Map<number, View>} */
const prefetched = new Map();

/** Whether the copy is graded by questions and the caller has finished their part of it. */
const myPartDone = () => view.my_questions.length > 0 && view.my_questions.every((q) => view.done.includes(q));
const readOnly = () => !["READY", "GRADING"].includes(view.copy.status) || myPartDone();
/** Whether the caller grades only some questions (a dispatch by questions). */
const byQuestions = () => questionCount(view.scheme.nodes) > view.my_questions.length;
/** @param {SchemeNode[]} nodes @returns {number} */
function questionCount(nodes) {
  return nodes.reduce((n, x) => n + (x.children && x.children.length ? questionCount(x.children) : 1), 0);
}
/** A mark the caller may not change (drawn by another corrector, by questions). @param {string | null | undefined} local */
const locked = (local) => !!(local && marks.get(local)?.locked);
const copyId = () => view.copy.id;

/** @param {string} message @param {Node[]} [extra] */
function banner(message, extra = []) {
  bannerEl.replaceChildren(document.createTextNode(message), ...extra);
  const close = document.createElement("button");
  close.type = "button";
  close.className = "secondary";
  close.textContent = t("dismiss");
  close.addEventListener("click", () => (bannerEl.hidden = true));
  bannerEl.append(close);
  bannerEl.hidden = false;
}

// ---------------------------------------------------------------------------------------------
// Pages and marks.

/** @param {string} name @param {Record<string, string | number>} attrs */
function el(name, attrs = {}) {
  const e = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  return e;
}

/** @param {number} id */
const pageOf = (id) => view.copy.pages.find((p) => p.id === id);
/** @param {Page} p */
const rotation = (p) => (((p.rotation || 0) % 360) + 360) % 360;

function renderPages() {
  pagesEl.replaceChildren();
  pagesEl.classList.toggle("one-page", onePage);
  view.copy.pages.forEach((p, i) => {
    const fig = document.createElement("figure");
    fig.className = "desk-page";
    fig.dataset.page = String(p.id);
    fig.dataset.index = String(i);
    const r = rotation(p);
    const quarter = r === 90 || r === 270;
    const [dw, dh] = quarter ? [p.height, p.width] : [p.width, p.height];
    const svg = el("svg", { viewBox: `0 0 ${dw} ${dh}`, role: "img", "aria-label": t("page_alt", { n: p.position, code: view.copy.code }) });
    const turn = { 0: "", 90: `translate(${p.height} 0) rotate(90)`, 180: `translate(${p.width} ${p.height}) rotate(180)`, 270: `translate(0 ${p.width}) rotate(270)` }[r] || "";
    const g = el("g", turn ? { transform: turn } : {});
    const img = el("image", { href: p.image_url, width: p.width, height: p.height });
    if (i === 0) img.addEventListener("load", () => firstPageShown(), { once: true });
    const layer = el("g", { class: "marks" });
    g.append(img, layer);
    svg.append(g);
    fig.append(svg);
    fig.style.width = `${zoom * 100}%`;
    pagesEl.append(fig);
    attachPointer(/** @type {SVGSVGElement} */ (svg), p);
  });
  for (const m of marks.values()) drawMark(m);
  showPage(Math.min(currentPage, view.copy.pages.length - 1), false);
}

/** @param {number} pageId */
function layerOf(pageId) {
  return pagesEl.querySelector(`figure[data-page="${pageId}"] g.marks`);
}

/** The drawing of one mark, in the stored page's pixels. @param {Mark} m */
function drawMark(m) {
  pagesEl.querySelector(`g.mark[data-local="${CSS.escape(m.local)}"]`)?.remove();
  const p = pageOf(m.page);
  const layer = layerOf(m.page);
  if (!p || !layer) return;
  const W = p.width;
  const H = p.height;
  const u = W / 1000;
  const d = m.data;
  const c = d.color || "#d7263d";
  const g = el("g", { class: "mark", "data-local": m.local });
  /** @param {Element} shape @param {number} width */
  const withHit = (shape, width) => {
    const hit = /** @type {Element} */ (shape.cloneNode(true));
    hit.setAttribute("stroke", "transparent");
    hit.setAttribute("stroke-width", String(Math.max(width, 14 * u)));
    hit.setAttribute("fill", "none");
    g.append(shape, hit);
  };
  const X = (/** @type {number} */ v) => v * W;
  const Y = (/** @type {number} */ v) => v * H;
  switch (m.kind) {
    case "pen":
    case "highlight": {
      const hl = m.kind === "highlight";
      const width = (d.width || (hl ? 14 : 2.5)) * u;
      const pts = d.points.map((/** @type {number[]} */ q) => `${X(q[0]).toFixed(1)},${Y(q[1]).toFixed(1)}`).join(" ");
      const line = el("polyline", { points: pts, fill: "none", stroke: c, "stroke-width": width, "stroke-linecap": "round", "stroke-linejoin": "round" });
      if (hl) line.setAttribute("stroke-opacity", "0.35");
      withHit(line, width);
      break;
    }
    case "tick":
    case "cross": {
      const s = (d.size || 30) * u;
      const [x, y] = [X(d.x), Y(d.y)];
      const path =
        m.kind === "tick"
          ? `M ${x - 0.5 * s} ${y} L ${x - 0.15 * s} ${y + 0.4 * s} L ${x + 0.55 * s} ${y - 0.5 * s}`
          : `M ${x - 0.4 * s} ${y - 0.4 * s} L ${x + 0.4 * s} ${y + 0.4 * s} M ${x + 0.4 * s} ${y - 0.4 * s} L ${x - 0.4 * s} ${y + 0.4 * s}`;
      withHit(el("path", { d: path, fill: "none", stroke: c, "stroke-width": 4 * u, "stroke-linecap": "round", "stroke-linejoin": "round" }), s);
      break;
    }
    case "rect":
    case "ellipse":
    case "arrow": {
      const width = (d.width || 3) * u;
      const [x1, y1, x2, y2] = [X(d.x1), Y(d.y1), X(d.x2), Y(d.y2)];
      /** @type {Element} */
      let shape;
      if (m.kind === "rect") {
        shape = el("rect", { x: Math.min(x1, x2), y: Math.min(y1, y2), width: Math.abs(x2 - x1), height: Math.abs(y2 - y1), fill: "none", stroke: c, "stroke-width": width });
      } else if (m.kind === "ellipse") {
        shape = el("ellipse", { cx: (x1 + x2) / 2, cy: (y1 + y2) / 2, rx: Math.abs(x2 - x1) / 2, ry: Math.abs(y2 - y1) / 2, fill: "none", stroke: c, "stroke-width": width });
      } else {
        const a = Math.atan2(y2 - y1, x2 - x1);
        const h = 16 * u;
        const head = (/** @type {number} */ da) => `L ${x2 - h * Math.cos(a + da)} ${y2 - h * Math.sin(a + da)} M ${x2} ${y2}`;
        shape = el("path", { d: `M ${x1} ${y1} L ${x2} ${y2} ${head(0.45)} ${head(-0.45)}`, fill: "none", stroke: c, "stroke-width": width, "stroke-linecap": "round" });
      }
      withHit(shape, width);
      if (selected === m.local && !readOnly()) g.append(el("rect", { class: "handle", x: x2 - 6 * u, y: y2 - 6 * u, width: 12 * u, height: 12 * u, "data-handle": "1" }));
      break;
    }
    case "text":
    case "stamp": {
      const size = (d.size || (m.kind === "stamp" ? 17 : 16)) * u;
      const [x, y] = [X(d.x), Y(d.y)];
      const r = rotation(p);
      const box = el("g", r ? { transform: `rotate(${-r} ${x} ${y})` } : {});
      const text = el("text", { x, y, fill: c, "font-size": size, "font-family": "system-ui, sans-serif", "font-weight": m.kind === "stamp" ? 600 : 400 });
      const label = m.kind === "stamp" && typeof d.points_value === "number" && d.points_value ? `${num(d.points_value)} pt · ${d.text}` : d.text;
      String(label)
        .split("\n")
        .forEach((line, i) => {
          const span = el("tspan", { x, dy: i === 0 ? size * 0.9 : size * 1.2 });
          span.textContent = line || " ";
          text.append(span);
        });
      box.append(text);
      g.append(box);
      layer.append(g);
      // A light card behind the words, sized once they are laid out.
      const b = /** @type {SVGTextElement} */ (text).getBBox();
      const pad = 4 * u;
      box.insertBefore(el("rect", { x: b.x - pad, y: b.y - pad, width: b.width + 2 * pad, height: b.height + 2 * pad, rx: 4 * u, fill: "#ffffff", "fill-opacity": 0.85, stroke: c, "stroke-width": m.kind === "stamp" ? 2 * u : 0 }), text);
      break;
    }
    default:
      return;
  }
  if (!g.parentNode) layer.append(g);
  if (selected === m.local) {
    const b = /** @type {SVGGraphicsElement} */ (/** @type {unknown} */ (g)).getBBox();
    g.prepend(el("rect", { class: "selected-box", x: b.x - 4 * u, y: b.y - 4 * u, width: b.width + 8 * u, height: b.height + 8 * u, "stroke-width": 1.5 * u }));
  }
}

/** @param {string | null} local */
function select(local) {
  const before = selected;
  selected = local;
  for (const l of [before, local]) {
    const m = l ? marks.get(l) : undefined;
    if (m) drawMark(m);
  }
}

// ---------------------------------------------------------------------------------------------
// Writing marks (each through the queue) and undo/redo.

/** @param {Mark} m */
function writeAdd(m) {
  marks.set(m.local, m);
  drawMark(m);
  queue.push({ key: `annotation:${m.local}`, local: m.local, method: "POST", url: `/api/copies/${copyId()}/annotations/`, body: { page: m.page, kind: m.kind, data: m.data } });
}
/** @param {Mark} m */
function writeUpdate(m) {
  marks.set(m.local, m);
  drawMark(m);
  queue.push({ key: `annotation:${m.local}`, local: m.local, method: "PUT", url: "/api/annotations/{id}/", body: { data: m.data, version: 0 } });
}
/** @param {string} local */
function writeDelete(local) {
  marks.delete(local);
  if (selected === local) selected = null;
  pagesEl.querySelector(`g.mark[data-local="${CSS.escape(local)}"]`)?.remove();
  queue.push({ key: `annotation:${local}`, local, method: "DELETE", url: "/api/annotations/{id}/?version={version}", body: undefined });
}

/** @param {string} page @param {string} kind @param {any} data */
function addMark(page, kind, data) {
  const m = { local: `l${Date.now().toString(36)}${rnd()}`, page: Number(page), kind, data };
  writeAdd(m);
  undoStack.push({ op: "add", mark: structuredClone(m) });
  redoStack = [];
}
/** @param {Mark} m @param {any} before */
function changeMark(m, before) {
  writeUpdate(m);
  undoStack.push({ op: "update", mark: structuredClone(m), before, after: structuredClone(m.data) });
  redoStack = [];
}
/** @param {string} local */
function eraseMark(local) {
  const m = marks.get(local);
  if (!m || m.locked) return;
  writeDelete(local);
  undoStack.push({ op: "delete", mark: structuredClone(m) });
  redoStack = [];
}

/** @param {boolean} redo */
function undoRedo(redo) {
  if (readOnly()) return;
  const from = redo ? redoStack : undoStack;
  const to = redo ? undoStack : redoStack;
  const step = from.pop();
  if (!step || !step.mark) return;
  const m = structuredClone(step.mark);
  const adding = (step.op === "add") === redo;
  if (step.op === "update") {
    m.data = structuredClone(redo ? step.after : step.before);
    if (marks.has(m.local)) writeUpdate(m);
  } else if (adding) writeAdd(m);
  else writeDelete(m.local);
  const q = step.score ? questions.get(step.score.question) : undefined;
  if (step.score && q && !q.score.disabled) {
    q.score.value = redo ? step.score.after : step.score.before;
    scoreTyped(q, true);
  }
  to.push(step);
}

// ---------------------------------------------------------------------------------------------
// Pointer input: a mouse, a pen (with pressure) or a finger.

/** @param {any} data @param {number} dx @param {number} dy */
function moved(data, dx, dy) {
  const c = (/** @type {number} */ v, /** @type {number} */ d) => Math.round(Math.min(1, Math.max(0, v + d)) * 10000) / 10000;
  const out = structuredClone(data);
  if (Array.isArray(out.points)) out.points = out.points.map((/** @type {number[]} */ q) => [c(q[0], dx), c(q[1], dy)]);
  for (const k of ["x", "x1", "x2"]) if (typeof out[k] === "number") out[k] = c(out[k], dx);
  for (const k of ["y", "y1", "y2"]) if (typeof out[k] === "number") out[k] = c(out[k], dy);
  return out;
}

/** @param {SVGSVGElement} svg @param {Page} p */
function attachPointer(svg, p) {
  const at = (/** @type {PointerEvent} */ e) => toPage(e.clientX, e.clientY, svg.getBoundingClientRect(), rotation(p));
  /** @type {null | { kind: string, points: number[][], pressure: number[], start: number[], live: Element | null, local?: string, before?: any, handle?: boolean }} */
  let drag = null;
  const page = String(p.id);

  svg.addEventListener("pointerdown", (e) => {
    if (readOnly() || e.button > 0) return;
    const target = /** @type {Element} */ (e.target);
    const hit = target.closest("g.mark");
    const under = hit?.getAttribute("data-local") || null;
    // Another corrector's mark (by questions) is seen, never picked up.
    const local = locked(under) ? null : under;
    const start = at(e);
    if (tool === "eraser") {
      if (local) eraseMark(local);
      drag = { kind: "erase", points: [], pressure: [], start, live: null };
      return;
    }
    if (tool === "select") {
      select(local);
      if (local) {
        svg.setPointerCapture(e.pointerId);
        drag = { kind: "move", points: [], pressure: [], start, live: null, local, before: structuredClone(marks.get(local)?.data), handle: !!target.closest("[data-handle]") };
      }
      return;
    }
    if (tool === "stamp" && stampComment(page, start)) return;
    if (tool === "text" || tool === "stamp") {
      e.preventDefault();
      askText(e, page, start);
      return;
    }
    if (tool === "tick" || tool === "cross") {
      addMark(page, tool, { x: r4(start[0]), y: r4(start[1]), color });
      return;
    }
    e.preventDefault();
    svg.setPointerCapture(e.pointerId);
    drag = { kind: tool, points: [start], pressure: [e.pressure || 0.5], start, live: null };
  });

  svg.addEventListener("pointermove", (e) => {
    if (!drag) return;
    if (drag.kind === "erase") {
      if (e.buttons !== 1) return;
      const under = document.elementFromPoint(e.clientX, e.clientY)?.closest("g.mark");
      const local = under?.getAttribute("data-local");
      if (local && marks.has(local) && !locked(local)) eraseMark(local);
      return;
    }
    const events = typeof e.getCoalescedEvents === "function" ? e.getCoalescedEvents() : [e];
    if (drag.kind === "move" && drag.local) {
      const m = marks.get(drag.local);
      if (!m) return;
      const now = at(e);
      if (drag.handle) m.data = { ...m.data, x2: r4(now[0]), y2: r4(now[1]) };
      else m.data = moved(drag.before, now[0] - drag.start[0], now[1] - drag.start[1]);
      drawMark(m);
      return;
    }
    for (const ev of events.length ? events : [e]) {
      drag.points.push(at(ev));
      drag.pressure.push(ev.pressure || 0.5);
    }
    const now = drag.points[drag.points.length - 1];
    drag.live?.remove();
    const preview = { local: "__live", page: p.id, kind: drag.kind, data: liveData(drag.kind, drag.points, drag.start, now) };
    marks.set("__live", preview);
    drawMark(preview);
    marks.delete("__live");
    drag.live = pagesEl.querySelector('g.mark[data-local="__live"]');
  });

  const finish = (/** @type {PointerEvent} */ e) => {
    if (!drag) return;
    const d = drag;
    drag = null;
    d.live?.remove();
    if (d.kind === "erase") return;
    if (d.kind === "move") {
      const m = d.local ? marks.get(d.local) : undefined;
      if (m && JSON.stringify(m.data) !== JSON.stringify(d.before)) changeMark(m, d.before);
      return;
    }
    const end = d.points.length > 1 ? d.points[d.points.length - 1] : at(e);
    if (d.kind === "pen" || d.kind === "highlight") {
      const points = strokeForServer(/** @type {[number, number][]} */ (d.points));
      /** @type {any} */
      const data = { points, color: d.kind === "highlight" && color === "#d7263d" ? "#ffd400" : color };
      const pressures = d.pressure.filter((q) => q !== 0.5);
      if (pressures.length && d.kind === "pen") data.width = Math.round((1.5 + 2.5 * (pressures.reduce((a, b) => a + b, 0) / pressures.length)) * 10) / 10;
      addMark(page, d.kind, data);
      return;
    }
    if (Math.hypot(end[0] - d.start[0], end[1] - d.start[1]) < 0.008) return;
    addMark(page, d.kind, liveData(d.kind, d.points, d.start, end));
  };
  svg.addEventListener("pointerup", finish);
  svg.addEventListener("pointercancel", () => {
    drag?.live?.remove();
    drag = null;
  });
}

/** @param {number} v */
const r4 = (v) => Math.round(Math.min(1, Math.max(0, v)) * 10000) / 10000;

/** @param {string} kind @param {number[][]} points @param {number[]} start @param {number[]} end */
function liveData(kind, points, start, end) {
  if (kind === "pen" || kind === "highlight") return { points: points.map((q) => [r4(q[0]), r4(q[1])]), color: kind === "highlight" && color === "#d7263d" ? "#ffd400" : color };
  return { x1: r4(start[0]), y1: r4(start[1]), x2: r4(end[0]), y2: r4(end[1]), color };
}

/** A text box or a comment typed where the page was clicked. @param {PointerEvent} e @param {string} page @param {number[]} at */
function askText(e, page, at) {
  document.querySelector(".desk-text-input")?.remove();
  const box = document.createElement("textarea");
  box.className = "desk-text-input";
  box.maxLength = 2000;
  box.placeholder = tool === "stamp" ? t("stamp_placeholder") : t("text_placeholder");
  box.setAttribute("aria-label", box.placeholder);
  const kind = tool;
  const area = pagesEl.getBoundingClientRect();
  box.style.left = `${e.clientX - area.left + pagesEl.scrollLeft}px`;
  box.style.top = `${e.clientY - area.top + pagesEl.scrollTop}px`;
  pagesEl.append(box);
  let done = false;
  const commit = () => {
    if (done) return;
    done = true;
    const text = box.value.trim();
    box.remove();
    if (text) addMark(page, kind, { x: r4(at[0]), y: r4(at[1]), text, color });
    pagesEl.focus();
  };
  box.addEventListener("keydown", (k) => {
    if (k.key === "Enter" && !k.shiftKey) {
      k.preventDefault();
      commit();
    } else if (k.key === "Escape") {
      done = true;
      box.remove();
      pagesEl.focus();
    }
    k.stopPropagation();
  });
  box.addEventListener("blur", commit);
  setTimeout(() => box.focus(), 0);
}

// ---------------------------------------------------------------------------------------------
// The marking scheme: a score and a remark per question, the running total, the appreciation.

/** @type {Map<string, { node: SchemeNode, score: HTMLInputElement, remark: HTMLInputElement, row: HTMLElement, timer: number }>} */
const questions = new Map();

function renderScheme() {
  schemeEl.replaceChildren();
  questions.clear();
  const mine = new Set(view.my_questions);
  const scores = new Map(view.scores.map((s) => [s.question, s]));
  /** @param {SchemeNode} n @param {HTMLElement} parent */
  const add = (n, parent) => {
    if (n.children && n.children.length) {
      const fs = document.createElement("fieldset");
      const lg = document.createElement("legend");
      lg.textContent = n.label;
      fs.append(lg);
      for (const c of n.children) add(c, fs);
      parent.append(fs);
      return;
    }
    const row = document.createElement("div");
    row.className = "desk-q";
    row.dataset.question = n.id;
    const id = `q-${n.id}`;
    const label = document.createElement("label");
    label.htmlFor = id;
    label.textContent = n.label;
    const score = document.createElement("input");
    score.id = id;
    score.className = "score";
    score.inputMode = "decimal";
    score.autocomplete = "off";
    score.dataset.question = n.id;
    const max = document.createElement("span");
    max.className = "max";
    max.textContent = t("out_of", { max: num(n.max_points || 0) });
    const remark = document.createElement("input");
    remark.className = "remark";
    remark.maxLength = 2000;
    remark.placeholder = t("remark");
    remark.setAttribute("aria-label", `${t("remark")} · ${n.label}`);
    const saved = scores.get(n.id);
    if (saved) {
      score.value = num(saved.points);
      remark.value = saved.remark;
      queue.known(`score:${copyId()}:${n.id}`, saved.version);
    }
    const editable = mine.has(n.id) && !view.done.includes(n.id) && !readOnly();
    score.disabled = remark.disabled = !editable;
    row.append(label, score, max, remark);
    if (!mine.has(n.id)) {
      // By questions: another corrector's question, shown for context.
      row.classList.add("other");
      const who = document.createElement("span");
      who.className = "muted other-note";
      who.textContent = t("other_corrector");
      row.append(who);
    }
    parent.append(row);
    const q = { node: n, score, remark, row, timer: 0 };
    questions.set(n.id, q);
    if (saved) checkScore(q);
    score.addEventListener("input", () => scoreTyped(q, false));
    score.addEventListener("blur", () => scoreTyped(q, true));
    remark.addEventListener("input", () => scoreTyped(q, false));
    remark.addEventListener("blur", () => scoreTyped(q, true));
    score.addEventListener("keydown", (e) => scoreKeys(e, q));
    remark.addEventListener("keydown", (e) => {
      if (e.key === "ArrowUp") {
        e.preventDefault();
        score.focus();
      }
    });
  };
  for (const n of view.scheme.nodes) add(n, schemeEl);
  appreciationEl.value = view.appreciation.text;
  appreciationEl.disabled = readOnly();
  queue.known(`appreciation:${copyId()}`, view.appreciation.version);
  updateTotal();
}

/** Points typed in French or English ("2,5", "2.5"); null when empty, NaN when not a number. @param {string} raw */
function parsePoints(raw) {
  const v = raw.trim().replace(",", ".");
  if (!v) return null;
  return /^\d+(\.\d+)?$/.test(v) ? Number(v) : NaN;
}

/**
 * Shows what is wrong with a score as typed (or as loaded: a maximum lowered after it was
 * given flags it); answers the points (null when empty) and the problem.
 * @param {{ node: SchemeNode, score: HTMLInputElement, row: HTMLElement }} q
 */
function checkScore(q) {
  const points = parsePoints(q.score.value);
  const max = q.node.max_points || 0;
  q.row.querySelector(".field-error")?.remove();
  q.score.removeAttribute("aria-invalid");
  let problem = "";
  if (points !== null && (Number.isNaN(points) || Math.round(points * 4) !== points * 4)) problem = t("bad_points");
  else if (points !== null && points > max) problem = t("too_many", { max: num(max) });
  if (problem) {
    const note = document.createElement("span");
    note.className = "field-error";
    note.id = `err-${q.node.id}`;
    note.textContent = problem;
    q.score.setAttribute("aria-invalid", "true");
    q.score.setAttribute("aria-describedby", note.id);
    q.row.append(note);
  }
  return { points, problem };
}

/** @param {{ node: SchemeNode, score: HTMLInputElement, remark: HTMLInputElement, row: HTMLElement, timer: number }} q @param {boolean} now */
function scoreTyped(q, now) {
  const { points, problem } = checkScore(q);
  updateTotal();
  clearTimeout(q.timer);
  if (problem || points === null || readOnly()) return;
  q.row.classList.remove("missing");
  const write = () =>
    queue.push({
      key: `score:${copyId()}:${q.node.id}`,
      method: "PUT",
      url: `/api/copies/${copyId()}/scores/${encodeURIComponent(q.node.id)}/`,
      body: { points, remark: q.remark.value, version: 0 },
    });
  if (now) write();
  else q.timer = window.setTimeout(write, 500);
}

/** @param {KeyboardEvent} e @param {{ score: HTMLInputElement, remark: HTMLInputElement }} q */
function scoreKeys(e, q) {
  const all = [...questions.values()].filter((x) => !x.score.disabled);
  const i = all.findIndex((x) => x.score === q.score);
  if ((e.key === "Tab" && !e.shiftKey) || e.key === "Enter") {
    const next = all[i + 1];
    if (next) {
      e.preventDefault();
      next.score.focus();
      next.score.select();
    } else if (e.key === "Enter") {
      e.preventDefault();
      appreciationEl.focus();
    }
  } else if (e.key === "Tab" && e.shiftKey && i > 0) {
    e.preventDefault();
    all[i - 1].score.focus();
    all[i - 1].score.select();
  } else if (e.key === "ArrowDown") {
    e.preventDefault();
    q.remark.focus();
  }
}

function updateTotal() {
  let total = 0;
  let max = 0;
  let done = 0;
  const mine = new Set(view.my_questions);
  for (const q of questions.values()) {
    max += q.node.max_points || 0;
    const p = parsePoints(q.score.value);
    if (p !== null && !Number.isNaN(p)) {
      total += p;
      if (mine.has(q.node.id)) done += 1;
    }
  }
  $("desk-total").textContent = `${num(total)} / ${num(max)}`;
  $("desk-progress").textContent = t(byQuestions() ? "progress_mine" : "progress", { done, total: mine.size });
}

let appreciationTimer = 0;
appreciationEl.addEventListener("input", () => {
  clearTimeout(appreciationTimer);
  appreciationTimer = window.setTimeout(saveAppreciation, 700);
});
appreciationEl.addEventListener("blur", () => {
  clearTimeout(appreciationTimer);
  if (appreciationEl.value !== view.appreciation.text) saveAppreciation();
});
function saveAppreciation() {
  if (readOnly()) return;
  view.appreciation.text = appreciationEl.value;
  queue.push({ key: `appreciation:${copyId()}`, method: "PUT", url: `/api/copies/${copyId()}/appreciation/`, body: { text: appreciationEl.value, version: 0 } });
}

// ---------------------------------------------------------------------------------------------
// What the server refused: shown, with the current value, and nothing typed is lost.

/** @param {{ key: string, body: any }} w @param {{ body: any }} answer */
function conflict(w, answer) {
  const current = answer.body?.error?.details?.current || {};
  const [kind, copy, question] = w.key.split(":");
  if (kind === "score") {
    const q = questions.get(question);
    const mine = w.body?.points;
    if (q && Number(copy) === copyId()) {
      q.score.value = typeof current.points === "number" ? num(current.points) : "";
      q.remark.value = current.remark || "";
      updateTotal();
    }
    const keep = button(t("keep_mine"), () => {
      bannerEl.hidden = true;
      if (q && Number(copy) === copyId()) {
        q.score.value = num(mine);
        q.remark.value = w.body.remark || "";
        updateTotal();
      }
      queue.push({ key: w.key, method: "PUT", url: /** @type {any} */ (w).url, body: { ...w.body, version: 0 } });
    });
    banner(t("conflict_score", { q: q ? q.node.label : question, current: typeof current.points === "number" ? num(current.points) : "—", mine: num(mine) }), [keep]);
  } else if (kind === "appreciation") {
    const text = w.body?.text || "";
    if (Number(copy) === copyId()) {
      appreciationEl.value = current.text || "";
      view.appreciation.text = appreciationEl.value;
    }
    const pre = document.createElement("pre");
    pre.textContent = text;
    const keep = button(t("keep_mine"), () => {
      bannerEl.hidden = true;
      if (Number(copy) === copyId()) appreciationEl.value = text;
      queue.push({ key: w.key, method: "PUT", url: /** @type {any} */ (w).url, body: { text, version: 0 } });
    });
    banner(t("conflict_appreciation"), [pre, keep]);
  } else {
    banner(t("conflict_mark"));
    reloadMarks();
  }
}

/** @param {{ key: string }} w @param {{ status: number, body: any }} answer */
function refused(w, answer) {
  const err = answer.body?.error || { code: "internal" };
  banner(t("refused", { message: describe(err) }));
  if (w.key.startsWith("annotation:")) reloadMarks();
}

/** @param {string} text @param {() => void} onClick */
function button(text, onClick) {
  const b = document.createElement("button");
  b.type = "button";
  b.textContent = text;
  b.addEventListener("click", onClick);
  return b;
}

async function reloadMarks() {
  const r = await send({ url: `/api/copies/${copyId()}/grading/`, method: "GET", body: undefined }).catch(() => null);
  if (!r || r.status !== 200) return;
  view.annotations = r.body.annotations;
  loadMarks();
  renderPages();
}

function loadMarks() {
  marks.clear();
  selected = null;
  for (const a of view.annotations) {
    // A mark drawn in this tab keeps its local name once the server has given it an id.
    const local = queue.localOf(a.id) || `s${a.id}`;
    queue.bind(local, a.id);
    queue.known(`annotation:${local}`, a.version);
    marks.set(local, { local, page: a.page, kind: a.kind, data: a.data, locked: a.editable === false });
  }
}

// ---------------------------------------------------------------------------------------------
// Moving between pages and copies; the next copy is fetched before it is asked for.

/** @param {number} i @param {boolean} scroll */
function showPage(i, scroll) {
  const figs = pagesEl.querySelectorAll("figure.desk-page");
  if (!figs.length) return;
  currentPage = Math.max(0, Math.min(figs.length - 1, i));
  figs.forEach((f, k) => f.classList.toggle("current", k === currentPage));
  if (scroll) figs[currentPage].scrollIntoView({ block: "start" });
  $("desk-page").textContent = t("page_of", { n: currentPage + 1, total: figs.length });
}

pagesEl.addEventListener("scroll", () => {
  if (onePage) return;
  const top = pagesEl.getBoundingClientRect().top;
  const figs = [...pagesEl.querySelectorAll("figure.desk-page")];
  let best = 0;
  figs.forEach((f, k) => {
    if (f.getBoundingClientRect().top - top < pagesEl.clientHeight / 2) best = k;
  });
  if (best !== currentPage) showPage(best, false);
});

/** @param {number} z */
function setZoom(z) {
  zoom = Math.min(3, Math.max(0.3, Math.round(z * 100) / 100));
  for (const f of pagesEl.querySelectorAll("figure.desk-page")) /** @type {HTMLElement} */ (f).style.width = `${zoom * 100}%`;
}

// The first copy counts from the page's navigation; the next ones from the move.
let openedAt = 0;
function firstPageShown() {
  const ms = Math.round(performance.now() - openedAt);
  /** @type {any} */ (window).__deskTimings = [...(/** @type {any} */ (window).__deskTimings || []), { copy: copyId(), ms }];
}

async function refreshList() {
  const r = await send({ url: `/api/grading/copies/?exam=${view.copy.exam}`, method: "GET", body: undefined }).catch(() => null);
  if (r && r.status === 200) myCopies = r.body.items;
}

/** The copy after this one still to grade (wrapping round), or before it. @param {number} step */
function neighbour(step) {
  const i = myCopies.findIndex((c) => c.id === copyId());
  if (step < 0) return i > 0 ? myCopies[i - 1] : undefined;
  const after = [...myCopies.slice(i + 1), ...myCopies.slice(0, Math.max(i, 0))];
  return after.find((c) => c.my_status !== "graded" && c.id !== copyId());
}

/** @param {number} id */
async function fetchView(id) {
  const cached = prefetched.get(id);
  if (cached) return cached;
  const r = await send({ url: `/api/copies/${id}/grading/`, method: "GET", body: undefined });
  if (r.status !== 200) throw r.body?.error || { code: "internal" };
  return r.body;
}

async function prefetchNext() {
  const next = neighbour(1);
  if (!next || prefetched.has(next.id)) return;
  try {
    const v = await fetchView(next.id);
    prefetched.set(next.id, v);
    for (const p of v.copy.pages.slice(0, 2)) {
      const img = new Image();
      img.src = p.image_url;
    }
  } catch {
    // Prefetching is a bonus: the copy loads when asked for.
  }
}

/** @param {number} id @param {boolean} push */
async function openCopy(id, push) {
  openedAt = performance.now();
  document.querySelector(".desk-text-input")?.remove();
  let next;
  try {
    next = await fetchView(id);
  } catch (err) {
    banner(t("load_failed", { message: describe(/** @type {any} */ (err)) }));
    return;
  }
  prefetched.delete(id);
  show(next);
  if (push) history.pushState({ copy: id }, "", `/grading/copies/${id}`);
  await refreshList();
  prefetchNext();
}

/** @param {View} v */
function show(v) {
  view = v;
  undoStack = [];
  redoStack = [];
  currentPage = 0;
  bannerEl.hidden = true;
  $("desk-missing").hidden = true;
  $("desk-code").textContent = v.copy.code;
  document.title = document.title.replace(/^[^·]*·/, `${M.title || ""} ${v.copy.code} ·`);
  root.classList.toggle("desk-readonly", readOnly());
  if (myPartDone() && view.copy.status !== "GRADED") banner(t("part_done"));
  else if (readOnly()) banner(t("graded_readonly"));
  $("desk-finalize").textContent = t(byQuestions() ? "finalize_part" : "finalize");
  loadMarks();
  renderPages();
  renderScheme();
  if (tool === "stamp") bank.load(v.copy.exam, questionLabels());
  pagesEl.scrollTop = 0;
}

/** @param {number} step */
async function go(step) {
  await queue.flush();
  const c = neighbour(step);
  if (c) openCopy(c.id, true);
  else toast(t("no_more"));
}

window.addEventListener("popstate", (e) => {
  if (e.state && e.state.copy) openCopy(e.state.copy, false);
});

// ---------------------------------------------------------------------------------------------
// Finishing the copy.

async function finalize() {
  if (readOnly()) return;
  document.activeElement instanceof HTMLElement && document.activeElement.blur();
  await queue.flush();
  if (queue.waiting()) {
    banner(t("wait_saves"));
    return;
  }
  const r = await send({ url: `/api/copies/${copyId()}/finalize/`, method: "POST", body: undefined }).catch(() => null);
  const box = $("desk-missing");
  for (const q of questions.values()) q.row.classList.remove("missing");
  if (!r) {
    banner(describe({ code: "network" }));
    return;
  }
  if (r.status === 422) {
    const d = r.body.error.details || {};
    const items = (d.missing || []).map((/** @type {any} */ m) => m.label);
    for (const m of d.missing || []) questions.get(m.question)?.row.classList.add("missing");
    if (d.appreciation === false) items.push(t("missing_appreciation"));
    for (const o of d.over || []) {
      items.push(t("over", { label: o.label, max: num(o.max) }));
      questions.get(o.question)?.row.classList.add("missing");
    }
    box.textContent = `${t("missing")} ${items.join(", ")}`;
    box.hidden = false;
    const first = (d.missing || [])[0];
    if (first) questions.get(first.question)?.score.focus();
    else if (d.appreciation === false) appreciationEl.focus();
    return;
  }
  if (r.status !== 200) {
    banner(describe(r.body?.error || {}));
    return;
  }
  box.hidden = true;
  view.copy.status = r.body.status;
  view.done = [...new Set([...view.done, ...(r.body.questions || [])])];
  toast(t(byQuestions() ? "part_finalized" : "finalized"));
  await refreshList();
  const next = neighbour(1);
  if (next) openCopy(next.id, true);
  else show(view);
}

// ---------------------------------------------------------------------------------------------
// Buttons and keys. Letters are read from `key` (the letter printed on the key, the same on
// AZERTY and QWERTY); colours from `code` (the top row's digits, which need Shift on AZERTY).

/** @param {string} name */
function setTool(name) {
  tool = name;
  pagesEl.dataset.tool = name;
  for (const b of root.querySelectorAll("[data-tool]")) if (b.tagName === "BUTTON") b.setAttribute("aria-pressed", String(b.getAttribute("data-tool") === name));
  if (name !== "select") select(null);
  bank.show(name === "stamp");
  if (name === "stamp") bank.load(view.copy.exam, questionLabels());
}
/** @param {string} c */
function setColor(c) {
  color = c;
  for (const b of root.querySelectorAll("[data-color]")) b.setAttribute("aria-pressed", String(b.getAttribute("data-color") === c));
  const m = selected ? marks.get(selected) : undefined;
  if (m && !readOnly() && m.data.color !== c) {
    const before = structuredClone(m.data);
    m.data = { ...m.data, color: c };
    changeMark(m, before);
  }
}
function toggleOnePage() {
  onePage = !onePage;
  pagesEl.classList.toggle("one-page", onePage);
  $("desk-one-page").setAttribute("aria-pressed", String(onePage));
  showPage(currentPage, true);
}

for (const b of root.querySelectorAll("button[data-tool]")) b.addEventListener("click", () => setTool(b.getAttribute("data-tool") || "select"));
for (const b of root.querySelectorAll("button[data-color]")) b.addEventListener("click", () => setColor(b.getAttribute("data-color") || color));
$("desk-undo").addEventListener("click", () => undoRedo(false));
$("desk-redo").addEventListener("click", () => undoRedo(true));
$("desk-zoom-in").addEventListener("click", () => setZoom(zoom * 1.2));
$("desk-zoom-out").addEventListener("click", () => setZoom(zoom / 1.2));
$("desk-fit").addEventListener("click", () => setZoom(1));
$("desk-one-page").addEventListener("click", toggleOnePage);
$("desk-next").addEventListener("click", () => go(1));
$("desk-prev").addEventListener("click", () => go(-1));
$("desk-finalize").addEventListener("click", finalize);
$("desk-help").addEventListener("click", () => $("desk-keys").showModal());
pagesEl.addEventListener(
  "wheel",
  (e) => {
    if (!e.ctrlKey) return;
    e.preventDefault();
    setZoom(zoom * (e.deltaY < 0 ? 1.1 : 1 / 1.1));
  },
  { passive: false },
);

/** @type {Record<string, string>} */
const TOOL_KEYS = { s: "select", p: "pen", h: "highlight", t: "text", v: "tick", x: "cross", r: "rect", o: "ellipse", f: "arrow", c: "stamp", g: "eraser" };
const COLORS = ["#d7263d", "#1b8a3a", "#1f5fbf", "#e07b00", "#111111"];

document.addEventListener("keydown", (e) => {
  const target = /** @type {HTMLElement} */ (e.target);
  const typing = target.matches("input, textarea, select, [contenteditable]");
  if ((e.ctrlKey || e.metaKey) && e.key === "Enter") {
    e.preventDefault();
    finalize();
    return;
  }
  if (typing && e.key === "Escape" && root.contains(target) && !target.classList.contains("desk-text-input")) {
    // Out of a field, back to the pages (where the tools' keys work).
    target.blur();
    pagesEl.focus();
    return;
  }
  if (typing || $("desk-keys").open) return;
  const key = e.key.length === 1 ? e.key.toLowerCase() : e.key;
  if (e.ctrlKey || e.metaKey) {
    if (key === "z" && !e.shiftKey) undoRedo(false);
    else if (key === "y" || (key === "z" && e.shiftKey)) undoRedo(true);
    else return;
    e.preventDefault();
    return;
  }
  if (e.altKey) return;
  if (key === "?") $("desk-keys").showModal();
  else if (key === "n") go(e.shiftKey ? -1 : 1);
  else if (key === "q") {
    const q = [...questions.values()].find((x) => !x.score.disabled && !x.score.value.trim());
    (q || [...questions.values()][0])?.score.focus();
  } else if (key === "w") toggleOnePage();
  else if (key === "+" || key === "=") setZoom(zoom * 1.2);
  else if (key === "-") setZoom(zoom / 1.2);
  else if (key === "0" || e.code === "Digit0" || e.code === "Numpad0") setZoom(1);
  else if (/^Digit[1-5]$/.test(e.code) || /^[1-5]$/.test(key)) setColor(COLORS[Number(e.code.startsWith("Digit") ? e.code.slice(5) : key) - 1]);
  else if (key === "ArrowRight" || (onePage && key === "PageDown")) showPage(currentPage + 1, true);
  else if (key === "ArrowLeft" || (onePage && key === "PageUp")) showPage(currentPage - 1, true);
  else if ((key === "Delete" || key === "Backspace") && selected) eraseMark(selected);
  else if (key === "Escape") {
    select(null);
    setTool("select");
  } else if (TOOL_KEYS[key] && !readOnly()) setTool(TOOL_KEYS[key]);
  else return;
  e.preventDefault();
});

// Closing or reloading the tab: whatever waits is already in the browser's storage.
window.addEventListener("pagehide", () => {
  beat();
  queue.flush();
});

function fitHeight() {
  root.style.height = `${window.innerHeight - root.getBoundingClientRect().top - window.scrollY}px`;
}
window.addEventListener("resize", fitHeight);

async function start() {
  fitHeight();
  adoptOrphans();
  showSaveState(queue.waiting() ? "saving" : "saved", queue.waiting());
  history.replaceState({ copy: copyId() }, "", location.href);
  show(view);
  if (queue.waiting()) {
    // Writes left by a reload or a closed tab go first; then the desk shows what the server has.
    await queue.flush();
    if (!queue.waiting()) {
      const fresh = await fetchView(copyId()).catch(() => null);
      if (fresh) show(fresh);
    }
  }
  await refreshList();
  prefetchNext();
}

start();
