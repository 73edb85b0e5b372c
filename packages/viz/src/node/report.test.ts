import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ActivationReport, featureMapGrid, vectorStrip } from '@neurite/viz';
import { renderReportHtml, writeLayerPngs, writeReport } from '@neurite/viz/node';
import { PNG } from 'pngjs';
import { afterAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'neurite-viz-report-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const wave = (n: number) => new Float32Array(n).map((_, i) => Math.sin(i / 3));
const probabilities = [0.01, 0.01, 0.02, 0.03, 0.01, 0.01, 0.01, 0.86, 0.02, 0.02];

function fakeReport(): ActivationReport {
  return {
    title: 'A <fake> CNN',
    summary: {
      name: 'cnn',
      rows: [{ name: 'conv2d_1', className: 'Conv2D', outputShape: [null, 6, 6, 4], params: 40 }],
      totalParams: 40,
      trainableParams: 40,
      nonTrainableParams: 0,
      text: '',
    },
    history: {
      epoch: [0, 1, 2],
      history: {
        loss: [0.9, 0.5, 0.3],
        accuracy: [0.7, 0.85, 0.9],
        valLoss: [1, 0.6, 0.4],
        valAccuracy: [0.6, 0.8, 0.88],
      },
    },
    confusionMatrix: Array.from({ length: 10 }, (_, t) => Array.from({ length: 10 }, (_, p) => (t === p ? 9 : 1))),
    input: { values: wave(64).map(Math.abs), shape: [1, 8, 8, 1] },
    layers: [
      { name: 'conv2d_1', className: 'Conv2D', shape: [1, 6, 6, 4], values: wave(144) },
      { name: 'max_pooling2d_1', className: 'MaxPooling2D', shape: [1, 3, 3, 4], values: wave(36) },
      { name: 'flatten_1', className: 'Flatten', shape: [1, 36], values: wave(36) },
      { name: 'dense_1', className: 'Dense', shape: [1, 10], values: new Float32Array(probabilities) },
    ],
    prediction: { digit: 7, probabilities },
    misclassified: [
      { values: wave(64), label: 3, predicted: 5, shape: [8, 8] },
      { values: wave(64), label: 4, predicted: 9 },
    ],
  };
}

const decode = (uri: string) => PNG.sync.read(Buffer.from(uri.slice('data:image/png;base64,'.length), 'base64'));

describe('renderReportHtml', () => {
  const html = renderReportHtml(fakeReport());

  it('has one class="layer" section per layer, in model order, with name, class and shape', () => {
    expect(html.match(/class="layer"/g)).toHaveLength(4);
    const sections = [
      ...html.matchAll(
        /<section class="layer" data-layer="([^"]*)"><h3>([^<]*) <span class="class">([^<]*)<\/span> <code>([^<]*)<\/code>/g,
      ),
    ];
    expect(sections.map((m) => [m[1], m[2], m[3], m[4]])).toEqual([
      ['conv2d_1', 'conv2d_1', 'Conv2D', '[1, 6, 6, 4]'],
      ['max_pooling2d_1', 'max_pooling2d_1', 'MaxPooling2D', '[1, 3, 3, 4]'],
      ['flatten_1', 'flatten_1', 'Flatten', '[1, 36]'],
      ['dense_1', 'dense_1', 'Dense', '[1, 10]'],
    ]);
  });

  it('puts the sections in the documented order', () => {
    const at = (s: string) => html.indexOf(s);
    const order = [
      '<h1>A &lt;fake&gt; CNN</h1>',
      '<table class="summary">',
      'class="line-chart"',
      'class="confusion-matrix"',
      '<section class="input">',
      'data-layer="conv2d_1"',
      'data-layer="dense_1"',
      '<section class="prediction">',
      '<section class="misclassified">',
    ].map(at);
    expect(order.every((i) => i >= 0)).toBe(true);
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(html.match(/class="line-chart"/g)).toHaveLength(2); // loss and accuracy, each with validation
    expect(html.match(/data-series="val(Loss|Accuracy)"/g)).toHaveLength(2);
  });

  it('draws grids for rank-4 outputs, a strip for rank 2, bars for the final softmax', () => {
    const layer = (name: string) =>
      html.slice(
        html.indexOf(`data-layer="${name}"`),
        html.indexOf('</section>', html.indexOf(`data-layer="${name}"`)),
      );
    const img = (name: string) => decode(/src="([^"]*)"/.exec(layer(name))?.[1] ?? '');
    const conv = img('conv2d_1');
    const expected = featureMapGrid(fakeReport().layers[0].values, [1, 6, 6, 4]);
    expect([conv.width, conv.height]).toEqual([13, 13]);
    expect(Buffer.compare(conv.data, Buffer.from(expected.data))).toBe(0);
    const strip = img('flatten_1');
    expect(Buffer.compare(strip.data, Buffer.from(vectorStrip(fakeReport().layers[2].values).data))).toBe(0);
    expect(layer('dense_1')).toContain('class="bar-chart"');
    expect(layer('dense_1').match(/<rect class="bar"/g)).toHaveLength(10);
    expect(layer('dense_1')).not.toContain('<img');
  });

  it('shows the prediction with its probabilities, and the misclassified digits with their labels', () => {
    const prediction = html.slice(html.indexOf('<section class="prediction">'));
    expect(prediction).toContain('Predicted <strong>7</strong> with probability 0.8600');
    expect(prediction).toContain('>0.86<');
    const captions = [...html.matchAll(/<figcaption>([^<]*)<\/figcaption>/g)].map((m) => m[1]);
    expect(captions).toEqual(['true 3, predicted 5', 'true 4, predicted 9']);
  });

  it('is self-contained: no URL, no link, no script, every image a data: URI', () => {
    expect(html.replace(/http:\/\/www\.w3\.org\/2000\/svg/g, '')).not.toMatch(/https?:\/\//);
    expect(html).not.toMatch(/src="http|<link|<script|@import|url\(/);
    const srcs = [...html.matchAll(/<img [^>]*src="([^"]*)"/g)].map((m) => m[1]);
    expect(srcs).toHaveLength(1 + 3 + 2); // input, three image layers, two misclassified
    expect(srcs.every((s) => s.startsWith('data:image/png;base64,'))).toBe(true);
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toContain('<style>');
  });

  it('leaves optional sections out, and escapes layer names', () => {
    const r = fakeReport();
    delete r.history;
    delete r.confusionMatrix;
    delete r.misclassified;
    delete r.prediction; // a model that is no classifier (an upscaler, an autoencoder)
    r.layers[0].name = 'a"<b>';
    const out = renderReportHtml(r);
    expect(out).not.toContain('class="prediction"');
    expect(out).not.toContain('class="line-chart"');
    expect(out).not.toContain('class="confusion-matrix"');
    expect(out).not.toContain('class="misclassified"');
    expect(out).toContain('data-layer="a&quot;&lt;b&gt;"');
    expect(out.match(/class="layer"/g)).toHaveLength(4);
  });

  it('names the layer whose values do not match its shape', () => {
    const r = fakeReport();
    r.layers[1].values = new Float32Array(5);
    expect(() => renderReportHtml(r)).toThrow(
      "report.layers[1] 'max_pooling2d_1': shape [1, 3, 3, 4] holds 36 values but 5 were given.",
    );
    const noBatch = fakeReport();
    noBatch.layers[0].shape = [6, 6, 4];
    noBatch.layers[0].values = wave(144);
    expect(() => renderReportHtml(noBatch)).toThrow(
      "report.layers[0] 'conv2d_1': expected the output shape with a batch axis of 1 first",
    );
    const bad = fakeReport();
    bad.prediction = { digit: 12, probabilities: [0.5, 0.5] };
    expect(() => renderReportHtml(bad)).toThrow(
      'report.prediction: expected { digit, probabilities } with digit an index',
    );
  });
});

