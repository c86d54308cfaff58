/**
 * examples/react-chat in Chromium, attachments as two people use them: an image chosen with 📎
 * (its chip showing the upload under way) and a text file, sent in a direct chat and seen live by
 * the other person — the image as a thumbnail that opens large, the file as a download link; a
 * refused file with the server's reason; and files dropped onto the composer of an assistant chat,
 * which the echo model describes.
 *
 * The screenshot `attachments.png` is taken on every run (`UPDATE_SCREENSHOTS=1` writes it to
 * docs/screenshots, as in chat.test.ts).
 */
import { crc32, deflateSync } from 'node:zlib';
import { resolveModels } from '@chatwire/server';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { exeBytes } from '../../packages/server/src/http/routes/files.test-support.js';
import { browserAvailable } from '../support/chromium.js';
import {
  ada,
  composer,
  grace,
  messages,
  nextAssistantMessage,
  openConversation,
  send,
  signUp,
  startConversation,
  twoPeopleInChromium,
  withStatus,
} from './chat-page.js';

/** A real `width`×`height` RGB PNG: a sunset over the sea, to look like a photo in the screenshot. */
function sunsetPng(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const framed = Buffer.alloc(body.length + 8);
    framed.writeUInt32BE(data.length, 0);
    body.copy(framed, 4);
    framed.writeUInt32BE(crc32(body), body.length + 4);
    return framed;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // RGB
  const rows = Buffer.alloc((width * 3 + 1) * height);
  const horizon = Math.round(height * 0.68);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const at = y * (width * 3 + 1) + 1 + x * 3;
      let rgb: [number, number, number];
      if (y < horizon) {
        // Sky: orange high up to rose at the horizon, the sun half set into the sea.
        const t = y / horizon;
        const sun = Math.hypot(x - width * 0.6, y - horizon) < height * 0.16;
        rgb = sun
          ? [255, 232, 170]
          : [Math.round(250 - 20 * t), Math.round(170 - 80 * t), Math.round(80 + 60 * t)];
      } else {
        // Sea: violet, darker further down, with the sun's glitter in a column under it.
        const t = (y - horizon) / (height - horizon);
        const glitter = Math.abs(x - width * 0.6) < height * 0.12 * (1 - t) && (y + (x >> 3)) % 6 < 2;
        rgb = glitter
          ? [250, 200, 150]
          : [Math.round(120 - 60 * t), Math.round(70 - 40 * t), Math.round(150 - 50 * t)];
      }
      rows.set(rgb, at);
    }
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const sunset = sunsetPng(480, 300);
const notes = Buffer.from('Roof party checklist\n- lanterns\n- lemonade\n- the good speaker\n');

