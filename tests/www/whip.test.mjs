// whip.test.mjs: the WHIP publisher's state machine (www/js/whip.js)
// against fakes of the browser (fakes.mjs): happy path, each failure and
// its message, the 1 s gathering bound, trickle PATCH with If-Match,
// reconnect (ICE restart, then a new session), DELETE on stop, wake lock
// and visibility, camera switch, stats.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { ANSWER, fakeEnv, settle, whipServer } from './fakes.mjs';
import { www } from './www.mjs';

const { WhipPublisher, MESSAGES, formatElapsed, qualityOf } =
  await www('whip');

const URL0 = 'http://127.0.0.1:8080/whip/s1';

function publisher(f, extra = {}) {
  const p = new WhipPublisher({ url: URL0, token: 'tok123', env: f.env,
    ...extra });
  const states = [];
  p.addEventListener('state', (e) => states.push(e.detail.state));
  return { p, states };
}

// start() and let the fake world run until it settles.
async function goLive(f, p, ms = 100) {
  const done = p.start();
  await f.clock.advance(ms);
  await done;
}

const byMethod = (f, m) => f.net.requests.filter((r) => r.method === m);

test('happy path: idle → requesting-media → connecting → live, then stop DELETEs',
  async () => {
    const f = fakeEnv();
    const { p, states } = publisher(f);
    assert.equal(p.state, 'idle');
    await goLive(f, p);
    assert.deepEqual(states, ['requesting-media', 'connecting', 'live']);
    const [post] = byMethod(f, 'POST');
    assert.equal(post.url, URL0);
    assert.equal(post.headers['Content-Type'], 'application/sdp');
    assert.equal(post.headers.Authorization, 'Bearer tok123');
    assert.match(post.body, /^v=0/);
    assert.match(post.body, /m=video/);
    assert.match(post.body, /m=audio/);
    const pc = f.PC.instances[0];
    assert.equal(pc.config.bundlePolicy, 'max-bundle');
    assert.equal(pc.remoteDescription.sdp, ANSWER);
    assert.ok(pc.transceivers.every((t) => t.init.direction === 'sendonly'));
    // H.264 first, packetization-mode=1 constrained baseline first of all.
    const video = pc.transceivers.find((t) => t.sender.track.kind === 'video');
    assert.equal(video.prefs[0].mimeType, 'video/H264');
    assert.match(video.prefs[0].sdpFmtpLine, /packetization-mode=1;profile-level-id=42e01f/);
    assert.equal(video.prefs.filter((c) => /h264/i.test(c.mimeType)).length, 3);
    assert.equal(video.prefs.length, 6, 'other codecs are kept, behind');
    assert.ok(f.wake.active.size === 1, 'the screen is kept on while live');

    const stopping = p.stop();
    await f.clock.advance(10);
    await stopping;
    assert.equal(p.state, 'stopped');
    const [del] = byMethod(f, 'DELETE');
    assert.equal(del.url, 'http://127.0.0.1:8080/whip/s1/session-1',
      'DELETE goes to the Location, resolved against the WHIP URL');
    assert.equal(del.headers.Authorization, 'Bearer tok123');
    assert.ok(pc.closed);
    assert.equal(f.wake.active.size, 0, 'wake lock released');
    assert.equal(p.stream, null, 'camera released');
  });

test('no Authorization header without a token (Cloudflare/Mux WHIP URLs)',
  async () => {
    const f = fakeEnv();
    const p = new WhipPublisher({ url: URL0, env: f.env });
    await goLive(f, p);
    assert.equal(p.state, 'live');
    assert.equal(byMethod(f, 'POST')[0].headers.Authorization, undefined);
  });

for (const [status, code] of [[401, 'unauthorized'], [403, 'unauthorized'],
  [404, 'not-found'], [409, 'already-live'], [410, 'ended'],
  [415, 'rejected'],
  [429, 'busy'], [502, 'server'], [503, 'busy']]) {
  test(`POST answered ${status} → error "${code}" with its message`, async () => {
    const f = fakeEnv({ whip: { post: () => ({ status,
      headers: { 'Content-Type': 'application/problem+json' },
      body: JSON.stringify({ title: 'x', status, detail: 'server says why',
        code: 'x' }) }) } });
    const { p, states } = publisher(f);
    await goLive(f, p);
    assert.deepEqual(states, ['requesting-media', 'connecting', 'error']);
    assert.equal(p.error.code, code);
    assert.equal(p.error.message, MESSAGES[code]);
    assert.equal(p.error.detail, 'server says why');
    assert.equal(p.error.status, status);
    assert.ok(f.PC.instances[0].closed);
    assert.equal(f.wake.active.size, 0);
  });
}