describe('writeReport and writeLayerPngs', () => {
  it('writes the HTML page atomically', async () => {
    const path = join(dir, 'out', 'report.html');
    await writeReport(path, fakeReport());
    expect(readdirSync(join(dir, 'out'))).toEqual(['report.html']);
    expect(readFileSync(path, 'utf8')).toBe(renderReportHtml(fakeReport()));
  });

  it('writes input.png and NN-<layer>.png in model order, scaled', async () => {
    const layersDir = join(dir, 'layers');
    const paths = await writeLayerPngs(layersDir, fakeReport());
    const names = ['input.png', '01-conv2d_1.png', '02-max_pooling2d_1.png', '03-flatten_1.png', '04-dense_1.png'];
    expect(paths).toEqual(names.map((n) => join(layersDir, n)));
    expect(readdirSync(layersDir).sort()).toEqual([...names].sort());
    const size = (n: string) => {
      const png = PNG.sync.read(readFileSync(join(layersDir, n)));
      return [png.width, png.height];
    };
    expect(size('input.png')).toEqual([32, 32]);
    expect(size('01-conv2d_1.png')).toEqual([2 * 24 + 1, 2 * 24 + 1]);
    expect(size('03-flatten_1.png')).toEqual([36 * 8, 8]);
    expect(size('04-dense_1.png')).toEqual([80, 8]);
    const one = await writeLayerPngs(join(dir, 'one'), fakeReport(), { scale: 1 });
    expect(PNG.sync.read(readFileSync(one[1])).width).toBe(13);
  });

  it('draws long vectors (a big Flatten) with 4-pixel cells', async () => {
    const r = fakeReport();
    r.layers[2] = { name: 'flatten_1', className: 'Flatten', shape: [1, 2048], values: wave(2048) };
    const paths = await writeLayerPngs(join(dir, 'long'), r);
    const png = PNG.sync.read(readFileSync(paths[3]));
    expect([png.width, png.height]).toEqual([64 * 4, 32 * 4]);
  });

  it('writes nothing when a layer is malformed', async () => {
    const r = fakeReport();
    r.layers[3].values = new Float32Array(3);
    await expect(writeLayerPngs(join(dir, 'bad'), r)).rejects.toThrow("report.layers[3] 'dense_1'");
    expect(() => readdirSync(join(dir, 'bad'))).toThrow();
  });
});
