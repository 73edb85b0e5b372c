// The browser tests start Chromium the way `pnpm bench browser` does: scripts/chromium.mjs.
export { launchChromium } from '../scripts/chromium.mjs';
