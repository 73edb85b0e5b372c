import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fashionMnistClasses, loadFashionMnist } from '@neurite/datasets';
import { describe, expect, it } from 'vitest';

describe('loadFashionMnist', () => {
  it('loads 60,000 + 10,000 images from /usr/share/datasets/fashion-mnist (gzipped)', async () => {
    const { train, test } = await loadFashionMnist();
    expect([train.count, test.count]).toEqual([60000, 10000]);
    expect([train.height, train.width]).toEqual([28, 28]);
    expect(train.images.length).toBe(60000 * 784);
    // Fashion-MNIST is balanced: 6,000 training images per class.
    const h = new Array(10).fill(0);
    for (const l of train.labels) h[l]++;
    expect(h).toEqual(new Array(10).fill(6000));
    expect(fashionMnistClasses[train.labels[0]]).toBe('Ankle boot');
  });

  it('names the ten classes', () => {
    expect(fashionMnistClasses).toEqual([
      'T-shirt/top',
      'Trouser',
      'Pullover',
      'Dress',
      'Coat',
      'Sandal',
      'Shirt',
      'Sneaker',
      'Bag',
      'Ankle boot',
    ]);
  });

  it('says how to install the files when the folder is missing, or a file is', async () => {
    const dir = join(tmpdir(), 'neurite-no-such-folder');
    await expect(loadFashionMnist({ dir })).rejects.toThrow(
      `loadFashionMnist: no folder ${dir}. Expected the Fashion-MNIST files ` +
        '{train,t10k}-{images-idx3,labels-idx1}-ubyte(.gz) there. Install them with ' +
        '`apt-get install dataset-fashion-mnist` (Debian, Ubuntu), or pass { dir } with the folder that holds them.',
    );
    const empty = mkdtempSync(join(tmpdir(), 'neurite-fashion-'));
    await expect(loadFashionMnist({ dir: empty })).rejects.toThrow(
      `loadFashionMnist: ${empty} has neither train-images-idx3-ubyte.gz nor train-images-idx3-ubyte.`,
    );
  });
});
