// whip.js: Vigil's WHIP publisher (RFC 9725), written for a phone held
// up at a funeral: it must start fast, say plainly what went wrong, and
// keep going by itself through a network drop.
//
//   idle → requesting-media → connecting → live ⇄ reconnecting
//     ↘ error (Try again: start() again)        → stopped (stop())
//
// Everything the browser provides comes in through `env` (browserEnv()
// by default): RTCPeerConnection, fetch, mediaDevices, timers, the
// clock, the Wake Lock API and document/window for their events.  The
// tests (tests/www/whip.test.mjs) drive the state machine with fakes of
// each.  The module touches no global at import time.
//
// Events (it is an EventTarget): "state" (detail {state, error}),
// "media" (detail the MediaStream, for the preview), "stats" (detail
// {elapsedMs, bitrateKbps, rttMs, loss, quality, ...}), "notice"
// (detail {notices: [...codes]}).

import {
  applyFragment, buildFragment, candidatesIn, iceInfo, preferH264,
} from './sdp.js';

export const STATES = Object.freeze([
  'idle', 'requesting-media', 'connecting', 'live', 'reconnecting',
  'stopped', 'error',
]);

// What a person is told, for each failure and notice.  Plain words, what
// to do next; no jargon.
export const MESSAGES = Object.freeze({
  insecure: 'Going live needs a secure page. Open Vigil through its '
    + 'https:// address, not http://.',
  unsupported: 'This browser cannot broadcast video. Use a recent Safari '
    + '(iPhone, iPad) or Chrome (Android, computer).',
  'permission-denied': 'Vigil is not allowed to use the camera and '
    + 'microphone. Allow them for this site in the browser’s settings '
    + '(the icon next to the address), then tap Try again.',
  'no-devices': 'No camera or microphone was found on this device. '
    + 'Broadcast from a phone, or connect a camera, then tap Try again.',
  'no-microphone': 'No microphone was found. Connect one (or use a '
    + 'phone), then tap Try again.',
  'camera-busy': 'The camera or microphone is being used by another app '
    + '(a video call or the camera app). Close that app, then tap Try again.',
  'media-failed': 'The camera could not be started. Tap Try again.',
  network: 'Vigil cannot be reached. Check the Wi-Fi or mobile data '
    + 'connection, then tap Try again.',
  'already-live': 'This stream is already being broadcast from another '
    + 'phone or tab. Stop it there first, or wait a few seconds and tap '
    + 'Try again.',
  unauthorized: 'This device is no longer allowed to broadcast this '
    + 'stream. Go back to the streams page and create a new stream.',
  'not-found': 'This stream no longer exists; it may have been deleted.',
  ended: 'This stream has been ended by its organisers. To broadcast '
    + 'again, create a new stream.',
  rejected: 'The broadcast server could not accept this browser’s video. '
    + 'Try Safari or Chrome.',
  busy: 'Vigil is busy right now. Wait a moment, then tap Try again.',
  server: 'The broadcast server is not answering. Wait a moment, then '
    + 'tap Try again.',
  'connect-failed': 'Could not connect to the broadcast server. This '
    + 'network may block video calls: try mobile data or another Wi-Fi.',
  // Notices: the broadcast goes on.
  'audio-only': 'No camera was found, so you are broadcasting sound only.',
  hidden: 'Vigil is in the background. Keep this page open and on '
    + 'screen, or the broadcast may pause.',
  'media-recovered': 'The camera was restarted after the page came back.',
  'reconnect-slow': 'Still trying to reconnect. Check the Wi-Fi or mobile '
    + 'data connection; the broadcast resumes by itself.',
  'no-wake-lock': 'This browser cannot keep the screen on: turn off '
    + 'auto-lock, or tap the screen now and then.',
});

// Failures worth retrying by themselves while reconnecting.
const RETRYABLE = new Set([
  'network', 'already-live', 'busy', 'server', 'connect-failed',
]);

export class WhipError extends Error {
  constructor(code, detail, status) {
    super(MESSAGES[code] || code);
    this.code = code;
    this.detail = detail || null;
    this.status = status || null;
  }
}

// Thrown inside a flow that a newer start/stop/reconnect replaced.
class Cancelled extends Error {}

// The real browser, read when a publisher is made (never at import).
export function browserEnv() {
  const g = globalThis;
  return {
    RTCPeerConnection: g.RTCPeerConnection,
    fetch: g.fetch ? g.fetch.bind(g) : undefined,
    mediaDevices: g.navigator && g.navigator.mediaDevices,
    capabilities: (kind) => {
      const s = g.RTCRtpSender && g.RTCRtpSender.getCapabilities
        ? g.RTCRtpSender.getCapabilities(kind) : null;
      return s ? s.codecs : null;
    },
    setTimeout: g.setTimeout.bind(g),
    clearTimeout: g.clearTimeout.bind(g),
    now: () => (g.performance ? g.performance.now() : Date.now()),
    isSecureContext: g.isSecureContext !== false,
    online: () => !g.navigator || g.navigator.onLine !== false,
    wakeLock: g.navigator && g.navigator.wakeLock,
    document: g.document,
    window: g.window,
  };
}

