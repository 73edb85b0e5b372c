// <neurite-train-demo>, chapter 4: trains a small model by gradient descent in the page, J and the
// decision boundary live, on the backend picked in the page's <neurite-backend-switcher>.
import { random, setSeed, tensor2d } from '@neurite/core';
import { Dense } from '@neurite/layers';
import { type Sequential, sequential } from '@neurite/model';
import { colorize, lineChartSvg } from '@neurite/viz';
import { ready, training } from './backend.js';

/** The two problems: chapter 4's straight-line rule, and a circle that needs a hidden layer. */
const PROBLEMS = {
  line: {
    label: 'Straight line: one sigmoid unit',
    range: [0, 1] as [number, number],
    learningRate: 3,
    epochs: 100,
    points: () => Array.from({ length: 200 }, () => [random(), random()]),
    label1: ([a, b]: number[]) => a + b > 1,
    model: () =>
      sequential([new Dense({ units: 1, activation: 'sigmoid', inputShape: [2], kernelInitializer: 'zeros' })]),
  },
  circle: {
    label: 'Circle: 8 tanh units, then a sigmoid unit',
    range: [-1, 1] as [number, number],
    learningRate: 3,
    epochs: 300,
    points: () => Array.from({ length: 200 }, () => [random() * 2 - 1, random() * 2 - 1]),
    label1: ([a, b]: number[]) => a * a + b * b < 0.36,
    model: () =>
      sequential([
        new Dense({ units: 8, activation: 'tanh', inputShape: [2] }),
        new Dense({ units: 1, activation: 'sigmoid' }),
      ]),
  },
};

const GRID = 40; // the boundary picture: predictions on a 40 x 40 grid

class TrainDemo extends HTMLElement {
  private $ = <T extends HTMLElement>(sel: string) => this.querySelector(sel) as T;
  private stop = false;

  connectedCallback(): void {
    if (this.childElementCount > 0) return;
    this.className = 'neurite-train-demo';
    this.innerHTML = `
      <neurite-backend-switcher></neurite-backend-switcher>
      <div class="controls">
        <label>Problem <select name="problem">${Object.entries(PROBLEMS)
          .map(([k, p]) => `<option value="${k}">${p.label}</option>`)
          .join('')}</select></label>
        <label>Learning rate α <input name="lr" type="number" step="any" min="0" value="3"></label>
        <label>Epochs <input name="epochs" type="number" min="1" max="5000" value="100"></label>
        <button type="button" name="train">Train</button> <button type="button" name="stop" disabled>Stop</button>
      </div>
      <p class="result">Press Train.</p>
      <div class="panels"><canvas width="240" height="240"></canvas><div class="chart"></div></div>`;
    this.$<HTMLSelectElement>('select').addEventListener('change', () => {
      const p = PROBLEMS[this.problem()];
      this.$<HTMLInputElement>('input[name=lr]').value = String(p.learningRate);
      this.$<HTMLInputElement>('input[name=epochs]').value = String(p.epochs);
    });
    this.$('button[name=train]').addEventListener('click', () => void this.train());
    this.$('button[name=stop]').addEventListener('click', () => {
      this.stop = true;
    });
  }

  private problem(): keyof typeof PROBLEMS {
    return this.$<HTMLSelectElement>('select').value as keyof typeof PROBLEMS;
  }

