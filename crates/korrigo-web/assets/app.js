// Korrigo's page script: plain ES module, no framework, no inline code (CSP script-src 'self').
// Pages are rendered by the server; this script sends their forms and buttons to the JSON API
// with the page's CSRF token, shows errors next to the form, and localises timestamps.
// @ts-check

const lang = document.querySelector('meta[name="korrigo-lang"]')?.getAttribute("content") || "fr";
const loggedIn = document.querySelector('meta[name="korrigo-logged-in"]')?.getAttribute("content") === "1";

/** Messages for API error codes, by language. @type {Record<string, Record<string, string>>} */
const MESSAGES = {
  fr: {
    invalid_credentials: "Identifiant ou mot de passe incorrect.",
    account_disabled: "Ce compte est désactivé\u00a0: contactez un administrateur.",
    rate_limited: "Trop de tentatives échouées. Réessayez dans {s} secondes.",
    csrf: "La page a expiré\u00a0: rechargez-la (F5) puis recommencez.",
    forbidden: "Vous n’avez pas le droit de faire cela.",
    unauthenticated: "Votre session a expiré\u00a0: reconnectez-vous.",
    password_change_required: "Vous devez d’abord changer votre mot de passe.",
    setup_unavailable: "Ce lien de configuration n’est plus valide.",
    too_large: "Le fichier est trop volumineux.",
    conflict: "Cette valeur est déjà utilisée.",
    not_found: "Introuvable.",
    internal: "Erreur interne\u00a0: elle a été enregistrée. Réessayez plus tard.",
    network: "Le serveur ne répond pas. Vérifiez la connexion et réessayez.",
  },
  en: {
    invalid_credentials: "Wrong username or password.",
    account_disabled: "This account is deactivated: ask an administrator.",
    rate_limited: "Too many failed attempts. Try again in {s} seconds.",
    csrf: "The page has expired: reload it (F5) and try again.",
    forbidden: "You are not allowed to do this.",
    unauthenticated: "Your session has expired: log in again.",
    password_change_required: "You must change your password first.",
    setup_unavailable: "This setup link is no longer valid.",
    too_large: "The file is too large.",
    conflict: "This value is already taken.",
    not_found: "Not found.",
    internal: "Internal error: it has been logged. Try again later.",
    network: "The server does not answer. Check the connection and try again.",
  },
};

/**
 * The message to show for an API error. The server already speaks the user's language
 * (`message`); the few codes the browser itself produces have their own words.
 * @param {{code?: string, message?: string, details?: any}} err
 */
export function describe(err) {
  const m = MESSAGES[lang] || MESSAGES.fr;
  if (err.code === "network" || err.code === "csrf") return m[err.code];
  return err.message || (err.code && m[err.code]) || m.internal;
}

/**
 * A date of the API (`yyyy-mm-dd`) as users read it: `dd/mm/yyyy`. Anything else is shown
 * as it is.
 * @param {string | null | undefined} iso
 */
export function displayDate(iso) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso || "");
  return m ? `${m[3]}/${m[2]}/${m[1]}` : iso || "";
}

export function csrfToken() {
  return document.querySelector('meta[name="csrf-token"]')?.getAttribute("content") || "";
}

/**
 * Calls the API; resolves to the parsed JSON (or null), rejects with the API error object.
 * @param {string} url @param {string} method @param {any} [body]
 */