test('network unreachable → error "network"; Try again goes live', async () => {
  let down = true;
  const f = fakeEnv({ whip: { post: () => {
    if (down) throw new TypeError('Failed to fetch');
  } } });
  const { p, states } = publisher(f);
  await goLive(f, p);
  assert.equal(p.state, 'error');
  assert.equal(p.error.code, 'network');
  assert.match(p.error.message, /Wi-Fi or mobile data/);
  down = false;
  await goLive(f, p);
  assert.equal(p.state, 'live');
  assert.deepEqual(states.slice(-2), ['connecting', 'live'],
    'the camera from the first try is reused');
  assert.equal(f.media.calls.length, 1);
});

test('ICE never connects → error "connect-failed" after the bound', async () => {
  const f = fakeEnv();
  f.PC.autoConnectMs = null;
  const { p } = publisher(f, { timing: { connectTimeoutMs: 5000 } });
  const done = p.start();
  await f.clock.advance(4000);
  assert.equal(p.state, 'connecting');
  await f.clock.advance(2000);
  await done;
  assert.equal(p.state, 'error');
  assert.equal(p.error.code, 'connect-failed');
  assert.equal(byMethod(f, 'DELETE').length, 1, 'the dead session is deleted');
});

for (const [name, code] of [['NotAllowedError', 'permission-denied'],
  ['SecurityError', 'permission-denied'], ['NotReadableError', 'camera-busy'],
  ['AbortError', 'camera-busy']]) {
  test(`getUserMedia ${name} → error "${code}"`, async () => {
    const f = fakeEnv({ media: { fail: { all: name } } });
    const { p, states } = publisher(f);
    await goLive(f, p);
    assert.deepEqual(states, ['requesting-media', 'error']);
    assert.equal(p.error.code, code);
    assert.equal(p.error.message, MESSAGES[code]);
    assert.equal(byMethod(f, 'POST').length, 0);
  });
}

test('no camera → broadcasts sound only, with a notice', async () => {
  const f = fakeEnv({ media: { devices: ['audioinput'] } });
  const { p } = publisher(f);
  const notices = [];
  p.addEventListener('notice', (e) => notices.push(e.detail.notices));
  await goLive(f, p);
  assert.equal(p.state, 'live');
  assert.ok(p.audioOnly);
  assert.ok(p.notices.has('audio-only'));
  assert.match(MESSAGES['audio-only'], /sound only/);
  const post = byMethod(f, 'POST')[0];
  assert.doesNotMatch(post.body, /m=video/);
  assert.match(post.body, /m=audio/);
});

test('no camera and no microphone → error "no-devices"', async () => {
  const f = fakeEnv({ media: { devices: [] } });
  const { p } = publisher(f);
  await goLive(f, p);
  assert.equal(p.error.code, 'no-devices');
});

test('camera but no microphone → error "no-microphone"', async () => {
  const f = fakeEnv({ media: { devices: ['videoinput'] } });
  const { p } = publisher(f);
  await goLive(f, p);
  assert.equal(p.error.code, 'no-microphone');
});

