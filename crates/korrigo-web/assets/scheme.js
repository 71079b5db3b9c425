// The marking scheme editor: a tree of exercises → questions → sub-questions with labels and
// points (leaves only, steps of 0.25), live totals, keyboard moves and drag-and-drop, save with
// confirmation when the total differs from the grade scale, JSON export and import.
// Node ids are kept through renames and moves; new nodes get theirs from the server.
// @ts-check
import { api, describe, toast } from "./app.js";

/** @typedef {{id?: string, label: string, max_points?: number, children?: SchemeNode[]}} SchemeNode */

const root = /** @type {HTMLElement} */ (document.getElementById("scheme-editor"));
const tree = /** @type {HTMLOListElement} */ (document.getElementById("scheme-tree"));
const totalEl = /** @type {HTMLElement} */ (document.getElementById("scheme-total"));
const stateEl = /** @type {HTMLElement} */ (document.getElementById("scheme-state"));
const errorBox = /** @type {HTMLElement} */ (root.querySelector(".form-error"));
const examId = root.dataset.exam;
const editable = root.dataset.editable === "1";
const msg = (/** @type {string} */ k) => root.dataset[k] || k;
const MAX_DEPTH = 3;

/** @type {SchemeNode[]} */
let nodes = [];
let version = 0;
let dirty = false;
/** @type {SchemeNode[] | null} */
let dragFrom = null;
let dragIndex = -1;

/** @param {SchemeNode} n @returns {number} levels below and including n */
function height(n) {
  return 1 + Math.max(0, ...(n.children || []).map(height));
}
/** Subtotal elements of parent nodes, refreshed without rebuilding the tree (focus stays). */
let subtotals = new Map();

/** @param {SchemeNode} n @returns {number} quarter points */
function quarters(n) {
  if (n.children && n.children.length) return n.children.reduce((s, c) => s + quarters(c), 0);
  return Math.round((n.max_points || 0) * 4);
}

/** @param {number} q */
function fmt(q) {
  return String(q / 4).replace(".", lang === "fr" ? "," : ".");
}
const lang = document.documentElement.lang;

function markDirty() {
  dirty = true;
  stateEl.textContent = msg("msgUnsaved");
  render();
}

/**
 * @param {SchemeNode[]} list the nodes to draw
 * @param {number} depth 1 for exercises
 * @param {{list: SchemeNode[], index: number} | null} parent where the list's owner sits
 * @returns {HTMLElement[]}
 */