// Classify a getUserMedia failure by its DOMException name.
export function mediaErrorCode(e) {
  switch (e && e.name) {
    case 'NotAllowedError':
    case 'PermissionDeniedError':
    case 'SecurityError':
      return 'permission-denied';
    case 'NotFoundError':
    case 'DevicesNotFoundError':
    case 'OverconstrainedError':
    case 'ConstraintNotSatisfiedError':
      return 'no-devices';
    case 'NotReadableError':
    case 'TrackStartError':
    case 'AbortError':
      return 'camera-busy';
    case 'TypeError':
      return 'unsupported';
    default:
      return 'media-failed';
  }
}

// An HTTP answer from the WHIP endpoint that is not what we wanted.
export function httpErrorCode(status) {
  if (status === 401 || status === 403) return 'unauthorized';
  if (status === 404) return 'not-found';
  if (status === 410) return 'ended';
  if (status === 409) return 'already-live';
  if (status === 429 || status === 503) return 'busy';
  if (status >= 400 && status < 500) return 'rejected';
  return 'server';
}

const DEFAULTS = {
  gatherTimeoutMs: 1000, // never hold the offer longer than this
  connectTimeoutMs: 15000, // POST answered → ICE+DTLS connected
  disconnectGraceMs: 2000, // "disconnected" may heal by itself
  restartTimeoutMs: 6000, // an ICE restart must connect within this
  deleteTimeoutMs: 3000, // DELETE on stop: best effort, bounded
  statsIntervalMs: 1000,
  backoffMs: [250, 1000, 2000, 4000, 8000], // between reconnect attempts
  slowReconnectMs: 20000, // then tell the person to check the network
  maxReconnectMs: Infinity, // never give up by ourselves
};

const VIDEO = {
  width: { ideal: 1280 },
  height: { ideal: 720 },
  frameRate: { ideal: 30, max: 30 },
};
const AUDIO = { echoCancellation: true, noiseSuppression: true,
  autoGainControl: true };

export class WhipPublisher extends EventTarget {
  // opts: {url, token?, env?, timing?, facingMode?, iceServers?}
  constructor(opts) {
    super();
    this.url = opts.url;
    this.token = opts.token || null;
    this.env = opts.env || browserEnv();
    this.t = { ...DEFAULTS, ...(opts.timing || {}) };
    this.iceServers = opts.iceServers || [];
    this.facing = opts.facingMode || 'user';
    this.state = 'idle';
    this.error = null;
    this.stream = null;
    this.audioOnly = false;
    this.micMuted = false;
    this.pc = null;
    this.session = null; // {location, etag}
    this.trickle = null; // null unknown, true/false once the server said
    this.restartOk = null; // ICE restart by PATCH: unknown/yes/no
    this.epoch = 0;
    this.startedAt = null; // the first time we went live
    this.reconnects = 0;
    this.notices = new Set();
    this.stats = null;
    this._timers = new Set();
    this._statsTimer = null;
    this._graceTimer = null;
    this._patchChain = Promise.resolve();
    this._pending = []; // candidates gathered after the offer was sent
    this._pendingEnd = false;
    this._offerSent = false;
    this._wake = null;
    this._lastBytes = null;
    this._listen();
  }

  // ---------------------------------------------------------------- API

  // Camera preview before going live (idle → requesting-media → idle).
  async preview() {
    if (this.state !== 'idle' && this.state !== 'stopped' &&
        this.state !== 'error') return;
    const epoch = ++this.epoch;
    this.error = null;
    try {
      this._checkEnvironment();
      if (!this._mediaUsable()) {
        this._set('requesting-media');
        await this._acquire(epoch);
      }
      this._set('idle');
    } catch (e) {
      this._fail(e, epoch);
    }
  }

  // Go live: idle|stopped|error → requesting-media → connecting → live.
  async start() {
    if (!['idle', 'stopped', 'error'].includes(this.state)) return;
    const epoch = ++this.epoch;
    this.error = null;
    this.tapAt = this.env.now();
    try {
      this._checkEnvironment();
      if (!this._mediaUsable()) {
        this._set('requesting-media');
        await this._acquire(epoch);
      }
      this._set('connecting');
      this._wakeLock();
      await this._connect(epoch);
      this._live();
    } catch (e) {
      this._fail(e, epoch);
    }
  }

