// The identification desk, keyboard first: one copy at a time with its header crop, the top
// five suggestions (1–5 or Enter picks), a type-ahead over the exam's students (/ focuses it,
// ↑/↓ move in its results), arrows to move, N for "not a student", S to skip. Choosing a
// student already on another copy asks whether to swap. A table view confirms several copies'
// best suggestions at once; the students still without a copy are listed below.
// @ts-check
import { api, describe, displayDate, toast } from "./app.js";

const root = /** @type {HTMLElement} */ (document.getElementById("ident"));
const exam = root.dataset.exam || "";
const msg = (/** @type {string} */ k) => root.dataset[k] || k;
const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));
const view = $("ident-copy");
const table = $("ident-table");
const rows = $("ident-rows");
const empty = $("ident-empty");
const progress = $("ident-progress");
const header = /** @type {HTMLImageElement} */ ($("ident-header"));
const suggestions = $("ident-suggestions");
const search = /** @type {HTMLInputElement} */ ($("ident-search"));
const results = $("ident-results");
const viewButton = $("ident-view");
const errorBox = /** @type {HTMLElement} */ (root.querySelector(".form-error"));

/** @typedef {{id:number, last_name:string, first_name:string, birth_date:string, class:string|null}} Student */
/** @typedef {{student: Student, score: number, taken_by: number|null}} Suggestion */
/** @typedef {{id:number, code:string, method:string|null, student:Student|null, confidence:number|null, read:any, suggestions:Suggestion[], header_url:string|null}} DeskCopy */

let filter = "pending";
let tableView = false;
/** @type {DeskCopy[]} */
let items = [];
let index = 0;
/** @type {Student[]} */
let found = [];
/** When the manager last typed or clicked: the list is refreshed only while they are idle. */
let lastActivity = Date.now();

/**
 * "1 copie", "2 copies": French uses the singular for 0 and 1, English for 1 only.
 * @param {number} n @param {string} key
 */
const plural = (n, key) => {
  const one = document.documentElement.lang === "en" ? n === 1 : n < 2;
  return `${n} ${msg(key + (one ? "One" : "Many"))}`;
};
/** @param {Student} s */
const label = (s) => `${s.last_name} ${s.first_name} · ${s.class || ""} · ${displayDate(s.birth_date)}`;
/** @param {number} score */
const percent = (score) => `${Math.round(score * 100)}\u00a0%`;
/** @param {string|null} method */
const methodWord = (method) =>
  method === "auto" ? msg("msgAuto") : method === "label" ? msg("msgLabel") : method === "manual" ? msg("msgManual") : "";

/** @param {any} r @param {string|null} [method] */
function readText(r, method = null) {
  if (!r) return msg("msgNone");
  const parts = [r.last_name || "—", r.first_name || "—", r.birth_date || r.date_digits || "—"];
  if (r.number) parts.push(`${msg("msgNumber")} ${r.number}`);
  const text = `${msg("msgRead")} ${parts.join(" / ")}`;
  // A label read but not used: tell why, so that the manager knows what to check.
  if (r.label && r.label.student == null) return `${text} — ${msg("msgLabelForeign")}`;
  if (r.label && method !== "label") return `${text} — ${msg("msgLabelUnused")}`;
  return text;
}

async function load(keepIndex = false) {
  errorBox.hidden = true;
  let data;
  try {
    data = await api(`/api/exams/${exam}/identification/?filter=${filter}`, "GET");
  } catch (/** @type {any} */ err) {
    errorBox.textContent = describe(err);
    errorBox.hidden = false;
    return;
  }
  items = data.items;
  progress.textContent = `${data.pending} ${msg("msgRemaining")} / ${data.total}`;
  for (const b of root.querySelectorAll("[data-filter]")) {
    const on = /** @type {HTMLElement} */ (b).dataset.filter === filter;
    b.classList.toggle("secondary", !on);
    b.setAttribute("aria-pressed", on ? "true" : "false");
  }
  showUnmatched(data.unmatched || []);
  if (!keepIndex) index = 0;
  index = Math.min(index, Math.max(0, items.length - 1));
  show();
}

/** @param {Student[]} students */
function showUnmatched(students) {
  $("ident-unmatched-count").textContent = String(students.length);
  const list = $("ident-unmatched");
  if (!students.length) {
    const li = document.createElement("li");
    li.textContent = msg("msgUnmatchedNone");
    list.replaceChildren(li);
    return;
  }
  list.replaceChildren(
    ...students.map((s) => {
      const li = document.createElement("li");
      li.textContent = label(s);
      return li;
    }),
  );
}