function renderList(list, depth, parent) {
  return list.map((n, i) => {
    const li = document.createElement("li");
    li.className = "node depth-" + depth;
    const row = document.createElement("div");
    row.className = "node-row";
    if (editable) {
      row.draggable = true;
      row.addEventListener("dragstart", () => { dragFrom = list; dragIndex = i; });
      row.addEventListener("dragover", (e) => e.preventDefault());
      row.addEventListener("drop", (e) => {
        e.preventDefault();
        if (!dragFrom || (dragFrom === list && dragIndex === i)) return;
        const moving = dragFrom[dragIndex];
        // A node may move to another exercise or question, keeping its id, as long as the
        // tree stays three levels deep and it does not land inside itself.
        if (depth - 1 + height(moving) > MAX_DEPTH || contains(moving, n)) return;
        dragFrom.splice(dragIndex, 1);
        const at = dragFrom === list && dragIndex < i ? i - 1 : i;
        list.splice(at, 0, moving);
        dragFrom = null;
        markDirty();
      });
    }
    const label = document.createElement("input");
    label.value = n.label;
    label.setAttribute("aria-label", msg("msgLabel"));
    label.readOnly = !editable;
    label.addEventListener("input", () => { n.label = label.value; dirty = true; stateEl.textContent = msg("msgUnsaved"); });
    label.addEventListener("keydown", (e) => {
      if (!editable) return;
      if (e.altKey && (e.key === "ArrowUp" || e.key === "ArrowDown")) {
        e.preventDefault();
        const j = e.key === "ArrowUp" ? i - 1 : i + 1;
        if (j < 0 || j >= list.length) return;
        [list[i], list[j]] = [list[j], list[i]];
        markDirty();
        focusLabel(list[j]);
      } else if (e.altKey && e.key === "ArrowRight" && i > 0) {
        // Indent: becomes the last sub-question of the node above.
        e.preventDefault();
        const target = list[i - 1];
        if (depth + height(n) > MAX_DEPTH) return;
        list.splice(i, 1);
        if (!target.children || target.children.length === 0) {
          delete target.max_points;
          target.children = [];
        }
        target.children.push(n);
        markDirty();
        focusLabel(n);
      } else if (e.altKey && e.key === "ArrowLeft" && parent) {
        // Outdent: moves just after its parent.
        e.preventDefault();
        list.splice(i, 1);
        const owner = parent.list[parent.index];
        if (list.length === 0 && owner.max_points === undefined) owner.max_points = 1;
        parent.list.splice(parent.index + 1, 0, n);
        markDirty();
        focusLabel(n);
      } else if (e.key === "Enter") {
        e.preventDefault();
        const fresh = { label: depth === 1 ? msg("msgExercise") : msg("msgQuestion"), max_points: 1 };
        list.splice(i + 1, 0, fresh);
        markDirty();
        focusLabel(fresh);
      }
    });
    /** @type {any} */ (label).node = n;
    row.append(label);
    const leaf = !n.children || n.children.length === 0;
    if (leaf) {
      const pts = document.createElement("input");
      pts.type = "number";
      pts.step = "0.25";
      pts.min = "0.25";
      pts.className = "points";
      pts.value = String(n.max_points ?? "");
      pts.readOnly = !editable;
      pts.setAttribute("aria-label", msg("msgPoints"));
      const why = document.createElement("span");
      why.className = "field-error";
      why.id = `points-error-${nextFieldId++}`;
      why.hidden = true;
      why.textContent = msg("msgQuarter");
      pts.setAttribute("aria-describedby", why.id);
      pts.addEventListener("input", () => {
        const v = Number(pts.value.replace(",", "."));
        n.max_points = v;
        // Refused at the field, in the user's words, before anything is sent.
        const ok = pts.value !== "" && quarterPoints(v);
        pts.setCustomValidity(ok ? "" : msg("msgQuarter"));
        pts.setAttribute("aria-invalid", ok ? "false" : "true");
        why.hidden = ok;
        dirty = true;
        stateEl.textContent = msg("msgUnsaved");
        updateTotals();
      });
      row.append(pts, why);
    } else {
      const sum = document.createElement("span");
      sum.className = "subtotal";
      subtotals.set(n, sum);
      row.append(sum);
    }
    if (editable) {
      /** @param {string} text @param {string} title @param {() => void} action */
      const button = (text, title, action) => {
        const b = document.createElement("button");
        b.type = "button";
        b.className = "icon";
        b.textContent = text;
        b.title = title;
        b.setAttribute("aria-label", title);
        b.addEventListener("click", action);
        row.append(b);
      };
      if (depth < MAX_DEPTH) {
        button("+", msg("msgAddChild"), () => {
          n.children = n.children || [];
          if (n.children.length === 0) delete n.max_points;
          const fresh = { label: msg("msgQuestion"), max_points: 1 };
          n.children.push(fresh);
          markDirty();
          focusLabel(fresh);
        });
      }
      button("↑", msg("msgUp"), () => { if (i > 0) { [list[i - 1], list[i]] = [list[i], list[i - 1]]; markDirty(); } });
      button("↓", msg("msgDown"), () => { if (i < list.length - 1) { [list[i + 1], list[i]] = [list[i], list[i + 1]]; markDirty(); } });
      button("×", msg("msgDelete"), () => {
        if (n.children && n.children.length && !window.confirm(msg("msgDeleteConfirm"))) return;
        list.splice(i, 1);
        markDirty();
      });
    }
    li.append(row);
    if (n.children && n.children.length) {
      const ol = document.createElement("ol");
      ol.append(...renderList(n.children, depth + 1, { list, index: i }));
      li.append(ol);
    }
    return li;
  });
}

/** @param {SchemeNode} outer @param {SchemeNode} inner @returns {boolean} */
function contains(outer, inner) {
  return outer === inner || (outer.children || []).some((/** @type {SchemeNode} */ c) => contains(c, inner));
}

/** @param {SchemeNode} n */
function focusLabel(n) {
  for (const input of Array.from(tree.querySelectorAll("input"))) {
    if (/** @type {any} */ (input).node === n) {
      input.focus();
      input.select();
      return;
    }
  }
}

function updateTotals() {
  for (const [n, el] of subtotals) el.textContent = fmt(quarters(n)) + " pts";
  const total = nodes.reduce((s, n) => s + quarters(n), 0);
  totalEl.textContent = fmt(total);
  totalEl.classList.toggle("mismatch", total !== Number(root.dataset.scale) * 4);
}

function render() {
  subtotals = new Map();
  tree.replaceChildren(...renderList(nodes, 1, null));
  if (nodes.length === 0) {
    const li = document.createElement("li");
    li.className = "empty";
    li.textContent = msg("msgEmpty");
    tree.append(li);
  }
  updateTotals();
}

async function load() {
  const r = await api(`/api/exams/${examId}/scheme/`, "GET");
  nodes = r.scheme.nodes;
  version = r.version;
  dirty = false;
  stateEl.textContent = "";
  render();
}