  // Stop: DELETE the session (bounded), release camera and wake lock.
  // The DELETE goes first, while the connection is up, so the relay ends
  // its recording on its own terms (it finalizes on DELETE); then the
  // connection closes and the camera turns off.  Nothing the camera or
  // microphone picks up after the tap is sent: the tracks go black and
  // silent at once.
  async stop() {
    ++this.epoch;
    if (this.stream) {
      for (const t of this.stream.getTracks()) t.enabled = false;
    }
    const loc = this.session && this.session.location;
    const pc = this.pc;
    this.pc = null;
    this.session = null;
    this._clearTimers();
    this._releaseWake();
    this.notices.clear();
    this._notice();
    this._set('stopped');
    if (loc) await this._delete(loc);
    if (pc) {
      try {
        pc.close();
      } catch { /* closed already */ }
    }
    this._releaseMedia();
  }

  // The page is going away: fire the DELETE without waiting (keepalive).
  abandon() {
    const loc = this.session && this.session.location;
    ++this.epoch;
    this._clearTimers();
    this._closePc();
    this.session = null;
    if (loc) {
      try {
        this.env.fetch(loc, { method: 'DELETE', headers: this._auth({}),
          keepalive: true }).catch(() => {});
      } catch { /* nothing more to do */ }
    }
  }

  // Mute or unmute the microphone; the broadcast goes on.
  setMicMuted(muted) {
    this.micMuted = !!muted;
    if (this.stream) {
      for (const t of this.stream.getAudioTracks()) t.enabled = !muted;
    }
  }

  // How many cameras this device has (for showing "Switch camera").
  async cameraCount() {
    try {
      const ds = await this.env.mediaDevices.enumerateDevices();
      return ds.filter((d) => d.kind === 'videoinput').length;
    } catch {
      return 0;
    }
  }

  // Front ↔ back camera, live, without renegotiating (replaceTrack).
  // Phones cannot open two cameras at once: the old one stops first,
  // and comes back if the other cannot be opened.  Returns true when
  // the camera changed.
  async switchCamera() {
    if (!this.stream || this.audioOnly) return false;
    const old = this.stream.getVideoTracks()[0];
    if (!old) return false;
    const md = this.env.mediaDevices;
    const settings = old.getSettings ? old.getSettings() : {};
    const next = this.facing === 'user' ? 'environment' : 'user';
    let cams = [];
    try {
      cams = (await md.enumerateDevices())
        .filter((d) => d.kind === 'videoinput');
    } catch { /* keep [] */ }
    const tries = [];
    if (settings.facingMode || cams.length <= 1) {
      tries.push({ ...VIDEO, facingMode: { exact: next } });
    }
    if (cams.length > 1) {
      const i = cams.findIndex((d) => d.deviceId === settings.deviceId);
      const other = cams[(i + 1) % cams.length];
      tries.push({ ...VIDEO, deviceId: { exact: other.deviceId } });
    }
    old.stop();
    let track = null;
    for (const video of tries) {
      try {
        const s = await md.getUserMedia({ video });
        track = s.getVideoTracks()[0];
        if (track) break;
      } catch { /* try the next way */ }
    }
    let changed = true;
    if (!track) {
      changed = false;
      // Put the camera we had back.
      try {
        const s = await md.getUserMedia({ video: { ...VIDEO,
          ...(settings.deviceId ? { deviceId: { exact: settings.deviceId } }
            : { facingMode: this.facing }) } });
        track = s.getVideoTracks()[0];
      } catch {
        return false;
      }
    } else {
      this.facing = next;
    }
    await this._swapTrack(old, track);
    return changed;
  }

  // ----------------------------------------------------------- internals

  _set(state) {
    if (this.state === state) return;
    this.state = state;
    this.dispatchEvent(new CustomEvent('state', {
      detail: { state, error: this.error },
    }));
  }

  _notice(add, remove) {
    if (add) this.notices.add(add);
    if (remove) this.notices.delete(remove);
    this.dispatchEvent(new CustomEvent('notice', {
      detail: { notices: [...this.notices] },
    }));
  }

  _fail(e, epoch) {
    if (e instanceof Cancelled || epoch !== this.epoch) return;
    ++this.epoch;
    const err = e instanceof WhipError ? e : new WhipError('server',
      e && e.message);
    const loc = this.session && this.session.location;
    this._clearTimers();
    this._closePc();
    this.session = null;
    if (loc) this._delete(loc);
    this._releaseWake();
    // The camera stays on for Try again, unless it is the problem.
    this.error = err;
    this._set('error');
  }

  _checkEnvironment() {
    const env = this.env;
    if (!env.isSecureContext) throw new WhipError('insecure');
    if (!env.mediaDevices || !env.mediaDevices.getUserMedia ||
        !env.RTCPeerConnection || !env.fetch) {
      throw new WhipError('unsupported');
    }
  }

  _mediaUsable() {
    return !!this.stream && this.stream.getTracks().length > 0 &&
      this.stream.getTracks().every((t) => t.readyState !== 'ended');
  }

  _guard(epoch) {
    if (epoch !== this.epoch) throw new Cancelled();
  }

