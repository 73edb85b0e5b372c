// The playground's controls: the markup, showing a state in them, and reading a changed control back
// into the state (checked: a bad number keeps the value that runs and says so).
import { FEATURE_LABELS } from './data.js';
import {
  ACTIVATIONS,
  checkNumber,
  DATASETS,
  FEATURES,
  type Feature,
  LIMITS,
  REGULARIZERS,
  type State,
} from './state.js';

export const ACTIVATION_LABELS: Record<string, string> = {
  tanh: 'tanh',
  relu: 'ReLU',
  leakyRelu: 'leaky ReLU (0.2)',
  sigmoid: 'sigmoid',
  linear: 'linear',
};
const REGULARIZER_LABELS: Record<string, string> = { none: 'none', l1: 'L1', l2: 'L2' };
const options = (list: readonly string[], labels: Record<string, string>) =>
  list.map((v) => `<option value="${v}">${labels[v] ?? v}</option>`).join('');

export const TEMPLATE = `
  <neurite-backend-switcher></neurite-backend-switcher>
  <div class="pg-message" role="status" hidden></div>
  <div class="pg-bar">
    <button type="button" name="reset" title="Start again from the seed's first weights">Reset</button>
    <button type="button" name="step" title="One step of gradient descent on one batch">Step</button>
    <button type="button" name="play" title="Keep stepping">Play</button>
    <span class="pg-count">epoch <b data-out="epoch">0</b> · step <b data-out="step">0</b></span>
    <span class="pg-losses">training loss <b data-out="train">-</b> · test loss <b data-out="test">-</b></span>
  </div>
  <div class="pg-controls">
    <label>Data <select name="dataset">${options(DATASETS, { gauss: 'two gaussians' })}</select></label>
    <label>Noise <input name="noise" type="range" min="0" max="50" step="5"><output name="noise-out"></output></label>
    <label>Seed <input name="seed" type="number" min="0" max="${LIMITS.seed[1]}" step="1"></label>
    <label>Activation <select name="activation">${options(ACTIVATIONS, ACTIVATION_LABELS)}</select></label>
    <label>Learning rate <input name="lr" type="number" min="0.00001" max="10" step="any"></label>
    <label>Batch size <input name="batch" type="number" min="1" max="${LIMITS.batchSize[1]}" step="1"></label>
    <label>Regularisation <select name="reg">${options(REGULARIZERS, REGULARIZER_LABELS)}</select></label>
    <label>Rate <input name="rate" type="number" min="0" max="1" step="any"></label>
  </div>
  <fieldset class="pg-features"><legend>Inputs</legend>${FEATURES.map(
    (f) => `<label><input type="checkbox" name="feature" value="${f}"> ${FEATURE_LABELS[f]}</label>`,
  ).join('')}</fieldset>
  <div class="pg-layers">
    <span>Hidden layers</span>
    <button type="button" name="layer-remove" aria-label="Remove the last hidden layer">−</button>
    <b data-out="layers"></b>
    <button type="button" name="layer-add" aria-label="Add a hidden layer">+</button>
    <span class="pg-units"></span>
  </div>
  <div class="pg-main">
    <div class="pg-network"></div>
    <div class="pg-output">
      <div class="pg-plot">
        <canvas class="pg-boundary" width="300" height="300" aria-label="The decision boundary"></canvas>
        <canvas class="pg-points" width="300" height="300" aria-hidden="true"></canvas>
      </div>
      <label class="pg-show-test"><input type="checkbox" name="show-test"> show the test points</label>
    </div>
  </div>
  <div class="pg-inspect">
    <canvas class="pg-unit" width="120" height="120" hidden></canvas>
    <div>
      <p class="pg-inspect-text">Hover over, focus or tap a neuron to see its output over the input plane
      (blue negative, white 0, red positive). Click an edge, or press Enter on a neuron, to edit its weights.</p>
      <div class="pg-edit"></div>
    </div>
  </div>`;

const $ = <T extends Element>(root: Element, sel: string) => root.querySelector(sel) as T;

