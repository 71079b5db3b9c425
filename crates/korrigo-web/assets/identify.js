// The identification desk, keyboard first: one copy at a time with its header crop, the top
// five suggestions (1–5 or Enter picks), a type-ahead over the exam's students (/ focuses it),
// arrows to move, N for "not a student", S to skip. Choosing a student already on another copy
// asks whether to swap.
// @ts-check
import { api, describe, toast } from "./app.js";

const root = /** @type {HTMLElement} */ (document.getElementById("ident"));
const exam = root.dataset.exam || "";
const msg = (/** @type {string} */ k) => root.dataset[k] || k;
const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));
const view = $("ident-copy");
const empty = $("ident-empty");
const progress = $("ident-progress");
const header = /** @type {HTMLImageElement} */ ($("ident-header"));
const suggestions = $("ident-suggestions");
const search = /** @type {HTMLInputElement} */ ($("ident-search"));
const results = $("ident-results");
const errorBox = /** @type {HTMLElement} */ (root.querySelector(".form-error"));

/** @typedef {{id:number, last_name:string, first_name:string, birth_date:string, class:string|null}} Student */
/** @typedef {{student: Student, score: number, taken_by: number|null}} Suggestion */
/** @typedef {{id:number, code:string, method:string|null, student:Student|null, confidence:number|null, read:any, suggestions:Suggestion[], header_url:string|null}} DeskCopy */

let filter = "pending";
/** @type {DeskCopy[]} */
let items = [];
let index = 0;
/** @type {Student[]} */
let found = [];

/** @param {Student} s */
const label = (s) => `${s.last_name} ${s.first_name} · ${s.class || ""} · ${s.birth_date}`;

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
    b.classList.toggle("secondary", /** @type {HTMLElement} */ (b).dataset.filter !== filter);
  }
  if (!keepIndex) index = 0;
  index = Math.min(index, Math.max(0, items.length - 1));
  show();
}

function show() {
  const c = items[index];
  view.hidden = !c;
  empty.hidden = !!c;
  if (!c) {
    empty.textContent = msg("msgDone");
    return;
  }
  $("ident-code").textContent = `${c.code} (${index + 1} / ${items.length})`;
  $("ident-current").textContent = c.student
    ? `${label(c.student)} — ${c.method}${c.confidence ? ` ${Math.round(c.confidence * 100)} %` : ""}`
    : c.method === "not_student"
      ? msg("msgNotStudent")
      : "";
  header.hidden = !c.header_url;
  if (c.header_url) header.src = c.header_url;
  const r = c.read;
  $("ident-read").textContent = r
    ? `${msg("msgRead")} ${r.last_name || "—"} / ${r.first_name || "—"} / ${r.birth_date || r.date_digits || "—"}`
    : msg("msgNone");
  suggestions.replaceChildren(
    ...c.suggestions.map((s, i) => {
      const li = document.createElement("li");
      const b = document.createElement("button");
      b.type = "button";
      b.className = "link";
      b.textContent = `${i + 1}. ${label(s.student)} — ${Math.round(s.score * 100)} %`;
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

/** @param {number} student @param {boolean} [swap] */
async function choose(student, swap = false) {
  const c = items[index];
  if (!c) return;
  try {
    await api(`/api/copies/${c.id}/identification/`, "POST", { student, swap });
  } catch (/** @type {any} */ err) {
    if (err && err.code === "confirmation_required" && !swap) {
      if (confirm(err.message)) await choose(student, true);
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
search.addEventListener("keydown", (e) => {
  if (e.key === "Enter" && found.length) {
    e.preventDefault();
    choose(found[0].id);
  } else if (e.key === "Escape") {
    search.blur();
  }
});

document.addEventListener("keydown", (e) => {
  const t = /** @type {HTMLElement} */ (e.target);
  if (t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT")) return;
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

for (const b of root.querySelectorAll("[data-filter]")) {
  b.addEventListener("click", () => {
    filter = /** @type {HTMLElement} */ (b).dataset.filter || "pending";
    load();
  });
}
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
    toast(`${r.queued}`);
  } catch (/** @type {any} */ err) {
    toast(describe(err));
  }
});

load();
setInterval(() => {
  if (document.activeElement !== search) load(true);
}, 15000);