  // Camera and microphone; sound only when there is no camera.
  async _acquire(epoch) {
    const md = this.env.mediaDevices;
    let stream;
    this.audioOnly = false;
    try {
      stream = await md.getUserMedia({ audio: AUDIO,
        video: { ...VIDEO, facingMode: this.facing } });
    } catch (e) {
      this._guard(epoch);
      const code = mediaErrorCode(e);
      if (code !== 'no-devices') throw new WhipError(code, e && e.message);
      stream = await this._acquireFallback(epoch, e);
    }
    if (epoch !== this.epoch) {
      for (const t of stream.getTracks()) t.stop();
      throw new Cancelled();
    }
    this._releaseMedia();
    this.stream = stream;
    this.setMicMuted(this.micMuted);
    this._watchTracks(stream);
    if (this.audioOnly) this._notice('audio-only');
    else this._notice(null, 'audio-only');
    this.dispatchEvent(new CustomEvent('media', { detail: stream }));
  }

  // getUserMedia said NotFound: find out what is missing.
  async _acquireFallback(epoch, first) {
    const md = this.env.mediaDevices;
    let kinds = null;
    try {
      kinds = new Set((await md.enumerateDevices()).map((d) => d.kind));
    } catch { /* unknown */ }
    this._guard(epoch);
    const hasCam = !kinds || kinds.has('videoinput');
    const hasMic = !kinds || kinds.has('audioinput');
    if (hasCam && hasMic && kinds) {
      // Both are there: our constraints were too strict.
      try {
        return await md.getUserMedia({ audio: true, video: true });
      } catch (e) {
        throw new WhipError(mediaErrorCode(e), e && e.message);
      }
    }
    if (!hasMic) {
      throw new WhipError(hasCam && kinds ? 'no-microphone' : 'no-devices',
        first && first.message);
    }
    try {
      const s = await md.getUserMedia({ audio: AUDIO });
      this.audioOnly = true;
      return s;
    } catch (e) {
      const code = mediaErrorCode(e);
      throw new WhipError(code, e && e.message);
    }
  }

  _releaseMedia() {
    if (!this.stream) return;
    for (const t of this.stream.getTracks()) t.stop();
    this.stream = null;
  }

  _watchTracks(stream) {
    for (const t of stream.getTracks()) {
      t.addEventListener('ended', () => this._trackEnded(t));
    }
  }

  // A camera taken by the OS (a phone call, another app) or unplugged:
  // get it back when the page is visible.
  _trackEnded(track) {
    if (!this.stream || !this.stream.getTracks().includes(track)) return;
    if (this.state !== 'live' && this.state !== 'reconnecting') return;
    if (this._visible()) this._recoverMedia();
  }

  async _recoverMedia() {
    if (!this.stream) return;
    const md = this.env.mediaDevices;
    for (const old of this.stream.getTracks()) {
      if (old.readyState !== 'ended') continue;
      try {
        const s = await md.getUserMedia(old.kind === 'audio'
          ? { audio: AUDIO } : { video: { ...VIDEO,
            facingMode: this.facing } });
        const track = old.kind === 'audio' ? s.getAudioTracks()[0]
          : s.getVideoTracks()[0];
        if (track) {
          await this._swapTrack(old, track);
          this._notice('media-recovered');
        }
      } catch { /* the next visibility change tries again */ }
    }
  }

  async _swapTrack(old, track) {
    if (old.kind === 'audio') track.enabled = !this.micMuted;
    if (this.pc) {
      for (const tr of this.pc.getTransceivers()) {
        const kind = tr.receiver && tr.receiver.track
          ? tr.receiver.track.kind : tr.sender.track && tr.sender.track.kind;
        if (tr.sender.track !== old && kind !== old.kind) continue;
        try {
          await tr.sender.replaceTrack(track);
        } catch { /* the next reconnect sends it */ }
      }
    }
    if (this.stream) {
      this.stream.removeTrack(old);
      this.stream.addTrack(track);
      track.addEventListener('ended', () => this._trackEnded(track));
      this.dispatchEvent(new CustomEvent('media', { detail: this.stream }));
    }
  }

  _auth(headers) {
    if (this.token) headers.Authorization = `Bearer ${this.token}`;
    return headers;
  }

  async _fetch(url, init, epoch) {
    let res;
    try {
      res = await this.env.fetch(url, init);
    } catch (e) {
      this._guard(epoch);
      throw new WhipError('network', e && e.message);
    }
    this._guard(epoch);
    return res;
  }

  // A problem+json detail, when the server sent one.
  static async _detail(res) {
    try {
      const ct = res.headers.get('Content-Type') || '';
      if (!/json/.test(ct)) return null;
      const p = await res.json();
      return typeof p.detail === 'string' ? p.detail : null;
    } catch {
      return null;
    }
  }

  _sleep(ms, epoch) {
    return new Promise((resolve, reject) => {
      const id = this.env.setTimeout(() => {
        this._timers.delete(id);
        if (epoch !== undefined && epoch !== this.epoch) {
          reject(new Cancelled());
        } else resolve();
      }, ms);
      this._timers.add(id);
    });
  }