  private async train(): Promise<void> {
    const result = this.$('.result');
    const lr = Number(this.$<HTMLInputElement>('input[name=lr]').value);
    const epochs = Math.round(Number(this.$<HTMLInputElement>('input[name=epochs]').value));
    if (!(lr > 0) || !(epochs >= 1 && epochs <= 5000)) {
      result.textContent = `Expected a learning rate above 0 and 1 to 5000 epochs. Received α = ${lr}, epochs = ${epochs}.`;
      return;
    }
    const info = await ready();
    training(1);
    this.dataset.state = 'training';
    delete this.dataset.backend;
    this.$<HTMLButtonElement>('button[name=train]').disabled = true;
    this.$<HTMLButtonElement>('button[name=stop]').disabled = false;
    this.stop = false;
    const p = PROBLEMS[this.problem()];
    setSeed(1);
    const points = p.points();
    const labels = points.map((q) => (p.label1(q) ? 1 : 0));
    const x = tensor2d(points);
    const y = tensor2d(labels.map((l) => [l]));
    const model = p.model();
    model.compile({ optimizer: 'sgd', loss: 'binaryCrossentropy', metrics: ['accuracy'] });
    model.learningRate = lr;
    const losses: number[] = [];
    let accuracy = 0;
    const t0 = performance.now();
    try {
      await this.drawBoundary(model, points, labels, p.range);
      await model.fit(x, y, {
        epochs,
        batchSize: points.length, // one step per epoch on all 200 points: plain gradient descent
        seed: 1,
        callbacks: [
          {
            onEpochEnd: async (epoch, logs) => {
              losses.push(logs.loss);
              accuracy = logs.accuracy;
              result.textContent = `epoch ${epoch + 1}/${epochs}: J = ${logs.loss.toFixed(4)}, accuracy ${(accuracy * 100).toFixed(1)}%`;
              if (epoch % 10 === 9 || epoch === epochs - 1) {
                this.$('.chart').innerHTML = lineChartSvg({
                  series: [{ name: 'J', values: losses }],
                  title: 'J, the mean binary cross-entropy',
                  xLabel: 'epoch',
                  width: 420,
                  height: 240,
                });
                await this.drawBoundary(model, points, labels, p.range);
              }
              if (this.stop) model.stopTraining = true;
            },
          },
        ],
      });
      const seconds = (performance.now() - t0) / 1000;
      result.textContent =
        `${losses.length} epochs on ${info.name} in ${seconds.toFixed(1)} s: J fell from ${losses[0].toFixed(4)} ` +
        `to ${losses[losses.length - 1].toFixed(4)}; training accuracy ${(accuracy * 100).toFixed(1)}%.`;
      this.dataset.firstLoss = String(losses[0]);
      this.dataset.lastLoss = String(losses[losses.length - 1]);
      this.dataset.epochs = String(losses.length);
      this.dataset.backend = info.name;
      this.dataset.state = 'done';
    } catch (e) {
      result.textContent = `Training failed: ${(e as Error).message}`;
      this.dataset.state = 'failed';
    } finally {
      x.dispose();
      y.dispose();
      model.dispose();
      training(-1);
      this.$<HTMLButtonElement>('button[name=train]').disabled = false;
      this.$<HTMLButtonElement>('button[name=stop]').disabled = true;
    }
  }

  /** The predicted probability on a grid (blue 0, white 0.5, red 1), and the training points on top. */
  private async drawBoundary(model: Sequential, points: number[][], labels: number[], [lo, hi]: [number, number]) {
    const grid: number[][] = [];
    for (let i = 0; i < GRID; i++) {
      for (let j = 0; j < GRID; j++)
        grid.push([lo + ((j + 0.5) / GRID) * (hi - lo), hi - ((i + 0.5) / GRID) * (hi - lo)]);
    }
    const input = tensor2d(grid);
    const output = model.predict(input);
    const p = await output.data();
    input.dispose();
    output.dispose();
    const canvas = this.$<HTMLCanvasElement>('canvas');
    const ctx = canvas.getContext('2d') as CanvasRenderingContext2D;
    const cell = canvas.width / GRID;
    for (let k = 0; k < p.length; k++) {
      const [r, g, b] = colorize(p[k] * 2 - 1, 'diverging');
      ctx.fillStyle = `rgb(${r},${g},${b})`;
      ctx.fillRect((k % GRID) * cell, Math.floor(k / GRID) * cell, cell + 0.5, cell + 0.5);
    }
    const scale = (v: number) => ((v - lo) / (hi - lo)) * canvas.width;
    points.forEach(([a, b], i) => {
      ctx.beginPath();
      ctx.arc(scale(a), canvas.height - scale(b), 3, 0, 2 * Math.PI);
      ctx.fillStyle = labels[i] ? '#b2182b' : '#2166ac';
      ctx.fill();
      ctx.strokeStyle = '#fff';
      ctx.stroke();
    });
  }
}

if (!customElements.get('neurite-train-demo')) customElements.define('neurite-train-demo', TrainDemo);