export async function api(url, method, body) {
  /** @type {Record<string,string>} */
  const headers = { "X-CSRF-Token": csrfToken(), Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let resp;
  try {
    resp = await fetch(url, {
      method,
      headers,
      credentials: "same-origin",
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw { code: "network" };
  }
  const text = await resp.text();
  const data = text ? JSON.parse(text) : null;
  if (!resp.ok) throw (data && data.error) || { code: "internal", message: resp.statusText };
  return data;
}

/**
 * Calls the API and saves the answer (a PDF) as a file.
 * @param {string} url @param {string} method @param {any} body @param {string} fallbackName
 */
async function download(url, method, body, fallbackName) {
  const resp = await fetch(url, {
    method,
    credentials: "same-origin",
    headers: { "X-CSRF-Token": csrfToken(), "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  }).catch(() => {
    throw { code: "network" };
  });
  if (!resp.ok) {
    const data = await resp.json().catch(() => null);
    throw (data && data.error) || { code: "internal" };
  }
  const name = /filename="([^"]+)"/.exec(resp.headers.get("Content-Disposition") || "")?.[1] || fallbackName;
  const a = document.createElement("a");
  a.href = URL.createObjectURL(await resp.blob());
  a.download = name;
  a.click();
  URL.revokeObjectURL(a.href);
  return { downloaded: name };
}

/** @param {HTMLFormElement} form */
function formBody(form) {
  /** @type {Record<string, any>} */
  const out = {};
  for (const el of Array.from(form.elements)) {
    const input = /** @type {HTMLInputElement} */ (el);
    if (!input.name) continue;
    const kind = input.getAttribute("data-type");
    if (input.type === "checkbox") out[input.name] = input.checked;
    else if (kind === "number") out[input.name] = input.value === "" ? null : Number(input.value);
    else if (kind === "list") out[input.name] = input.value.split(",").map((v) => v.trim()).filter((v) => v);
    else out[input.name] = input.value;
  }
  return out;
}

/** @param {Element} scope @param {string} message */
function showError(scope, message) {
  const box = scope.querySelector(".form-error") || scope.parentElement?.querySelector(".form-error");
  if (box instanceof HTMLElement) {
    box.textContent = message;
    box.hidden = false;
  } else {
    toast(message);
  }
}

/** @param {Element} scope */
function clearError(scope) {
  const box = scope.querySelector(".form-error");
  if (box instanceof HTMLElement) box.hidden = true;
  for (const e of Array.from(scope.querySelectorAll(".field-error[data-for]"))) e.remove();
  for (const i of Array.from(scope.querySelectorAll("[aria-invalid=true]"))) i.removeAttribute("aria-invalid");
}

/**
 * Shows a message next to a form's field (`name`); false when the form has no such field.
 * @param {HTMLFormElement} form @param {string} name @param {string} message
 */
function showFieldError(form, name, message) {
  const input = form.querySelector(`[name="${CSS.escape(name)}"]`);
  if (!(input instanceof HTMLElement)) return false;
  const note = document.createElement("span");
  note.className = "field-error";
  note.dataset.for = name;
  note.id = `error-${name}-${Math.random().toString(36).slice(2, 8)}`;
  note.textContent = message;
  input.setAttribute("aria-invalid", "true");
  input.setAttribute("aria-describedby", note.id);
  input.after(note);
  return true;
}

/** Every problem of a form the browser can see, at once, each on its field. */
const FIELD_WORDS = {
  fr: { required: "Ce champ est obligatoire.", email: "Adresse e-mail invalide (exemple\u00a0: prenom.nom@lycee.fr)." },
  en: { required: "This field is required.", email: "Invalid e-mail address (e.g. first.last@school.org)." },
};

/** @param {HTMLFormElement} form @returns {boolean} whether the form may be sent */
function checkFields(form) {
  const w = lang === "en" ? FIELD_WORDS.en : FIELD_WORDS.fr;
  let ok = true;
  /** @type {HTMLElement | null} */
  let first = null;
  for (const input of Array.from(form.querySelectorAll("input[name], select[name], textarea[name]"))) {
    const field = /** @type {HTMLInputElement} */ (input);
    let problem = "";
    if (field.required && field.value.trim() === "") problem = w.required;
    else if (field.type === "email" && field.value.trim() !== "" && !field.validity.valid) problem = w.email;
    if (problem && showFieldError(form, field.name, problem)) {
      ok = false;
      first = first || field;
    }
  }
  if (first) first.focus();
  return ok;
}

/** @param {string} message */
export function toast(message) {
  const t = document.getElementById("toast");
  if (!t) return;
  t.textContent = message;
  t.hidden = false;
  setTimeout(() => (t.hidden = true), 4000);
}

/**
 * The same rule as the server's `safe_next`: only a path of this site is followed, else the
 * home page. Browsers drop tabs and line breaks from URLs and read "\\" as "/", so any control
 * character, whitespace or backslash (even percent-encoded) refuses the path.
 * @param {string | null} path
 */
export function safeLocalPath(path) {
  if (!path || path.length > 2000 || !path.startsWith("/") || path.startsWith("//")) return "/";
  let decoded = path;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return "/";
  }
  const bad = /[\u0000-\u0020\u007f-\u009f\\\s]/;
  if (bad.test(path) || bad.test(decoded)) return "/";
  const url = new URL(path, location.origin);
  return url.origin === location.origin ? url.pathname + url.search + url.hash : "/";
}

/** @param {Element} el @param {any} data */
function onSuccess(el, data) {
  const mode = el.getAttribute("data-success");
  const redirect = el.getAttribute("data-redirect");
  if (data && data.downloaded) {
    toast(lang === "en" ? "Downloaded: " + data.downloaded : "Téléchargé\u00a0: " + data.downloaded);
    return;
  }
  if (mode === "credentials" && data && data.temporary_password) {
    const box = document.querySelector("[data-credentials]");
    if (box instanceof HTMLElement) {
      const user = box.querySelector("[data-credentials-user]");
      const pw = box.querySelector("[data-credentials-password]");
      const url = box.querySelector("[data-credentials-url]");
      if (user) user.textContent = data.user.username;
      if (pw) pw.textContent = data.temporary_password;
      if (url) url.textContent = `${location.origin}/login`;
      box.hidden = false;
    }
    if (el instanceof HTMLFormElement) {
      el.reset();
      // The pop-over closes and the list shows the new account.
      const pop = el.closest("details");
      if (pop instanceof HTMLDetailsElement) pop.open = false;
      refreshList().then(() => box?.scrollIntoView({ block: "center" }));
    }
    return;
  }
  if (data && typeof data.login_url === "string") {
    location.assign(safeLocalPath(data.login_url));
    return;
  }
  if (mode === "goto-exam" && data && data.id) {
    location.assign("/exams/" + data.id);
    return;
  }
  if (redirect) {
    location.assign(safeLocalPath(redirect));
  } else {
    location.reload();
  }
}

/** Reloads the page's list (`[data-list]`) in place, keeping everything else as it is. */
async function refreshList() {
  const list = document.querySelector("[data-list]");
  if (!list) return;
  try {
    const resp = await fetch(location.href, { credentials: "same-origin" });
    const doc = new DOMParser().parseFromString(await resp.text(), "text/html");
    const fresh = doc.querySelector("[data-list]");
    if (fresh) {
      const node = document.importNode(fresh, true);
      list.replaceWith(node);
      localizeTimes(node);
    }
  } catch {
    // The list stays as it was; a reload shows the account.
  }
}

document.addEventListener("click", async (ev) => {
  const b = /** @type {Element} */ (ev.target).closest("[data-copy-credentials]");
  if (!b) return;
  const box = b.closest("[data-credentials]");
  if (!box) return;
  const text = (lang === "en"
    ? ["Username", "Temporary password", "Log in at"]
    : ["Identifiant", "Mot de passe provisoire", "Connexion"]).map((label, i) => {
    const sel = ["[data-credentials-user]", "[data-credentials-password]", "[data-credentials-url]"][i];
    return `${label}\u00a0: ${box.querySelector(sel)?.textContent || ""}`;
  }).join("\n");
  try {
    await navigator.clipboard.writeText(text);
    toast(lang === "en" ? "Copied." : "Copié.");
  } catch {
    toast(lang === "en" ? "Copying is not allowed here: select the text." : "Copie impossible ici\u00a0: sélectionnez le texte.");
  }
});

/** @param {Element} el @param {() => Promise<any>} call */
async function run(el, call) {
  const confirmText = el.getAttribute("data-confirm");
  if (confirmText && !window.confirm(confirmText)) return;
  const buttons = el instanceof HTMLFormElement ? Array.from(el.querySelectorAll("button")) : [el];
  buttons.forEach((b) => b.setAttribute("disabled", ""));
  try {
    clearError(el.closest("section, form") || el);
    onSuccess(el, await call());
  } catch (e) {
    const err = /** @type {any} */ (e);
    if (err && err.code === "unauthenticated") {
      location.assign("/login?next=" + encodeURIComponent(location.pathname + location.search));
      return;
    }
    // A server error about one field goes next to that field.
    const field = err && err.details && err.details.field;
    if (el instanceof HTMLFormElement && typeof field === "string" && showFieldError(el, field, describe(err))) {
      return;
    }
    showError(el instanceof HTMLFormElement ? el : el.closest("section") || el, describe(err || {}));
  } finally {
    buttons.forEach((b) => b.removeAttribute("disabled"));
  }
}

document.addEventListener("submit", (ev) => {
  const form = ev.target;
  if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-api")) return;
  ev.preventDefault();
  const url = form.getAttribute("data-api") || "";
  const method = form.getAttribute("data-method") || "POST";
  const file = form.getAttribute("data-download");
  clearError(form);
  if (!checkFields(form)) return;
  run(form, () => (file ? download(url, method, formBody(form), file) : api(url, method, formBody(form))));
});

document.addEventListener("click", (ev) => {
  const target = /** @type {Element} */ (ev.target);
  const button = target.closest("button[data-api]");
  if (button) {
    const url = button.getAttribute("data-api") || "";
    const method = button.getAttribute("data-method") || "POST";
    const raw = button.getAttribute("data-body");
    const file = button.getAttribute("data-download");
    const body = raw ? JSON.parse(raw) : undefined;
    run(button, () => (file ? download(url, method, body, file) : api(url, method, body)));
    return;
  }
  if (target.closest("[data-logout]")) {
    api("/api/logout/", "POST").finally(() => location.assign("/login"));
  }
});

document.addEventListener("change", (ev) => {
  const sel = ev.target;
  if (!(sel instanceof HTMLSelectElement) || !sel.hasAttribute("data-locale")) return;
  if (loggedIn) {
    api("/api/me/locale/", "PUT", { locale: sel.value }).then(() => location.reload(), (e) => toast(describe(e)));
  } else {
    location.assign("/lang/" + sel.value + "?next=" + encodeURIComponent(location.pathname + location.search));
  }
});

// Timestamps are sent in UTC; show them in the reader's time zone.
/** @param {ParentNode} root */
function localizeTimes(root) {
  for (const t of Array.from(root.querySelectorAll("time[datetime]"))) {
    const d = new Date(t.getAttribute("datetime") || "");
    if (!isNaN(d.getTime())) t.textContent = d.toLocaleString(lang === "en" ? "en-GB" : "fr-FR");
  }
}
localizeTimes(document);

// The staff import on the users page: a dry run shows what would happen, then the import
// downloads the activation slips of the new accounts.
for (const box of Array.from(document.querySelectorAll("[data-teacher-import]"))) {
  const input = /** @type {HTMLInputElement} */ (box.querySelector("input[type=file]"));
  const summary = /** @type {HTMLElement} */ (box.querySelector(".summary"));
  const rejected = /** @type {HTMLElement} */ (box.querySelector(".rejected"));
  const confirmButton = /** @type {HTMLButtonElement} */ (box.querySelector("button"));
  /** @param {string} query */
  const send = (query) => {
    const f = input.files && input.files[0];
    return fetch("/api/teachers/import/" + query, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRF-Token": csrfToken(), "Content-Type": "text/csv" },
      body: f,
    });
  };
  input.addEventListener("change", async () => {
    clearError(box);
    confirmButton.hidden = true;
    const resp = await send("?dry_run=true").catch(() => null);
    const data = resp ? await resp.json().catch(() => null) : null;
    if (!resp || !resp.ok) {
      showError(box, describe((data && data.error) || { code: "network" }));
      return;
    }
    summary.textContent = lang === "en"
      ? `${data.created.length} account(s) to create, ${data.existing.length} already existing, ${data.rejected.length} rejected row(s).`
      : `${data.created.length} compte(s) à créer, ${data.existing.length} déjà existant(s), ${data.rejected.length} ligne(s) rejetée(s).`;
    rejected.replaceChildren(...data.rejected.map((/** @type {any} */ r) => {
      const li = document.createElement("li");
      li.textContent = (lang === "en" ? "line " : "ligne ") + r.line + " : " + r.reason;
      return li;
    }));
    confirmButton.hidden = data.created.length === 0;
  });
  confirmButton.addEventListener("click", async () => {
    confirmButton.disabled = true;
    const resp = await send("?format=pdf").catch(() => null);
    confirmButton.disabled = false;
    if (!resp || !resp.ok) {
      const data = resp ? await resp.json().catch(() => null) : null;
      showError(box, describe((data && data.error) || { code: "network" }));
      return;
    }
    const a = document.createElement("a");
    a.href = URL.createObjectURL(await resp.blob());
    a.download = "comptes-enseignants.pdf";
    a.click();
    URL.revokeObjectURL(a.href);
    location.reload();
  });
}
