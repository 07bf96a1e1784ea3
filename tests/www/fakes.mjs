// fakes.mjs: the browser, faked, for www/js/whip.js's state machine.
//
// A manual clock (timers run only when a test advances it), a peer
// connection whose ICE gathering and connection state the test steers,
// getUserMedia with chosen failures, fetch answered by a handler that
// records every request, a Wake Lock and a document/window with events.

// Let every pending promise continuation run.
export async function settle() {
  for (let i = 0; i < 20; i++) {
    await new Promise((r) => setImmediate(r));
  }
}

export class FakeClock {
  constructor() {
    this.t = 0;
    this.seq = 0;
    this.timers = new Map();
  }

  now() {
    return this.t;
  }

  setTimeout(fn, ms) {
    const id = ++this.seq;
    this.timers.set(id, { at: this.t + Math.max(0, ms || 0), fn, id });
    return id;
  }

  clearTimeout(id) {
    this.timers.delete(id);
  }

  // Move time forward by ms, running each due timer in order and
  // letting promises settle after each.
  async advance(ms) {
    const end = this.t + ms;
    await settle();
    for (;;) {
      let next = null;
      for (const tm of this.timers.values()) {
        if (tm.at <= end && (!next || tm.at < next.at ||
            (tm.at === next.at && tm.id < next.id))) next = tm;
      }
      if (!next) break;
      this.timers.delete(next.id);
      this.t = next.at;
      next.fn();
      await settle();
    }
    this.t = end;
    await settle();
  }
}

export class FakeTrack extends EventTarget {
  constructor(kind, settings = {}) {
    super();
    this.kind = kind;
    this.readyState = 'live';
    this.enabled = true;
    this.settings = settings;
  }

  stop() {
    this.readyState = 'ended';
  }

  getSettings() {
    return this.settings;
  }

  // The OS took the device away (fires "ended", unlike stop()).
  lose() {
    this.readyState = 'ended';
    this.dispatchEvent(new Event('ended'));
  }
}

export class FakeStream {
  constructor(tracks) {
    this.tracks = [...tracks];
  }

  getTracks() {
    return [...this.tracks];
  }

  getAudioTracks() {
    return this.tracks.filter((t) => t.kind === 'audio');
  }

  getVideoTracks() {
    return this.tracks.filter((t) => t.kind === 'video');
  }

  addTrack(t) {
    this.tracks.push(t);
  }

  removeTrack(t) {
    this.tracks = this.tracks.filter((x) => x !== t);
  }
}

function domError(name) {
  const e = new Error(name);
  e.name = name;
  return e;
}

// devices: which kinds exist; fail: {video?: name, audio?: name, all?: name}
export class FakeMediaDevices {
  constructor({ devices = ['videoinput', 'audioinput'], fail = {} } = {}) {
    this.devices = devices;
    this.fail = fail;
    this.calls = [];
    this.facing = 'user';
  }

  async enumerateDevices() {
    return this.devices.map((kind, i) => ({ kind, deviceId: `${kind}-${i}`,
      label: '' }));
  }

  async getUserMedia(c) {
    this.calls.push(c);
    if (this.fail.all) throw domError(this.fail.all);
    const tracks = [];
    if (c.video) {
      if (this.fail.video) throw domError(this.fail.video);
      if (!this.devices.includes('videoinput')) throw domError('NotFoundError');
      const fm = c.video.facingMode;
      const facing = fm && typeof fm === 'object' ? fm.exact : fm || 'user';
      tracks.push(new FakeTrack('video', { deviceId: 'videoinput-0',
        facingMode: facing }));
    }
    if (c.audio) {
      if (this.fail.audio) throw domError(this.fail.audio);
      if (!this.devices.includes('audioinput')) throw domError('NotFoundError');
      tracks.push(new FakeTrack('audio', { deviceId: 'audioinput-1' }));
    }
    return new FakeStream(tracks);
  }
}

let ufragSeq = 0;

