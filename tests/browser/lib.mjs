// lib.mjs: helpers for the browser tests (tests/browser/*.test.mjs).
//
// The stack comes from tests/integration/run.sh (see stack.case.sh):
// BASE is its nginx, VIGIL_CLI the admin CLI configured for its
// database.  Chromium is Debian's, headless, with a fake camera and
// microphone; pages run at phone size (360×740) unless a test says
// otherwise, and screenshots go to test-output/screenshots/.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { chromium } from 'playwright-core';

const run = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));
export const ROOT = join(here, '..', '..');
export const SHOTS = join(ROOT, 'test-output', 'screenshots');
export const BASE = process.env.BASE;
if (!BASE) throw new Error('BASE is unset: run tests/browser/run.sh');

export const PHONE = { viewport: { width: 360, height: 740 },
  deviceScaleFactor: 2, isMobile: true, hasTouch: true };
export const DESKTOP = { viewport: { width: 1280, height: 860 } };

const COMMON_ARGS = [
  '--allow-loopback-in-peer-connection', '--no-sandbox', '--disable-gpu',
  '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run', '--disable-dev-shm-usage',
  // Headless tabs are never "visible" to the screen: keep timers and
  // WebRTC running at full speed anyway.
  '--disable-background-timer-throttling',
  '--disable-renderer-backgrounding',
  '--disable-backgrounding-occluded-windows',
];

// launch({fakeUi, fakeDevice, args}): fakeUi grants camera/microphone
// without a prompt; fakeDevice true (a fake camera and microphone), a
// string (its options, e.g. "device-count=0"), or false (the machine's
// real devices: none here).
//
// Nothing may leave the machine: every host name but localhost fails to
// resolve (the pages would otherwise ask for, say, the fake Cloudflare's
// customer-….cloudflarestream.com HLS).  A test's own host rules
// ("MAP vigil.test 127.0.0.1") come first.
const NO_INTERNET = 'MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1';

export async function launch({ fakeUi = true, fakeDevice = true,
  args = [] } = {}) {
  const rules = '--host-resolver-rules=';
  const mine = args.filter((x) => x.startsWith(rules))
    .map((x) => x.slice(rules.length));
  const a = [...COMMON_ARGS, ...args.filter((x) => !x.startsWith(rules)),
    rules + [...mine, NO_INTERNET].join(', ')];
  if (fakeUi) a.push('--use-fake-ui-for-media-stream');
  if (fakeDevice === true) a.push('--use-fake-device-for-media-stream');
  else if (typeof fakeDevice === 'string') {
    a.push(`--use-fake-device-for-media-stream=${fakeDevice}`);
  }
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: a,
  });
}

export async function cli(...args) {
  for (let i = 0; ; i++) {
    try {
      const { stdout } = await run(process.env.VIGIL_CLI, args,
        { env: process.env });
      return stdout.trim();
    } catch (e) {
      // A make relinking build/vigil at this moment: try again shortly.
      if (i >= 10 || !['EACCES', 'ETXTBSY', 'ENOENT'].includes(e.code)) {
        throw e;
      }
      await new Promise((r) => setTimeout(r, 300));
    }
  }
}

// A memorial owned by OWNER (idempotent per id).
export async function memorial(id, owner, title = 'Remembering Jo Smith') {
  try {
    await cli('memorial', 'add', '--id', id, '--title', title, '--owner',
      owner);
  } catch (e) {
    if (!/xist/.test(String(e.stderr || e.message))) throw e;
  }
  return id;
}

