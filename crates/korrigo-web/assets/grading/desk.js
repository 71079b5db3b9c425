// The corrector desk: a copy's pages with the corrector's marks drawn over them, the marking
// scheme with a score and a remark per question, the appreciation, and the moves between
// copies. Every change goes through the write queue (queue.js): kept in the browser first,
// sent in order within a second, kept while the network is down, never lost on a reload.
// Nothing here ever holds a student's identity: the server sends codes and masked pages only.
// @ts-check

import { csrfToken, describe, toast } from "../app.js";
import { r4 } from "./geometry.js";
import { attachPointer } from "./pointer.js";
import { createQueue } from "./queue.js";
import { createBank } from "./bank.js";
import { drawMark as draw, el, rotation } from "./drawing.js";
import { byQuestions, createScheme, parsePoints, questionLabels } from "./questions.js";

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
    // Undoing the stamp gives the score back as it was, empty included.
    const step = undoStack[undoStack.length - 1];
    if (step) step.score = { question: q.node.id, before, after: q.score.value };
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

/** @param {number} id */
const pageOf = (id) => view.copy.pages.find((p) => p.id === id);

/** What a page's pointer acts on. @type {import("./pointer.js").Ctx} */
const pointerCtx = {
  marks,
  tool: () => tool,
  color: () => color,
  readOnly: () => readOnly(),
  locked: (local) => locked(local),
  select,
  eraseMark,
  addMark,
  changeMark,
  drawMark,
  stampComment,
  askText,
};

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
    attachPointer(/** @type {SVGSVGElement} */ (svg), p, pointerCtx);
  });
  for (const m of marks.values()) drawMark(m);
  showPage(Math.min(currentPage, view.copy.pages.length - 1), false);
}

/** @param {number} pageId */
function layerOf(pageId) {
  return pagesEl.querySelector(`figure[data-page="${pageId}"] g.marks`);
}

/** Draws (or redraws) one mark on its page. @param {Mark} m */
function drawMark(m) {
  pagesEl.querySelector(`g.mark[data-local="${CSS.escape(m.local)}"]`)?.remove();
  const p = pageOf(m.page);
  const layer = layerOf(m.page);
  if (!p || !layer) return;
  const on = selected === m.local;
  draw(m, p, layer, { selected: on, handle: on && !readOnly(), num });
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

const scheme = createScheme({
  form: schemeEl,
  appreciation: appreciationEl,
  total: $("desk-total"),
  progress: $("desk-progress"),
  t,
  num,
  queue,
  view: () => view,
  readOnly,
});
const { questions, scoreTyped, updateTotal } = scheme;

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

/** @param {{ key: string, method: string, body: any }} w @param {{ body: any }} answer */
function conflict(w, answer) {
  const current = answer.body?.error?.details?.current || {};
  const [kind, copy, question] = w.key.split(":");
  if (kind === "score") {
    const q = questions.get(question);
    // What I wrote: points, or nothing (I cleared the score).
    const mine = w.method === "DELETE" ? null : w.body?.points;
    const shown = (/** @type {any} */ p) => (typeof p === "number" ? num(p) : "—");
    if (q && Number(copy) === copyId()) {
      q.score.value = typeof current.points === "number" ? num(current.points) : "";
      q.remark.value = current.remark || "";
      q.saved = typeof current.points === "number";
      updateTotal();
    }
    const keep = button(t("keep_mine"), () => {
      bannerEl.hidden = true;
      if (q && Number(copy) === copyId()) {
        q.score.value = mine === null ? "" : num(mine);
        q.remark.value = mine === null ? "" : w.body.remark || "";
        q.saved = mine !== null;
        updateTotal();
      }
      if (mine === null) queue.push({ key: w.key, method: "DELETE", url: /** @type {any} */ (w).url });
      else queue.push({ key: w.key, method: "PUT", url: /** @type {any} */ (w).url, body: { ...w.body, version: 0 } });
    });
    banner(t("conflict_score", { q: q ? q.node.label : question, current: shown(current.points), mine: shown(mine) }), [keep]);
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
  $("desk-finalize").textContent = t(byQuestions(view) ? "finalize_part" : "finalize");
  loadMarks();
  renderPages();
  scheme.render();
  if (tool === "stamp") bank.load(v.copy.exam, questionLabels(view.scheme.nodes));
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
  toast(t(byQuestions(view) ? "part_finalized" : "finalized"));
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
  if (name === "stamp") bank.load(view.copy.exam, questionLabels(view.scheme.nodes));
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
