// The scans page: resumable chunked uploads with a progress bar (an interrupted upload resumes
// from the server's offset, also after a page reload: the batch id is remembered per file),
// then the batches' processing, refreshed until every batch is finished.
// @ts-check
import { api, csrfToken, describe, toast } from "./app.js";

const root = /** @type {HTMLElement} */ (document.getElementById("scans"));
const exam = root.dataset.exam || "";
const input = /** @type {HTMLInputElement} */ (document.getElementById("scan-files"));
const drop = /** @type {HTMLElement} */ (document.getElementById("scan-drop"));
const grouping = /** @type {HTMLSelectElement} */ (document.getElementById("scan-grouping"));
const uploads = /** @type {HTMLElement} */ (document.getElementById("scan-uploads"));
const errorBox = /** @type {HTMLElement} */ (root.querySelector(".form-error"));
const table = /** @type {HTMLTableElement} */ (document.getElementById("scan-batches"));
const empty = /** @type {HTMLElement} */ (document.getElementById("scan-empty"));
const lang = document.documentElement.lang === "en" ? "en" : "fr";
const msg = (/** @type {string} */ k) => root.dataset[k] || k;

const CHUNK = 8 * 1024 * 1024;

const STATUS = {
  fr: {
    uploading: "envoi en cours", queued: "en attente", processing: "traitement",
    duplicate: "déjà envoyé", done: "terminé", failed: "refusé",
  },
  en: {
    uploading: "uploading", queued: "queued", processing: "processing",
    duplicate: "already uploaded", done: "done", failed: "refused",
  },
};
const WORDS = {
  fr: {
    page: "page", pages: "pages", copy: "copie", copies: "copies", flagged: "à vérifier", again: "Traiter quand même",
    discard: "Supprimer", discardAll: "Supprimer avec ses copies", dupOf: "Même fichier que le lot n°\u00a0", cancel: "Annuler",
  },
  en: {
    page: "page", pages: "pages", copy: "copy", copies: "copies", flagged: "to check", again: "Process anyway",
    discard: "Discard", discardAll: "Discard with its copies", dupOf: "Same file as batch #", cancel: "Cancel",
  },
};

/**
 * "1 page", "0 copie", "3 copies": French takes the singular for 0 and 1.
 * @param {number} n @param {string} one @param {string} many
 */
const count = (n, one, many) => `${n}\u00a0${(lang === "en" ? n === 1 : n < 2) ? one : many}`;

/** @param {File} f */
function fileKey(f) {
  return `korrigo-upload:${exam}:${f.name}:${f.size}:${f.lastModified}`;
}

/** @param {number} ms */
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Sends one chunk; resolves to the batch, rejects with the API error (or {code:"network"}).
 * @param {string} url @param {number} offset @param {Blob} blob
 */
async function putChunk(url, offset, blob) {
  let resp;
  try {
    resp = await fetch(url, {
      method: "PUT",
      credentials: "same-origin",
      headers: {
        "X-CSRF-Token": csrfToken(),
        "Upload-Offset": String(offset),
        "Content-Type": "application/octet-stream",
      },
      body: blob,
    });
  } catch {
    throw { code: "network" };
  }
  const data = await resp.json().catch(() => null);
  if (!resp.ok) throw (data && data.error) || { code: "internal" };
  return data;
}

/** @param {File} f */
async function upload(f) {
  const li = document.createElement("li");
  const name = document.createElement("strong");
  name.textContent = f.name;
  const bar = document.createElement("progress");
  bar.max = f.size;
  bar.value = 0;
  const state = document.createElement("span");
  state.className = "muted";
  li.append(name, " ", bar, " ", state);
  uploads.append(li);
  const key = fileKey(f);
  /** @type {any} */
  let batch = null;
  const known = localStorage.getItem(key);
  if (known) {
    try {
      const b = await api(`/api/scans/${known}/`, "GET");
      if (b.status === "uploading") {
        batch = b;
        state.textContent = msg("msgResumed");
      }
    } catch {
      /* gone: start again */
    }
  }
  if (!batch) {
    batch = await api(`/api/exams/${exam}/scans/`, "POST", {
      file_name: f.name,
      size: f.size,
      grouping: grouping.value,
    });
    localStorage.setItem(key, String(batch.id));
  }
  let offset = batch.received;
  let failures = 0;
  while (offset < f.size) {
    bar.value = offset;
    if (!failures) {
      state.textContent = `${msg("msgUploading")} ${Math.floor((offset * 100) / f.size)} %`;
    }
    try {
      const b = await putChunk(batch.upload_url, offset, f.slice(offset, offset + CHUNK));
      offset = b.received;
      batch = b;
      failures = 0;
    } catch (/** @type {any} */ err) {
      if (err && err.code === "confirmation_required" && err.details && typeof err.details.offset === "number") {
        offset = err.details.offset; // The server has more (or less) than we thought.
        continue;
      }
      if (err && err.code !== "network" && err.code !== "internal") {
        state.textContent = describe(err);
        localStorage.removeItem(key);
        throw err;
      }
      failures += 1;
      const wait = Math.min(30000, 1000 * 2 ** Math.min(failures, 5));
      state.textContent = `${msg("msgRetrying")} (${Math.round(wait / 1000)} s)`;
      await sleep(wait);
      try {
        const b = await api(`/api/scans/${batch.id}/`, "GET");
        offset = b.received;
      } catch {
        /* still offline: try again */
      }
    }
  }
  bar.value = f.size;
  state.textContent = msg("msgUploaded");
  localStorage.removeItem(key);
  refresh();
}

