// Pointer input on a page: a mouse, a pen (with pressure) or a finger, through pointer events.
// The desk hands in what the pointer acts on (its marks, the current tool and colour, and how
// to add, change and erase a mark); the geometry comes from geometry.js.
// @ts-check

import { moved, r4, shapeData, strokeForServer, toPage } from "./geometry.js";
import { rotation } from "./drawing.js";

/**
 * @typedef {{ local: string, page: number, kind: string, data: any, locked?: boolean }} Mark
 * @typedef {{
 *   marks: Map<string, Mark>, tool: () => string, color: () => string, readOnly: () => boolean,
 *   locked: (local: string | null | undefined) => boolean, select: (local: string | null) => void,
 *   eraseMark: (local: string) => void, addMark: (page: string, kind: string, data: any) => void,
 *   changeMark: (m: Mark, before: any) => void, drawMark: (m: Mark) => void,
 *   stampComment: (page: string, at: number[]) => boolean,
 *   askText: (e: PointerEvent, page: string, at: number[]) => void,
 * }} Ctx
 */

/**
 * Listens to one page's pointer: draws with the current tool, picks up, moves or resizes a
 * mark with the select tool, erases under the pointer with the eraser.
 * @param {SVGSVGElement} svg @param {{ id: number, rotation?: number }} p @param {Ctx} ctx
 */
export function attachPointer(svg, p, ctx) {
  const { marks, select, eraseMark, addMark, changeMark, drawMark, stampComment, askText, locked, readOnly } = ctx;
  const at = (/** @type {PointerEvent} */ e) => toPage(e.clientX, e.clientY, svg.getBoundingClientRect(), rotation(p));
  /** @type {null | { kind: string, points: number[][], pressure: number[], start: number[], live: Element | null, local?: string, before?: any, handle?: boolean }} */
  let drag = null;
  const page = String(p.id);

  svg.addEventListener("pointerdown", (e) => {
    if (readOnly() || e.button > 0) return;
    const target = /** @type {Element} */ (e.target);
    const hit = target.closest("g.mark");
    const under = hit?.getAttribute("data-local") || null;
    // Another corrector's mark (by questions) is seen, never picked up.
    const local = locked(under) ? null : under;
    const start = at(e);
    if (ctx.tool() === "eraser") {
      if (local) eraseMark(local);
      drag = { kind: "erase", points: [], pressure: [], start, live: null };
      return;
    }
    if (ctx.tool() === "select") {
      select(local);
      if (local) {
        svg.setPointerCapture(e.pointerId);
        drag = { kind: "move", points: [], pressure: [], start, live: null, local, before: structuredClone(marks.get(local)?.data), handle: !!target.closest("[data-handle]") };
      }
      return;
    }
    if (ctx.tool() === "stamp" && stampComment(page, start)) return;
    if (ctx.tool() === "text" || ctx.tool() === "stamp") {
      e.preventDefault();
      askText(e, page, start);
      return;
    }
    if (ctx.tool() === "tick" || ctx.tool() === "cross") {
      addMark(page, ctx.tool(), { x: r4(start[0]), y: r4(start[1]), color: ctx.color() });
      return;
    }
    e.preventDefault();
    svg.setPointerCapture(e.pointerId);
    drag = { kind: ctx.tool(), points: [start], pressure: [e.pressure || 0.5], start, live: null };
  });

  svg.addEventListener("pointermove", (e) => {
    if (!drag) return;
    if (drag.kind === "erase") {
      if (e.buttons !== 1) return;
      const under = document.elementFromPoint(e.clientX, e.clientY)?.closest("g.mark");
      const local = under?.getAttribute("data-local");
      if (local && marks.has(local) && !locked(local)) eraseMark(local);
      return;
    }
    const events = typeof e.getCoalescedEvents === "function" ? e.getCoalescedEvents() : [e];
    if (drag.kind === "move" && drag.local) {
      const m = marks.get(drag.local);
      if (!m) return;
      const now = at(e);
      if (drag.handle) m.data = { ...m.data, x2: r4(now[0]), y2: r4(now[1]) };
      else m.data = moved(drag.before, now[0] - drag.start[0], now[1] - drag.start[1]);
      drawMark(m);
      return;
    }
    for (const ev of events.length ? events : [e]) {
      drag.points.push(at(ev));
      drag.pressure.push(ev.pressure || 0.5);
    }
    const now = drag.points[drag.points.length - 1];
    drag.live?.remove();
    const preview = { local: "__live", page: p.id, kind: drag.kind, data: shapeData(drag.kind, drag.points, drag.start, now, ctx.color()) };
    marks.set("__live", preview);
    drawMark(preview);
    marks.delete("__live");
    drag.live = svg.querySelector('g.mark[data-local="__live"]');
  });

  const finish = (/** @type {PointerEvent} */ e) => {
    if (!drag) return;
    const d = drag;
    drag = null;
    d.live?.remove();
    if (d.kind === "erase") return;
    if (d.kind === "move") {
      const m = d.local ? marks.get(d.local) : undefined;
      if (m && JSON.stringify(m.data) !== JSON.stringify(d.before)) changeMark(m, d.before);
      return;
    }
    const end = d.points.length > 1 ? d.points[d.points.length - 1] : at(e);
    if (d.kind === "pen" || d.kind === "highlight") {
      const points = strokeForServer(/** @type {[number, number][]} */ (d.points));
      /** @type {any} */
      const data = { points, color: shapeData(d.kind, [], d.start, d.start, ctx.color()).color };
      const pressures = d.pressure.filter((q) => q !== 0.5);
      if (pressures.length && d.kind === "pen") data.width = Math.round((1.5 + 2.5 * (pressures.reduce((a, b) => a + b, 0) / pressures.length)) * 10) / 10;
      addMark(page, d.kind, data);
      return;
    }
    if (Math.hypot(end[0] - d.start[0], end[1] - d.start[1]) < 0.008) return;
    addMark(page, d.kind, shapeData(d.kind, d.points, d.start, end, ctx.color()));
  };
  svg.addEventListener("pointerup", finish);
  svg.addEventListener("pointercancel", () => {
    drag?.live?.remove();
    drag = null;
  });
}