// The peer connection.  Class-level knobs, set per test:
//   FakePC.plan = {candidates: [[ms, 'candidate:...'], ...], completeAt: ms|null}
//   FakePC.autoConnectMs = ms after setRemoteDescription (null: never)
export function makeFakePC(clock) {
  class FakePC extends EventTarget {
    static instances = [];
    static plan = { candidates: [], completeAt: 5 };
    static autoConnectMs = 10;

    constructor(config) {
      super();
      this.config = config;
      this.transceivers = [];
      this.localDescription = null;
      this.remoteDescription = null;
      this.signalingState = 'stable';
      this.iceGatheringState = 'new';
      this.connectionState = 'new';
      this.iceConnectionState = 'new';
      this.gathered = [];
      this.closed = false;
      this.restarted = 0;
      this.remoteSets = [];
      this.bytes = 0;
      this.bytesPerSecond = 125000; // 1 Mbit/s
      FakePC.instances.push(this);
    }

    addTransceiver(track, init) {
      const tr = {
        init,
        prefs: null,
        sender: {
          track,
          replaced: [],
          async replaceTrack(t) {
            this.replaced.push(t);
            this.track = t;
          },
        },
        receiver: { track: { kind: track.kind } },
        setCodecPreferences(c) {
          this.prefs = c;
        },
      };
      this.transceivers.push(tr);
      return tr;
    }

    getTransceivers() {
      return this.transceivers;
    }

    getSenders() {
      return this.transceivers.map((t) => t.sender);
    }

    restartIce() {
      this.restarted++;
    }

    async createOffer(opts = {}) {
      if (!this.ufrag || opts.iceRestart) this.ufrag = `uf${++ufragSeq}`;
      const m = this.transceivers.map((t, i) => [
        t.sender.track.kind === 'video'
          ? 'm=video 9 UDP/TLS/RTP/SAVPF 102 96' : 'm=audio 9 UDP/TLS/RTP/SAVPF 111',
        'c=IN IP4 0.0.0.0',
        `a=ice-ufrag:${this.ufrag}`,
        `a=ice-pwd:pw-${this.ufrag}`,
        `a=mid:${i}`,
        'a=sendonly',
      ].join('\r\n')).join('\r\n');
      return { type: 'offer',
        sdp: `v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0 1\r\n${m}\r\n` };
    }

    async setLocalDescription(d) {
      this.baseSdp = d.sdp;
      this.gathered = [];
      this.signalingState = 'have-local-offer';
      this.iceGatheringState = 'gathering';
      this._sync();
      const gen = (this.gatherGen = (this.gatherGen || 0) + 1);
      for (const [ms, cand] of FakePC.plan.candidates) {
        clock.setTimeout(() => {
          if (this.closed || gen !== this.gatherGen) return;
          this.gathered.push(cand);
          this._sync();
          this.dispatchEvent(Object.assign(new Event('icecandidate'), {
            candidate: { candidate: cand } }));
        }, ms);
      }
      if (FakePC.plan.completeAt !== null) {
        clock.setTimeout(() => {
          if (this.closed || gen !== this.gatherGen) return;
          this.iceGatheringState = 'complete';
          this.dispatchEvent(new Event('icegatheringstatechange'));
          this.dispatchEvent(Object.assign(new Event('icecandidate'), {
            candidate: null }));
        }, FakePC.plan.completeAt);
      }
    }

    _sync() {
      const c = this.gathered.map((x) => `a=${x}\r\n`).join('');
      this.localDescription = { type: 'offer', sdp: this.baseSdp + c };
    }

    async setRemoteDescription(d) {
      if (this.closed) throw new Error('closed');
      if (!/^v=0/.test(d.sdp)) throw new Error('bad answer');
      this.remoteDescription = d;
      this.remoteSets.push(d.sdp);
      this.signalingState = 'stable';
      if (FakePC.autoConnectMs !== null) {
        clock.setTimeout(() => {
          if (!this.closed) this.setConnection('connected');
        }, FakePC.autoConnectMs);
      }
    }

    setConnection(s) {
      this.connectionState = s;
      this.iceConnectionState = s === 'connected' ? 'connected' : s;
      this.dispatchEvent(new Event('iceconnectionstatechange'));
      this.dispatchEvent(new Event('connectionstatechange'));
    }

    async getStats() {
      this.bytes += this.bytesPerSecond;
      return new Map([
        ['o1', { type: 'outbound-rtp', kind: 'video', bytesSent: this.bytes,
          headerBytesSent: 0, framesPerSecond: 30, frameWidth: 1280,
          frameHeight: 720, qualityLimitationReason: 'none' }],
        ['r1', { type: 'remote-inbound-rtp', roundTripTime: 0.05,
          fractionLost: 0 }],
      ]);
    }

    close() {
      this.closed = true;
      this.connectionState = 'closed';
      this.signalingState = 'closed';
    }
  }
  return FakePC;
}

