// publisher.test.mjs: the Go Live page in real Chromium (fake camera),
// against a WHIP endpoint played by a second Chromium page (lib.mjs
// pageRelay), so every WebRTC step is real: live with media flowing,
// H.264 offered first, elapsed time / bitrate / quality shown, stop
// DELETEs the session, a network cut heals by itself, the camera
// switches while live; and the failures a person can hit: permission
// denied, no camera (sound only), nothing at all, an insecure page, a
// stream already live elsewhere (409).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import {
  BASE, createStream, launch, memorial, pageRelay, PHONE, shot, signIn,
  until, watchProblems,
} from './lib.mjs';

const M = 'publisher-tests';

// A signed-in phone with a new Browser stream, on its Go Live page.
async function onGoLive(browser, title, contextOpts = {}) {
  const context = await browser.newContext({ ...PHONE, ...contextOpts });
  const page = await context.newPage();
  const problems = watchProblems(page);
  await signIn(page, 'ann');
  await page.goto(`${BASE}/memorial.html?id=${M}`);
  await page.locator('body[data-ready=yes]').waitFor();
  const id = await createStream(page, { title });
  await page.locator(`li[data-id="${id}"] a.golive`).click();
  await page.locator('#app').waitFor();
  return { context, page, id, problems };
}

describe('Go Live against a WebRTC peer', () => {
  let browser;
  before(async () => {
    await memorial(M, 'ann', 'Publisher tests');
    browser = await launch({ fakeDevice: 'device-count=2' });
  });
  after(() => browser && browser.close());

  test('live, media flows, stats shown, stop DELETEs the session', async () => {
    const { context, page, id, problems } = await onGoLive(browser,
      'Service (publisher)');
    const relay = await pageRelay(browser, context);
    await shot(page, 'golive-idle');
    await page.getByRole('button', { name: 'Go Live' }).click();
    await page.locator('body[data-state=live]').waitFor({ timeout: 15000 });
    await assert.doesNotReject(page.getByText('● LIVE').waitFor());
    const [post] = relay.requests;
    assert.equal(post.method, 'POST');
    assert.equal(new URL(post.url).pathname, `/whip/${id}`);
    assert.equal(post.headers['content-type'], 'application/sdp');
    assert.match(post.headers.authorization, /^Bearer \S{20,}$/);
    // H.264 is the first video codec offered.
    const mline = post.body.split('\r\n').find((l) => l.startsWith('m=video'));
    const pt = mline.split(' ')[3];
    assert.match(post.body, new RegExp(`a=rtpmap:${pt} H264/90000`));
    await until(async () => (await relay.received()).frames > 10, 15000,
      'frames at the peer');
    // Elapsed time, bitrate and quality appear.
    await until(async () => /Sending \d/.test(
      await page.locator('#bitrate').textContent()), 8000, 'bitrate');
    await until(async () => (await page.locator('#elapsed').textContent())
      !== '0:00', 5000, 'elapsed');
    const q = await page.locator('#quality').getAttribute('aria-label');
    assert.match(q, /Connection quality: (good|fair|poor)/);
    await shot(page, 'golive-live');

    await page.getByRole('button', { name: 'Stop broadcast' }).click();
    await shot(page, 'golive-stop-confirm');
    await page.locator('dialog#confirm').getByRole('button',
      { name: 'Stop broadcast' }).click();
    await page.locator('body[data-state=stopped]').waitFor();
    await until(() => relay.requests.some((r) => r.method === 'DELETE'),
      5000, 'DELETE');
    const del = relay.requests.find((r) => r.method === 'DELETE');
    assert.equal(new URL(del.url).pathname, `/whip/${id}/s1`);
    assert.match(del.headers.authorization, /^Bearer /);
    await assert.doesNotReject(page.getByText(/You were live for \d/)
      .waitFor());
    await shot(page, 'golive-stopped');
    assert.deepEqual(problems, []);
    await relay.close();
    await context.close();
  });

  test('a network drop: reconnecting, then live again by itself', async () => {
    const { context, page } = await onGoLive(browser, 'Service (drop)');
    const relay = await pageRelay(browser, context);
    await page.getByRole('button', { name: 'Go Live' }).click();
    await page.locator('body[data-state=live]').waitFor({ timeout: 15000 });
    const elapsedBefore = await page.locator('#elapsed').textContent();
    // The network goes: HTTP fails and the media path dies.
    await context.setOffline(true);
    await relay.cut();
    await page.locator('body[data-state=reconnecting]')
      .waitFor({ timeout: 15000 });
    await assert.doesNotReject(page.getByText('Reconnecting…').waitFor());
    await shot(page, 'golive-reconnecting');
    // A few seconds without network, longer than a blip.
    await new Promise((r) => setTimeout(r, 3500));
    assert.equal(await page.locator('body').getAttribute('data-state'),
      'reconnecting');
    await context.setOffline(false);
    await until(() => relay.requests.filter((r) => r.method === 'POST')
      .length >= 2, 20000, 'a new WHIP session');
    await page.locator('body[data-state=live]').waitFor({ timeout: 20000 });
    const restart = relay.requests.find((r) => r.method === 'PATCH' &&
      r.headers['if-match'] === '*');
    assert.ok(restart, 'an ICE restart was tried first');
    assert.ok(relay.requests.some((r) => r.method === 'DELETE' &&
      r.url.endsWith('/s1')), 'the dead session was deleted');
    await until(async () => (await relay.received()).frames > 5, 15000,
      'frames after the reconnect');
    // The page kept its state: the clock did not restart.
    assert.notEqual(await page.locator('#elapsed').textContent(), '0:00');
    assert.ok(elapsedBefore);
    await relay.close();
    await context.close();
  });

  test('switch camera while live: same session, new camera', async () => {
    const { context, page } = await onGoLive(browser, 'Service (switch)');
    const relay = await pageRelay(browser, context);
    await page.getByRole('button', { name: 'Go Live' }).click();
    await page.locator('body[data-state=live]').waitFor({ timeout: 15000 });
    const sw = page.getByRole('button', { name: 'Switch camera' });
    await sw.waitFor();
    const label = () => page.evaluate(() => window.vigil.publisher.pc
      .getSenders().find((s) => s.track && s.track.kind === 'video')
      .track.getSettings().deviceId);
    const before = await label();
    await sw.click();
    await until(async () => (await label()) !== before, 8000, 'new camera');
    assert.equal(await page.locator('body').getAttribute('data-state'),
      'live');
    assert.equal(relay.requests.filter((r) => r.method === 'POST').length, 1,
      'no new session');
    await relay.close();
    await context.close();
  });

  test('409: the stream is already live elsewhere', async () => {
    const { context, page } = await onGoLive(browser, 'Service (409)');
    const relay = await pageRelay(browser, context, { post: () => 409 });
    await page.getByRole('button', { name: 'Go Live' }).click();
    await page.locator('body[data-state=error]').waitFor({ timeout: 15000 });
    await assert.doesNotReject(page.getByText(/already being broadcast from /)
      .waitFor());
    await assert.doesNotReject(page.getByRole('button', { name: 'Try again' })
      .waitFor());
    await shot(page, 'golive-error-409');
    await relay.close();
    await context.close();
  });
});