/** The controls inside `root` show `s`. */
export function showControls(root: Element, s: State): void {
  const set = (name: string, v: string | number) => {
    $<HTMLInputElement>(root, `[name=${name}]`).value = String(v);
  };
  set('dataset', s.dataset);
  set('noise', s.noise);
  $<HTMLOutputElement>(root, 'output[name=noise-out]').value = `${s.noise}%`;
  set('seed', s.seed);
  set('activation', s.activation);
  set('lr', s.learningRate);
  set('batch', s.batchSize);
  set('reg', s.regularizer);
  set('rate', s.regularizationRate);
  for (const box of root.querySelectorAll<HTMLInputElement>('input[name=feature]')) {
    box.checked = s.features.includes(box.value as Feature);
  }
  $(root, '[data-out=layers]').textContent = String(s.layers.length);
  $<HTMLButtonElement>(root, 'button[name=layer-remove]').disabled = s.layers.length === 0;
  $<HTMLButtonElement>(root, 'button[name=layer-add]').disabled = s.layers.length >= LIMITS.hiddenLayers;
  const [lo, hi] = LIMITS.units;
  $(root, '.pg-units').innerHTML = s.layers
    .map(
      (u, l) =>
        `<span class="pg-unit-count" data-layer="${l}">layer ${l + 1}: ` +
        `<button type="button" name="units-remove" data-layer="${l}" aria-label="One unit fewer in layer ${l + 1}"${u <= lo ? ' disabled' : ''}>−</button>` +
        `<b>${u}</b>` +
        `<button type="button" name="units-add" data-layer="${l}" aria-label="One unit more in layer ${l + 1}"${u >= hi ? ' disabled' : ''}>+</button></span>`,
    )
    .join('');
}

/** Shows `lines` in the message box (the first as a heading when there are several), or hides it. */
export function showMessage(root: Element, lines: string[]): void {
  const box = $<HTMLElement>(root, '.pg-message');
  box.hidden = lines.length === 0;
  box.replaceChildren();
  if (lines.length === 0) return;
  const head = document.createElement('p');
  head.textContent = lines[0];
  box.append(head);
  if (lines.length > 1) {
    const list = document.createElement('ul');
    for (const line of lines.slice(1)) {
      const li = document.createElement('li');
      li.textContent = line;
      list.append(li);
    }
    box.append(list);
  }
}

/**
 * Reads a changed setting into `s`: 'rebuild' when the data or the network changes, 'configure' when
 * only the training does, undefined for a control that is not a setting. Problems go to `notes`.
 */
export function readControl(
  root: Element,
  input: HTMLInputElement,
  s: State,
  notes: string[],
): 'rebuild' | 'configure' | undefined {
  // A value that is not a number keeps the current one.
  const num = (
    label: string,
    range: readonly [number, number],
    now: number,
    o: { integer?: boolean; positive?: boolean } = {},
  ) => checkNumber(label, input.value, range, now, notes, o);
  switch (input.name) {
    case 'dataset':
      s.dataset = input.value as State['dataset'];
      return 'rebuild';
    case 'noise':
      s.noise = num('Noise', LIMITS.noise, s.noise);
      return 'rebuild';
    case 'seed':
      s.seed = num('Seed', LIMITS.seed, s.seed, { integer: true });
      return 'rebuild';
    case 'activation':
      s.activation = input.value as State['activation'];
      return 'rebuild';
    case 'feature': {
      const chosen = [...root.querySelectorAll<HTMLInputElement>('input[name=feature]:checked')].map((b) => b.value);
      if (chosen.length === 0) notes.push('Inputs: the network needs at least one input, so this one stays on.');
      else s.features = FEATURES.filter((f) => chosen.includes(f));
      return 'rebuild';
    }
    case 'lr':
      s.learningRate = num('Learning rate', LIMITS.learningRate, s.learningRate, { positive: true });
      return 'configure';
    case 'batch':
      s.batchSize = num('Batch size', LIMITS.batchSize, s.batchSize, { integer: true });
      return 'configure';
    case 'reg':
      s.regularizer = input.value as State['regularizer'];
      return 'configure';
    case 'rate':
      s.regularizationRate = num('Rate', LIMITS.regularizationRate, s.regularizationRate);
      return 'configure';
    default:
      return undefined;
  }
}

/** A hidden-layer or unit button changed the network's shape in `s`; false for any other click. */
export function readLayerButton(button: Element, s: State): boolean {
  const b = button.closest('button');
  const name = b?.getAttribute('name');
  const layers = s.layers;
  const l = Number(b?.dataset.layer);
  if (name === 'layer-add' && layers.length < LIMITS.hiddenLayers) layers.push(layers.at(-1) ?? 4);
  else if (name === 'layer-remove') layers.pop();
  else if (name === 'units-add') layers[l] = Math.min(LIMITS.units[1], layers[l] + 1);
  else if (name === 'units-remove') layers[l] = Math.max(LIMITS.units[0], layers[l] - 1);
  else return false;
  return true;
}
