// The docs site's live demo: draw a digit, see the prediction and every layer's activations, on the
// backend named by ?backend= (cpu, wasm, webgpu or auto). Runs the real packages, bundled by build.mjs.
import { webgpu } from '@neurite/backend-webgpu';
import { registerBackend, setWasmDir, tensor4d, useBackend } from '@neurite/core';
import { prepareDigit } from '@neurite/datasets';
import { loadModel } from '@neurite/model';
import { barChartSvg, featureMapGrid, vectorStrip } from '@neurite/viz';
import { drawImage } from '@neurite/viz/browser';

const $ = (id: string) => document.getElementById(id) as HTMLElement;
const pad = $('pad') as HTMLCanvasElement;
const ctx = pad.getContext('2d') as CanvasRenderingContext2D;
const clear = () => {
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, pad.width, pad.height);
};
clear();
ctx.lineWidth = 22;
ctx.lineCap = 'round';
ctx.lineJoin = 'round';
ctx.strokeStyle = '#000';
let drawing = false;
pad.addEventListener('pointerdown', (e) => {
  drawing = true;
  ctx.beginPath();
  ctx.moveTo(e.offsetX, e.offsetY);
});
pad.addEventListener('pointermove', (e) => {
  if (!drawing) return;
  ctx.lineTo(e.offsetX, e.offsetY);
  ctx.stroke();
});
window.addEventListener('pointerup', () => {
  drawing = false;
});

const requested = new URLSearchParams(location.search).get('backend') ?? 'auto';
for (const a of document.querySelectorAll('nav a')) {
  if ((a as HTMLAnchorElement).search === `?backend=${requested}`) a.classList.add('active');
}
registerBackend(webgpu);
setWasmDir(new URL('./wasm/', location.href).href);
const info = await useBackend(requested);
$('backend').textContent =
  `${info.name}${info.adapter ? ` (${info.adapter.vendor} ${info.adapter.architecture})` : ''}: ${info.reason}`;
$('backend').dataset.backend = info.name;
const model = await loadModel(new URL('./model/', location.href).href);

async function predict(): Promise<void> {
  const image = ctx.getImageData(0, 0, pad.width, pad.height);
  let pixels: Float32Array;
  try {
    pixels = prepareDigit(image);
  } catch {
    $('prediction').textContent = 'draw a digit first';
    return;
  }
  const acts = model.activations(tensor4d(pixels, [1, 28, 28, 1]));
  const layers = $('layers');
  layers.replaceChildren();
  let probabilities: number[] = [];
  for (const a of acts) {
    const values = (await a.output.data()) as Float32Array;
    a.output.dispose();
    const section = document.createElement('div');
    section.className = 'layer';
    section.dataset.layer = a.name;
    section.innerHTML = `<h3>${a.name} (${a.className}) [${a.shape.join(', ')}]</h3>`;
    const canvas = document.createElement('canvas');
    if (a.shape.length === 4) drawImage(canvas, featureMapGrid(values, a.shape as [1, number, number, number]), 2);
    else drawImage(canvas, vectorStrip(values), 1);
    section.append(canvas);
    layers.append(section);
    probabilities = Array.from(values);
  }
  const digit = probabilities.indexOf(Math.max(...probabilities));
  $('prediction').textContent = `${digit} (${(probabilities[digit] * 100).toFixed(1)}%)`;
  $('prediction').dataset.digit = String(digit);
  $('bars').innerHTML = barChartSvg(probabilities, {
    labels: probabilities.map((_, i) => String(i)),
    title: 'probabilities',
  });
}

$('predict').addEventListener('click', () => void predict());
$('clear').addEventListener('click', clear);
document.body.dataset.ready = 'true';
