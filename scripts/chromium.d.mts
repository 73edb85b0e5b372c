import type { Browser } from 'playwright-core';
/** Launches Debian's headless Chromium; `webgpu` serves WebGPU from SwiftShader. */
export declare function launchChromium(options?: { webgpu?: boolean; allowFileAccess?: boolean }): Promise<Browser>;
