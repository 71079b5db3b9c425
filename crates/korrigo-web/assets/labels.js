// Identification labels on the identification page: the form downloads the label sheets
// (PDF) of the exam's students, one class or all, and says how many were made.
// @ts-check
import { csrfToken, describe, toast } from "./app.js";

const form = /** @type {HTMLFormElement | null} */ (document.getElementById("labels-form"));
if (form) {
  const box = /** @type {HTMLElement} */ (form.closest("[data-exam]"));
  const msg = (/** @type {string} */ k) => box.dataset[k] || k;
  const error = /** @type {HTMLElement} */ (form.querySelector(".form-error"));
  const button = /** @type {HTMLButtonElement} */ (form.querySelector("button[type=submit]"));
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    error.hidden = true;
    if (!form.reportValidity()) return;
    const data = new FormData(form);
    const body = {
      class: String(data.get("class") || "") || null,
      per_student: Number(data.get("per_student") || 1),
      skip: Number(data.get("skip") || 0),
    };
    button.disabled = true;
    let resp = null;
    try {
      resp = await fetch(`/api/exams/${box.dataset.exam}/labels/`, {
        method: "POST",
        credentials: "same-origin",
        headers: { "X-CSRF-Token": csrfToken(), "Content-Type": "application/json" },
        body: JSON.stringify(body),
      });
    } catch {
      resp = null;
    }
    button.disabled = false;
    if (!resp || !resp.ok) {
      const err = resp ? ((await resp.json().catch(() => null)) || {}).error || {} : { code: "network" };
      // The one refusal a manager can meet here in normal use: nobody to print for.
      error.textContent = err.details && err.details.field === "class" ? msg("msgLabelsNone") : describe(err);
      error.hidden = false;
      return;
    }
    const a = document.createElement("a");
    a.href = URL.createObjectURL(await resp.blob());
    a.download = `etiquettes-${box.dataset.exam}${body.class ? "-" + body.class : ""}.pdf`;
    a.click();
    URL.revokeObjectURL(a.href);
    const n = resp.headers.get("x-labels") || "0";
    toast(msg("msgLabelsDone").replace("{n}", n).replace("{s}", resp.headers.get("x-label-students") || "0"));
  });
}