export const ANSWER = 'v=0\r\no=- 9 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n'
  + 'm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=ice-ufrag:srv1\r\na=ice-pwd:srvpw1\r\n'
  + 'a=mid:0\r\na=candidate:1 1 udp 2130706431 127.0.0.1 40000 typ host\r\n'
  + 'm=video 9 UDP/TLS/RTP/SAVPF 102\r\na=mid:1\r\na=rtpmap:102 H264/90000\r\n';

// fetch answered by handler(req) → {status, headers?, body?} or a throw.
export function makeFetch(handler) {
  const requests = [];
  const fetch = async (url, init = {}) => {
    const req = { url: String(url), method: init.method || 'GET',
      headers: { ...(init.headers || {}) }, body: init.body,
      keepalive: !!init.keepalive };
    requests.push(req);
    const r = await handler(req);
    return new Response(r.status === 204 ? null : (r.body ?? ''), {
      status: r.status, headers: r.headers || {} });
  };
  return { fetch, requests };
}

// A WHIP server: 201 + Location + ETag; PATCH per options.
export function whipServer(opts = {}) {
  let n = 0;
  return async (req) => {
    if (req.method === 'POST') {
      if (opts.post) {
        const r = await opts.post(req, n);
        if (r) return r;
      }
      n++;
      return { status: 201, body: ANSWER, headers: {
        'Content-Type': 'application/sdp',
        Location: `/whip/s1/session-${n}`,
        ETag: `"e${n}"`,
        ...(opts.acceptPatch !== undefined
          ? (opts.acceptPatch ? { 'Accept-Patch': opts.acceptPatch } : {})
          : { 'Accept-Patch': 'application/trickle-ice-sdpfrag' }),
      } };
    }
    if (req.method === 'PATCH') {
      if (opts.patch) return opts.patch(req);
      return { status: 204 };
    }
    if (req.method === 'DELETE') return { status: 200 };
    return { status: 405 };
  };
}

export class FakeWakeLock {
  constructor() {
    this.requests = 0;
    this.active = new Set();
  }

  async request(type) {
    this.requests++;
    const lock = new EventTarget();
    lock.type = type;
    lock.released = false;
    lock.release = async () => {
      if (lock.released) return;
      lock.released = true;
      this.active.delete(lock);
      lock.dispatchEvent(new Event('release'));
    };
    this.active.add(lock);
    return lock;
  }

  // The browser drops every lock when the page is hidden.
  dropAll() {
    for (const l of [...this.active]) l.release();
  }
}

export class FakeDocument extends EventTarget {
  constructor() {
    super();
    this.visibilityState = 'visible';
  }

  setVisible(v) {
    this.visibilityState = v ? 'visible' : 'hidden';
    this.dispatchEvent(new Event('visibilitychange'));
  }
}

export const CODECS = [
  { mimeType: 'video/VP8', clockRate: 90000 },
  { mimeType: 'video/rtx', clockRate: 90000, sdpFmtpLine: 'apt=96' },
  { mimeType: 'video/H264', clockRate: 90000,
    sdpFmtpLine: 'level-asymmetry-allowed=1;packetization-mode=0;profile-level-id=42001f' },
  { mimeType: 'video/VP9', clockRate: 90000 },
  { mimeType: 'video/H264', clockRate: 90000,
    sdpFmtpLine: 'level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f' },
  { mimeType: 'video/H264', clockRate: 90000,
    sdpFmtpLine: 'level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=4d001f' },
];

// Everything together.  Returns {env, clock, PC, media, net, wake, doc, win}.
export function fakeEnv(o = {}) {
  const clock = new FakeClock();
  const PC = makeFakePC(clock);
  const media = new FakeMediaDevices(o.media);
  const net = makeFetch(o.server || whipServer(o.whip));
  const wake = new FakeWakeLock();
  const doc = new FakeDocument();
  const win = new EventTarget();
  const env = {
    RTCPeerConnection: PC,
    fetch: net.fetch,
    mediaDevices: media,
    capabilities: () => CODECS,
    setTimeout: (f, ms) => clock.setTimeout(f, ms),
    clearTimeout: (id) => clock.clearTimeout(id),
    now: () => clock.now(),
    isSecureContext: o.secure !== false,
    wakeLock: wake,
    document: doc,
    window: win,
  };
  return { env, clock, PC, media, net, wake, doc, win };
}
