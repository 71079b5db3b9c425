// Harmonisation's pure parts (tested with node --test): the request a form's values make, the
// numbers written the French way, and the histogram of a corrector's grades before and after
// as an SVG string (built from numbers only: nothing of the user's is put in it).
// @ts-check

/**
 * A number the French way, at most two decimals: 12.5 → "12,5", 3 → "3".
 * @param {number} v
 */
export function frenchNumber(v) {
  return String(Math.round(v * 100) / 100).replace(".", ",");
}

/**
 * A typed number: "0,5" or "0.5" → 0.5, "−1" (a typographic minus) → -1; "" → NaN.
 * @param {string} s
 */
export function parseNumber(s) {
  const t = (s || "").trim().replace(",", ".").replace("\u2212", "-");
  return t === "" ? NaN : Number(t);
}

/**
 * The request body of the form's values; an error names the field to fix.
 * @param {{corrector: string, kind: string, offset?: string, from_low?: string, to_low?: string, from_high?: string, to_high?: string}} v
 * @param {boolean} preview
 * @returns {{body?: any, field?: string}}
 */
export function requestBody(v, preview) {
  if (v.kind === "offset") {
    const offset = parseNumber(v.offset || "");
    if (!Number.isFinite(offset) || offset === 0) return { field: "offset" };
    return { body: { corrector: v.corrector, kind: "offset", offset, preview } };
  }
  /** @type {[string, number][]} */
  const values = [
    ["from_low", parseNumber(v.from_low || "")],
    ["to_low", parseNumber(v.to_low || "")],
    ["from_high", parseNumber(v.from_high || "")],
    ["to_high", parseNumber(v.to_high || "")],
  ];
  for (const [name, n] of values) if (!Number.isFinite(n) || n < 0) return { field: name };
  const [fl, tl, fh, th] = values.map(([, n]) => n);
  return {
    body: {
      corrector: v.corrector,
      kind: "linear",
      anchors: [
        { from: fl, to: tl },
        { from: fh, to: th },
      ],
      preview,
    },
  };
}

/** @param {string} s */
function esc(s) {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/"/g, "&quot;");
}

/**
 * Two histograms side by side per interval (before: grey, after: blue), with a title and a
 * legend naming the two.
 * @param {number[]} before @param {number[]} after @param {number} scale @param {string} title
 * @param {[string, string]} legend
 */
export function histogramSvg(before, after, scale, title, legend) {
  const n = Math.max(before.length, after.length, 1);
  const top = Math.max(1, ...before, ...after);
  const w = 600;
  const h = 180;
  const left = 30;
  const right = 14;
  const bottom = 24;
  const slot = (w - left - right) / n;
  const bar = Math.max(1, slot / 2 - 1);
  // The legend sits above the tallest bar.
  const y = (/** @type {number} */ c) => ((h - bottom - 26) * c) / top;
  let bars = "";
  for (let i = 0; i < n; i++) {
    const x = left + i * slot;
    const b = before[i] || 0;
    const a = after[i] || 0;
    if (b) bars += `<rect x="${x.toFixed(1)}" y="${(h - bottom - y(b)).toFixed(1)}" width="${bar.toFixed(1)}" height="${y(b).toFixed(1)}" fill="#8a8f98"/>`;
    if (a) bars += `<rect x="${(x + bar + 1).toFixed(1)}" y="${(h - bottom - y(a)).toFixed(1)}" width="${bar.toFixed(1)}" height="${y(a).toFixed(1)}" fill="#1d4ed8"/>`;
  }
  let ticks = "";
  const step = scale <= 20 ? Math.max(1, Math.round(scale / 10)) : Math.round(scale / 10);
  for (let v = 0; v <= scale; v += step) {
    const x = left + (v / scale) * (w - left - right);
    ticks += `<text x="${x.toFixed(1)}" y="${h - 6}" font-size="11" text-anchor="middle" fill="#333">${v}</text>`;
  }
  const key =
    `<rect x="${w - 190}" y="4" width="10" height="10" fill="#8a8f98"/>` +
    `<text x="${w - 176}" y="13" font-size="11" fill="#333">${esc(legend[0])}</text>` +
    `<rect x="${w - 100}" y="4" width="10" height="10" fill="#1d4ed8"/>` +
    `<text x="${w - 86}" y="13" font-size="11" fill="#333">${esc(legend[1])}</text>`;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${w} ${h}" role="img" aria-label="${esc(title)}">` +
    `<title>${esc(title)}</title>` +
    `<line x1="${left}" y1="${h - bottom}" x2="${w - right}" y2="${h - bottom}" stroke="#333"/>` +
    key +
    `<text x="4" y="${h - bottom - (h - bottom - 26) + 4}" font-size="11" fill="#333">${top}</text>` +
    bars +
    ticks +
    `</svg>`
  );
}
