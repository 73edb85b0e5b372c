// Fills an opentype.js path (lines, quadratic and cubic curves) into a grey coverage image: nonzero
// winding, 4 x 4 samples per pixel. Used to render digits from handwriting fonts.

/** Flattens a path's commands into closed polygons (arrays of [x, y]). */
function polygons(commands) {
  const out = [];
  let poly = [];
  let [x, y] = [0, 0];
  const steps = 12;
  for (const c of commands) {
    if (c.type === 'M') {
      if (poly.length > 2) out.push(poly);
      poly = [[c.x, c.y]];
      [x, y] = [c.x, c.y];
    } else if (c.type === 'L') {
      poly.push([c.x, c.y]);
      [x, y] = [c.x, c.y];
    } else if (c.type === 'Q') {
      for (let i = 1; i <= steps; i++) {
        const t = i / steps;
        const u = 1 - t;
        poly.push([u * u * x + 2 * u * t * c.x1 + t * t * c.x, u * u * y + 2 * u * t * c.y1 + t * t * c.y]);
      }
      [x, y] = [c.x, c.y];
    } else if (c.type === 'C') {
      for (let i = 1; i <= steps; i++) {
        const t = i / steps;
        const u = 1 - t;
        poly.push([
          u * u * u * x + 3 * u * u * t * c.x1 + 3 * u * t * t * c.x2 + t * t * t * c.x,
          u * u * u * y + 3 * u * u * t * c.y1 + 3 * u * t * t * c.y2 + t * t * t * c.y,
        ]);
      }
      [x, y] = [c.x, c.y];
    } else if (c.type === 'Z') {
      if (poly.length > 2) out.push(poly);
      poly = [];
    }
  }
  if (poly.length > 2) out.push(poly);
  return out;
}

/**
 * Rasterises path commands (already placed in pixel coordinates) into a width x height Float32Array of
 * coverage in [0, 1].
 */
export function fillPath(commands, width, height) {
  const S = 4;
  const edges = [];
  for (const poly of polygons(commands)) {
    for (let i = 0; i < poly.length; i++) {
      const [x0, y0] = poly[i];
      const [x1, y1] = poly[(i + 1) % poly.length];
      if (y0 !== y1) edges.push([x0, y0, x1, y1]);
    }
  }
  const out = new Float32Array(width * height);
  const xs = [];
  for (let sy = 0; sy < height * S; sy++) {
    const y = (sy + 0.5) / S;
    xs.length = 0;
    for (const [x0, y0, x1, y1] of edges) {
      if ((y >= y0 && y < y1) || (y >= y1 && y < y0)) {
        xs.push([x0 + ((y - y0) / (y1 - y0)) * (x1 - x0), y1 > y0 ? 1 : -1]);
      }
    }
    if (xs.length === 0) continue;
    xs.sort((a, b) => a[0] - b[0]);
    const row = Math.floor(sy / S) * width;
    let winding = 0;
    for (let k = 0; k < xs.length - 1; k++) {
      winding += xs[k][1];
      if (winding === 0) continue;
      // Samples at (sx + 0.5) / S between xs[k] and xs[k + 1].
      const a = Math.max(0, Math.ceil(xs[k][0] * S - 0.5));
      const b = Math.min(width * S - 1, Math.ceil(xs[k + 1][0] * S - 0.5) - 1);
      for (let sx = a; sx <= b; sx++) out[row + Math.floor(sx / S)] += 1 / (S * S);
    }
  }
  return out;
}
