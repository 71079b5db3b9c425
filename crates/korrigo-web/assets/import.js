// The roster import page: preview a CSV file (nothing written), then confirm and follow the
// background import with a progress bar until its report.
// @ts-check
import { api, describe, displayDate } from "./app.js";

const root = /** @type {HTMLElement} */ (document.getElementById("import"));
const fileInput = /** @type {HTMLInputElement} */ (document.getElementById("import-file"));
const preview = /** @type {HTMLElement} */ (document.getElementById("import-preview"));
const errorBox = /** @type {HTMLElement} */ (root.querySelector(".form-error"));
const lang = document.documentElement.lang;
/** @type {File | null} */
let file = null;

const OUTCOME = {
  fr: { insert: "nouvel élève", update: "mise à jour", unchanged: "inchangé" },
  en: { insert: "new student", update: "update", unchanged: "unchanged" },
};

/** @param {string} url @param {File} f */
async function upload(url, f) {
  const resp = await fetch(url, {
    method: "POST",
    credentials: "same-origin",
    headers: {
      "X-CSRF-Token": document.querySelector('meta[name="csrf-token"]')?.getAttribute("content") || "",
      "X-File-Name": encodeURIComponent(f.name),
      "Content-Type": "text/csv",
    },
    body: f,
  });
  const data = await resp.json().catch(() => null);
  if (!resp.ok) throw (data && data.error) || { code: "internal" };
  return data;
}

/** @param {string} message */
function fail(message) {
  errorBox.textContent = message;
  errorBox.hidden = false;
}

/** @param {HTMLElement} tbody @param {string[][]} rows */
function fill(tbody, rows) {
  tbody.replaceChildren(
    ...rows.map((cells) => {
      const tr = document.createElement("tr");
      for (const c of cells) {
        const td = document.createElement("td");
        td.textContent = c;
        tr.append(td);
      }
      return tr;
    }),
  );
}

fileInput.addEventListener("change", async () => {
  errorBox.hidden = true;
  preview.hidden = true;
  file = fileInput.files && fileInput.files[0];
  if (!file) return;
  try {
    const p = await upload("/api/students/import/?dry_run=true", file);
    const names = /** @type {Record<string,string>} */ ((/** @type {any} */ (OUTCOME))[lang] || OUTCOME.fr);
    const summary = /** @type {HTMLElement} */ (document.getElementById("import-summary"));
    summary.textContent = (root.dataset.msgRows || "")
      .replace("{new}", p.would.imported)
      .replace("{updated}", p.would.updated)
      .replace("{unchanged}", p.would.unchanged)
      .replace("{rejected}", p.rejected.length);
    fill(/** @type {HTMLElement} */ (document.getElementById("import-rejected")),
      p.rejected.map((/** @type {any} */ r) => [String(r.line), r.reason]));
    fill(/** @type {HTMLElement} */ (document.getElementById("import-rows")),
      p.rows.map((/** @type {any} */ r) => [String(r.line), r.student.last_name, r.student.first_name, displayDate(r.student.birth_date),
        r.student.class || "", r.student.group || "", r.student.email || "", names[r.outcome.action]]));
    preview.hidden = false;
  } catch (e) {
    fail(describe(/** @type {any} */ (e)));
  }
});

document.getElementById("import-confirm")?.addEventListener("click", async (ev) => {
  if (!file) return;
  const button = /** @type {HTMLButtonElement} */ (ev.currentTarget);
  button.disabled = true;
  try {
    let r = await upload("/api/students/import/", file);
    preview.hidden = true;
    const progress = /** @type {HTMLElement} */ (document.getElementById("import-progress"));
    const bar = /** @type {HTMLProgressElement} */ (document.getElementById("import-bar"));
    const count = /** @type {HTMLElement} */ (document.getElementById("import-count"));
    progress.hidden = false;
    while (r.status === "pending") {
      bar.max = Math.max(1, r.rows_total);
      bar.value = r.rows_done;
      count.textContent = `${r.rows_done} / ${r.rows_total}`;
      await new Promise((ok) => setTimeout(ok, 500));
      r = await api(`/api/imports/${r.id}/`, "GET");
    }
    bar.value = bar.max;
    const report = /** @type {HTMLElement} */ (document.getElementById("import-report"));
    report.textContent = r.status === "failed" ? r.error : (root.dataset.msgDone || "")
      .replace("{new}", r.imported).replace("{updated}", r.updated)
      .replace("{unchanged}", r.unchanged).replace("{rejected}", r.rejected.length);
    report.hidden = false;
    // The rejected rows stay on the report, and downloadable, to fix the source file.
    if (r.status !== "failed" && r.rejected.length) {
      const box = /** @type {HTMLElement} */ (document.getElementById("import-final-rejected"));
      const link = /** @type {HTMLAnchorElement} */ (document.getElementById("import-rejected-csv"));
      link.href = `/api/imports/${r.id}/rejected/`;
      fill(/** @type {HTMLElement} */ (document.getElementById("import-final-rows")),
        r.rejected.map((/** @type {any} */ x) => [String(x.line), x.reason, (x.fields || []).join(" ; ")]));
      box.hidden = false;
    }
  } catch (e) {
    fail(describe(/** @type {any} */ (e)));
    button.disabled = false;
  }
});
