// watch.test.mjs: the watch page's honest states, for an anonymous
// viewer at phone size: not started yet → live but no media yet
// ("starting", retried) → live, playing the HLS the relay writes
// (hls.js) → ended, recording being prepared → recording ready, played
// from the preferred source, falling back to the next ready one when
// the preferred will not play.  The media are made with ffmpeg and put
// where the relay puts them; the recording rows are written to the
// ledger as the relay would.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import {
  apiAs, BASE, hasTool, launch, makeVideo, memorial, PHONE, shot, sql,
  watchProblems,
} from './lib.mjs';

const M = 'watch-tests';

describe('watch page', () => {
  let browser;
  before(async () => {
    await memorial(M, 'cal', 'Remembering Cal Reyes');
    browser = await launch();
  });
  after(() => browser && browser.close());

  test('not started → starting → live → ended, processing → replay with fallback',
    async (t) => {
      if (!(await hasTool('ffmpeg'))) {
        t.skip('ffmpeg is missing (tools/deps.sh test)');
        return;
      }
      const r = await apiAs('cal', 'POST', '/api/streams/create-whip',
        { memorialId: M, title: 'Evening vigil', streamingMethod: 'whip_browser' });
      assert.equal(r.status, 201);
      const id = r.json.stream.id;
      const media = join(process.env.VIGIL_MEDIA_DIR, id);

      const page = await (await browser.newContext(PHONE)).newPage();
      const problems = watchProblems(page);
      await page.goto(`${BASE}/watch.html?id=${id}`);
      await page.locator('body[data-watch=waiting]').waitFor();
      await assert.doesNotReject(page.getByText(/has not started yet/).waitFor());
      await shot(page, 'watch-not-started');

      // Live, but no media yet: the local playlist is not there (404).
      assert.equal((await apiAs('cal', 'POST', `/api/streams/${id}/start`))
        .status, 200);
      await page.locator('body[data-watch=live]').waitFor({ timeout: 15000 });
      await assert.doesNotReject(page.getByText(/is starting/).waitFor());
      await shot(page, 'watch-starting');

      // Media arrives: the relay's HLS playlist appears; it plays.
      await makeVideo(media, 'hls', 6);
      await page.locator('body[data-playing=live]').waitFor({ timeout: 20000 });
      await page.waitForFunction(() =>
        document.getElementById('video').currentTime > 0.5);
      await shot(page, 'watch-live');

      // Ended; the recordings are still being made.
      assert.equal((await apiAs('cal', 'POST', `/api/streams/${id}/end`))
        .status, 200);
      await page.locator('body[data-watch=processing]')
        .waitFor({ timeout: 30000 });
      await assert.doesNotReject(page.getByText(/recording is being prepared/)
        .waitFor());
      await shot(page, 'watch-processing');

      // Ready: Cloudflare's copy (preferred) is broken; the local one plays.
      await makeVideo(media, 'mp4', 3);
      const now = Date.now();
      await sql(`INSERT INTO recordings (stream_id, source, provider_id, state,
        playback_url, duration, created_at, updated_at) VALUES
        ('${id}', 'cloudflare', 'cf-video-${id}', 'ready',
         '/media/${id}/missing/video.m3u8', 3.0, ${now}, ${now}),
        ('${id}', 'local', '${id}.mp4', 'ready',
         '/media/${id}/recording.mp4', 3.0, ${now}, ${now})`);
      const one = await apiAs('cal', 'GET', `/api/streams/${id}`);
      assert.equal(one.json.stream.preferredRecordingSource, 'cloudflare');
      await page.locator('body[data-watch=replay]').waitFor({ timeout: 30000 });
      await page.waitForFunction(() =>
        /recording\.mp4$/.test(document.getElementById('video').currentSrc),
      null, { timeout: 20000 });
      await page.evaluate(() => document.getElementById('video').play());
      await page.waitForFunction(() =>
        document.getElementById('video').currentTime > 0.5);
      await assert.doesNotReject(page.getByText(/Vigil server recording/)
        .waitFor());
      await shot(page, 'watch-replay');
      assert.deepEqual(problems.filter((p) => !/404/.test(p)), []);
      await page.context().close();
    });

  test('a live picture that stops is started again by itself', async (t) => {
    if (!(await hasTool('ffmpeg'))) {
      t.skip('ffmpeg is missing (tools/deps.sh test)');
      return;
    }
    const r = await apiAs('cal', 'POST', '/api/streams/create-whip',
      { memorialId: M, title: 'Committal', streamingMethod: 'whip_browser' });
    assert.equal(r.status, 201);
    const id = r.json.stream.id;
    const media = join(process.env.VIGIL_MEDIA_DIR, id);
    assert.equal((await apiAs('cal', 'POST', `/api/streams/${id}/start`))
      .status, 200);
    const page = await (await browser.newContext(PHONE)).newPage();
    await page.goto(`${BASE}/watch.html?id=${id}`);
    await page.locator('body[data-watch=live]').waitFor({ timeout: 15000 });

    // The relay's playlist grows, then stops without an end (the
    // publisher's network dropped): the player waits for a segment that
    // never comes.  The page notices and looks again by itself.
    await makeVideo(media, 'hls-open:a', 4);
    await page.locator('body[data-playing=live]').waitFor({ timeout: 20000 });
    await assert.doesNotReject(page.getByText(/The picture stopped/)
      .waitFor({ timeout: 40000 }));
    await shot(page, 'watch-stalled');

    // The publisher is back: the relay starts the playlist over, with new
    // segment names and its media sequence from 0.  The page plays it.
    const fresh = page.waitForRequest((q) => /\/b-\d+\.ts$/.test(q.url()),
      { timeout: 60000 });
    await makeVideo(media, 'hls-open:b', 8);
    await fresh;
    await page.locator('body[data-playing=live]').waitFor({ timeout: 20000 });
    const t0 = await page.evaluate(() =>
      document.getElementById('video').currentTime);
    await page.waitForFunction((t1) =>
      document.getElementById('video').currentTime > t1 + 1, t0,
    { timeout: 20000 });
    await page.context().close();
  });

  test('a Direct stream that ended says it was not recorded', async () => {
    const r = await apiAs('cal', 'POST', '/api/streams/create-whip',
      { memorialId: M, title: 'Direct', streamingMethod: 'cloudflare_whip' });
    assert.equal(r.status, 201);
    const id = r.json.stream.id;
    await apiAs('cal', 'POST', `/api/streams/${id}/end`);
    const page = await (await browser.newContext(PHONE)).newPage();
    await page.goto(`${BASE}/watch.html?id=${id}`);
    await page.locator('body[data-watch=ended]').waitFor();
    await assert.doesNotReject(page.getByText(/It was not recorded/).waitFor());
    await page.context().close();
  });

  test('an unknown stream', async () => {
    const page = await (await browser.newContext(PHONE)).newPage();
    await page.goto(`${BASE}/watch.html?id=nope`);
    await assert.doesNotReject(page.getByText(/no such stream/).waitFor());
    await page.context().close();
  });
});
