// The Correction tab's dispatch preview: what a dispatch would do (copies per corrector, how
// many change hands), shown before it is applied. Applying is the form's own submit.
// @ts-check

import { api, describe } from "../app.js";

const form = /** @type {HTMLFormElement | null} */ (document.getElementById("dispatch-form"));
const button = document.getElementById("dispatch-preview");
const out = document.getElementById("dispatch-result");

button?.addEventListener("click", async () => {
  if (!form || !out) return;
  const input = /** @type {HTMLInputElement} */ (form.elements.namedItem("correctors"));
  const correctors = input.value.split(",").map((v) => v.trim()).filter((v) => v);
  out.replaceChildren();
  try {
    const r = await api(form.getAttribute("data-api") || "", "POST", { mode: "copies", correctors, preview: true });
    const moved = r.assignments.filter((/** @type {any} */ a) => a.changed).length;
    const p = document.createElement("p");
    p.textContent = (out.dataset.moved || "{n}").replace("{n}", String(moved));
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
    const body = document.createElement("tbody");
    for (const d of r.distribution) {
      const tr = document.createElement("tr");
      for (const v of [d.corrector, d.assigned, d.started, d.graded]) {
        const td = document.createElement("td");
        td.textContent = String(v);
        tr.append(td);
      }
      body.append(tr);
    }
    table.append(thead, body);
    out.append(p, table);
  } catch (e) {
    const p = document.createElement("p");
    p.className = "form-error";
    p.setAttribute("role", "alert");
    p.textContent = describe(/** @type {any} */ (e));
    out.append(p);
  }
});
