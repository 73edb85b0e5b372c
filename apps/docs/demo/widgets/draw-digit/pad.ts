// The drawing canvas: black ink on white paper, drawn with a mouse, a pen or a finger (pointer events
// cover all three; touch-action: none in the CSS keeps a finger from scrolling the page instead).

const SIZE = 280; // canvas pixels: 10 per MNIST pixel, so the 22-pixel brush is MNIST's stroke width
const BRUSH = 22;

export class DrawingPad {
  readonly canvas = document.createElement('canvas');
  private readonly ctx: CanvasRenderingContext2D;
  private stroke: number | undefined; // the pointer drawing now
  private inked = false;

  /** `onStroke` runs when a stroke ends. */
  constructor(onStroke: () => void) {
    this.canvas.width = SIZE;
    this.canvas.height = SIZE;
    this.canvas.className = 'pad';
    this.canvas.setAttribute('aria-label', 'Drawing area: draw one digit');
    this.ctx = this.canvas.getContext('2d', { willReadFrequently: true }) as CanvasRenderingContext2D;
    this.clear();
    this.canvas.addEventListener('pointerdown', (e) => {
      if (this.stroke !== undefined || (e.pointerType === 'mouse' && e.button !== 0)) return;
      e.preventDefault();
      this.stroke = e.pointerId;
      this.canvas.setPointerCapture(e.pointerId);
      const [x, y] = this.point(e);
      this.ctx.beginPath();
      this.ctx.moveTo(x, y);
      this.ctx.lineTo(x, y); // a tap leaves a dot
      this.ctx.stroke();
      this.inked = true;
    });
    this.canvas.addEventListener('pointermove', (e) => {
      if (e.pointerId !== this.stroke) return;
      // Fast strokes deliver several positions per event.
      for (const p of e.getCoalescedEvents?.() ?? [e]) this.ctx.lineTo(...this.point(p));
      this.ctx.stroke();
    });
    const end = (e: PointerEvent) => {
      if (e.pointerId !== this.stroke) return;
      this.stroke = undefined;
      onStroke();
    };
    this.canvas.addEventListener('pointerup', end);
    this.canvas.addEventListener('pointercancel', end);
  }

  /** Canvas pixels under the pointer: the canvas may be shown smaller than it is (max-width: 100%). */
  private point(e: PointerEvent): [number, number] {
    const r = this.canvas.getBoundingClientRect();
    return [((e.clientX - r.left) * SIZE) / r.width, ((e.clientY - r.top) * SIZE) / r.height];
  }

  clear(): void {
    const ctx = this.ctx;
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, SIZE, SIZE);
    ctx.lineWidth = BRUSH;
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    ctx.strokeStyle = '#000';
    this.inked = false;
  }

  get empty(): boolean {
    return !this.inked;
  }

  pixels(): ImageData {
    return this.ctx.getImageData(0, 0, SIZE, SIZE);
  }
}