function show() {
  const c = items[index];
  empty.hidden = !!c;
  if (!c) {
    view.hidden = true;
    table.hidden = true;
    empty.textContent = msg("msgDone");
    return;
  }
  view.hidden = tableView;
  table.hidden = !tableView;
  if (tableView) {
    showTable();
    return;
  }
  $("ident-code").textContent = `${c.code} (${index + 1} / ${items.length})`;
  $("ident-current").textContent = c.student
    ? `${label(c.student)} — ${methodWord(c.method)}${c.confidence && c.method !== "label" ? ` ${percent(c.confidence)}` : ""}`
    : c.method === "not_student"
      ? msg("msgNotStudent")
      : "";
  header.hidden = !c.header_url;
  if (c.header_url) header.src = c.header_url;
  $("ident-read").textContent = readText(c.read, c.method);
  suggestions.replaceChildren(
    ...c.suggestions.map((s, i) => {
      const li = document.createElement("li");
      const b = document.createElement("button");
      b.type = "button";
      b.className = "link";
      b.textContent = `${i + 1}. ${label(s.student)} — ${percent(s.score)}`;
      if (s.taken_by) b.textContent += ` (${msg("msgTaken")})`;
      b.addEventListener("click", () => choose(s.student.id));
      li.append(b);
      return li;
    }),
  );
  search.value = "";
  results.replaceChildren();
  found = [];
}

function showTable() {
  rows.replaceChildren(
    ...items.map((c) => {
      const tr = document.createElement("tr");
      const best = c.suggestions[0];
      const box = document.createElement("input");
      box.type = "checkbox";
      box.dataset.copy = String(c.id);
      box.disabled = !best || !!best.taken_by;
      if (best) box.dataset.student = String(best.student.id);
      box.setAttribute("aria-label", c.code);
      const cells = [
        c.code,
        readText(c.read, c.method),
        best ? label(best.student) + (best.taken_by ? ` (${msg("msgTaken")})` : "") : "—",
        best ? percent(best.score) : "—",
      ];
      const first = document.createElement("td");
      first.append(box);
      tr.append(first);
      for (const text of cells) {
        const td = document.createElement("td");
        td.textContent = text;
        tr.append(td);
      }
      return tr;
    }),
  );
}

/** @param {number} student @param {boolean} [swap] */
async function choose(student, swap = false) {
  const c = items[index];
  if (!c) return;
  try {
    await api(`/api/copies/${c.id}/identification/`, "POST", { student, swap });
  } catch (/** @type {any} */ err) {
    if (err && err.code === "confirmation_required" && !swap) {
      if (confirm(describe(err))) await choose(student, true);
      return;
    }
    toast(describe(err));
    return;
  }
  await load(true);
}

async function notStudent() {
  const c = items[index];
  if (!c) return;
  try {
    await api(`/api/copies/${c.id}/identification/`, "POST", { not_student: true });
  } catch (/** @type {any} */ err) {
    toast(describe(err));
    return;
  }
  await load(true);
}

/** @type {ReturnType<typeof setTimeout> | undefined} */
let typing;
search.addEventListener("input", () => {
  clearTimeout(typing);
  typing = setTimeout(async () => {
    const q = search.value.trim();
    if (!q) {
      results.replaceChildren();
      found = [];
      return;
    }
    const data = await api(`/api/exams/${exam}/students/?q=${encodeURIComponent(q)}`, "GET");
    found = data.items;
    if (!found.length) {
      const li = document.createElement("li");
      li.className = "empty";
      li.textContent = msg("msgNoMatch");
      results.replaceChildren(li);
      return;
    }
    results.replaceChildren(
      ...found.map((s) => {
        const li = document.createElement("li");
        const b = document.createElement("button");
        b.type = "button";
        b.className = "link";
        b.textContent = label(s);
        b.addEventListener("click", () => choose(s.id));
        li.append(b);
        return li;
      }),
    );
  }, 150);
});

const resultButtons = () => Array.from(results.querySelectorAll("button"));

search.addEventListener("keydown", (e) => {
  if (e.key === "Enter" && found.length) {
    e.preventDefault();
    choose(found[0].id);
  } else if (e.key === "ArrowDown" && resultButtons().length) {
    e.preventDefault();
    resultButtons()[0].focus();
  } else if (e.key === "Escape") {
    search.blur();
  }
});

