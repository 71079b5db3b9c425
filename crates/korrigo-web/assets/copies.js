// The repair desk: every copy as a strip of thumbnails. Select a page (click, or the arrow
// keys) to preview it, rotate it (R), mark it blank (B), split its copy before it (S), move it
// to another copy or to a new one, or delete it (Suppr); drag thumbnails to reorder a copy or
// to move pages between copies. Every edit is one API call, journaled on the server.
// @ts-check
import { api, describe, toast } from "./app.js";

const root = /** @type {HTMLElement} */ (document.getElementById("desk"));
const exam = root.dataset.exam || "";
const strips = /** @type {HTMLElement} */ (document.getElementById("desk-strips"));
const preview = /** @type {HTMLElement} */ (document.getElementById("desk-preview"));
const previewImg = /** @type {HTMLImageElement} */ (preview.querySelector("img"));
const previewCaption = /** @type {HTMLElement} */ (preview.querySelector("figcaption"));
const selection = /** @type {HTMLElement} */ (document.getElementById("desk-selection"));
const moveSelect = /** @type {HTMLSelectElement} */ (document.getElementById("desk-move"));
const empty = /** @type {HTMLElement} */ (document.getElementById("desk-empty"));
const errorBox = /** @type {HTMLElement} */ (root.querySelector(".form-error"));
const tools = /** @type {NodeListOf<HTMLButtonElement>} */ (root.querySelectorAll("#desk-tools button"));
const msg = (/** @type {string} */ k) => root.dataset[k] || k;
const lang = document.documentElement.lang === "en" ? "en" : "fr";
/** `?flagged=1` (the scans page's "N à vérifier" link): only the copies with pages to check. */
const flaggedOnly = new URLSearchParams(location.search).get("flagged") === "1";
const filterNote = document.getElementById("desk-filter-note");
if (filterNote) filterNote.hidden = !flaggedOnly;
/** @param {{pages: {flags: string[]}[], unexpected_page_count: boolean}} c */
const needsCheck = (c) => c.unexpected_page_count || c.pages.some((p) => p.flags.some((f) => f !== "header"));

/** @typedef {{id:number, position:number, source_file:string, source_page:number, half:string|null, rotation:number, flags:string[], thumb_url:string, image_url:string}} Page */
/** @typedef {{id:number, code:string, status:string, page_count:number, unexpected_page_count:boolean, pages:Page[]}} Copy */

/** @type {Copy[]} */
let copies = [];
/** @type {Page[]} */
let loose = [];
/** @type {number | null} */
let selected = null;

/** @param {number} pageId @returns {{page: Page, copy: Copy | null, index: number} | null} */
function locate(pageId) {
  for (const c of copies) {
    const i = c.pages.findIndex((p) => p.id === pageId);
    if (i >= 0) return { page: c.pages[i], copy: c, index: i };
  }
  const i = loose.findIndex((p) => p.id === pageId);
  return i >= 0 ? { page: loose[i], copy: null, index: i } : null;
}

/** @param {any} edit */
async function edit(edit) {
  errorBox.hidden = true;
  try {
    await api(`/api/exams/${exam}/copies/repair/`, "POST", edit);
  } catch (/** @type {any} */ err) {
    errorBox.textContent = describe(err);
    errorBox.hidden = false;
    return;
  }
  await load();
}

/** @param {Page} p */
function provenance(p) {
  const half = p.half ? (lang === "en" ? ` (${p.half} half)` : ` (moitié ${p.half === "left" ? "gauche" : "droite"})`) : "";
  const rot = p.rotation ? ` · ${p.rotation}°` : "";
  return `${p.source_file} p. ${p.source_page}${half}${rot}`;
}

