// The Correction tab's dispatch: by whole copies (who takes part, and how large a share) or by
// questions (one corrector per question of the scheme), previewed before it is applied, and a
// single question given to someone else.
// @ts-check

import { api, describe } from "../app.js";

const form = /** @type {HTMLFormElement | null} */ (document.getElementById("dispatch-form"));
const out = document.getElementById("dispatch-result");

/** The chosen mode: `copies` or `questions`. */
function mode() {
  const checked = form?.querySelector('input[name="mode"]:checked');
  return checked instanceof HTMLInputElement ? checked.value : "copies";
}

/** Shows the part of the form that belongs to the chosen mode. */
function showMode() {
  for (const part of Array.from(form?.querySelectorAll("[data-mode]") || [])) {
    /** @type {HTMLElement} */ (part).hidden = part.getAttribute("data-mode") !== mode();
  }
  out?.replaceChildren();
}

/** The request body for the form as it stands. @param {boolean} preview */
function body(preview) {
  if (!form) return {};
  if (mode() === "questions") {
    /** @type {Record<string, string[]>} */
    const questions = {};
    for (const row of Array.from(form.querySelectorAll("tr[data-question]"))) {
      const who = /** @type {HTMLSelectElement} */ (row.querySelector("select")).value;
      if (!who) continue;
      (questions[who] = questions[who] || []).push(row.getAttribute("data-question") || "");
    }
    return { mode: "questions", correctors: [], questions, preview };
  }
  /** @type {string[]} */
  const correctors = [];
  /** @type {Record<string, number>} */
  const weights = {};
  for (const row of Array.from(form.querySelectorAll("tr[data-corrector]"))) {
    const name = row.getAttribute("data-corrector") || "";
    const take = /** @type {HTMLInputElement} */ (row.querySelector('input[type="checkbox"]'));
    const weight = Number(/** @type {HTMLSelectElement} */ (row.querySelector("select")).value);
    if (!take.checked) continue;
    correctors.push(name);
    if (weight !== 1) weights[name] = weight;
  }
  return { mode: "copies", correctors, weights, preview };
}

/** Questions whose corrector the form changes (by questions). */
function questionsMoved() {
  return Array.from(form?.querySelectorAll("tr[data-question]") || []).filter((row) => {
    const select = /** @type {HTMLSelectElement} */ (row.querySelector("select"));
    return select.value !== (row.getAttribute("data-current") || "");
  }).length;
}

/** @param {any} e */
function showError(e) {
  const box = /** @type {HTMLElement | null} */ (form?.querySelector(".form-error") || null);
  if (!box) return;
  box.textContent = describe(e || {});
  box.hidden = false;
  box.scrollIntoView({ block: "nearest" });
}

function clearError() {
  const box = /** @type {HTMLElement | null} */ (form?.querySelector(".form-error") || null);
  if (box) box.hidden = true;
}

/** The preview: the message and the distribution per corrector. @param {any} r */
function showPreview(r) {
  if (!out) return;
  const p = document.createElement("p");
  if (r.mode === "questions") {
    p.textContent = (out.dataset.questions || "{n}").replace("{n}", String(questionsMoved()));
  } else {
    const moved = r.assignments.filter((/** @type {any} */ a) => a.changed).length;
    p.textContent = (out.dataset.moved || "{n}").replace("{n}", String(moved));
  }
  const table = document.createElement("table");
  const head = document.createElement("tr");
  for (const h of (out.dataset.head || "").split("|")) {
    const th = document.createElement("th");
    th.scope = "col";
    th.textContent = h;
    head.append(th);
  }
  const thead = document.createElement("thead");
  thead.append(head);
  const rows = document.createElement("tbody");
  for (const d of r.distribution) {
    const tr = document.createElement("tr");
    for (const v of [d.corrector, d.assigned, d.started, d.graded]) {
      const td = document.createElement("td");
      td.textContent = String(v);
      tr.append(td);
    }
    rows.append(tr);
  }
  table.append(thead, rows);
  out.replaceChildren(p, table);
}

/** Runs a call with the form's buttons disabled; errors shown above them. @param {() => Promise<void>} call */
async function busy(call) {
  const buttons = Array.from(form?.querySelectorAll("button") || []);
  buttons.forEach((b) => (b.disabled = true));
  clearError();
  try {
    await call();
  } catch (e) {
    if (/** @type {any} */ (e)?.code === "unauthenticated") {
      location.assign("/login?next=" + encodeURIComponent(location.pathname));
      return;
    }
    showError(e);
  } finally {
    buttons.forEach((b) => (b.disabled = false));
  }
}

if (form) {
  const url = form.getAttribute("data-url") || "";
  for (const radio of Array.from(form.querySelectorAll('input[name="mode"]'))) {
    radio.addEventListener("change", showMode);
  }
  document.getElementById("dispatch-preview")?.addEventListener("click", () =>
    busy(async () => showPreview(await api(url, "POST", body(true)))),
  );
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const ask = form.getAttribute(mode() === "questions" ? "data-confirm-questions" : "data-confirm-copies");
    if (ask && !window.confirm(ask)) return;
    busy(async () => {
      await api(url, "POST", body(false));
      location.reload();
    });
  });
  // One question to the corrector chosen on its row, scores and marks kept.
  form.addEventListener("click", (ev) => {
    const button = /** @type {Element} */ (ev.target).closest("[data-assign-question]");
    if (!button) return;
    const row = button.closest("tr");
    const who = /** @type {HTMLSelectElement | null} */ (row?.querySelector("select") || null)?.value;
    const question = button.getAttribute("data-assign-question") || "";
    if (!who) {
      showError({ message: row?.querySelector("th")?.textContent + " : " + (form.getAttribute("data-pick") || "—") });
      return;
    }
    const ask = button.getAttribute("data-confirm");
    if (ask && !window.confirm(ask)) return;
    busy(async () => {
      await api(`${form.getAttribute("data-assign")}${encodeURIComponent(question)}/assign/`, "POST", { corrector: who });
      location.reload();
    });
  });
}