// ↑/↓ move between the search results; ↑ on the first goes back to the search field.
results.addEventListener("keydown", (e) => {
  if (e.key !== "ArrowDown" && e.key !== "ArrowUp") return;
  const buttons = resultButtons();
  const at = buttons.indexOf(/** @type {HTMLButtonElement} */ (e.target));
  if (at < 0) return;
  e.preventDefault();
  e.stopPropagation();
  if (e.key === "ArrowDown") buttons[Math.min(buttons.length - 1, at + 1)].focus();
  else if (at === 0) search.focus();
  else buttons[at - 1].focus();
});

/**
 * Whether the focused element uses this key itself: then the desk's shortcut must not fire
 * (Enter on a focused button presses that button, never "choose suggestion 1").
 * @param {EventTarget | null} target @param {string} key
 */
function controlUsesKey(target, key) {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName;
  if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT") return true;
  const role = target.getAttribute("role");
  const activates = key === "Enter" || key === " ";
  if (role === "tab" || role === "option" || role === "listbox" || role === "menuitem") {
    return activates || key.startsWith("Arrow") || key === "Home" || key === "End";
  }
  if (tag === "BUTTON" || tag === "A" || tag === "SUMMARY") return activates;
  return false;
}

document.addEventListener("keydown", (e) => {
  lastActivity = Date.now();
  if (e.ctrlKey || e.metaKey || e.altKey || tableView) return;
  if (controlUsesKey(e.target, e.key)) return;
  const c = items[index];
  if (e.key === "/") {
    search.focus();
  } else if (/^[1-5]$/.test(e.key) && c) {
    const s = c.suggestions[Number(e.key) - 1];
    if (s) choose(s.student.id);
  } else if (e.key === "Enter" && c && c.suggestions[0]) {
    choose(c.suggestions[0].student.id);
  } else if (e.key === "ArrowRight" || e.key === "s" || e.key === "S") {
    index = Math.min(items.length - 1, index + 1);
    show();
  } else if (e.key === "ArrowLeft") {
    index = Math.max(0, index - 1);
    show();
  } else if (e.key === "n" || e.key === "N") {
    notStudent();
  } else return;
  e.preventDefault();
});
document.addEventListener("pointerdown", () => (lastActivity = Date.now()));

for (const b of root.querySelectorAll("[data-filter]")) {
  b.addEventListener("click", () => {
    filter = /** @type {HTMLElement} */ (b).dataset.filter || "pending";
    load();
  });
}
viewButton.addEventListener("click", () => {
  tableView = !tableView;
  viewButton.textContent = (tableView ? viewButton.dataset.desk : viewButton.dataset.table) || "";
  show();
});
$("ident-all").addEventListener("change", (e) => {
  const on = /** @type {HTMLInputElement} */ (e.target).checked;
  for (const box of rows.querySelectorAll("input[type=checkbox]:not([disabled])")) {
    /** @type {HTMLInputElement} */ (box).checked = on;
  }
});
$("ident-confirm").addEventListener("click", async () => {
  const chosen = Array.from(rows.querySelectorAll("input[type=checkbox]:checked"));
  let done = 0;
  for (const box of chosen) {
    const { copy, student } = /** @type {HTMLElement} */ (box).dataset;
    try {
      await api(`/api/copies/${copy}/identification/`, "POST", { student: Number(student) });
      done += 1;
    } catch (/** @type {any} */ err) {
      toast(describe(err));
      break;
    }
  }
  toast(plural(done, "msgConfirmed"));
  await load(true);
});
$("ident-prev").addEventListener("click", () => {
  index = Math.max(0, index - 1);
  show();
});
$("ident-next").addEventListener("click", () => {
  index = Math.min(items.length - 1, index + 1);
  show();
});
$("ident-skip").addEventListener("click", () => {
  index = Math.min(items.length - 1, index + 1);
  show();
});
$("ident-not").addEventListener("click", notStudent);
$("ident-rerun").addEventListener("click", async () => {
  try {
    const r = await api(`/api/exams/${exam}/identification/rerun/`, "POST");
    toast(plural(r.queued, "msgRerun"));
  } catch (/** @type {any} */ err) {
    toast(describe(err));
  }
});

load();
// Other managers (or the automatic reading) may change the list: refresh it, but only while
// this manager is idle, so that nothing moves under their hands.
setInterval(() => {
  if (document.visibilityState === "visible" && Date.now() - lastActivity > 60000) load(true);
}, 15000);
