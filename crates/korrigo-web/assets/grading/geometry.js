// Geometry of marks: a pointer's position on the displayed page becomes a point normalized to
// the page itself (0..1 from its top-left, whatever rotation the viewer shows it at), so that a
// mark renders at the same place on screen and in the final PDF; strokes are simplified to a
// bounded number of points before they are sent.
// @ts-check

/** @typedef {[number, number]} Point */

/** @param {number} v */
export const clamp01 = (v) => (v < 0 ? 0 : v > 1 ? 1 : v);

/**
 * The page point under a pointer, from the displayed image's box (after its rotation) and the
 * page's rotation (clockwise degrees: 0, 90, 180, 270).
 * @param {number} clientX @param {number} clientY
 * @param {{ left: number, top: number, width: number, height: number }} box
 * @param {number} rotation
 * @returns {Point}
 */
export function toPage(clientX, clientY, box, rotation) {
  const u = clamp01((clientX - box.left) / box.width);
  const v = clamp01((clientY - box.top) / box.height);
  switch (((rotation % 360) + 360) % 360) {
    case 90:
      return [v, 1 - u];
    case 180:
      return [1 - u, 1 - v];
    case 270:
      return [1 - v, u];
    default:
      return [u, v];
  }
}

/**
 * The display point of a page point (the inverse of `toPage`), in the box.
 * @param {Point} p @param {{ left: number, top: number, width: number, height: number }} box
 * @param {number} rotation
 * @returns {Point}
 */
export function toDisplay(p, box, rotation) {
  const [x, y] = p;
  /** @type {Point} */
  let uv;
  switch (((rotation % 360) + 360) % 360) {
    case 90:
      uv = [1 - y, x];
      break;
    case 180:
      uv = [1 - x, 1 - y];
      break;
    case 270:
      uv = [y, 1 - x];
      break;
    default:
      uv = [x, y];
  }
  return [box.left + uv[0] * box.width, box.top + uv[1] * box.height];
}

/** @param {Point} p @param {Point} a @param {Point} b */
function distanceToSegment(p, a, b) {
  const [dx, dy] = [b[0] - a[0], b[1] - a[1]];
  const len2 = dx * dx + dy * dy;
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len2));
  const [cx, cy] = [a[0] + t * dx, a[1] + t * dy];
  return Math.hypot(p[0] - cx, p[1] - cy);
}

/**
 * A stroke with the points that change its shape by less than `epsilon` removed
 * (Ramer–Douglas–Peucker), the first and last kept.
 * @param {Point[]} points @param {number} epsilon
 * @returns {Point[]}
 */
export function simplify(points, epsilon) {
  if (points.length < 3) return points.slice();
  /** @type {boolean[]} */
  const keep = new Array(points.length).fill(false);
  keep[0] = keep[points.length - 1] = true;
  /** @type {[number, number][]} */
  const stack = [[0, points.length - 1]];
  while (stack.length) {
    const [i, j] = /** @type {[number, number]} */ (stack.pop());
    let worst = -1;
    let at = -1;
    for (let k = i + 1; k < j; k++) {
      const d = distanceToSegment(points[k], points[i], points[j]);
      if (d > worst) {
        worst = d;
        at = k;
      }
    }
    if (at >= 0 && worst > epsilon) {
      keep[at] = true;
      stack.push([i, at], [at, j]);
    }
  }
  return points.filter((_, k) => keep[k]);
}

/**
 * A stroke ready to send: coordinates clamped to the page and rounded to 1/10,000, simplified
 * until it has at most `max` points (the server's limit is 5,000).
 * @param {Point[]} points @param {number} [max]
 * @returns {Point[]}
 */
export function strokeForServer(points, max = 5000) {
  /** @type {Point[]} */
  let out = points.map(([x, y]) => [Math.round(clamp01(x) * 10000) / 10000, Math.round(clamp01(y) * 10000) / 10000]);
  let epsilon = 0.0005;
  out = simplify(out, epsilon);
  while (out.length > max) {
    epsilon *= 2;
    out = simplify(out, epsilon);
  }
  return out;
}

/** A coordinate rounded to 1/10,000 of the page and kept on it. @param {number} v */
export const r4 = (v) => Math.round(clamp01(v) * 10000) / 10000;

/**
 * A mark's data moved by (dx, dy) of the page, every coordinate kept on the page.
 * @param {any} data @param {number} dx @param {number} dy
 */
export function moved(data, dx, dy) {
  const out = structuredClone(data);
  if (Array.isArray(out.points)) out.points = out.points.map((/** @type {number[]} */ q) => [r4(q[0] + dx), r4(q[1] + dy)]);
  for (const k of ["x", "x1", "x2"]) if (typeof out[k] === "number") out[k] = r4(out[k] + dx);
  for (const k of ["y", "y1", "y2"]) if (typeof out[k] === "number") out[k] = r4(out[k] + dy);
  return out;
}

/** The default highlighter colour, used when the pen's default red is chosen. */
const HIGHLIGHT = "#ffd400";

/**
 * The data of a stroke or a shape drawn from `start` to `end` (through `points` for a stroke).
 * @param {string} kind @param {number[][]} points @param {number[]} start @param {number[]} end @param {string} color
 */
export function shapeData(kind, points, start, end, color) {
  if (kind === "pen" || kind === "highlight") return { points: points.map((q) => [r4(q[0]), r4(q[1])]), color: kind === "highlight" && color === "#d7263d" ? HIGHLIGHT : color };
  return { x1: r4(start[0]), y1: r4(start[1]), x2: r4(end[0]), y2: r4(end[1]), color };
}