// Sign in through the printed one-time link, as a person would.
export async function signIn(page, sub, role) {
  const args = ['login-link', '--sub', sub];
  if (role) args.push('--role', role);
  const link = (await cli(...args)).split('\n').find((l) => /#t=/.test(l));
  const url = new URL(link);
  await page.goto(`${BASE}${url.pathname}${url.hash}`);
  await page.waitForURL(`${BASE}/`);
  await page.locator('#account .who strong').waitFor();
}

export async function shot(page, name) {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

// Collect what the page says on its console and any CSP violation or
// uncaught error: a test can assert there were none.
export function watchProblems(page) {
  const problems = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) {
      problems.push(`console: ${m.text()}`);
    }
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  return problems;
}

// Create a stream through the page's dialog; returns its id.
export async function createStream(page, { title, method = 'whip_browser',
  mux = true } = {}) {
  await page.getByRole('button', { name: 'Create stream' }).click();
  const dlg = page.locator('dialog#create');
  await dlg.getByLabel('Title').fill(title);
  await dlg.locator(`input[name="method"][value="${method}"]`).check();
  const box = dlg.getByLabel(/Mux backup recording/);
  if (await box.isEnabled()) await box.setChecked(mux);
  const created = page.waitForResponse((r) =>
    r.url().endsWith('/api/streams/create-whip'));
  await dlg.getByRole('button', { name: 'Create stream' }).click();
  const res = await created;
  if (res.status() !== 201) {
    throw new Error(`create-whip ${res.status()}: ${await res.text()}`);
  }
  const { stream } = await res.json();
  await page.locator(`li.card[data-id="${stream.id}"]`).waitFor();
  return stream.id;
}

// Is the WHIP relay (build/cgi-bin/whip) part of this stack?  The
// stack starts every program that is built; its pids file says which.
export function relayRunning() {
  try {
    const pids = readFileSync(join(process.env.RUNDIR, 'pids'), 'utf8');
    return /^whip /m.test(pids);
  } catch {
    return existsSync(join(ROOT, 'build', 'cgi-bin', 'whip'));
  }
}

// A WHIP endpoint played by a second Chromium page: the publisher's
// context routes /whip/ to it, and it answers each offer with a real
// RTCPeerConnection, so the publisher really connects and sends media
// (over loopback) without the relay.  Sessions are /whip/ID/sN with an
// ETag; trickle PATCH is taken, ICE restart is refused (405) so a
// reconnect makes a new session, DELETE closes.  opts.post(n) may
// return a status to answer instead (e.g. 409).
//   requests    every request seen: {method, url, headers, body, at}
//   cut()       the server vanishes: every session's connection closes
//   received()  media bytes and decoded frames received, all sessions
export async function pageRelay(browser, context, opts = {}) {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await page.goto(`${BASE}/`);
  await page.evaluate(() => {
    window.sessions = new Map();
    window.answer = async (id, sdp) => {
      const pc = new RTCPeerConnection();
      window.sessions.set(id, pc);
      pc.ontrack = (e) => {
        // Decode what arrives, as a viewer would.
        const v = document.createElement('video');
        v.muted = true;
        v.srcObject = new MediaStream([e.track]);
        v.play().catch(() => {});
      };
      await pc.setRemoteDescription({ type: 'offer', sdp });
      await pc.setLocalDescription(await pc.createAnswer());
      await new Promise((r) => {
        if (pc.iceGatheringState === 'complete') r();
        pc.onicegatheringstatechange = () =>
          pc.iceGatheringState === 'complete' && r();
        setTimeout(r, 1000);
      });
      return pc.localDescription.sdp;
    };
    window.closeAll = () => {
      for (const pc of window.sessions.values()) pc.close();
    };
    window.close1 = (id) => {
      const pc = window.sessions.get(id);
      if (pc) pc.close();
    };
    window.received = async () => {
      let bytes = 0;
      let frames = 0;
      for (const pc of window.sessions.values()) {
        if (pc.connectionState === 'closed') continue;
        (await pc.getStats()).forEach((s) => {
          if (s.type === 'inbound-rtp') {
            bytes += s.bytesReceived || 0;
            frames += s.framesDecoded || 0;
          }
        });
      }
      return { bytes, frames };
    };
  });
  const requests = [];
  let n = 0;
  await context.route('**/whip/**', async (route, req) => {
    const r = { method: req.method(), url: req.url(),
      headers: await req.allHeaders(), body: req.postData(), at: Date.now() };
    requests.push(r);
    const path = new URL(r.url).pathname;
    if (r.method === 'POST') {
      const forced = opts.post && opts.post(n);
      if (forced) {
        await route.fulfill({ status: forced,
          contentType: 'application/problem+json',
          body: JSON.stringify({ type: 'about:blank', title: 'x',
            status: forced, code: 'x' }) });
        return;
      }
      const id = `s${++n}`;
      const sdp = await page.evaluate(([i, s]) => window.answer(i, s),
        [id, r.body]);
      await route.fulfill({ status: 201, body: sdp, headers: {
        'Content-Type': 'application/sdp', Location: `${path}/${id}`,
        ETag: `"${id}"`, 'Accept-Patch': 'application/trickle-ice-sdpfrag' } });
      return;
    }
    if (r.method === 'PATCH') {
      await route.fulfill({ status: r.headers['if-match'] === '*' ? 405 : 204 });
      return;
    }
    if (r.method === 'DELETE') {
      await page.evaluate((i) => window.close1(i), path.split('/').pop());
      await route.fulfill({ status: 200 });
      return;
    }
    await route.fulfill({ status: 405 });
  });
  return {
    requests,
    page,
    cut: () => page.evaluate(() => window.closeAll()),
    received: () => page.evaluate(() => window.received()),
    close: () => ctx.close(),
  };
}

// Wait until fn() is truthy (polling), or throw after ms.
export async function until(fn, ms = 15000, what = 'condition',
  every = 200) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, every));
  }
}

// The API as SUB (a session token from the CLI, as curl would use it).
export async function apiAs(sub, method, path, body) {
  const token = await cli('token', '--sub', sub);
  const res = await fetch(`${BASE}${path}`, { method,
    headers: { Authorization: `Bearer ${token}`,
      ...(body ? { 'Content-Type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : null };
}

export function sql(query) {
  return promisify(execFile)('sqlite3', ['-bail', process.env.VIGIL_DB,
    query]).then((r) => r.stdout.trim());
}

export async function hasTool(name) {
  try {
    await promisify(execFile)('sh', ['-c', `command -v ${name}`]);
    return true;
  } catch {
    return false;
  }
}

// A short test video (H.264 + AAC) from ffmpeg: an MP4, or HLS (a
// playlist and its segments) in DIR.
export async function makeVideo(dir, kind, seconds = 4) {
  mkdirSync(dir, { recursive: true });
  const input = ['-hide_banner', '-loglevel', 'error', '-y',
    '-f', 'lavfi', '-i', `testsrc2=size=640x360:rate=25:duration=${seconds}`,
    '-f', 'lavfi', '-i', `sine=frequency=440:duration=${seconds}`,
    '-c:v', 'libx264', '-profile:v', 'baseline', '-pix_fmt', 'yuv420p',
    '-g', '25', '-c:a', 'aac', '-shortest'];
  // 'hls': a finished live playlist; 'hls-open:NAME': one that stops
  // without saying so (no ENDLIST), its segments named NAME-N.ts, as a
  // relay that lost its publisher leaves it.
  const [k, name] = kind.split(':');
  const out = k === 'hls' || k === 'hls-open'
    ? ['-f', 'hls', '-hls_time', '1', '-hls_playlist_type', 'event',
      ...(k === 'hls-open' ? ['-hls_flags', 'omit_endlist',
        '-hls_segment_filename', join(dir, `${name}-%d.ts`)] : []),
      join(dir, 'live.m3u8')]
    : ['-movflags', '+faststart', join(dir, 'recording.mp4')];
  await promisify(execFile)('ffmpeg', [...input, ...out]);
}
