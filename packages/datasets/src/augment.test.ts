import { createRng } from '@neurite/core';
import {
  augmentDigits,
  augmentSamples,
  Dataset,
  digitAugmentation,
  loadMnist,
  transformImage,
} from '@neurite/datasets';
import { describe, expect, it } from 'vitest';

function centreOfMass(image: Float32Array, width: number): [number, number] {
  let mass = 0;
  let x = 0;
  let y = 0;
  for (let i = 0; i < image.length; i++) {
    mass += image[i];
    x += image[i] * (i % width);
    y += image[i] * Math.floor(i / width);
  }
  return [x / mass, y / mass];
}

const { train } = await loadMnist({ limit: 20 });
const digit = (i: number): Float32Array => train.images.slice(i * 784, (i + 1) * 784);

describe('transformImage', () => {
  it('moves a pixel by an integer shift, and spreads a half-pixel shift over two pixels', () => {
    const image = new Float32Array(25);
    image[12] = 1; // centre of 5 x 5
    expect(Array.from(transformImage(image, 5, 5, { dx: 1, dy: -2 })).indexOf(1)).toBe(12 + 1 - 10);
    const half = transformImage(image, 5, 5, { dx: 0.5 });
    expect([half[12], half[13]]).toEqual([0.5, 0.5]);
  });

  it('rotates 90 degrees clockwise and zooms about the centre, filling with zeros', () => {
    const image = new Float32Array(9);
    image[1] = 1; // top middle of 3 x 3
    const turned = transformImage(image, 3, 3, { rotationDegrees: 90 });
    expect(Array.from(turned, (v) => Math.round(v * 1e6) / 1e6)).toEqual([0, 0, 0, 0, 0, 1, 0, 0, 0]); // right middle
    const out = transformImage(new Float32Array(16).fill(1), 4, 4, { zoom: 0.5 });
    // Halved about (1.5, 1.5): the corners sample from outside and are partly zero; the centre stays 1.
    expect(out[0]).toBeLessThan(1);
    expect(out[5]).toBe(1);
    expect(() => transformImage(new Float32Array(10), 3, 3, {})).toThrow(
      'transformImage: expected 3 x 3 = 9 pixels; received 10. Pass the image width and height.',
    );
  });

  it('moves the centre of mass of a real digit by the shift', () => {
    const image = digit(0);
    const [x0, y0] = centreOfMass(image, 28);
    const [x1, y1] = centreOfMass(transformImage(image, 28, 28, { dx: 2, dy: -1.5 }), 28);
    expect(x1 - x0).toBeCloseTo(2, 1);
    expect(y1 - y0).toBeCloseTo(-1.5, 1);
  });
});

