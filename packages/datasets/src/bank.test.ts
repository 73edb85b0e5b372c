import { describeBackends } from '@neurite/core/testing';
import { bankTransactions } from '@neurite/datasets';
import { describe, expect, it } from 'vitest';

describe('bankTransactions', () => {
  it('is deterministic for a seed and differs between seeds', () => {
    const a = bankTransactions({ count: 50, seed: 3 });
    const b = bankTransactions({ count: 50, seed: 3 });
    const c = bankTransactions({ count: 50, seed: 4 });
    expect(Array.from(a.x)).toEqual(Array.from(b.x));
    expect(Array.from(a.y)).toEqual(Array.from(b.y));
    expect(Array.from(a.y)).not.toEqual(Array.from(c.y));
    expect(bankTransactions().count).toBe(100);
    expect(bankTransactions().x.length).toBe(200);
  });

  it('draws children in 0..4, accounts in 1..5, and follows the formula up to noise in [-0.5, 0.5)', () => {
    const d = bankTransactions({ count: 2000, seed: 1 });
    expect(d.features).toEqual(['children', 'accounts']);
    const children = new Set<number>();
    const accounts = new Set<number>();
    let noiseMin = 1;
    let noiseMax = -1;
    for (let i = 0; i < d.count; i++) {
      const [c, a] = [d.x[2 * i], d.x[2 * i + 1]];
      children.add(c);
      accounts.add(a);
      const noise = d.y[i] - (2 * Math.max(c + a, 0) - Math.max(a - c, 0));
      noiseMin = Math.min(noiseMin, noise);
      noiseMax = Math.max(noiseMax, noise);
    }
    expect([...children].sort()).toEqual([0, 1, 2, 3, 4]);
    expect([...accounts].sort()).toEqual([1, 2, 3, 4, 5]);
    expect(noiseMin).toBeGreaterThanOrEqual(-0.5);
    expect(noiseMax).toBeLessThan(0.5);
    // Uniform noise spans its range: 2,000 draws come within 0.01 of both ends.
    expect(noiseMin).toBeLessThan(-0.49);
    expect(noiseMax).toBeGreaterThan(0.49);
  });

  it('matches the course example by hand: 2 children and 3 accounts give 2*5 - 1 = 9 (+ noise)', () => {
    const d = bankTransactions({ count: 500, seed: 9 });
    const rows = [];
    for (let i = 0; i < d.count; i++) if (d.x[2 * i] === 2 && d.x[2 * i + 1] === 3) rows.push(d.y[i]);
    expect(rows.length).toBeGreaterThan(5);
    for (const y of rows) expect(Math.abs(y - 9)).toBeLessThanOrEqual(0.5);
    // 4 children, 1 account: 2 * relu(5) - relu(-3) = 10
    for (let i = 0; i < d.count; i++) {
      if (d.x[2 * i] === 4 && d.x[2 * i + 1] === 1) expect(Math.abs(d.y[i] - 10)).toBeLessThanOrEqual(0.5);
    }
  });

  it('rejects bad options', () => {
    expect(() => bankTransactions({ count: 2.5 })).toThrow(
      'bankTransactions: count must be a positive integer. Received: 2.5.',
    );
    expect(() => bankTransactions({ seed: Number.NaN })).toThrow(
      'bankTransactions: seed must be a finite number. Received: NaN. Pass a number, e.g. { seed: 0 }.',
    );
  });
});

await describeBackends('bankTransactions tensors', () => {
  it('gives x [count, 2] and y [count, 1] with the same values', async () => {
    const d = bankTransactions({ count: 5, seed: 2 });
    const { x, y } = d.toTensors();
    expect([x.shape, y.shape]).toEqual([
      [5, 2],
      [5, 1],
    ]);
    expect(Array.from(await x.data())).toEqual(Array.from(d.x));
    expect(Array.from(await y.data())).toEqual(Array.from(d.y));
    x.dispose();
    y.dispose();
  });
});