  _newPc() {
    const pc = new this.env.RTCPeerConnection({
      bundlePolicy: 'max-bundle',
      iceServers: this.iceServers,
    });
    pc.addEventListener('icecandidate', (ev) => {
      if (pc !== this.pc || !this._offerSent) return;
      if (ev.candidate && ev.candidate.candidate) {
        this._pending.push(ev.candidate.candidate);
      } else {
        this._pendingEnd = true;
      }
      this._flushTrickle();
    });
    const onState = () => this._pcState(pc);
    pc.addEventListener('connectionstatechange', onState);
    pc.addEventListener('iceconnectionstatechange', onState);
    return pc;
  }

  _addTracks(pc) {
    for (const track of this.stream.getTracks()) {
      const tr = pc.addTransceiver(track, { direction: 'sendonly',
        streams: [this.stream] });
      if (track.kind === 'video') this._preferH264(tr);
    }
  }

  _preferH264(tr) {
    if (!tr.setCodecPreferences) return;
    const codecs = this.env.capabilities && this.env.capabilities('video');
    if (!codecs || !codecs.length) return;
    try {
      tr.setCodecPreferences(preferH264(codecs));
    } catch { /* the browser's own order, then */ }
  }

  // Resolve once ICE gathering is complete or after gatherTimeoutMs,
  // whichever comes first: candidates found later go by trickle.
  _gathered(pc, epoch) {
    return new Promise((resolve, reject) => {
      if (pc.iceGatheringState === 'complete') {
        resolve();
        return;
      }
      let id = null;
      const done = () => {
        pc.removeEventListener('icegatheringstatechange', check);
        if (id !== null) {
          this.env.clearTimeout(id);
          this._timers.delete(id);
        }
        if (epoch !== this.epoch) reject(new Cancelled());
        else resolve();
      };
      const check = () => {
        if (pc.iceGatheringState === 'complete') done();
      };
      pc.addEventListener('icegatheringstatechange', check);
      id = this.env.setTimeout(done, this.t.gatherTimeoutMs);
      this._timers.add(id);
    });
  }

  // Connected: resolve; failed, closed or too slow: WhipError.
  _connected(pc, timeoutMs, epoch) {
    return new Promise((resolve, reject) => {
      let id = null;
      const finish = (err) => {
        pc.removeEventListener('connectionstatechange', check);
        pc.removeEventListener('iceconnectionstatechange', check);
        this.env.clearTimeout(id);
        this._timers.delete(id);
        if (epoch !== this.epoch) reject(new Cancelled());
        else if (err) reject(err);
        else resolve();
      };
      const state = () => pc.connectionState || pc.iceConnectionState;
      const check = () => {
        const s = state();
        if (s === 'connected' || s === 'completed') finish(null);
        else if (s === 'failed' || s === 'closed') {
          finish(new WhipError('connect-failed', `connection ${s}`));
        }
      };
      pc.addEventListener('connectionstatechange', check);
      pc.addEventListener('iceconnectionstatechange', check);
      id = this.env.setTimeout(() => finish(new WhipError('connect-failed',
        'timed out')), timeoutMs);
      this._timers.add(id);
      // Already connected counts; an old "failed" (before an ICE
      // restart) does not: wait for the next change.
      const s0 = state();
      if (s0 === 'connected' || s0 === 'completed') finish(null);
    });
  }

  // One WHIP session: offer (gathering bounded), POST, answer, connected.
  async _connect(epoch) {
    const pc = this._newPc();
    this.pc = pc;
    this._pending = [];
    this._pendingEnd = false;
    this._offerSent = false;
    this.session = null;
    this._addTracks(pc);
    const offer = await pc.createOffer();
    this._guard(epoch);
    await pc.setLocalDescription(offer);
    this._guard(epoch);
    await this._gathered(pc, epoch);
    const sdp = pc.localDescription.sdp;
    this._offerSent = true;
    this._sentInOffer = new Set(candidatesIn(sdp));
    this.postAt = this.env.now();
    const res = await this._fetch(this.url, {
      method: 'POST',
      headers: this._auth({ 'Content-Type': 'application/sdp',
        Accept: 'application/sdp' }),
      body: sdp,
    }, epoch);
    if (res.status !== 201 && res.status !== 200) {
      const detail = await WhipPublisher._detail(res);
      this._guard(epoch);
      throw new WhipError(httpErrorCode(res.status), detail, res.status);
    }
    const answer = await res.text();
    this._guard(epoch);
    const loc = res.headers.get('Location');
    this.session = {
      location: loc ? new URL(loc, this.url).href : null,
      etag: res.headers.get('ETag'),
    };
    const ap = res.headers.get('Accept-Patch');
    if (ap !== null) {
      const ok = /application\/trickle-ice-sdpfrag/i.test(ap);
      this.trickle = ok;
      if (!ok) this.restartOk = false;
    }
    try {
      await pc.setRemoteDescription({ type: 'answer', sdp: answer });
    } catch (e) {
      this._guard(epoch);
      throw new WhipError('rejected', e && e.message);
    }
    this._guard(epoch);
    this._flushTrickle();
    await this._connected(pc, this.t.connectTimeoutMs, epoch);
  }

