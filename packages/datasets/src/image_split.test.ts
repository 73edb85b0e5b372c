import { describeBackends } from '@neurite/core/testing';
import { imageSplit, loadMnist } from '@neurite/datasets';
import { describe, expect, it } from 'vitest';

const two = () => ({
  images: Float32Array.from([0, 0, 0, 0, 1, 1, 1, 1]),
  labels: Uint8Array.from([0, 1]),
  height: 2,
  width: 2,
  classes: 2,
});

await describeBackends('imageSplit', () => {
  it("over MNIST's own arrays gives MNIST's split: the same samples and tensors", async () => {
    const { train } = await loadMnist({ limit: 50 });
    const mine = imageSplit(train);
    expect(mine.count).toBe(50);
    const a = train.toTensors();
    const b = mine.toTensors();
    expect(Array.from(await b.y.data())).toEqual(Array.from(await a.y.data()));
    for (const t of [a.x, a.y, b.x, b.y]) t.dispose();
    const samples = async (split: typeof train) => {
      const out: number[] = [];
      for await (const s of split.dataset({ oneHot: false }).take(5)) out.push(s.y[0], s.x[400]);
      return out;
    };
    expect(await samples(mine)).toEqual(await samples(train));
  });
});

describe('imageSplit checks what it is given', () => {
  it('refuses pixels that do not match the labels, labels past the classes, and bad sizes', () => {
    expect(() => imageSplit({ ...two(), images: new Float32Array(7) })).toThrow(
      'imageSplit: expected images, a Float32Array of labels.length x 2 x 2 = 8 pixels, and labels, a Uint8Array. Received: images of 7 pixels, labels of 2.',
    );
    expect(() => imageSplit({ ...two(), labels: Uint8Array.from([0, 2]) })).toThrow(
      'imageSplit: the label at index 1 is 2; labels must be in [0, 2) for 2 classes.',
    );
    expect(() => imageSplit({ ...two(), width: 0 })).toThrow(
      'imageSplit: height and width must be positive integers and classes an integer from 1 to 256. Received: height 2, width 0, classes 2.',
    );
    expect(() => imageSplit({ ...two(), labels: [0, 1] as unknown as Uint8Array })).toThrow('labels not a Uint8Array');
    expect(() => imageSplit({ ...two(), labels: undefined as unknown as Uint8Array })).toThrow(
      'labels not a Uint8Array',
    );
    expect(() => imageSplit({ ...two(), height: '2' as unknown as number })).toThrow('Received: height "2", width 2');
    expect(() => imageSplit(null as never)).toThrow(
      'imageSplit: expected { images, labels, height, width, classes }. Received: null.',
    );
  });
});
