// The questions beside the pages: a score and a remark per question (quarter points,
// bounds checked as typed, Tab to the next question), the running total and the progress.
// Scores go through the desk's write queue like every other change.
// @ts-check

/** @typedef {{ id: string, label: string, max_points?: number, children?: SchemeNode[] }} SchemeNode */
/** @typedef {{ node: SchemeNode, score: HTMLInputElement, remark: HTMLInputElement, row: HTMLElement, timer: number, saved: boolean }} Question */

/** Points typed in French or English ("2,5", "2.5"); null when empty, NaN when not a number. @param {string} raw */
export function parsePoints(raw) {
  const v = raw.trim().replace(",", ".");
  if (!v) return null;
  return /^\d+(\.\d+)?$/.test(v) ? Number(v) : NaN;
}

/**
 * What is wrong with points typed for a question out of `max`: "" when nothing, "bad_points"
 * (not a number, or not a multiple of a quarter point) or "too_many" (above the maximum).
 * Empty (null) is not wrong: the question is simply not scored yet.
 * @param {number | null} points @param {number} max
 */
export function pointsProblem(points, max) {
  if (points === null) return "";
  if (Number.isNaN(points) || Math.round(points * 4) !== points * 4) return "bad_points";
  return points > max ? "too_many" : "";
}

/** How many questions take a score (the scheme's leaves). @param {SchemeNode[]} nodes @returns {number} */
export function questionCount(nodes) {
  return nodes.reduce((n, x) => n + (x.children && x.children.length ? questionCount(x.children) : 1), 0);
}

/** The label path of every question that takes a score ("Exercice 1 · a)"). @param {SchemeNode[]} nodes */
export function questionLabels(nodes) {
  /** @type {Map<string, string>} */
  const out = new Map();
  /** @param {SchemeNode[]} list @param {string} prefix */
  const walk = (list, prefix) => {
    for (const n of list) {
      const label = prefix ? `${prefix} · ${n.label}` : n.label;
      if (n.children && n.children.length) walk(n.children, label);
      else out.set(n.id, label);
    }
  };
  walk(nodes, "");
  return out;
}

/** Whether the caller grades only some questions (a dispatch by questions). @param {{ scheme: { nodes: SchemeNode[] }, my_questions: string[] }} view */
export const byQuestions = (view) => questionCount(view.scheme.nodes) > view.my_questions.length;

/**
 * The scheme's form on the desk.
 * @param {{
 *   form: HTMLElement, appreciation: HTMLTextAreaElement, total: HTMLElement, progress: HTMLElement,
 *   t: (key: string, vars?: Record<string, string | number>) => string, num: (n: number) => string,
 *   queue: { push: (w: any) => void, known: (key: string, version: number) => void },
 *   view: () => any, readOnly: () => boolean,
 * }} ctx
 */