describe('augmentDigits', () => {
  it('is deterministic for a seed, and draws a new transform per call', () => {
    const a = augmentDigits({ seed: 4 });
    const b = augmentDigits({ seed: 4 });
    const image = digit(1);
    const first = a(image);
    expect(Array.from(first)).toEqual(Array.from(b(image)));
    expect(Array.from(a(image))).not.toEqual(Array.from(first));
    expect(Array.from(augmentDigits({ seed: 5 })(image))).not.toEqual(Array.from(first));
    expect(Array.from(image)).toEqual(Array.from(digit(1))); // input untouched
  });

  it('returns the image unchanged when every maximum is 0', () => {
    const none = augmentDigits({ maxShift: 0, maxRotationDegrees: 0, maxZoom: 0, seed: 1 });
    for (let i = 0; i < 5; i++) expect(Array.from(none(digit(i)))).toEqual(Array.from(digit(i)));
  });

  it('shifts the centre of mass by at most maxShift, by about the drawn shift', () => {
    const shift = augmentDigits({ maxShift: 3, maxRotationDegrees: 0, maxZoom: 0, seed: 2 });
    const moves: number[] = [];
    for (let i = 0; i < 20; i++) {
      const [x0, y0] = centreOfMass(digit(i), 28);
      const [x1, y1] = centreOfMass(shift(digit(i)), 28);
      for (const d of [x1 - x0, y1 - y0]) {
        expect(Math.abs(d)).toBeLessThanOrEqual(3.05);
        moves.push(d);
      }
    }
    // Uniform in [-3, 3]: 40 draws cover both directions and reach past 1.5 pixels.
    expect(Math.min(...moves)).toBeLessThan(-1.5);
    expect(Math.max(...moves)).toBeGreaterThan(1.5);
  });

  it('keeps pixels in [0, 1] and is fast: 60,000 digits in a few seconds', () => {
    const augment = augmentDigits({ seed: 3 });
    const image = digit(2);
    const start = performance.now();
    let max = 0;
    let min = 1;
    for (let i = 0; i < 60000; i++) {
      const out = augment(image);
      if (i % 1000 === 0) for (const v of out) [max, min] = [Math.max(max, v), Math.min(min, v)];
    }
    const ms = performance.now() - start;
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThanOrEqual(1 + 1e-6);
    expect(ms).toBeLessThan(10_000);
  });

  it('leans a vertical line to the right at the top for a positive shear, and keeps its middle', () => {
    const line = new Float32Array(21 * 21);
    for (let y = 2; y < 19; y++) line[y * 21 + 10] = 1;
    const leaned = transformImage(line, 21, 21, { shearDegrees: 20 });
    const inkX = (row: number) => {
      let m = 0;
      let x = 0;
      for (let i = 0; i < 21; i++) [m, x] = [m + leaned[row * 21 + i], x + i * leaned[row * 21 + i]];
      return x / m;
    };
    expect(inkX(10)).toBeCloseTo(10, 5);
    expect(inkX(3) - 10).toBeCloseTo(7 * Math.tan((20 * Math.PI) / 180), 1);
    expect(inkX(17) - 10).toBeCloseTo(-7 * Math.tan((20 * Math.PI) / 180), 1);
  });

  it('draws the same first four numbers as before for the old options, so old seeds repeat', () => {
    const rng = createRng(11);
    const t = {
      dx: rng.uniform(-2, 2),
      dy: rng.uniform(-2, 2),
      rotationDegrees: rng.uniform(-10, 10),
      zoom: rng.uniform(0.9, 1.1),
    };
    expect(Array.from(augmentDigits({ seed: 11 })(digit(3)))).toEqual(Array.from(transformImage(digit(3), 28, 28, t)));
  });

  it('with digitAugmentation: seeded, in [0, 1], the digit kept near the centre, and each degradation seen', () => {
    const a = augmentDigits({ ...digitAugmentation, seed: 7 });
    const b = augmentDigits({ ...digitAugmentation, seed: 7 });
    let changed = 0;
    const masses: number[] = [];
    for (let i = 0; i < 200; i++) {
      const image = digit(i % 20);
      const out = a(image);
      expect(Array.from(out)).toEqual(Array.from(b(image)));
      let mass = 0;
      for (const v of out) {
        expect(v).toBeGreaterThanOrEqual(0);
        expect(v).toBeLessThanOrEqual(1 + 1e-6);
        mass += v;
      }
      const [x, y] = centreOfMass(out, 28);
      expect(Math.hypot(x - 13.5, y - 13.5)).toBeLessThan(6);
      masses.push(mass / image.reduce((s, v) => s + v, 0));
      // Noise leaves no pixel exactly 0 in most of the background.
      if (out.filter((v) => v > 0 && v < 0.02).length > 100) changed++;
    }
    // Stroke width and contrast move the ink mass both ways; noise shows in about chance of the images.
    expect(Math.min(...masses)).toBeLessThan(0.8);
    expect(Math.max(...masses)).toBeGreaterThan(1.3);
    expect(changed).toBeGreaterThan(20);
    expect(changed).toBeLessThan(120);
  });

  it('squareChance stretches that share of digits to fill a square, as a form reader normalises them', () => {
    // A 1: a bar 2 pixels wide. Stretched, its ink spreads over far more columns.
    const one = new Float32Array(784);
    for (let y = 4; y < 24; y++) one[y * 28 + 13] = one[y * 28 + 14] = 1;
    const columns = (a: Float32Array) =>
      Array.from({ length: 28 }, (_, x) => x).filter((x) => a.some((_, i) => i % 28 === x && a[i] > 0.5)).length;
    const still = { maxShift: 0, maxRotationDegrees: 0, maxZoom: 0 };
    expect(columns(augmentDigits({ ...still, squareChance: 1, seed: 1 })(one))).toBeGreaterThan(12);
    expect(columns(augmentDigits({ ...still, seed: 1 })(one))).toBe(2);
    const some = augmentDigits({ ...still, squareChance: 0.3, seed: 2 });
    const wide = Array.from({ length: 200 }, () => columns(some(one)) > 12).filter(Boolean).length;
    expect(wide).toBeGreaterThan(35);
    expect(wide).toBeLessThan(85);
    expect(() => augmentDigits({ squareChance: 2 })).toThrow(
      'augmentDigits: squareChance must be a number in [0, 1]. Received: 2.',
    );
  });

  it('an elastic distortion bends a straight line but keeps it in one piece', () => {
    const line = new Float32Array(784);
    for (let y = 4; y < 24; y++) line[y * 28 + 14] = 1;
    const bend = augmentDigits({ maxShift: 0, maxRotationDegrees: 0, maxZoom: 0, elasticPixels: 2, seed: 3 });
    const out = bend(line);
    const xs: number[] = [];
    for (let y = 6; y < 22; y++) {
      let m = 0;
      let x = 0;
      for (let i = 0; i < 28; i++) [m, x] = [m + out[y * 28 + i], x + i * out[y * 28 + i]];
      expect(m).toBeGreaterThan(0.5);
      xs.push(x / m);
    }
    expect(Math.max(...xs) - Math.min(...xs)).toBeGreaterThan(0.3);
    for (let i = 1; i < xs.length; i++) expect(Math.abs(xs[i] - xs[i - 1])).toBeLessThan(1);
  });

  it('rejects bad ranges', () => {
    expect(() => augmentDigits({ strokeRange: [2, 1] })).toThrow(
      'augmentDigits: strokeRange must be [low, high] pixels with -4 <= low <= high <= 4. Received: [2,1].',
    );
    expect(() => augmentDigits({ minResolution: 2.5 })).toThrow(
      'augmentDigits: minResolution must be an integer >= 4 pixels. Received: 2.5.',
    );
    expect(() => augmentDigits({ chance: 1.5 })).toThrow(
      'augmentDigits: chance must be a number in [0, 1]. Received: 1.5.',
    );
    expect(() => augmentDigits({ maxBlur: Number.NaN })).toThrow(
      'augmentDigits: maxBlur must be a number in [0, 4]. Received: NaN.',
    );
    expect(() => augmentDigits({ maxZoom: 1 })).toThrow(
      'augmentDigits: maxZoom must be a number in [0, 1). Received: 1.',
    );
    expect(() => augmentDigits({ maxShift: -1 })).toThrow(
      'augmentDigits: maxShift must be a number >= 0. Received: -1.',
    );
  });
});

describe('augmentSamples', () => {
  it('augments x and keeps y as a Dataset map, the same for the same seed', async () => {
    const ds = train.dataset().take(4);
    const run = async () => {
      const out: number[][] = [];
      for await (const s of ds.map(augmentSamples({ seed: 9 }))) out.push([...s.x.slice(300, 310), ...s.y]);
      return out;
    };
    const a = await run();
    expect(a).toEqual(await run());
    const plain: number[][] = [];
    for await (const s of ds) plain.push([...s.x.slice(300, 310), ...s.y]);
    expect(a.map((r) => r.slice(10))).toEqual(plain.map((r) => r.slice(10)));
    expect(a.map((r) => r.slice(0, 10))).not.toEqual(plain.map((r) => r.slice(0, 10)));
    const small = Dataset.fromArrays({
      x: new Float32Array(9).fill(1),
      y: new Float32Array(1),
      xShape: [3, 3],
      yShape: [1],
    });
    const none = augmentSamples({ width: 3, height: 3, maxShift: 0, maxRotationDegrees: 0, maxZoom: 0, seed: 0 });
    for await (const s of small.map(none)) expect(Array.from(s.x)).toEqual(new Array(9).fill(1));
  });
});