/** @param {Page} p @param {Copy | null} copy */
function thumb(p, copy) {
  const b = document.createElement("button");
  b.type = "button";
  b.className = "thumb";
  b.draggable = true;
  b.dataset.page = String(p.id);
  b.title = provenance(p);
  if (p.id === selected) b.classList.add("selected");
  const img = document.createElement("img");
  img.src = p.thumb_url;
  img.alt = b.title;
  img.loading = "lazy";
  img.className = `rot-${p.rotation}`;
  b.append(img);
  for (const f of p.flags) {
    if (f === "header") continue;
    const badge = document.createElement("span");
    badge.className = `badge flag-${f}`;
    badge.textContent = f === "blank" ? msg("msgBlank") : msg("msgUnsure");
    // Each flag says why it is there.
    badge.title = f === "blank" ? msg("msgBlankWhy") : msg("msgUnsureWhy");
    b.append(badge);
  }
  b.addEventListener("click", () => select(p.id));
  b.addEventListener("dragstart", (e) => {
    e.dataTransfer?.setData("text/plain", String(p.id));
  });
  b.addEventListener("dragover", (e) => e.preventDefault());
  b.addEventListener("drop", (e) => {
    e.preventDefault();
    e.stopPropagation();
    const moved = Number(e.dataTransfer?.getData("text/plain"));
    if (copy && moved && moved !== p.id) dropInto(copy, moved, p.id);
  });
  return b;
}

/** @param {Copy} target @param {number} moved @param {number | null} before */
function dropInto(target, moved, before) {
  const ids = target.pages.map((p) => p.id).filter((id) => id !== moved);
  const at = before === null ? ids.length : ids.indexOf(before);
  ids.splice(at < 0 ? ids.length : at, 0, moved);
  selected = moved;
  edit({ op: "set_pages", copy: target.id, pages: ids });
}

function render() {
  empty.hidden = copies.length > 0 || loose.length > 0;
  const rows = [];
  if (loose.length) {
    const row = document.createElement("section");
    row.className = "strip loose";
    const h = document.createElement("h2");
    h.textContent = msg("msgLoose");
    const list = document.createElement("div");
    list.className = "thumbs";
    list.append(...loose.map((p) => thumb(p, null)));
    row.append(h, list);
    rows.push(row);
  }
  for (const c of copies) {
    if (flaggedOnly && !needsCheck(c)) continue;
    const row = document.createElement("section");
    row.className = "strip";
    row.dataset.copy = String(c.id);
    const h = document.createElement("h2");
    const status = msg("msgStatus" + c.status.charAt(0) + c.status.slice(1).toLowerCase());
    h.textContent = `${c.code} · ${c.page_count} ${msg(c.page_count < 2 ? "msgPage" : "msgPages")} · ${status}`;
    if (c.unexpected_page_count) {
      const warn = document.createElement("span");
      warn.className = "badge flag-unsure";
      warn.textContent = msg("msgUnexpected");
      warn.title = msg("msgUnexpectedWhy");
      h.append(" ", warn);
    }
    const merge = document.createElement("select");
    merge.setAttribute("aria-label", msg("msgMergeInto"));
    const first = document.createElement("option");
    first.value = "";
    first.textContent = msg("msgMergeInto");
    merge.append(first, ...copies.filter((o) => o.id !== c.id).map((o) => {
      const opt = document.createElement("option");
      opt.value = String(o.id);
      opt.textContent = o.code;
      return opt;
    }));
    merge.addEventListener("change", () => {
      const into = Number(merge.value);
      const target = copies.find((o) => o.id === into);
      if (target && confirm(`${msg("msgMergeConfirm")} ${c.code} → ${target.code}`)) {
        edit({ op: "merge", into, from: c.id });
      } else {
        merge.value = "";
      }
    });
    const head = document.createElement("div");
    head.className = "strip-head";
    head.append(h, merge);
    const list = document.createElement("div");
    list.className = "thumbs";
    list.append(...c.pages.map((p) => thumb(p, c)));
    list.addEventListener("dragover", (e) => e.preventDefault());
    list.addEventListener("drop", (e) => {
      e.preventDefault();
      const moved = Number(e.dataTransfer?.getData("text/plain"));
      if (moved) dropInto(c, moved, null);
    });
    row.append(head, list);
    rows.push(row);
  }
  strips.replaceChildren(...rows);
  moveSelect.replaceChildren(
    new Option("—", ""),
    new Option(msg("msgNewCopy"), "new"),
    ...copies.map((c) => new Option(c.code, String(c.id))),
  );
  showSelection();
}

