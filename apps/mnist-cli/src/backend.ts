import { webgpu } from '@neurite/backend-webgpu';
import { type BackendInfo, listBackends, NeuriteError, registerBackend, useBackend } from '@neurite/core';
import { UsageError } from './errors.js';

const NAMES = ['auto', 'cpu', 'wasm', 'webgpu'];

/** Registers webgpu and starts the backend named by --backend, else NEURITE_BACKEND, else auto. */
export async function startBackend(flag: string | undefined): Promise<BackendInfo> {
  if (!listBackends().includes('webgpu')) registerBackend(webgpu);
  const name = flag ?? process.env.NEURITE_BACKEND;
  if (name !== undefined && !NAMES.includes(name.trim().toLowerCase())) {
    throw new UsageError(
      `unknown backend '${name}'. Expected one of: ${NAMES.join(', ')}. Received: ${flag !== undefined ? `--backend ${flag}` : `NEURITE_BACKEND=${name}`}.`,
    );
  }
  try {
    return await useBackend(flag);
  } catch (e) {
    if (e instanceof NeuriteError) throw e;
    throw new NeuriteError(`backend '${name ?? 'auto'}' failed to start: ${(e as Error).message}`);
  }
}