describe.runIf(browserAvailable)('examples/react-chat: attachments, in Chromium', () => {
  const web = twoPeopleInChromium({
    models: resolveModels({}, { echo: { chunkDelayMs: 10, firstChunkDelayMs: 50 } }),
  });

  beforeAll(async () => {
    await Promise.all([signUp(web.gracePage, web.app.url, grace), signUp(web.adaPage, web.app.url, ada)]);
    await startConversation(web.adaPage, 'Direct', grace.name);
    await send(web.adaPage, 'Look what I saw from the roof');
    await openConversation(web.gracePage, ada.name);
    await messages(web.gracePage).getByText('Look what I saw from the roof').waitFor();
  }, 60_000);

  const chips = (page: Page) => page.getByRole('list', { name: 'Attachments' }).getByRole('listitem');
  const chip = (page: Page, name: string) => chips(page).filter({ hasText: name });

  it('an image by the file chooser: its chip shows the upload, the other person sees the thumbnail live', async () => {
    // The upload is held at the network until the chip has been seen uploading.
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    await web.adaPage.route('**/v1/uploads', async (route) => {
      await held;
      await route.continue();
    });
    const chooser = web.adaPage.waitForEvent('filechooser');
    await web.adaPage.getByRole('button', { name: 'Attach files' }).click();
    await (await chooser).setFiles([
      { name: 'sunset.png', mimeType: 'image/png', buffer: sunset },
      { name: 'checklist.txt', mimeType: 'text/plain', buffer: notes },
    ]);
    const image = chip(web.adaPage, 'sunset.png');
    await image.and(web.adaPage.locator('[data-status="uploading"]')).waitFor();
    await image.getByRole('progressbar', { name: 'Uploading sunset.png' }).waitFor();
    expect(await image.innerText()).toContain(`${(sunset.length / 1000).toFixed(1)} kB`);
    release();
    await image.and(web.adaPage.locator('[data-status="uploaded"]')).waitFor();
    await chip(web.adaPage, 'checklist.txt').and(web.adaPage.locator('[data-status="uploaded"]')).waitFor();
    await web.adaPage.unroute('**/v1/uploads');

    await composer(web.adaPage).fill('The sunset, and what to bring tonight');
    await composer(web.adaPage).press('Enter');
    const mine = web.adaPage.locator('.message.mine[data-delivery="sent"]').last();
    await mine.getByText('The sunset, and what to bring tonight').waitFor();
    expect(await chips(web.adaPage).count()).toBe(0);

    // Grace's browser: the message arrives live, the image drawn at its size from the start.
    const received = web.gracePage
      .locator('.message')
      .filter({ hasText: 'The sunset, and what to bring tonight' });
    const thumbnail = received.getByRole('img', { name: 'sunset.png' });
    await thumbnail.waitFor();
    expect(await thumbnail.getAttribute('width')).toBe('240');
    expect(await thumbnail.getAttribute('height')).toBe('150');
    await expect
      .poll(() => thumbnail.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth))
      .toBe(480);
    const link = received.getByRole('link', { name: /checklist\.txt/ });
    expect(await link.innerText()).toMatch(/checklist\.txt\s+62 B/);
    // The link downloads the same bytes, without a token (the URL is signed).
    const href = await link.getAttribute('href');
    const downloaded = await web.gracePage.evaluate(async (url) => (await fetch(url as string)).text(), href);
    expect(downloaded).toBe(notes.toString());
    await web.shots.snap(web.gracePage, 'attachments');

    // The thumbnail opens large; Esc closes it.
    await thumbnail.click();
    const lightbox = web.gracePage.getByRole('dialog', { name: 'sunset.png' });
    await lightbox.getByRole('img').waitFor();
    await web.gracePage.keyboard.press('Escape');
    await lightbox.waitFor({ state: 'detached' });
  });

  it('a refused file shows the server’s reason and holds the send until it is removed', async () => {
    await web.adaPage.locator('input[type="file"]').setInputFiles({
      name: 'holiday.png',
      mimeType: 'image/png',
      buffer: exeBytes(),
    });
    const refused = chip(web.adaPage, 'holiday.png');
    await refused.and(web.adaPage.locator('[data-status="failed"]')).waitFor();
    expect(await refused.getByRole('alert').innerText()).toMatch(/not accepted/);
    await composer(web.adaPage).fill('Holiday plans');
    expect(await web.adaPage.getByRole('button', { name: 'Send' }).isDisabled()).toBe(true);
    await refused.getByRole('button', { name: 'Remove holiday.png' }).click();
    expect(await chips(web.adaPage).count()).toBe(0);
    await composer(web.adaPage).press('Enter');
    await messages(web.gracePage).getByText('Holiday plans').waitFor();
  });

  it('a file dropped onto an assistant chat’s composer and an image pasted: echo describes what it was given', async () => {
    await startConversation(web.adaPage, 'Assistant');
    /** A DataTransfer in the page holding `file` (what a drop or a paste carries). */
    const transferOf = (file: { name: string; type: string; bytes: Buffer }) =>
      web.adaPage.evaluateHandle(
        ({ name, type, base64 }) => {
          const transfer = new DataTransfer();
          const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
          transfer.items.add(new File([bytes], name, { type }));
          return transfer;
        },
        { name: file.name, type: file.type, base64: file.bytes.toString('base64') },
      );
    const dropped = await transferOf({ name: 'checklist.txt', type: 'text/plain', bytes: notes });
    const form = web.adaPage.getByRole('form', { name: 'Composer' });
    await form.dispatchEvent('dragover', { dataTransfer: dropped });
    await form.dispatchEvent('drop', { dataTransfer: dropped });
    await chip(web.adaPage, 'checklist.txt').and(web.adaPage.locator('[data-status="uploaded"]')).waitFor();

    // A screenshot pasted into the message box.
    const pasted = await transferOf({ name: 'sunset.png', type: 'image/png', bytes: sunset });
    await composer(web.adaPage).evaluate((box, clipboardData) => {
      box.dispatchEvent(new ClipboardEvent('paste', { clipboardData, bubbles: true, cancelable: true }));
    }, pasted);
    await chip(web.adaPage, 'sunset.png').and(web.adaPage.locator('[data-status="uploaded"]')).waitFor();
    expect(await composer(web.adaPage).inputValue()).toBe('');

    const answer = await nextAssistantMessage(web.adaPage);
    await composer(web.adaPage).fill('What did I just give you?');
    await composer(web.adaPage).press('Enter');
    await withStatus(web.adaPage, answer, 'complete').waitFor();
    const said = await answer.innerText();
    expect(said).toContain('You sent 2 files: checklist.txt (text/plain');
    expect(said).toContain('4 lines: “Roof party checklist…”');
    expect(said).toContain('sunset.png (image/png');
    expect(said).toContain('480×300');
    // The prompt shows its files too.
    const prompt = web.adaPage.locator('.message.mine').last();
    await prompt.getByRole('img', { name: 'sunset.png' }).waitFor();
    await prompt.getByRole('link', { name: /checklist\.txt/ }).waitFor();
  });
});
