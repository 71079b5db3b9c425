// The desk's comment bank: the exam's shared comments and my own (most used first), searched
// as I type; the one I pick is stamped where I click next. A comment may be tied to a question
// and carry points (a penalty when negative). Adding and deleting go straight to the server.
// @ts-check

/** @typedef {{ id: number, text: string, question: string | null, points: number | null, shared: boolean, uses: number, deletable: boolean }} Comment */
/** @typedef {{ status: number, body: any }} Answer */

/**
 * Folds a text for searching: lower case, no accents.
 * @param {string} s
 */
export function fold(s) {
  return s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
}

/**
 * The comments whose text (or question label) contains every word typed, in the bank's order.
 * @param {Comment[]} comments @param {string} query @param {(q: string | null) => string} labelOf
 */
export function search(comments, query, labelOf) {
  const words = fold(query).split(/\s+/).filter((w) => w);
  return comments.filter((c) => {
    const hay = fold(`${c.text} ${labelOf(c.question)}`);
    return words.every((w) => hay.includes(w));
  });
}

/**
 * @param {{ root: HTMLElement, t: (key: string, vars?: Record<string, string | number>) => string,
 *           num: (n: number) => string, send: (w: { url: string, method: string, body: any }) => Promise<Answer>,
 *           describe: (e: any) => string, toast: (m: string) => void }} o
 */
