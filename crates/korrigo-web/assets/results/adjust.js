// The harmonisation form of the Results tab: a preview of one corrector's grades before and
// after (figures side by side and the two histograms), then Apply after a confirmation.
// @ts-check

import { api, describe } from "../app.js";
import { frenchNumber, histogramSvg, requestBody } from "./harmonise.js";

const form = /** @type {HTMLFormElement | null} */ (document.getElementById("adjust-form"));
const box = /** @type {HTMLElement | null} */ (document.getElementById("adjust-preview"));

if (form && box) setup(form, box);

/** @param {HTMLFormElement} form @param {HTMLElement} box */
function setup(form, box) {
  const exam = form.dataset.exam || "";
  const scale = Number(form.dataset.scale || 20);
  const error = /** @type {HTMLElement} */ (form.querySelector(".form-error"));
  const apply = /** @type {HTMLButtonElement} */ (box.querySelector("#adjust-apply"));
  const t = box.dataset;

  /** @param {string} name */
  const field = (name) => /** @type {HTMLInputElement} */ (form.elements.namedItem(name));

  function kind() {
    const checked = /** @type {HTMLInputElement | null} */ (form.querySelector('input[name="kind"]:checked'));
    return checked ? checked.value : "offset";
  }

  function showKind() {
    for (const el of Array.from(form.querySelectorAll("[data-kind]"))) {
      /** @type {HTMLElement} */ (el).hidden = el.getAttribute("data-kind") !== kind();
    }
    box.hidden = true;
  }

  function values() {
    return {
      corrector: /** @type {HTMLSelectElement} */ (form.elements.namedItem("corrector")).value,
      kind: kind(),
      offset: field("offset").value,
      from_low: field("from_low").value,
      to_low: field("to_low").value,
      from_high: field("from_high").value,
      to_high: field("to_high").value,
    };
  }

  /** @param {string} message */
  function fail(message) {
    error.textContent = message;
    error.hidden = false;
  }

  /** @param {any} f */
  const cells = (f) =>
    f
      ? [String(f.count), frenchNumber(f.mean), frenchNumber(f.median), frenchNumber(f.std_dev), frenchNumber(f.min), frenchNumber(f.max)]
      : ["0", "—", "—", "—", "—", "—"];

  /** @param {any} out */
  function render(out) {
    const figures = /** @type {HTMLElement} */ (box.querySelector(".adjust-figures"));
    figures.replaceChildren();
    const intro = document.createElement("p");
    intro.textContent = `${out.adjustment.corrector_name} · ${out.adjustment.description}`;
    figures.append(intro);
    if (out.replaces) {
      const p = document.createElement("p");
      p.className = "hint";
      p.textContent = `${t.replaces} ${out.replaces.description}`;
      figures.append(p);
    }
    if (!out.copies.length) {
      const p = document.createElement("p");
      p.className = "empty";
      p.textContent = t.none || "";
      figures.append(p);
    }
    const table = document.createElement("table");
    const head = table.createTHead().insertRow();
    head.append(document.createElement("td"));
    for (const h of [t.count, t.mean, t.median, t.sd, t.min, t.max]) {
      const th = document.createElement("th");
      th.scope = "col";
      th.textContent = h || "";
      head.append(th);
    }
    const body = table.createTBody();
    for (const [label, f] of [[t.before, out.before], [t.after, out.after], [t.others, out.others]]) {
      const row = body.insertRow();
      const th = document.createElement("th");
      th.scope = "row";
      th.textContent = label || "";
      row.append(th);
      for (const c of cells(f)) {
        const td = row.insertCell();
        td.className = "num";
        td.textContent = c;
      }
    }
    const wrap = document.createElement("div");
    wrap.className = "table-wrap";
    wrap.append(table);
    figures.append(wrap);
    const fig = /** @type {HTMLElement} */ (box.querySelector(".adjust-histogram"));
    // Built from numbers only (histogramSvg escapes its title).
    fig.innerHTML = histogramSvg(out.histogram_before, out.histogram_after, scale, `${t.histogram} ${scale}`, [
      t.before || "",
      t.after || "",
    ]);
    box.hidden = false;
    apply.disabled = out.copies.length === 0;
  }

  /** @param {boolean} preview */
  async function send(preview) {
    error.hidden = true;
    const { body, field: bad } = requestBody(values(), preview);
    if (!body) {
      const input = field(bad || "offset");
      input.setAttribute("aria-invalid", "true");
      input.focus();
      fail(`${t.invalid} ${input.labels?.[0]?.textContent || ""}`);
      return null;
    }
    for (const el of Array.from(form.querySelectorAll("[aria-invalid]"))) el.removeAttribute("aria-invalid");
    try {
      return await api(`/api/exams/${exam}/adjustments/`, "POST", body);
    } catch (e) {
      fail(describe(/** @type {any} */ (e)));
      return null;
    }
  }

  form.addEventListener("change", (ev) => {
    if (/** @type {HTMLInputElement} */ (ev.target).name === "kind") showKind();
    else box.hidden = true;
  });
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const out = await send(true);
    if (out) render(out);
  });
  apply.addEventListener("click", async () => {
    const v = values();
    const name = /** @type {HTMLSelectElement} */ (form.elements.namedItem("corrector")).selectedOptions[0]?.textContent || v.corrector;
    if (!window.confirm(`${t.confirm} ${name}`)) return;
    apply.disabled = true;
    const out = await send(false);
    if (out) location.reload();
    else apply.disabled = false;
  });
  showKind();
}
