// One way to start Debian's headless Chromium (playwright-core drives it), shared by the browser tests
// (test/chromium.ts) and `pnpm bench browser`.
import { chromium } from 'playwright-core';

/**
 * Launches /usr/bin/chromium headless. The networking flags stop it calling home (this machine's network
 * is closed). With `webgpu`, it serves WebGPU from SwiftShader, the CPU Vulkan in Debian's chromium
 * package; with the GPU process disabled (no hardware GPU here) that is the adapter it finds.
 * @param {{ webgpu?: boolean; allowFileAccess?: boolean }} [options]
 */
export function launchChromium(options = {}) {
  const args = [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ];
  if (options.allowFileAccess) args.push('--allow-file-access-from-files');
  if (options.webgpu) {
    args.push(
      '--enable-unsafe-webgpu',
      '--enable-features=Vulkan',
      '--use-vulkan=swiftshader',
      '--use-webgpu-adapter=swiftshader',
    );
  }
  return chromium.launch({ executablePath: '/usr/bin/chromium', args });
}