export function createBank(o) {
  const { root, t, num } = o;
  const list = /** @type {HTMLElement} */ (root.querySelector("#desk-bank-list"));
  const input = /** @type {HTMLInputElement} */ (root.querySelector("#desk-bank-search"));
  const form = /** @type {HTMLFormElement} */ (root.querySelector("#desk-bank-add"));
  const points = /** @type {HTMLInputElement} */ (form.querySelector("[name=points]"));
  const question = /** @type {HTMLSelectElement} */ (form.querySelector("[name=question]"));
  const sharedBox = /** @type {HTMLInputElement} */ (form.querySelector("[name=shared]"));
  const error = /** @type {HTMLElement} */ (root.querySelector("#desk-bank-error"));
  /** @type {Comment[]} */
  let comments = [];
  let exam = 0;
  /** @type {number | null} */
  let picked = null;
  /** @type {Map<string, string>} */
  let labels = new Map();
  /** The comment being rewritten in the form, if any. @type {number | null} */
  let editing = null;
  const submit = /** @type {HTMLButtonElement} */ (form.querySelector("button[type=submit]"));
  const addLabel = submit.textContent || "";

  /** Back to adding a new comment. */
  function stopEditing() {
    editing = null;
    form.reset();
    submit.textContent = addLabel;
    if (sharedBox) sharedBox.disabled = false;
  }

  const labelOf = (/** @type {string | null} */ q) => (q && labels.get(q)) || "";

  function fail(/** @type {string} */ message) {
    error.textContent = message;
    error.hidden = !message;
  }

  /** A small button on a comment's line (rewrite it, delete it). @param {string} kind @param {string} symbol @param {string} label @param {Comment} c */
  function action(kind, symbol, label, c) {
    const b = document.createElement("button");
    b.type = "button";
    b.className = "link bank-action";
    b.dataset[kind] = String(c.id);
    b.textContent = symbol;
    b.title = label;
    b.setAttribute("aria-label", `${label} : ${c.text}`);
    return b;
  }

  function render() {
    const found = search(comments, input.value, labelOf);
    list.replaceChildren();
    for (const [shared, title] of [
      [true, t("bank_shared")],
      [false, t("bank_mine")],
    ]) {
      const group = found.filter((c) => c.shared === shared);
      if (!group.length) continue;
      const h = document.createElement("li");
      h.className = "bank-group";
      h.textContent = /** @type {string} */ (title);
      list.append(h);
      for (const c of group) {
        const li = document.createElement("li");
        const b = document.createElement("button");
        b.type = "button";
        b.className = "bank-item";
        b.dataset.comment = String(c.id);
        b.setAttribute("aria-pressed", String(picked === c.id));
        const text = document.createElement("span");
        text.textContent = c.text;
        b.append(text);
        const meta = [c.points !== null ? `${c.points > 0 ? "+" : ""}${num(c.points)} pt` : "", labelOf(c.question)].filter((x) => x);
        if (meta.length) {
          const m = document.createElement("span");
          m.className = "muted bank-meta";
          m.textContent = meta.join(" · ");
          b.append(m);
        }
        li.append(b);
        if (c.deletable) li.append(action("edit", "✎", t("bank_edit"), c), action("delete", "×", t("bank_delete"), c));
        list.append(li);
      }
    }
    if (!found.length) {
      const li = document.createElement("li");
      li.className = "muted bank-empty";
      li.textContent = comments.length ? t("bank_no_match") : t("bank_empty");
      list.append(li);
    }
  }

  list.addEventListener("click", async (e) => {
    const target = /** @type {Element} */ (e.target);
    const edit = target.closest("[data-edit]");
    if (edit) {
      const c = comments.find((x) => x.id === Number(edit.getAttribute("data-edit")));
      if (!c) return;
      editing = c.id;
      /** @type {HTMLInputElement} */ (form.querySelector("[name=text]")).value = c.text;
      points.value = c.points === null ? "" : num(c.points);
      question.value = c.question || "";
      if (sharedBox) {
        sharedBox.checked = c.shared;
        sharedBox.disabled = true;
      }
      submit.textContent = t("bank_save");
      const details = form.closest("details");
      if (details) details.open = true;
      /** @type {HTMLInputElement} */ (form.querySelector("[name=text]")).focus();
      return;
    }
    const del = target.closest("[data-delete]");
    if (del) {
      const id = Number(del.getAttribute("data-delete"));
      const c = comments.find((x) => x.id === id);
      if (!c || !window.confirm(t("bank_delete_confirm", { text: c.text }))) return;
      const r = await o.send({ url: `/api/comments/${id}/`, method: "DELETE", body: undefined }).catch(() => null);
      if (!r || r.status !== 204) {
        fail(o.describe(r?.body?.error || { code: "network" }));
        return;
      }
      comments = comments.filter((x) => x.id !== id);
      if (picked === id) picked = null;
      fail("");
      render();
      return;
    }
    const item = target.closest("[data-comment]");
    if (!item) return;
    const id = Number(item.getAttribute("data-comment"));
    picked = picked === id ? null : id;
    render();
    if (picked !== null) o.toast(t("bank_picked"));
  });

  input.addEventListener("input", render);
  input.addEventListener("keydown", (e) => {
    e.stopPropagation();
    if (e.key === "Enter") {
      // Enter picks the first comment found.
      e.preventDefault();
      const first = search(comments, input.value, labelOf)[0];
      if (first) {
        picked = first.id;
        render();
        o.toast(t("bank_picked"));
      }
    } else if (e.key === "Escape") {
      input.value = "";
      render();
    }
  });

  form.addEventListener("keydown", (e) => e.stopPropagation());
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const text = /** @type {HTMLInputElement} */ (form.querySelector("[name=text]")).value.trim();
    const raw = points.value.trim().replace(",", ".").replace("−", "-");
    const body = {
      text,
      question: question.value || null,
      points: raw === "" ? null : Number(raw),
      shared: sharedBox ? sharedBox.checked : false,
    };
    if (!text) {
      fail(t("bank_text_required"));
      return;
    }
    if (body.points !== null && Number.isNaN(body.points)) {
      fail(t("bad_points"));
      return;
    }
    const r = await (editing === null
      ? o.send({ url: `/api/exams/${exam}/comments/`, method: "POST", body })
      : o.send({ url: `/api/comments/${editing}/`, method: "PUT", body })
    ).catch(() => null);
    if (!r || (r.status !== 201 && r.status !== 200)) {
      fail(o.describe(r?.body?.error || { code: "network" }));
      return;
    }
    fail("");
    if (editing !== null) {
      comments = comments.map((c) => (c.id === r.body.id ? r.body : c));
      picked = r.body.id;
      stopEditing();
      const details = form.closest("details");
      if (details) details.open = false;
      render();
      return;
    }
    const shared = comments.filter((c) => c.shared);
    const mine = comments.filter((c) => !c.shared);
    (r.body.shared ? shared : mine).push(r.body);
    comments = [...shared, ...mine];
    picked = r.body.id;
    stopEditing();
    const details = form.closest("details");
    if (details) details.open = false;
    render();
    o.toast(t("bank_picked"));
  });

  return {
    /**
     * Loads an exam's bank (once per exam) with its questions' labels.
     * @param {number} examId @param {Map<string, string>} questionLabels
     */
    async load(examId, questionLabels) {
      labels = questionLabels;
      question.replaceChildren(new Option(t("bank_no_question"), ""));
      for (const [id, label] of labels) question.append(new Option(label, id));
      if (examId === exam) return render();
      exam = examId;
      stopEditing();
      picked = null;
      const r = await o.send({ url: `/api/exams/${examId}/comments/`, method: "GET", body: undefined }).catch(() => null);
      if (!r || r.status !== 200) {
        comments = [];
        fail(o.describe(r?.body?.error || { code: "network" }));
      } else {
        comments = [...r.body.shared, ...r.body.mine];
        if (sharedBox) sharedBox.closest("label")?.toggleAttribute("hidden", !r.body.can_share);
        fail("");
      }
      render();
    },
    /** The comment to stamp, if one is picked. @returns {Comment | null} */
    picked: () => comments.find((c) => c.id === picked) || null,
    /** Counts a use here too (the server counts its own): my comments stay in order of use. @param {number} id */
    used(id) {
      const c = comments.find((x) => x.id === id);
      if (!c || c.shared) return;
      c.uses += 1;
      const mine = comments.filter((x) => !x.shared).sort((a, b) => b.uses - a.uses);
      comments = [...comments.filter((x) => x.shared), ...mine];
      render();
    },
    /** Shows or hides the bank (it shows with the comment tool). @param {boolean} on */
    show(on) {
      root.hidden = !on;
    },
    /** Whether the search box has the focus (keys then type, they do not pick tools). */
    typing: () => document.activeElement === input,
  };
}