  // Send the candidates found since the offer, in order, one PATCH at a
  // time, while the server takes them (RFC 9725 §4.4.1).
  _flushTrickle() {
    if (this.trickle === false || !this.session || !this.session.location) {
      return;
    }
    if (!this._pending.length && !this._pendingEnd) return;
    const pc = this.pc;
    const cands = this._pending.filter((c) => !this._sentInOffer.has(c));
    const end = this._pendingEnd;
    this._pending = [];
    this._pendingEnd = false;
    if (!cands.length && !end) return;
    const session = this.session;
    const frag = buildFragment(iceInfo(pc.localDescription.sdp), cands, end);
    const headers = this._auth({
      'Content-Type': 'application/trickle-ice-sdpfrag' });
    this._patchChain = this._patchChain.then(async () => {
      if (this.session !== session || this.trickle === false) return;
      if (session.etag) headers['If-Match'] = session.etag;
      try {
        const res = await this.env.fetch(session.location, {
          method: 'PATCH', headers, body: frag });
        if ([405, 415, 422, 501].includes(res.status)) this.trickle = false;
        else if (res.ok) this.trickle = true;
      } catch { /* ICE copes with a missing candidate */ }
    });
  }

  _live() {
    this._set('live');
    this.notices.delete('reconnect-slow');
    this._notice();
    if (this.startedAt === null) this.startedAt = this.env.now();
    this._wakeLock();
    this._startStats();
  }

  // The peer connection changed state; only the current one matters.
  _pcState(pc) {
    if (pc !== this.pc) return;
    const s = pc.connectionState || pc.iceConnectionState;
    if (this.state === 'live') {
      if (s === 'failed' || s === 'closed') this._reconnect();
      else if (s === 'disconnected') {
        this._set('reconnecting');
        this._armGrace(pc);
      }
    } else if (this.state === 'reconnecting' && this._graceTimer !== null &&
               (s === 'connected' || s === 'completed')) {
      // It healed by itself within the grace period.
      this._clearGrace();
      this._live();
    } else if (this.state === 'reconnecting' && this._graceTimer !== null &&
               (s === 'failed' || s === 'closed')) {
      this._clearGrace();
      this._reconnect();
    }
  }

  _armGrace(pc) {
    this._clearGrace();
    this._graceTimer = this.env.setTimeout(() => {
      this._graceTimer = null;
      if (pc !== this.pc || this.state !== 'reconnecting') return;
      const s = pc && (pc.connectionState || pc.iceConnectionState);
      // A short blip that the media path rode out: carry on.  While the
      // browser says it is offline, ICE saying "connected" only means
      // it has not noticed yet.
      if ((s === 'connected' || s === 'completed') && this._online()) {
        this._live();
      } else this._reconnect();
    }, this.t.disconnectGraceMs);
  }

  _clearGrace() {
    if (this._graceTimer !== null) this.env.clearTimeout(this._graceTimer);
    this._graceTimer = null;
  }

  // Get back on air: an ICE restart on the same session if the server
  // takes one, else new WHIP sessions with backoff until one connects or
  // the failure is one retrying cannot fix.
  async _reconnect() {
    const epoch = ++this.epoch;
    this._clearGrace();
    this._set('reconnecting');
    const began = this.env.now();
    this.reconnects++;
    try {
      if (await this._iceRestart(epoch)) {
        this._live();
        return;
      }
      for (let attempt = 0; ; attempt++) {
        this._guard(epoch);
        const old = this.session;
        this._closePc();
        this.session = null;
        // The relay answers 409 while it still holds our old session.
        if (old && old.location) await this._delete(old.location);
        this._guard(epoch);
        try {
          if (!this._mediaUsable()) await this._acquire(epoch);
          await this._connect(epoch);
          this._live();
          return;
        } catch (e) {
          if (e instanceof Cancelled) throw e;
          if (!(e instanceof WhipError) || !RETRYABLE.has(e.code)) throw e;
          const spent = this.env.now() - began;
          if (spent >= this.t.maxReconnectMs) throw e;
          if (spent >= this.t.slowReconnectMs &&
              !this.notices.has('reconnect-slow')) {
            this._notice('reconnect-slow');
          }
          const b = this.t.backoffMs;
          await this._sleepOrOnline(b[Math.min(attempt, b.length - 1)],
            epoch);
        }
      }
    } catch (e) {
      this._fail(e, epoch);
    }
  }