function showSelection() {
  const at = selected === null ? null : locate(selected);
  for (const b of tools) b.disabled = !at;
  moveSelect.disabled = !at;
  for (const el of strips.querySelectorAll(".thumb")) {
    el.classList.toggle("selected", Number(/** @type {HTMLElement} */ (el).dataset.page) === selected);
  }
  if (!at) {
    preview.hidden = true;
    return;
  }
  const split = /** @type {HTMLButtonElement} */ (root.querySelector('[data-action="split"]'));
  split.disabled = !at.copy || at.index === 0;
  selection.textContent = `${at.copy ? at.copy.code : msg("msgLoose")} · ${at.index + 1} · ${provenance(at.page)}`;
  previewImg.src = at.page.image_url;
  previewImg.className = `rot-${at.page.rotation}`;
  previewCaption.textContent = provenance(at.page);
  preview.hidden = false;
}

/** @param {number} id */
function select(id) {
  selected = id;
  showSelection();
  const el = strips.querySelector(`[data-page="${id}"]`);
  if (el instanceof HTMLElement) el.focus();
}

/** @param {string} action */
function act(action) {
  const at = selected === null ? null : locate(selected);
  if (!at) return;
  const p = at.page;
  if (action === "rotate") edit({ op: "rotate", page: p.id, rotation: (p.rotation + 90) % 360 });
  if (action === "blank") edit({ op: "blank", page: p.id, blank: !p.flags.includes("blank") });
  if (action === "split" && at.copy && at.index > 0 && confirm(msg("msgSplitConfirm"))) {
    edit({ op: "split", copy: at.copy.id, position: at.index + 1 });
  }
  if (action === "delete" && confirm(msg("msgDeleteConfirm"))) {
    const next = at.copy ? at.copy.pages[at.index + 1] || at.copy.pages[at.index - 1] : null;
    selected = next ? next.id : null;
    edit({ op: "delete_page", page: p.id });
  }
}

for (const b of tools) b.addEventListener("click", () => act(b.dataset.action || ""));
moveSelect.addEventListener("change", () => {
  const at = selected === null ? null : locate(selected);
  const v = moveSelect.value;
  if (!at || !v) return;
  if (v === "new") {
    edit({ op: "new_copy", pages: [at.page.id] });
    return;
  }
  const target = copies.find((c) => c.id === Number(v));
  if (target) dropInto(target, at.page.id, null);
});

document.addEventListener("keydown", (e) => {
  const t = /** @type {HTMLElement} */ (e.target);
  if (t && (t.tagName === "INPUT" || t.tagName === "SELECT" || t.tagName === "TEXTAREA")) return;
  const all = [...loose, ...copies.flatMap((c) => c.pages)].map((p) => p.id);
  const i = selected === null ? -1 : all.indexOf(selected);
  if (e.key === "ArrowRight" || e.key === "ArrowDown") {
    if (all.length) select(all[Math.min(all.length - 1, i + 1)]);
  } else if (e.key === "ArrowLeft" || e.key === "ArrowUp") {
    if (all.length) select(all[Math.max(0, i - 1)]);
  } else if (e.key === "r" || e.key === "R") act("rotate");
  else if (e.key === "b" || e.key === "B") act("blank");
  else if (e.key === "s" || e.key === "S") act("split");
  else if (e.key === "Delete") act("delete");
  else return;
  e.preventDefault();
});

async function load() {
  try {
    const data = await api(`/api/exams/${exam}/copies/?per_page=500`, "GET");
    copies = data.items;
    loose = data.loose_pages;
    if (data.total > copies.length) toast(`${copies.length} / ${data.total}`);
  } catch (/** @type {any} */ err) {
    errorBox.textContent = describe(err);
    errorBox.hidden = false;
    return;
  }
  if (selected !== null && !locate(selected)) selected = null;
  render();
}

load();
