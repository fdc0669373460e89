// Debian's Chromium as both browser tests launch it: headless, no sandbox (CI runs as root),
// background networking and updates off (the machine has no network), a fresh profile in
// `userDataDir`, downloads accepted. $CHROMIUM names another browser [default /usr/bin/chromium].
import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

export function launch(userDataDir) {
  return chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    acceptDownloads: true,
    viewport: { width: 1280, height: 800 },
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  });
}