test('insecure page → error "insecure" before asking for the camera', async () => {
  const f = fakeEnv({ secure: false });
  const { p } = publisher(f);
  await goLive(f, p);
  assert.equal(p.error.code, 'insecure');
  assert.match(p.error.message, /https:\/\//);
  assert.equal(f.media.calls.length, 0);
});

test('ICE gathering: the offer waits at most ~1 s, then goes with what it has',
  async () => {
    const f = fakeEnv();
    f.PC.plan = { candidates: [[20, 'candidate:1 1 udp 1 192.0.2.1 5000 typ host'],
      [1500, 'candidate:2 1 udp 1 198.51.100.7 6000 typ srflx']],
    completeAt: null };
    const { p } = publisher(f);
    const done = p.start();
    await f.clock.advance(999);
    assert.equal(byMethod(f, 'POST').length, 0, 'still within the bound');
    await f.clock.advance(1);
    assert.equal(byMethod(f, 'POST').length, 1, 'sent at 1000 ms');
    const post = byMethod(f, 'POST')[0];
    assert.match(post.body, /192\.0\.2\.1/, 'candidates so far are in the offer');
    assert.doesNotMatch(post.body, /198\.51\.100\.7/);
    await f.clock.advance(100);
    await done;
    assert.equal(p.state, 'live');
  });

test('ICE gathering that completes early does not wait for the bound',
  async () => {
    const f = fakeEnv();
    f.PC.plan = { candidates: [[5, 'candidate:1 1 udp 1 192.0.2.1 5000 typ host']],
      completeAt: 30 };
    const { p } = publisher(f);
    const done = p.start();
    await f.clock.advance(30);
    assert.equal(byMethod(f, 'POST').length, 1);
    await f.clock.advance(100);
    await done;
    assert.equal(p.state, 'live');
  });

test('trickle: late candidates go by PATCH with If-Match and the session ETag',
  async () => {
    const f = fakeEnv();
    f.PC.plan = { candidates: [[20, 'candidate:1 1 udp 1 192.0.2.1 5000 typ host'],
      [1500, 'candidate:2 1 udp 1 198.51.100.7 6000 typ srflx']],
    completeAt: 1600 };
    const { p } = publisher(f);
    const done = p.start();
    await f.clock.advance(1200);
    await done;
    assert.equal(p.state, 'live');
    assert.equal(byMethod(f, 'PATCH').length, 0);
    await f.clock.advance(500);
    const patches = byMethod(f, 'PATCH');
    assert.equal(patches.length, 2, 'one for the candidate, one for the end');
    const [a, b] = patches;
    assert.equal(a.url, 'http://127.0.0.1:8080/whip/s1/session-1');
    assert.equal(a.headers['Content-Type'], 'application/trickle-ice-sdpfrag');
    assert.equal(a.headers['If-Match'], '"e1"');
    assert.equal(a.headers.Authorization, 'Bearer tok123');
    assert.match(a.body, /^a=ice-ufrag:uf\d+\r\na=ice-pwd:pw-uf\d+\r\n/);
    assert.match(a.body, /\r\nm=video 9 UDP\/TLS\/RTP\/SAVPF 102 96\r\na=mid:0\r\n/);
    assert.match(a.body, /a=candidate:2 1 udp 1 198\.51\.100\.7 6000 typ srflx/);
    assert.doesNotMatch(a.body, /192\.0\.2\.1/, 'not what the offer carried');
    assert.match(b.body, /a=end-of-candidates/);
  });

test('trickle stops once the server refuses PATCH (405)', async () => {
  const f = fakeEnv({ whip: { acceptPatch: null,
    patch: () => ({ status: 405 }) } });
  f.PC.plan = { candidates: [[1200, 'candidate:2 1 udp 1 198.51.100.7 6000 typ srflx'],
    [1300, 'candidate:3 1 udp 1 198.51.100.8 6000 typ srflx']],
  completeAt: 1400 };
  const { p } = publisher(f);
  const done = p.start();
  await f.clock.advance(1100);
  await done;
  await f.clock.advance(500);
  assert.equal(byMethod(f, 'PATCH').length, 1, 'one PATCH, then no more');
  assert.equal(p.trickle, false);
});

test('no trickle when the 201 says Accept-Patch without the sdpfrag type',
  async () => {
    const f = fakeEnv({ whip: { acceptPatch: 'application/json' } });
    f.PC.plan = { candidates: [[1200, 'candidate:2 1 udp 1 198.51.100.7 6000 typ srflx']],
      completeAt: 1300 };
    const { p } = publisher(f);
    const done = p.start();
    await f.clock.advance(1100);
    await done;
    await f.clock.advance(500);
    assert.equal(byMethod(f, 'PATCH').length, 0);
  });

// The server's reply to an ICE restart PATCH (RFC 9725 §4.4.2).
const RESTART_FRAG = 'a=ice-ufrag:srv2\r\na=ice-pwd:srvpw2\r\n'
  + 'm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:0\r\n'
  + 'a=candidate:9 1 udp 2130706431 127.0.0.1 40002 typ host\r\n'
  + 'a=end-of-candidates\r\n';

test('reconnect: ICE failed → ICE restart by PATCH (If-Match: *) → live again',
  async () => {
    const f = fakeEnv({ whip: { patch: (req) => (req.headers['If-Match'] === '*'
      ? { status: 200, body: RESTART_FRAG, headers: { ETag: '"e1b"',
        'Content-Type': 'application/trickle-ice-sdpfrag' } }
      : { status: 204 }) } });
    const { p, states } = publisher(f);
    await goLive(f, p);
    const started = p.startedAt;
    const pc = f.PC.instances[0];
    pc.setConnection('failed');
    await f.clock.advance(100);
    assert.equal(p.state, 'live');
    assert.deepEqual(states.slice(-2), ['reconnecting', 'live']);
    assert.equal(f.PC.instances.length, 1, 'the same peer connection');
    assert.equal(pc.restarted, 1);
    const restart = byMethod(f, 'PATCH').find((r) => r.headers['If-Match'] === '*');
    assert.ok(restart, 'an ICE restart PATCH');
    assert.match(restart.body, /a=ice-ufrag:uf\d+/);
    assert.equal(byMethod(f, 'POST').length, 1, 'no new session needed');
    const remote = pc.remoteSets.at(-1);
    assert.match(remote, /a=ice-ufrag:srv2/);
    assert.match(remote, /40002/);
    assert.doesNotMatch(remote, /srv1|40000/);
    assert.equal(p.session.etag, '"e1b"');
    assert.equal(p.startedAt, started, 'elapsed time keeps counting');
  });

test('reconnect: no ICE restart (405) → DELETE the old session, POST a new one',
  async () => {
    const f = fakeEnv({ whip: { patch: () => ({ status: 405 }) } });
    const { p, states } = publisher(f);
    await goLive(f, p);
    const stream = p.stream;
    f.PC.instances[0].setConnection('failed');
    await f.clock.advance(200);
    assert.equal(p.state, 'live');
    assert.deepEqual(states.slice(-2), ['reconnecting', 'live']);
    assert.equal(f.PC.instances.length, 2, 'a new peer connection');
    assert.ok(f.PC.instances[0].closed);
    assert.equal(byMethod(f, 'POST').length, 2);
    assert.equal(byMethod(f, 'DELETE')[0].url,
      'http://127.0.0.1:8080/whip/s1/session-1');
    assert.equal(p.session.location, 'http://127.0.0.1:8080/whip/s1/session-2');
    assert.equal(p.stream, stream, 'the page keeps its camera and preview');
    assert.equal(f.media.calls.length, 1);
    // The same tracks are sent on the new connection.
    assert.deepEqual(f.PC.instances[1].transceivers.map((t) => t.sender.track),
      f.PC.instances[0].transceivers.map((t) => t.sender.track));
    assert.equal(p.restartOk, false, 'not tried again next time');
  });

test('reconnect: the network is down for a while → keeps trying, then live',
  async () => {
    let down = false;
    const f = fakeEnv({ whip: {
      patch: () => ({ status: 405 }),
      post: () => {
        if (down) throw new TypeError('Failed to fetch');
      },
    } });
    const { p } = publisher(f, { timing: { backoffMs: [500, 1000],
      slowReconnectMs: 2500 } });
    await goLive(f, p);
    down = true;
    f.PC.instances[0].setConnection('failed');
    await f.clock.advance(4000);
    assert.equal(p.state, 'reconnecting');
    const posts = byMethod(f, 'POST').length;
    assert.ok(posts >= 4, `retried (${posts} POSTs)`);
    assert.ok(p.notices.has('reconnect-slow'));
    down = false;
    await f.clock.advance(1100);
    assert.equal(p.state, 'live');
    assert.ok(!p.notices.has('reconnect-slow'));
  });

test('reconnect: comes back at once when the browser says "online"', async () => {
  let down = false;
  const f = fakeEnv({ whip: { patch: () => ({ status: 405 }),
    post: () => {
      if (down) throw new TypeError('Failed to fetch');
    } } });
  const { p } = publisher(f, { timing: { backoffMs: [60000] } });
  await goLive(f, p);
  down = true;
  f.PC.instances[0].setConnection('failed');
  await f.clock.advance(100);
  assert.equal(p.state, 'reconnecting');
  down = false;
  f.win.dispatchEvent(new Event('online'));
  await f.clock.advance(100);
  assert.equal(p.state, 'live');
});

test('reconnect: a 409 while the old session lingers is retried', async () => {
  let conflicts = 2;
  const f = fakeEnv({ whip: { patch: () => ({ status: 405 }),
    post: (req, n) => {
      if (n >= 1 && conflicts > 0) {
        conflicts--;
        return { status: 409 };
      }
    } } });
  const { p } = publisher(f, { timing: { backoffMs: [100] } });
  await goLive(f, p);
  f.PC.instances[0].setConnection('failed');
  await f.clock.advance(1000);
  assert.equal(p.state, 'live');
  assert.equal(byMethod(f, 'POST').length, 4);
});

test('reconnect: a token that stopped working ends in error "unauthorized"',
  async () => {
    const f = fakeEnv({ whip: { patch: () => ({ status: 405 }),
      post: (req, n) => (n >= 1 ? { status: 401 } : null) } });
    const { p } = publisher(f);
    await goLive(f, p);
    f.PC.instances[0].setConnection('failed');
    await f.clock.advance(500);
    assert.equal(p.state, 'error');
    assert.equal(p.error.code, 'unauthorized');
  });

test('"disconnected" that heals within the grace period needs no new session',
  async () => {
    const f = fakeEnv();
    const { p, states } = publisher(f, { timing: { disconnectGraceMs: 2000 } });
    await goLive(f, p);
    const pc = f.PC.instances[0];
    pc.setConnection('disconnected');
    await f.clock.advance(10);
    assert.equal(p.state, 'reconnecting');
    await f.clock.advance(500);
    pc.setConnection('connected');
    await f.clock.advance(10);
    assert.equal(p.state, 'live');
    assert.deepEqual(states.slice(-2), ['reconnecting', 'live']);
    assert.equal(byMethod(f, 'POST').length, 1);
    assert.equal(byMethod(f, 'PATCH').length, 0);
  });

test('"disconnected" past the grace period → reconnect', async () => {
  const f = fakeEnv({ whip: { patch: () => ({ status: 405 }) } });
  const { p } = publisher(f, { timing: { disconnectGraceMs: 2000 } });
  await goLive(f, p);
  f.PC.instances[0].setConnection('disconnected');
  await f.clock.advance(1900);
  assert.equal(byMethod(f, 'POST').length, 1);
  await f.clock.advance(300);
  assert.equal(byMethod(f, 'POST').length, 2);
  assert.equal(p.state, 'live');
});

test('stop while reconnecting: no more attempts, the session is DELETEd',
  async () => {
    const f = fakeEnv({ whip: { patch: () => ({ status: 405 }),
      post: (req, n) => {
        if (n >= 1) throw new TypeError('Failed to fetch');
      } } });
    const { p } = publisher(f, { timing: { backoffMs: [1000] } });
    await goLive(f, p);
    f.PC.instances[0].setConnection('failed');
    await f.clock.advance(100);
    assert.equal(p.state, 'reconnecting');
    await p.stop();
    const posts = byMethod(f, 'POST').length;
    await f.clock.advance(10000);
    assert.equal(p.state, 'stopped');
    assert.equal(byMethod(f, 'POST').length, posts);
  });

test('stop: a DELETE that hangs does not hold the page (bounded)', async () => {
  const f = fakeEnv({ server: async (req) => {
    if (req.method === 'DELETE') return new Promise(() => {});
    return whipServer()(req);
  } });
  const { p } = publisher(f, { timing: { deleteTimeoutMs: 3000 } });
  await goLive(f, p);
  let done = false;
  p.stop().then(() => {
    done = true;
  });
  await f.clock.advance(2900);
  assert.equal(done, false);
  assert.equal(p.state, 'stopped', 'the page shows stopped at once');
  assert.ok(p.stream === null ||
    p.stream.getTracks().every((t) => !t.enabled),
  'nothing is sent after the tap while the DELETE is out');
  await f.clock.advance(200);
  assert.equal(done, true);
});

test('page hidden → notice; visible again → wake lock re-acquired', async () => {
  const f = fakeEnv();
  const { p } = publisher(f);
  await goLive(f, p);
  assert.equal(f.wake.requests, 1);
  f.wake.dropAll();
  f.doc.setVisible(false);
  await settle();
  assert.ok(p.notices.has('hidden'));
  f.doc.setVisible(true);
  await settle();
  assert.ok(!p.notices.has('hidden'));
  assert.equal(f.wake.requests, 2);
  assert.equal(f.wake.active.size, 1);
});

test('visible again with the camera taken away → camera restarted, same sender',
  async () => {
    const f = fakeEnv();
    const { p } = publisher(f);
    await goLive(f, p);
    f.doc.setVisible(false);
    const video = p.stream.getVideoTracks()[0];
    video.lose();
    await settle();
    f.doc.setVisible(true);
    await f.clock.advance(10);
    const sender = f.PC.instances[0].transceivers
      .find((t) => t.receiver.track.kind === 'video').sender;
    assert.equal(sender.replaced.length, 1);
    assert.notEqual(sender.track, video);
    assert.equal(sender.track.readyState, 'live');
    assert.ok(p.notices.has('media-recovered'));
    assert.equal(p.state, 'live');
  });

test('switch camera while live: replaceTrack, no renegotiation', async () => {
  const f = fakeEnv();
  const { p } = publisher(f);
  await goLive(f, p);
  const old = p.stream.getVideoTracks()[0];
  assert.equal(p.facing, 'user');
  assert.equal(await p.switchCamera(), true);
  assert.equal(p.facing, 'environment');
  assert.equal(old.readyState, 'ended', 'the old camera is closed first');
  const last = f.media.calls.at(-1);
  assert.deepEqual(last.video.facingMode, { exact: 'environment' });
  const sender = f.PC.instances[0].transceivers
    .find((t) => t.receiver.track.kind === 'video').sender;
  assert.equal(sender.track, p.stream.getVideoTracks()[0]);
  assert.equal(byMethod(f, 'POST').length, 1);
  assert.equal(p.state, 'live');
});

test('mute keeps broadcasting with the microphone track disabled', async () => {
  const f = fakeEnv();
  const { p } = publisher(f);
  await goLive(f, p);
  p.setMicMuted(true);
  assert.equal(p.stream.getAudioTracks()[0].enabled, false);
  p.setMicMuted(false);
  assert.equal(p.stream.getAudioTracks()[0].enabled, true);
});

test('stats: elapsed time, outgoing bitrate and quality from getStats',
  async () => {
    const f = fakeEnv();
    const { p } = publisher(f);
    const seen = [];
    p.addEventListener('stats', (e) => seen.push(e.detail));
    await goLive(f, p);
    await f.clock.advance(3000);
    const s = seen.at(-1);
    assert.ok(s.elapsedMs >= 2900 && s.elapsedMs <= 3100, `${s.elapsedMs}`);
    assert.ok(Math.abs(s.bitrateKbps - 1000) < 1, `${s.bitrateKbps}`);
    assert.equal(s.rttMs, 50);
    assert.equal(s.quality, 'good');
    assert.equal(s.width, 1280);
  });

test('quality levels', () => {
  const base = { rttMs: 50, loss: 0, bitrateKbps: 1200, limitation: 'none' };
  assert.equal(qualityOf(base, false), 'good');
  assert.equal(qualityOf({ ...base, rttMs: 500 }, false), 'fair');
  assert.equal(qualityOf({ ...base, loss: 0.05 }, false), 'fair');
  assert.equal(qualityOf({ ...base, bitrateKbps: 300 }, false), 'fair');
  assert.equal(qualityOf({ ...base, bitrateKbps: 100 }, false), 'poor');
  assert.equal(qualityOf({ ...base, bitrateKbps: 32 }, true), 'good');
  assert.equal(qualityOf({ ...base, loss: 0.2 }, false), 'poor');
  assert.equal(qualityOf({ ...base, rttMs: 1500 }, false), 'poor');
});

test('elapsed time format', () => {
  assert.equal(formatElapsed(0), '0:00');
  assert.equal(formatElapsed(65000), '1:05');
  assert.equal(formatElapsed(3723000), '1:02:03');
});

test('"offline" while the media path holds: back to live after the grace period',
  async () => {
    const f = fakeEnv();
    const { p, states } = publisher(f, { timing: { disconnectGraceMs: 2000 } });
    await goLive(f, p);
    f.win.dispatchEvent(new Event('offline'));
    await f.clock.advance(10);
    assert.equal(p.state, 'reconnecting');
    await f.clock.advance(2100);
    assert.equal(p.state, 'live');
    assert.deepEqual(states.slice(-2), ['reconnecting', 'live']);
    assert.equal(byMethod(f, 'POST').length, 1, 'no new session');
  });

test('"offline" that lasts: reconnects even while ICE still says connected',
  async () => {
    let online = true;
    const f = fakeEnv({ whip: { patch: () => ({ status: 405 }),
      post: (req, n) => {
        if (!online) throw new TypeError('Failed to fetch');
      } } });
    f.env.online = () => online;
    const { p } = publisher(f, { timing: { disconnectGraceMs: 2000,
      backoffMs: [30000] } });
    await goLive(f, p);
    online = false;
    f.win.dispatchEvent(new Event('offline'));
    await f.clock.advance(2100);
    assert.equal(p.state, 'reconnecting');
    assert.ok(f.PC.instances[0].closed, 'the old connection is given up');
    online = true;
    f.win.dispatchEvent(new Event('online'));
    await f.clock.advance(100);
    assert.equal(p.state, 'live');
    assert.equal(byMethod(f, 'POST').filter((r) => r).length >= 2, true);
  });