export function createScheme(ctx) {
  const { form, appreciation, total, progress, t, num } = ctx;
  /** @type {Map<string, Question>} */
  const questions = new Map();


  function renderScheme() {
    form.replaceChildren();
    questions.clear();
    const mine = new Set(ctx.view().my_questions);
    const scores = new Map(ctx.view().scores.map((/** @type {{ question: string, version: number, points: number, remark: string }} */ s) => [s.question, s]));
    /** @param {SchemeNode} n @param {HTMLElement} parent */
    const add = (n, parent) => {
      if (n.children && n.children.length) {
        const fs = document.createElement("fieldset");
        const lg = document.createElement("legend");
        lg.textContent = n.label;
        fs.append(lg);
        for (const c of n.children) add(c, fs);
        parent.append(fs);
        return;
      }
      const row = document.createElement("div");
      row.className = "desk-q";
      row.dataset.question = n.id;
      const id = `q-${n.id}`;
      const label = document.createElement("label");
      label.htmlFor = id;
      label.textContent = n.label;
      const score = document.createElement("input");
      score.id = id;
      score.className = "score";
      score.inputMode = "decimal";
      score.autocomplete = "off";
      score.dataset.question = n.id;
      const max = document.createElement("span");
      max.className = "max";
      max.textContent = t("out_of", { max: num(n.max_points || 0) });
      const remark = document.createElement("input");
      remark.className = "remark";
      remark.maxLength = 2000;
      remark.placeholder = t("remark");
      remark.setAttribute("aria-label", `${t("remark")} · ${n.label}`);
      const saved = scores.get(n.id);
      if (saved) {
        score.value = num(saved.points);
        remark.value = saved.remark;
        ctx.queue.known(`score:${ctx.view().copy.id}:${n.id}`, saved.version);
      }
      const editable = mine.has(n.id) && !ctx.view().done.includes(n.id) && !ctx.readOnly();
      score.disabled = remark.disabled = !editable;
      row.append(label, score, max, remark);
      if (!mine.has(n.id)) {
        // By questions: another corrector's question, shown for context.
        row.classList.add("other");
        const who = document.createElement("span");
        who.className = "muted other-note";
        who.textContent = t("other_corrector");
        row.append(who);
      }
      parent.append(row);
      const q = { node: n, score, remark, row, timer: 0, saved: !!saved };
      questions.set(n.id, q);
      if (saved) checkScore(q);
      score.addEventListener("input", () => scoreTyped(q, false));
      score.addEventListener("blur", () => scoreTyped(q, true));
      remark.addEventListener("input", () => scoreTyped(q, false));
      remark.addEventListener("blur", () => scoreTyped(q, true));
      score.addEventListener("keydown", (e) => scoreKeys(e, q));
      remark.addEventListener("keydown", (e) => {
        if (e.key === "ArrowUp") {
          e.preventDefault();
          score.focus();
        }
      });
    };
    for (const n of ctx.view().scheme.nodes) add(n, form);
    appreciation.value = ctx.view().appreciation.text;
    appreciation.disabled = ctx.readOnly();
    ctx.queue.known(`appreciation:${ctx.view().copy.id}`, ctx.view().appreciation.version);
    updateTotal();
  }

  /**
   * Shows what is wrong with a score as typed (or as loaded: a maximum lowered after it was
   * given flags it); answers the points (null when empty) and the problem.
   * @param {{ node: SchemeNode, score: HTMLInputElement, row: HTMLElement }} q
   */
  function checkScore(q) {
    const points = parsePoints(q.score.value);
    const max = q.node.max_points || 0;
    q.row.querySelector(".field-error")?.remove();
    q.score.removeAttribute("aria-invalid");
    const code = pointsProblem(points, max);
    const problem = code ? t(code, { max: num(max) }) : "";
    if (problem) {
      const note = document.createElement("span");
      note.className = "field-error";
      note.id = `err-${q.node.id}`;
      note.textContent = problem;
      q.score.setAttribute("aria-invalid", "true");
      q.score.setAttribute("aria-describedby", note.id);
      q.row.append(note);
    }
    return { points, problem };
  }

  /** @param {Question} q @param {boolean} now */
  function scoreTyped(q, now) {
    const { points, problem } = checkScore(q);
    updateTotal();
    clearTimeout(q.timer);
    if (problem || ctx.readOnly()) return;
    if (points !== null) q.row.classList.remove("missing");
    const key = `score:${ctx.view().copy.id}:${q.node.id}`;
    const url = `/api/copies/${ctx.view().copy.id}/scores/${encodeURIComponent(q.node.id)}/`;
    const write = () => {
      if (points === null) {
        // Emptied (and not retyped meanwhile): a score the server has is cleared there too.
        if (!q.saved) return;
        q.saved = false;
        ctx.queue.push({ key, method: "DELETE", url: `${url}?version={version}` });
        return;
      }
      q.saved = true;
      ctx.queue.push({ key, method: "PUT", url, body: { points, remark: q.remark.value, version: 0 } });
    };
    if (now) write();
    else q.timer = window.setTimeout(write, 500);
  }

  /** @param {KeyboardEvent} e @param {{ score: HTMLInputElement, remark: HTMLInputElement }} q */
  function scoreKeys(e, q) {
    const all = [...questions.values()].filter((x) => !x.score.disabled);
    const i = all.findIndex((x) => x.score === q.score);
    if ((e.key === "Tab" && !e.shiftKey) || e.key === "Enter") {
      const next = all[i + 1];
      if (next) {
        e.preventDefault();
        next.score.focus();
        next.score.select();
      } else if (e.key === "Enter") {
        e.preventDefault();
        appreciation.focus();
      }
    } else if (e.key === "Tab" && e.shiftKey && i > 0) {
      e.preventDefault();
      all[i - 1].score.focus();
      all[i - 1].score.select();
    } else if (e.key === "ArrowDown") {
      e.preventDefault();
      q.remark.focus();
    }
  }

  function updateTotal() {
    let sum = 0;
    let max = 0;
    let done = 0;
    const mine = new Set(ctx.view().my_questions);
    for (const q of questions.values()) {
      max += q.node.max_points || 0;
      const p = parsePoints(q.score.value);
      if (p !== null && !Number.isNaN(p)) {
        sum += p;
        if (mine.has(q.node.id)) done += 1;
      }
    }
    total.textContent = `${num(sum)} / ${num(max)}`;
    progress.textContent = t(byQuestions(ctx.view()) ? "progress_mine" : "progress", { done, total: mine.size });
  }

  return { questions, render: renderScheme, checkScore, scoreTyped, updateTotal };
}
