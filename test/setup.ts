// Every test process gets the webgpu plugin registered, so describeBackends() covers cpu, wasm and webgpu.
import { webgpu } from '@neurite/backend-webgpu';
import { listBackends, registerBackend } from '@neurite/core';

if (!listBackends().includes('webgpu')) registerBackend(webgpu);
