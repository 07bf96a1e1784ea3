// pages.test.mjs: the pages a person walks through, at phone size: the
// signed-out state everywhere, signing in through the printed link,
// creating a stream of each method in the dialog (the Direct method's
// "not recorded" warning, Mux backup), OBS credentials with working copy
// buttons, status and recording badges, End stream; no CSP violation or
// script error on any page; and one desktop-size look.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import {
  BASE, createStream, DESKTOP, launch, memorial, PHONE, shot, signIn,
  watchProblems,
} from './lib.mjs';

const M = 'pages-tests';

describe('pages', () => {
  let browser;
  before(async () => {
    await memorial(M, 'bea', 'Remembering Bea Jones');
    browser = await launch();
  });
  after(() => browser && browser.close());

  test('signed out: every page says so, and what to do', async () => {
    const page = await (await browser.newContext(PHONE)).newPage();
    const problems = watchProblems(page);
    for (const [path, name] of [['/', 'home'],
      [`/memorial.html?id=${M}`, 'memorial'],
      ['/golive.html?id=abc', 'golive'], ['/watch.html?id=abc', 'watch']]) {
      await page.goto(`${BASE}${path}`);
      await page.locator('#signed-out').waitFor();
      assert.equal(await page.locator('#signed-out').textContent(),
        'Signed out');
      await shot(page, `signed-out-${name}`);
    }
    // Where signing in is needed, the page says how.
    for (const path of ['/', `/memorial.html?id=${M}`,
      '/golive.html?id=abc']) {
      await page.goto(`${BASE}${path}`);
      await assert.doesNotReject(page.getByText('You are signed out.')
        .waitFor(), path);
    }
    // The memorial's streams are public: no Create button.
    await page.goto(`${BASE}/memorial.html?id=${M}`);
    await page.locator('body[data-ready=yes]').waitFor();
    assert.equal(await page.getByRole('button', { name: 'Create stream' })
      .isVisible(), false);
    assert.deepEqual(problems, []);
    await page.context().close();
  });

  test('a used or broken sign-in link says what to do', async () => {
    const page = await (await browser.newContext(PHONE)).newPage();
    await page.goto(`${BASE}/signin#t=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA`);
    await page.locator('body[data-signin=failed]').waitFor();
    await assert.doesNotReject(page.getByText(/already been used or has expired/)
      .waitFor());
    assert.equal(new URL(page.url()).hash, '', 'the token left the address bar');
    await shot(page, 'signin-failed');
    await page.context().close();
  });

  test('sign in, create streams of each method, OBS credentials, end',
    async () => {
      const context = await browser.newContext({ ...PHONE,
        permissions: ['clipboard-read', 'clipboard-write'] });
      const page = await context.newPage();
      const problems = watchProblems(page);
      await signIn(page, 'bea');
      assert.match(await page.locator('#account').textContent(),
        /Signed in as bea/);
      await shot(page, 'home-signed-in');
      await page.getByLabel('Memorial ID').fill(M);
      await page.getByRole('button', { name: 'Open' }).click();
      await page.locator('body[data-ready=yes]').waitFor();
      assert.equal(await page.locator('h1').textContent(),
        'Remembering Bea Jones');
      await shot(page, 'memorial-empty');

      // The dialog: Browser is the default and recommended; Direct warns.
      await page.getByRole('button', { name: 'Create stream' }).click();
      const dlg = page.locator('dialog#create');
      assert.ok(await dlg.locator('input[value=whip_browser]').isChecked());
      assert.ok(await dlg.getByLabel(/Mux backup recording/).isChecked());
      await shot(page, 'create-dialog');
      await dlg.locator('input[value=cloudflare_whip]').check();
      await assert.doesNotReject(dlg.getByText(/Not recorded\./).waitFor());
      assert.equal(await dlg.getByLabel(/Mux backup recording/).isDisabled(),
        true);
      await dlg.getByText(/Not recorded\./).scrollIntoViewIfNeeded();
      await shot(page, 'create-dialog-direct');
      // An empty title is refused in words.
      await dlg.locator('input[value=whip_browser]').check();
      await dlg.getByRole('button', { name: 'Create stream' }).click();
      await assert.doesNotReject(dlg.getByText(/Give the stream a title/)
        .waitFor());
      await dlg.getByRole('button', { name: 'Cancel' }).click();

      const direct = await createStream(page, { title: 'Graveside (direct)',
        method: 'cloudflare_whip' });
      const obs = await createStream(page, { title: 'Chapel camera (OBS)',
        method: 'obs' });
      const browserId = await createStream(page, { title: 'Funeral service',
        mux: true });
      const card = (id) => page.locator(`li.card[data-id="${id}"]`);

      // Browser stream: Go Live here, three recording sources.
      await assert.doesNotReject(card(browserId).getByRole('link',
        { name: 'Go Live' }).waitFor());
      for (const src of ['Vigil server', 'Cloudflare', 'Mux']) {
        assert.match(await card(browserId).locator('.recs').textContent(),
          new RegExp(src));
      }
      // Direct: says it is not recorded; Go Live (Cloudflare's WHIP URL).
      assert.match(await card(direct).textContent(), /Not recorded/);
      await assert.doesNotReject(card(direct).getByRole('link',
        { name: 'Go Live' }).waitFor());

      // OBS: credentials with copy buttons.
      await card(obs).getByText('OBS settings').click();
      const server = card(obs).getByLabel('Server', { exact: true });
      const key = card(obs).getByLabel('Stream key', { exact: true });
      assert.match(await server.inputValue(), /^rtmps:\/\//);
      assert.equal(await key.getAttribute('type'), 'password');
      await card(obs).getByRole('button', { name: 'Copy stream key' }).click();
      await assert.doesNotReject(card(obs).getByText('Copied').waitFor());
      assert.equal(await page.evaluate(() => navigator.clipboard.readText()),
        await key.inputValue());
      await card(obs).getByRole('button', { name: 'Show stream key' }).click();
      assert.equal(await key.getAttribute('type'), 'text');
      await card(obs).getByRole('button', { name: 'Show stream key' }).click();
      await card(obs).scrollIntoViewIfNeeded();
      await shot(page, 'memorial-cards');

      // End the OBS stream: confirm, then it says Ended.
      await card(obs).getByRole('button', { name: 'End stream' }).click();
      await shot(page, 'confirm-end');
      await page.locator('dialog#confirm').getByRole('button',
        { name: 'End stream' }).click();
      await page.locator(`li.card[data-id="${obs}"][data-status=completed]`)
        .waitFor();
      assert.match(await card(obs).locator('.badge').textContent(), /Ended/);

      // Another tab (think: the phone, the next day) can Go Live on the
      // Browser stream too: its Go Live page asks the API for a fresh
      // publish token, which replaces the one this tab holds.
      const other = await context.newPage();
      await other.goto(`${BASE}/memorial.html?id=${M}`);
      await other.locator('body[data-ready=yes]').waitFor();
      await other.locator(`li.card[data-id="${browserId}"]`)
        .getByRole('link', { name: 'Go Live' }).click();
      await other.locator('body[data-state=idle]').waitFor();
      const fresh = await other.evaluate((id) =>
        sessionStorage.getItem(`vigil.publishToken.${id}`), browserId);
      const mine = await page.evaluate((id) =>
        sessionStorage.getItem(`vigil.publishToken.${id}`), browserId);
      assert.ok(fresh && fresh.length >= 43, 'no fresh token in the tab');
      assert.notEqual(fresh, mine, 'the other tab reused the old token');
      await shot(other, 'golive-other-device');

      // The watch link works for anyone.
      await card(browserId).getByRole('link', { name: 'Watch' }).click();
      await page.locator('body[data-watch=waiting]').waitFor();
      assert.deepEqual(problems, []);

      // The same memorial at desktop size.
      const wide = await browser.newContext(DESKTOP);
      const dp = await wide.newPage();
      await signIn(dp, 'bea');
      await dp.goto(`${BASE}/memorial.html?id=${M}`);
      await dp.locator('body[data-ready=yes]').waitFor();
      await shot(dp, 'desktop-memorial');
      await dp.goto(`${BASE}/watch.html?id=${browserId}`);
      await dp.locator('body[data-watch=waiting]').waitFor();
      await shot(dp, 'desktop-watch-waiting');
      await wide.close();
      await context.close();
    });

  test('unknown memorial and private memorial are explained', async () => {
    const page = await (await browser.newContext(PHONE)).newPage();
    await page.goto(`${BASE}/memorial.html?id=no-such-memorial`);
    await assert.doesNotReject(page.getByText(/no memorial with this ID/)
      .waitFor());
    await page.goto(`${BASE}/memorial.html`);
    await assert.doesNotReject(page.getByText(/does not name a memorial/)
      .waitFor());
    await page.context().close();
  });
});