  // Wait, but come back at once when the browser says it is online.
  _sleepOrOnline(ms, epoch) {
    const win = this.env.window;
    if (!win || !win.addEventListener) return this._sleep(ms, epoch);
    return new Promise((resolve, reject) => {
      let id = null;
      const done = () => {
        win.removeEventListener('online', done);
        this.env.clearTimeout(id);
        this._timers.delete(id);
        if (epoch !== this.epoch) reject(new Cancelled());
        else resolve();
      };
      win.addEventListener('online', done);
      id = this.env.setTimeout(done, ms);
      this._timers.add(id);
    });
  }

  // ICE restart through PATCH (RFC 9725 §4.4.2).  true when back on air;
  // false when the server does not do restarts or this one failed.
  async _iceRestart(epoch) {
    const pc = this.pc;
    const session = this.session;
    if (!pc || !session || !session.location || this.restartOk === false ||
        pc.signalingState !== 'stable' || !pc.remoteDescription) {
      return false;
    }
    try {
      if (pc.restartIce) pc.restartIce();
      const offer = await pc.createOffer({ iceRestart: true });
      this._guard(epoch);
      await pc.setLocalDescription(offer);
      this._guard(epoch);
      this._offerSent = false;
      await this._gathered(pc, epoch);
      const sdp = pc.localDescription.sdp;
      this._sentInOffer = new Set(candidatesIn(sdp));
      this._offerSent = true;
      const frag = buildFragment(iceInfo(sdp), candidatesIn(sdp),
        pc.iceGatheringState === 'complete');
      const res = await this._fetch(session.location, {
        method: 'PATCH',
        headers: this._auth({
          'Content-Type': 'application/trickle-ice-sdpfrag',
          'If-Match': '*' }),
        body: frag,
      }, epoch);
      if ([405, 415, 422, 501].includes(res.status)) {
        this.restartOk = false;
        return false;
      }
      if (res.status !== 200) return false;
      const body = await res.text();
      this._guard(epoch);
      const remote = applyFragment(pc.remoteDescription.sdp, body);
      if (!remote) return false;
      const etag = res.headers.get('ETag');
      if (etag) session.etag = etag;
      await pc.setRemoteDescription({ type: 'answer', sdp: remote });
      this._guard(epoch);
      this.restartOk = true;
      await this._connected(pc, this.t.restartTimeoutMs, epoch);
      return true;
    } catch (e) {
      if (e instanceof Cancelled) throw e;
      return false;
    }
  }

  async _delete(location) {
    let id = null;
    const ctl = typeof AbortController === 'function'
      ? new AbortController() : null;
    const timeout = new Promise((resolve) => {
      id = this.env.setTimeout(() => {
        if (ctl) ctl.abort();
        resolve();
      }, this.t.deleteTimeoutMs);
    });
    const del = (async () => {
      try {
        await this.env.fetch(location, { method: 'DELETE',
          headers: this._auth({}), ...(ctl ? { signal: ctl.signal } : {}) });
      } catch { /* best effort: the relay times out idle sessions */ }
    })();
    await Promise.race([del, timeout]);
    this.env.clearTimeout(id);
  }

  _closePc() {
    const pc = this.pc;
    this.pc = null;
    this._clearGrace();
    if (pc) {
      try {
        pc.close();
      } catch { /* already closed */ }
    }
  }

  _clearTimers() {
    for (const id of this._timers) this.env.clearTimeout(id);
    this._timers.clear();
    this._clearGrace();
    this._stopStats();
  }

  // ------------------------------------------------- stats and quality

  _startStats() {
    if (this._statsTimer !== null) return;
    const tick = async () => {
      this._statsTimer = this.env.setTimeout(tick, this.t.statsIntervalMs);
      await this._sample();
    };
    this._statsTimer = this.env.setTimeout(tick, this.t.statsIntervalMs);
    this._sample();
  }

  _stopStats() {
    if (this._statsTimer !== null) this.env.clearTimeout(this._statsTimer);
    this._statsTimer = null;
    this._lastBytes = null;
  }

  async _sample() {
    const pc = this.pc;
    const now = this.env.now();
    const out = {
      elapsedMs: this.startedAt === null ? 0 : now - this.startedAt,
      bitrateKbps: null, rttMs: null, loss: null, fps: null,
      width: null, height: null, limitation: null,
      quality: this.state === 'reconnecting' ? 'lost' : 'unknown',
      reconnects: this.reconnects,
    };
    if (pc && this.state === 'live') {
      let report = null;
      try {
        report = await pc.getStats();
      } catch { /* keep nulls */ }
      if (report) Object.assign(out, summarize(report));
      if (out.bytes !== undefined) {
        if (this._lastBytes && this._lastBytes.pc === pc) {
          const dt = (now - this._lastBytes.at) / 1000;
          if (dt > 0) {
            out.bitrateKbps = Math.max(0,
              ((out.bytes - this._lastBytes.bytes) * 8) / 1000 / dt);
          }
        }
        this._lastBytes = { pc, at: now, bytes: out.bytes };
      }
      out.quality = qualityOf(out, this.audioOnly);
    }
    this.stats = out;
    this.dispatchEvent(new CustomEvent('stats', { detail: out }));
  }

