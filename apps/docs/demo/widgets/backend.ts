// The page's one compute engine, shared by every widget on it, and <neurite-backend-switcher>: buttons for
// cpu, wasm and webgpu that say which backend runs. A switch is seen by every widget on the page.
import { webgpu } from '@neurite/backend-webgpu';
import { type BackendInfo, registerBackend, setWasmDir, setWasmThreads, useBackend } from '@neurite/core';

export const BACKENDS = ['cpu', 'wasm', 'webgpu'] as const;
const STORAGE_KEY = 'neurite-backend';

registerBackend(webgpu);
// Same origin as the docs site: build.mjs copies tfjs's wasm binaries into /demo/wasm/.
setWasmDir(new URL('/demo/wasm/', location.href).href);
// The site is cross-origin isolated (for the trainer's worker), where tfjs would start its threaded build
// here too: a pool of 8 workers and about 150 MB for the page's small models, with no speed to gain.
setWasmThreads(1);

// One engine per page: every widget shares the running backend, and a switch is seen by all of them.
let running: Promise<BackendInfo> | undefined;
let busy = 0; // trainings in flight: switching waits until none runs

/** Marks a training as running (+1) or finished (-1): a backend switch waits until none runs. */
export function training(delta: 1 | -1): void {
  busy += delta;
}

function saved(): string {
  const name = localStorage.getItem(STORAGE_KEY);
  return name && (BACKENDS as readonly string[]).includes(name) ? name : 'wasm';
}

/** Starts (or switches to) a backend, remembers the choice across pages, and tells every widget. */
export function start(name: string): Promise<BackendInfo> {
  // Starts run one after another, so the engine ends on the backend clicked last, and says so.
  const before = running?.catch(() => undefined);
  running = (async () => {
    await before;
    while (busy > 0) await new Promise((r) => setTimeout(r, 50));
    const info = await useBackend(name);
    localStorage.setItem(STORAGE_KEY, name);
    window.dispatchEvent(new CustomEvent('neurite-backend', { detail: info }));
    return info;
  })();
  running.catch((e: Error) => window.dispatchEvent(new CustomEvent('neurite-backend-error', { detail: e.message })));
  return running;
}

export function ready(): Promise<BackendInfo> {
  return running ?? start(saved());
}

export function describe(info: BackendInfo): string {
  const adapter = info.adapter ? ` (${info.adapter.vendor} ${info.adapter.architecture})` : '';
  return `Running on ${info.name}${adapter}`;
}

class BackendSwitcher extends HTMLElement {
  private status = document.createElement('span');

  connectedCallback(): void {
    if (this.childElementCount > 0) return;
    this.className = 'neurite-switcher';
    this.append('Backend: ');
    for (const name of BACKENDS) {
      const b = document.createElement('button');
      b.type = 'button';
      b.textContent = name;
      b.dataset.backend = name;
      b.addEventListener('click', () => {
        this.status.textContent = `starting ${name}...`;
        delete this.status.dataset.backend;
        void start(name);
      });
      this.append(b);
    }
    this.status.className = 'neurite-status';
    this.status.textContent = 'starting...';
    this.append(this.status);
    window.addEventListener('neurite-backend', (e) => this.show((e as CustomEvent<BackendInfo>).detail));
    window.addEventListener('neurite-backend-error', (e) => {
      this.status.textContent = `could not start: ${(e as CustomEvent<string>).detail}`;
    });
    void ready().then((info) => this.show(info));
  }

  private show(info: BackendInfo): void {
    this.status.textContent = describe(info);
    this.status.dataset.backend = info.name;
    for (const b of this.querySelectorAll('button')) b.classList.toggle('active', b.dataset.backend === info.name);
  }
}

if (!customElements.get('neurite-backend-switcher')) customElements.define('neurite-backend-switcher', BackendSwitcher);
