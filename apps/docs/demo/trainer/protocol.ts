// The messages between <neurite-mnist-trainer> (the page) and its Web Worker (trainer/worker.ts). The
// worker owns the engine, the data and the model; the page only draws what the worker sends.

/** What a run trains: the defaults are the page's default run. */
export interface TrainSettings {
  backend: 'cpu' | 'wasm' | 'webgpu';
  /** wasm threads: 1, or more in a cross-origin isolated page (tfjs's threaded build). */
  threads: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** Training images used, from the first (at most 60,000). */
  trainImages: number;
  /** Test images scored after each epoch, from the first (at most 10,000). */
  testImages: number;
  seed: number;
  /** The test digit whose activations are drawn. */
  probe: number;
}

export const DEFAULTS: TrainSettings = {
  backend: 'wasm',
  threads: 1,
  epochs: 2,
  batchSize: 64,
  learningRate: 0.003,
  trainImages: 60000,
  testImages: 10000,
  seed: 1,
  probe: 0,
};

/** The limits the page and the worker both enforce on settings (the page's form is not trusted either). */
export const LIMITS = {
  threads: [1, 8],
  epochs: [1, 20],
  batchSize: [1, 1024],
  learningRate: [1e-6, 1],
  trainImages: [64, 60000],
  testImages: [100, 10000],
  seed: [0, 2 ** 31 - 1],
  probe: [0, 9999],
} as const satisfies Record<string, readonly [number, number]>;

/** The setting that is out of range or not a number, as a message that says what to enter; or null. */
export function checkSettings(s: TrainSettings): string | null {
  if (!['cpu', 'wasm', 'webgpu'].includes(s.backend))
    return `backend must be cpu, wasm or webgpu; received ${s.backend}.`;
  for (const [key, [lo, hi]] of Object.entries(LIMITS) as [keyof typeof LIMITS, readonly [number, number]][]) {
    const v = s[key];
    const whole = key !== 'learningRate';
    if (typeof v !== 'number' || !Number.isFinite(v) || v < lo || v > hi || (whole && !Number.isInteger(v))) {
      return `${key} must be ${whole ? 'a whole number' : 'a number'} from ${lo} to ${hi}; received ${String(v)}.`;
    }
  }
  if (s.probe >= s.testImages)
    return `probe must be one of the ${s.testImages} test images: 0 to ${s.testImages - 1}; received ${s.probe}.`;
  return null;
}

/** The canvases the worker draws on (OffscreenCanvas, transferred with 'start'): the page never touches pixels. */
export interface Canvases {
  /** One per entry of MAP_SLOTS: the probe digit, then each layer's output. */
  maps: OffscreenCanvas[];
  /** One per entry of WEIGHT_PATHS: its histogram, and its gradient's. */
  weights: OffscreenCanvas[];
  gradients: OffscreenCanvas[];
  /** MISTAKES of them: the most confident mistakes. */
  mistakes: OffscreenCanvas[];
  /** The colour of the page's text, for the histograms' labels. */
  ink: string;
}

/** The page CNN's layers (worker.ts pageCnn), after the probe digit itself. */
export const MAP_SLOTS = ['input', 'conv1', 'pool1', 'conv2', 'pool2', 'flatten', 'output'] as const;
/** Its trainable weights, in the model's order. */
export const WEIGHT_PATHS = [
  'conv1/kernel',
  'conv1/bias',
  'conv2/kernel',
  'conv2/bias',
  'output/kernel',
  'output/bias',
];
export const MISTAKES = 24;

export type ToWorker =
  | { type: 'start'; settings: TrainSettings; canvases: Canvases }
  | { type: 'pause' }
  | { type: 'resume' }
  | { type: 'stop' }
  /** A 28 x 28 digit (pixels in [0, 1]) for the model trained so far. */
  | { type: 'predict'; pixels: Float32Array };

export interface Range {
  min: number;
  max: number;
}

export interface Histogram {
  min: number;
  max: number;
  counts: number[];
}

export interface LayerMaps {
  name: string;
  className: string;
  shape: number[];
  values: Float32Array;
}

export interface Mistake {
  index: number;
  pixels: Uint8Array;
  label: number;
  predicted: number;
  confidence: number;
}

export type FromWorker =
  | {
      type: 'ready';
      backend: string;
      threads: number;
      simd: boolean;
      isolated: boolean;
      reason: string;
    }
  | { type: 'status'; text: string }
  | { type: 'data'; train: number; test: number; ms: number }
  | {
      type: 'progress';
      epoch: number;
      batch: number;
      batches: number;
      loss: number;
      accuracy: number;
      samplesPerSecond: number;
    }
  /** The probe digit's maps were redrawn; captions name each slot of MAP_SLOTS with its shape. */
  | { type: 'activations'; epoch: number; batch: number; label: number; captions: string[] }
  | {
      type: 'epoch';
      epoch: number;
      loss: number;
      accuracy: number;
      testLoss: number;
      testAccuracy: number;
      confusion: number[][];
      /** The range of each weight and gradient, drawn as histograms on the canvases. */
      histograms: { path: string; weights: Range; gradients: Range }[];
      /** What each mistake canvas now shows. */
      mistakes: Omit<Mistake, 'pixels'>[];
      trainSeconds: number;
      samplesPerSecond: number;
    }
  | { type: 'paused'; paused: boolean }
  | {
      type: 'done';
      stopped: boolean;
      epochs: number;
      testAccuracy: number;
      trainSeconds: number;
      samplesPerSecond: number;
      model: { json: unknown; weights: Uint8Array };
    }
  | { type: 'prediction'; probabilities: number[] }
  /** Stopped before training began (while it loaded). */
  | { type: 'cancelled' }
  /** `predict`: the error came from a prediction, not from the run. */
  | { type: 'error'; message: string; predict?: boolean };