/** @param {FileList | File[]} files */
async function uploadAll(files) {
  errorBox.hidden = true;
  for (const f of Array.from(files)) {
    try {
      await upload(f);
    } catch (/** @type {any} */ err) {
      errorBox.textContent = `${f.name}: ${describe(err)}`;
      errorBox.hidden = false;
    }
  }
}

input.addEventListener("change", () => {
  if (input.files && input.files.length) uploadAll(input.files);
  input.value = "";
});
for (const ev of ["dragenter", "dragover"]) {
  drop.addEventListener(ev, (e) => {
    e.preventDefault();
    drop.classList.add("over");
  });
}
drop.addEventListener("dragleave", () => drop.classList.remove("over"));
drop.addEventListener("drop", (e) => {
  e.preventDefault();
  drop.classList.remove("over");
  const dt = /** @type {DragEvent} */ (e).dataTransfer;
  if (dt && dt.files.length) uploadAll(dt.files);
});

/** @param {string} label @param {() => Promise<void>} action @param {string} [cls] */
function button(label, action, cls) {
  const b = document.createElement("button");
  b.type = "button";
  b.textContent = label;
  if (cls) b.className = cls;
  b.addEventListener("click", async () => {
    b.disabled = true;
    try {
      await action();
    } catch (/** @type {any} */ err) {
      toast(describe(err));
    }
    b.disabled = false;
    refresh();
  });
  return b;
}

/** @type {ReturnType<typeof setTimeout> | undefined} */
let timer;

async function refresh() {
  clearTimeout(timer);
  let data;
  try {
    data = await api(`/api/exams/${exam}/scans/`, "GET");
  } catch (/** @type {any} */ err) {
    errorBox.textContent = describe(err);
    errorBox.hidden = false;
    timer = setTimeout(refresh, 5000);
    return;
  }
  const items = /** @type {any[]} */ (data.items);
  empty.hidden = items.length > 0;
  table.hidden = items.length === 0;
  const w = WORDS[lang];
  const tbody = /** @type {HTMLElement} */ (table.tBodies[0]);
  tbody.replaceChildren(
    ...items.map((b) => {
      const tr = document.createElement("tr");
      tr.dataset.batch = String(b.id);
      tr.dataset.status = b.status;
      const file = document.createElement("td");
      file.textContent = b.file_name;
      const status = document.createElement("td");
      status.textContent = STATUS[lang][/** @type {keyof typeof STATUS.fr} */ (b.status)] || b.status;
      if (b.status === "failed" && b.error) {
        const why = document.createElement("div");
        why.className = "form-error";
        why.textContent = b.error;
        status.append(why);
      }
      if (b.status === "duplicate" && b.duplicate_of) {
        const why = document.createElement("div");
        why.className = "muted";
        why.textContent = `${w.dupOf}${b.duplicate_of}`;
        status.append(why);
      }
      const progress = document.createElement("td");
      if (b.status === "uploading") {
        const p = document.createElement("progress");
        p.max = b.size;
        p.value = b.received;
        progress.append(p);
      } else if (b.pages_total > 0) {
        const p = document.createElement("progress");
        p.max = b.pages_total;
        p.value = b.pages_done;
        progress.append(p, ` ${b.pages_done} / ${b.pages_total}`);
      }
      const summary = document.createElement("td");
      if (b.status === "done") {
        summary.textContent = `${count(b.pages_total, w.page, w.pages)} · ${count(b.copies_made, w.copy, w.copies)}`;
        if (b.pages_flagged > 0) {
          // The pages to check, in the repair desk, each flag saying why.
          const link = document.createElement("a");
          link.href = `/exams/${exam}/copies?flagged=1`;
          link.textContent = `${b.pages_flagged}\u00a0${w.flagged}`;
          summary.append(" · ", link);
        }
      }
      const actions = document.createElement("td");
      if (b.status === "duplicate") {
        actions.append(button(w.again, () => api(`/api/scans/${b.id}/accept-duplicate/`, "POST")));
      }
      if (["duplicate", "failed", "uploading", "done"].includes(b.status)) {
        const label = b.status === "uploading" ? w.cancel : b.status === "done" && b.copies_made > 0 ? w.discardAll : w.discard;
        actions.append(
          button(
            label,
            async () => {
              if (!confirm(msg("msgDeleteConfirm"))) return;
              try {
                await api(`/api/scans/${b.id}/`, "DELETE");
              } catch (/** @type {any} */ err) {
                // A file that made copies: the server says how many go with it; ask again.
                if (err && err.code === "confirmation_required" && confirm(describe(err))) {
                  await api(`/api/scans/${b.id}/?with_copies=true`, "DELETE");
                } else if (err && err.code !== "confirmation_required") {
                  throw err;
                }
              }
            },
            "link danger",
          ),
        );
      }
      tr.append(file, status, progress, summary, actions);
      return tr;
    }),
  );
  const busy = items.some((b) => ["queued", "processing", "uploading"].includes(b.status));
  timer = setTimeout(refresh, busy ? 1000 : 10000);
}

refresh();