/** @param {number} v */
const quarterPoints = (v) => Number.isFinite(v) && v >= 0.25 && Number.isInteger(v * 4);
let nextFieldId = 0;

/** @param {boolean} confirmMismatch @param {boolean} [confirmOver] */
async function save(confirmMismatch, confirmOver = false) {
  errorBox.hidden = true;
  const invalid = tree.querySelector('input.points[aria-invalid="true"]');
  if (invalid instanceof HTMLInputElement) {
    errorBox.textContent = msg("msgFixFirst");
    errorBox.hidden = false;
    invalid.focus();
    return;
  }
  try {
    const r = await api(`/api/exams/${examId}/scheme/`, "PUT", {
      scheme: { nodes },
      version,
      confirm_total_mismatch: confirmMismatch,
      confirm_scores_over: confirmOver,
    });
    nodes = r.scheme.nodes;
    version = r.version;
    dirty = false;
    stateEl.textContent = msg("msgSaved");
    render();
  } catch (e) {
    const err = /** @type {any} */ (e);
    if (err && err.code === "confirmation_required" && err.details && Array.isArray(err.details.scores_over)) {
      // Grading has started: the scores above a lowered maximum are listed before saving.
      const lines = err.details.scores_over
        .slice(0, 15)
        .map((/** @type {any} */ o) => `${o.code} · ${o.label} : ${fmt(Math.round(o.points * 4))} > ${fmt(Math.round(o.max * 4))}`)
        .join("\n");
      const more = err.details.scores_over.length > 15 ? `\n… (+${err.details.scores_over.length - 15})` : "";
      const head = lang === "fr"
        ? "Des notes déjà attribuées dépassent le nouveau maximum de leur question. Elles seront conservées telles quelles et signalées sur leurs copies, à corriger avant de terminer ces copies\u00a0:"
        : "Scores already given exceed their question's new maximum. They are kept as they are and flagged on their copies, to be corrected before those copies are finished:";
      if (window.confirm(`${head}\n\n${lines}${more}\n\n${lang === "fr" ? "Enregistrer quand même\u00a0?" : "Save anyway?"}`)) await save(confirmMismatch, true);
      return;
    }
    if (err && err.code === "confirmation_required") {
      const d = err.details || {};
      const text = lang === "fr"
        ? `Le barème totalise ${fmt(Math.round(d.total * 4))} points alors que l'examen est noté sur ${d.grade_scale}. Les notes seront ramenées sur ${d.grade_scale}. Enregistrer quand même ?`
        : `The scheme totals ${d.total} points but the exam is graded out of ${d.grade_scale}. Grades will be scaled. Save anyway?`;
      if (window.confirm(text)) await save(true, confirmOver);
      return;
    }
    errorBox.textContent = describe(err);
    errorBox.hidden = false;
  }
}

document.getElementById("scheme-add")?.addEventListener("click", () => {
  const fresh = { label: msg("msgExercise") + " " + (nodes.length + 1), max_points: 1 };
  nodes.push(fresh);
  markDirty();
  focusLabel(fresh);
});
document.getElementById("scheme-save")?.addEventListener("click", () => save(false));
document.addEventListener("keydown", (e) => {
  if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === "s" && editable) {
    e.preventDefault();
    save(false);
  }
});
document.getElementById("scheme-export")?.addEventListener("click", () => {
  const blob = new Blob([JSON.stringify({ nodes }, null, 2)], { type: "application/json" });
  const a = document.createElement("a");
  a.href = URL.createObjectURL(blob);
  a.download = `bareme-examen-${examId}.json`;
  a.click();
  URL.revokeObjectURL(a.href);
});
document.getElementById("scheme-import")?.addEventListener("change", async (ev) => {
  const input = /** @type {HTMLInputElement} */ (ev.target);
  const f = input.files && input.files[0];
  if (!f) return;
  try {
    const data = JSON.parse(await f.text());
    if (!data || !Array.isArray(data.nodes)) throw new Error("nodes");
    nodes = data.nodes;
    markDirty();
  } catch {
    errorBox.textContent = lang === "fr" ? "Ce fichier n'est pas un barème Korrigo (JSON avec « nodes »)." : "This file is not a Korrigo scheme (JSON with \"nodes\").";
    errorBox.hidden = false;
  }
  input.value = "";
});
window.addEventListener("beforeunload", (e) => { if (dirty) e.preventDefault(); });
// Links of the page (the exam, the menu) ask in the user's words before unsaved changes are lost.
document.addEventListener("click", (e) => {
  const link = /** @type {Element} */ (e.target).closest("a[href]");
  if (!link || !dirty || e.defaultPrevented) return;
  if (window.confirm(msg("msgLeave"))) {
    dirty = false;
  } else {
    e.preventDefault();
  }
});

load().catch((e) => toast(describe(/** @type {any} */ (e))));
