// One way to start Debian's headless Chromium for the browser tests (playwright-core drives it).
import { type Browser, chromium } from 'playwright-core';

/**
 * Launches /usr/bin/chromium headless. The networking flags stop it calling home (this machine's network
 * is closed). With `webgpu`, it serves WebGPU from SwiftShader, the CPU Vulkan in Debian's chromium
 * package; with the GPU process disabled (no hardware GPU here) that is the adapter it finds.
 */
export function launchChromium(options: { webgpu?: boolean; allowFileAccess?: boolean } = {}): Promise<Browser> {
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