describe('Go Live failures a person can hit', () => {
  before(() => memorial(M, 'ann', 'Publisher tests'));

  test('permission denied', async () => {
    // No --use-fake-ui-for-media-stream: the prompt is answered "deny".
    const browser = await launch({ fakeUi: false });
    try {
      const { page } = await onGoLive(browser, 'Service (denied)');
      await page.getByRole('button', { name: 'Go Live' }).click();
      await page.locator('body[data-state=error]').waitFor({ timeout: 15000 });
      await assert.doesNotReject(page.getByText(/not allowed to use the camera/)
        .waitFor());
      await shot(page, 'golive-error-permission');
    } finally {
      await browser.close();
    }
  });

  test('no camera: broadcasts sound only and says so', async () => {
    const browser = await launch({ fakeDevice: 'device-count=0' });
    try {
      const { context, page } = await onGoLive(browser, 'Service (no camera)');
      const relay = await pageRelay(browser, context);
      await page.getByRole('button', { name: 'Go Live' }).click();
      await page.locator('body[data-state=live]').waitFor({ timeout: 15000 });
      await assert.doesNotReject(page.getByText(/broadcasting sound only/)
        .waitFor());
      const post = relay.requests.find((r) => r.method === 'POST');
      assert.doesNotMatch(post.body, /m=video/);
      await shot(page, 'golive-audio-only');
      await relay.close();
    } finally {
      await browser.close();
    }
  });

  test('no camera and no microphone', async () => {
    const browser = await launch({ fakeDevice: false });
    try {
      const { page } = await onGoLive(browser, 'Service (nothing)');
      await page.getByRole('button', { name: 'Go Live' }).click();
      await page.locator('body[data-state=error]').waitFor({ timeout: 15000 });
      await assert.doesNotReject(page.getByText(/No camera or microphone/)
        .waitFor());
      await shot(page, 'golive-error-no-devices');
    } finally {
      await browser.close();
    }
  });

  test('insecure page (http:// on a non-local name)', async () => {
    const port = new URL(BASE).port;
    const browser = await launch({
      args: ['--host-resolver-rules=MAP vigil.test 127.0.0.1'] });
    try {
      const page = await (await browser.newContext(PHONE)).newPage();
      await page.goto(`http://vigil.test:${port}/golive.html?id=x`);
      await assert.doesNotReject(page.getByText(/needs a secure page/)
        .waitFor());
      await shot(page, 'golive-error-insecure');
    } finally {
      await browser.close();
    }
  });
});