  // ---------------------------------- wake lock, visibility, network

  _online() {
    return !this.env.online || this.env.online() !== false;
  }

  _visible() {
    const d = this.env.document;
    return !d || d.visibilityState !== 'hidden';
  }

  async _wakeLock() {
    const wl = this.env.wakeLock;
    if (!wl || !wl.request) {
      if (this.state === 'live') this._notice('no-wake-lock');
      return;
    }
    if (this._wake || !this._visible()) return;
    try {
      const lock = await wl.request('screen');
      if (!['connecting', 'live', 'reconnecting'].includes(this.state)) {
        lock.release();
        return;
      }
      this._wake = lock;
      lock.addEventListener('release', () => {
        if (this._wake === lock) this._wake = null;
      });
    } catch {
      /* not allowed now (battery saver, hidden): retried on visibility */
    }
  }

  _releaseWake() {
    const lock = this._wake;
    this._wake = null;
    if (lock) {
      try {
        lock.release();
      } catch { /* released already */ }
    }
  }

  _listen() {
    const doc = this.env.document;
    if (doc && doc.addEventListener) {
      doc.addEventListener('visibilitychange', () => this._visibility());
    }
    const win = this.env.window;
    if (win && win.addEventListener) {
      win.addEventListener('offline', () => {
        // Do not wait for ICE to notice: say so now.
        if (this.state === 'live') {
          this._set('reconnecting');
          this._armGrace(this.pc);
        }
      });
    }
  }

  _visibility() {
    const onAir = ['connecting', 'live', 'reconnecting'].includes(this.state);
    if (!this._visible()) {
      if (onAir) this._notice('hidden');
      return;
    }
    this._notice(null, 'hidden');
    if (!onAir) return;
    // Back on screen: keep the screen on again, restart a camera the
    // OS took away, and reconnect now if the connection went.
    this._wakeLock();
    if (this.stream &&
        this.stream.getTracks().some((t) => t.readyState === 'ended')) {
      this._recoverMedia();
    }
    const pc = this.pc;
    const s = pc && (pc.connectionState || pc.iceConnectionState);
    if (this.state === 'live' && s && s !== 'connected' &&
        s !== 'completed') {
      this._reconnect();
    }
  }
}

// Numbers from one getStats() report: bytes sent (for the bitrate),
// round-trip time, loss reported by the receiver, frame size and rate.
export function summarize(report) {
  let bytes = 0;
  let sawOutbound = false;
  let rtt = null;
  let loss = null;
  const r = { fps: null, width: null, height: null, limitation: null };
  let pairRtt = null;
  report.forEach((s) => {
    if (s.type === 'outbound-rtp') {
      sawOutbound = true;
      bytes += (s.bytesSent || 0) + (s.headerBytesSent || 0);
      if (s.kind === 'video') {
        if (s.framesPerSecond !== undefined) r.fps = s.framesPerSecond;
        if (s.frameWidth) r.width = s.frameWidth;
        if (s.frameHeight) r.height = s.frameHeight;
        if (s.qualityLimitationReason) {
          r.limitation = s.qualityLimitationReason;
        }
      }
    } else if (s.type === 'remote-inbound-rtp') {
      if (typeof s.roundTripTime === 'number') {
        rtt = Math.max(rtt || 0, s.roundTripTime);
      }
      if (typeof s.fractionLost === 'number') {
        loss = Math.max(loss || 0, s.fractionLost);
      }
    } else if (s.type === 'candidate-pair' && s.nominated &&
               s.state === 'succeeded' &&
               typeof s.currentRoundTripTime === 'number') {
      pairRtt = s.currentRoundTripTime;
    }
  });
  if (rtt === null) rtt = pairRtt;
  return {
    ...r,
    ...(sawOutbound ? { bytes } : {}),
    rttMs: rtt === null ? null : Math.round(rtt * 1000),
    loss,
  };
}

// good / fair / poor, from what the browser measured.
export function qualityOf(s, audioOnly) {
  const rtt = s.rttMs;
  const loss = s.loss;
  const kbps = s.bitrateKbps;
  if (kbps !== null && kbps < (audioOnly ? 8 : 40)) return 'poor';
  if ((rtt !== null && rtt > 1000) || (loss !== null && loss > 0.1)) {
    return 'poor';
  }
  if (kbps !== null && !audioOnly && kbps < 150) return 'poor';
  if ((rtt !== null && rtt > 300) || (loss !== null && loss > 0.02) ||
      s.limitation === 'bandwidth' ||
      (kbps !== null && !audioOnly && kbps < 400)) {
    return 'fair';
  }
  if (kbps === null && rtt === null) return 'unknown';
  return 'good';
}

// 0:05, 12:34, 1:02:03
export function formatElapsed(ms) {
  const t = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(t / 3600);
  const m = Math.floor((t % 3600) / 60);
  const s = t % 60;
  const ss = String(s).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}
