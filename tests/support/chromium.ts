/**
 * Debian's Chromium for browser tests, driven by playwright-core (never a downloaded browser).
 * Missing Chromium skips the browser suites on a laptop, and fails them where
 * CHATWIRE_REQUIRE_BROWSER=1 (CI installs it).
 */
import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const browserRequired = process.env.CHATWIRE_REQUIRE_BROWSER === '1';
export const browserAvailable = existsSync(chromiumPath);

if (!browserAvailable) {
  const message = `Chromium not found at ${chromiumPath}: browser tests ${browserRequired ? 'FAIL' : 'skipped'} (apt-get install chromium)`;
  if (browserRequired) throw new Error(message);
  console.warn(message);
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
