// Drawing the corrector's marks as SVG, in the page's own pixels. The same geometry is
// burnt into the final PDF by the server (korrigo-media `annotate.rs`): change both together.
// @ts-check

const SVG = "http://www.w3.org/2000/svg";

/** An SVG element with attributes. @param {string} name @param {Record<string, string | number>} attrs */
export function el(name, attrs = {}) {
  const e = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  return e;
}

/** A page's rotation in quarter turns, as 0, 90, 180 or 270. @param {{ rotation?: number }} p */
export const rotation = (p) => (((p.rotation || 0) % 360) + 360) % 360;

/**
 * Draws one mark into a page's layer, in the stored page's pixels (its `data` is normalised to
 * the page, 0..1). The widths and sizes are in thousandths of the page's width, the same
 * rules the final PDF applies (korrigo-media `annotate.rs`), so the PDF shows what was drawn.
 * @param {{ local: string, kind: string, data: any }} m
 * @param {{ width: number, height: number, rotation?: number }} p
 * @param {Element} layer
 * @param {{ selected: boolean, handle: boolean, num: (n: number) => string }} opts
 */
export function drawMark(m, p, layer, opts) {
  const W = p.width;
  const H = p.height;
  const u = W / 1000;
  const d = m.data;
  const c = d.color || "#d7263d";
  const g = el("g", { class: "mark", "data-local": m.local });
  /** @param {Element} shape @param {number} width */
  const withHit = (shape, width) => {
    const hit = /** @type {Element} */ (shape.cloneNode(true));
    hit.setAttribute("stroke", "transparent");
    hit.setAttribute("stroke-width", String(Math.max(width, 14 * u)));
    hit.setAttribute("fill", "none");
    g.append(shape, hit);
  };
  const X = (/** @type {number} */ v) => v * W;
  const Y = (/** @type {number} */ v) => v * H;
  switch (m.kind) {
    case "pen":
    case "highlight": {
      const hl = m.kind === "highlight";
      const width = (d.width || (hl ? 14 : 2.5)) * u;
      const pts = d.points.map((/** @type {number[]} */ q) => `${X(q[0]).toFixed(1)},${Y(q[1]).toFixed(1)}`).join(" ");
      const line = el("polyline", { points: pts, fill: "none", stroke: c, "stroke-width": width, "stroke-linecap": "round", "stroke-linejoin": "round" });
      if (hl) line.setAttribute("stroke-opacity", "0.35");
      withHit(line, width);
      break;
    }
    case "tick":
    case "cross": {
      const s = (d.size || 30) * u;
      const [x, y] = [X(d.x), Y(d.y)];
      const path =
        m.kind === "tick"
          ? `M ${x - 0.5 * s} ${y} L ${x - 0.15 * s} ${y + 0.4 * s} L ${x + 0.55 * s} ${y - 0.5 * s}`
          : `M ${x - 0.4 * s} ${y - 0.4 * s} L ${x + 0.4 * s} ${y + 0.4 * s} M ${x + 0.4 * s} ${y - 0.4 * s} L ${x - 0.4 * s} ${y + 0.4 * s}`;
      withHit(el("path", { d: path, fill: "none", stroke: c, "stroke-width": 4 * u, "stroke-linecap": "round", "stroke-linejoin": "round" }), s);
      break;
    }
    case "rect":
    case "ellipse":
    case "arrow": {
      const width = (d.width || 3) * u;
      const [x1, y1, x2, y2] = [X(d.x1), Y(d.y1), X(d.x2), Y(d.y2)];
      /** @type {Element} */
      let shape;
      if (m.kind === "rect") {
        shape = el("rect", { x: Math.min(x1, x2), y: Math.min(y1, y2), width: Math.abs(x2 - x1), height: Math.abs(y2 - y1), fill: "none", stroke: c, "stroke-width": width });
      } else if (m.kind === "ellipse") {
        shape = el("ellipse", { cx: (x1 + x2) / 2, cy: (y1 + y2) / 2, rx: Math.abs(x2 - x1) / 2, ry: Math.abs(y2 - y1) / 2, fill: "none", stroke: c, "stroke-width": width });
      } else {
        const a = Math.atan2(y2 - y1, x2 - x1);
        const h = 16 * u;
        const head = (/** @type {number} */ da) => `L ${x2 - h * Math.cos(a + da)} ${y2 - h * Math.sin(a + da)} M ${x2} ${y2}`;
        shape = el("path", { d: `M ${x1} ${y1} L ${x2} ${y2} ${head(0.45)} ${head(-0.45)}`, fill: "none", stroke: c, "stroke-width": width, "stroke-linecap": "round" });
      }
      withHit(shape, width);
      if (opts.handle) g.append(el("rect", { class: "handle", x: x2 - 6 * u, y: y2 - 6 * u, width: 12 * u, height: 12 * u, "data-handle": "1" }));
      break;
    }
    case "text":
    case "stamp": {
      const size = (d.size || (m.kind === "stamp" ? 17 : 16)) * u;
      const [x, y] = [X(d.x), Y(d.y)];
      const r = rotation(p);
      const box = el("g", r ? { transform: `rotate(${-r} ${x} ${y})` } : {});
      const text = el("text", { x, y, fill: c, "font-size": size, "font-family": "system-ui, sans-serif", "font-weight": m.kind === "stamp" ? 600 : 400 });
      const label = m.kind === "stamp" && typeof d.points_value === "number" && d.points_value ? `${opts.num(d.points_value)} pt · ${d.text}` : d.text;
      String(label)
        .split("\n")
        .forEach((line, i) => {
          const span = el("tspan", { x, dy: i === 0 ? size * 0.9 : size * 1.2 });
          span.textContent = line || " ";
          text.append(span);
        });
      box.append(text);
      g.append(box);
      layer.append(g);
      // A light card behind the words, sized once they are laid out.
      const b = /** @type {SVGTextElement} */ (text).getBBox();
      const pad = 4 * u;
      box.insertBefore(el("rect", { x: b.x - pad, y: b.y - pad, width: b.width + 2 * pad, height: b.height + 2 * pad, rx: 4 * u, fill: "#ffffff", "fill-opacity": 0.85, stroke: c, "stroke-width": m.kind === "stamp" ? 2 * u : 0 }), text);
      break;
    }
    default:
      return;
  }
  if (!g.parentNode) layer.append(g);
  if (opts.selected) {
    const b = /** @type {SVGGraphicsElement} */ (/** @type {unknown} */ (g)).getBBox();
    g.prepend(el("rect", { class: "selected-box", x: b.x - 4 * u, y: b.y - 4 * u, width: b.width + 8 * u, height: b.height + 8 * u, "stroke-width": 1.5 * u }));
  }
}
