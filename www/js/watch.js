// watch.js: the watch page (/watch.html?id=STREAM), for anyone.
//
// Honest states, from the stream's status and recordings:
//   waiting     not started yet: checks again by itself
//   live        Cloudflare's or the local HLS (or WHEP for Direct); until
//               media flows the manifest is missing (or WHEP answers
//               204/409): "starting", retried a bounded number of times
//   processing  ended, recording not ready yet: checks again by itself
//   replay      the preferred ready recording, falling back to the next
//               ready source when one will not play
import { showAccount } from './account.js';
import { api, ApiError, idParam } from './api.js';
import { play } from './player.js';
import { NotLiveYet, whepPlay } from './whep.js';
import {
  $, clear, el, fmtDate, fmtDuration, setText, show, SOURCE_NAMES,
} from './ui.js';

const streamId = idParam('id');
const video = $('video');
const POLL_MS = 5000; // status checks while waiting or processing
const LIVE_POLL_MS = 15000; // while playing live: has it ended?
const PROBE_MAX = 30; // manifest checks before asking for Try again
const ORDER = ['cloudflare', 'mux', 'local'];

let stream = null;
let current = null; // {kind: 'live'|'replay', url, handle}
let probes = 0;
let pollTimer = null;
let probeTimer = null;
let replayTried = new Set();

// The line under the player, as a badge: words and colour.
function stateLine(text, kind) {
  const n = $('state');
  n.textContent = text;
  n.className = `status-line badge status-${kind}`;
}

function mode(m, text) {
  document.body.dataset.watch = m;
  setText('overlay-text', text || '');
  show('overlay', !!text);
  show('retry', false);
}

function stopPlayer() {
  if (current && current.handle) {
    try {
      current.handle.destroy();
    } catch { /* gone already */ }
  }
  current = null;
  video.pause();
  delete document.body.dataset.playing;
}

video.addEventListener('playing', () => {
  document.body.dataset.playing = current ? current.kind : 'yes';
  show('overlay', false);
  show('unmute', video.muted);
});
video.addEventListener('volumechange', () => {
  if (!video.muted) show('unmute', false);
});
$('unmute').addEventListener('click', () => {
  video.muted = false;
  video.play().catch(() => {});
  show('unmute', false);
});
$('retry').addEventListener('click', () => {
  probes = 0;
  replayTried = new Set();
  stopPlayer();
  decide();
});

function schedulePoll(ms) {
  clearTimeout(pollTimer);
  pollTimer = setTimeout(poll, ms);
}

async function poll() {
  try {
    const r = await api('GET', `/api/streams/${encodeURIComponent(streamId)}`);
    stream = r.stream;
    renderInfo();
  } catch { /* keep what we had; try again */ }
  decide();
}

function renderInfo() {
  setText('title', stream.title);
  document.title = `${stream.title} — Vigil`;
  const back = $('back');
  back.href = `/memorial.html?id=${encodeURIComponent(stream.memorialId)}`;
  back.textContent = 'All streams of this memorial';
  const when = [];
  if (stream.status === 'ready' && stream.scheduledAt) {
    when.push(`Starts ${fmtDate(stream.scheduledAt)}`);
  }
  if (stream.startedAt) when.push(`Started ${fmtDate(stream.startedAt)}`);
  if (stream.endedAt) when.push(`ended ${fmtDate(stream.endedAt)}`);
  setText('when', when.join(', '));
  show('when', when.length > 0);
  renderRecordings();
}

// Every ready recording, each playable on demand.
function readyRecordings() {
  const out = [];
  const srcs = stream.recordingSources || {};
  for (const k of ORDER) {
    const src = srcs[k];
    if (!src) continue;
    const ready = (src.recordings || []).filter((r) => r.state === 'ready' &&
      r.playbackUrl);
    if (ready.length) {
      ready.forEach((r, i) => out.push({ source: k, url: r.playbackUrl,
        duration: r.duration, part: ready.length > 1 ? i + 1 : 0 }));
    } else if (src.available && src.playbackUrl) {
      out.push({ source: k, url: src.playbackUrl, duration: src.duration,
        part: 0 });
    }
  }
  return out;
}

function renderRecordings() {
  const list = readyRecordings();
  const ul = clear($('recordings'));
  for (const r of list) {
    const label = `${SOURCE_NAMES[r.source]} recording${
      r.part ? `, part ${r.part}` : ''}${r.duration ? ` (${
      fmtDuration(r.duration)})` : ''}`;
    ul.append(el('li', {}, el('button', { type: 'button', class: 'link',
      onclick: () => startReplay(r.url) }, label)));
  }
  show('recordings-section', list.length > 1);
}

// Sources to try for the replay: the preferred one, then the others.
function replayUrls() {
  const srcs = stream.recordingSources || {};
  const names = [stream.preferredRecordingSource,
    ...ORDER.filter((k) => k !== stream.preferredRecordingSource)];
  const urls = [];
  if (stream.playback && stream.playback.replay) {
    urls.push(stream.playback.replay);
  }
  for (const k of names) {
    const s = k && srcs[k];
    if (s && s.available && s.playbackUrl) urls.push(s.playbackUrl);
  }
  for (const r of readyRecordings()) urls.push(r.url);
  return [...new Set(urls)];
}

function decide() {
  if (!stream) return;
  const status = stream.status;
  if (status === 'ready') {
    stopPlayer();
    mode('waiting', stream.scheduledAt
      ? `The broadcast starts ${fmtDate(stream.scheduledAt)}. This page `
        + 'starts playing by itself when it does.'
      : 'The broadcast has not started yet. This page starts playing by '
        + 'itself when it does.');
    stateLine('Not started yet', 'ready');
    schedulePoll(POLL_MS);
    return;
  }
  if (status === 'live') {
    if (!current || current.kind !== 'live') startLive();
    schedulePoll(LIVE_POLL_MS);
    return;
  }
  // completed
  const urls = replayUrls();
  if (!urls.length) {
    stopPlayer();
    if (stream.streamingMethod === 'cloudflare_whip' ||
        !Object.keys(stream.recordingSources || {}).length) {
      mode('ended', 'The broadcast has ended. It was not recorded.');
      stateLine('Ended', 'completed');
      return;
    }
    const failed = Object.values(stream.recordingSources || {})
      .every((s) => s.state === 'failed');
    mode('processing', failed
      ? 'The broadcast has ended, but its recording could not be made.'
      : 'The broadcast has ended. The recording is being prepared; this '
        + 'page shows it as soon as it is ready.');
    stateLine(failed ? 'Ended — no recording' : 'Ended — recording being '
      + 'prepared', 'completed');
    if (!failed) schedulePoll(POLL_MS * 2);
    return;
  }
  if (!current || current.kind !== 'replay') startReplay();
}

async function startReplay(url) {
  const urls = url ? [url] : replayUrls().filter((u) => !replayTried.has(u));
  if (!urls.length) {
    mode('error', 'The recording could not be played here. Try again, or '
      + 'try another browser.');
    show('retry');
    return;
  }
  stopPlayer();
  const u = urls[0];
  replayTried.add(u);
  mode('replay', null);
  const src = readyRecordings().find((r) => r.url === u);
  stateLine(src ? `Recording, from ${SOURCE_NAMES[src.source]}`
    : 'Recording', 'completed');
  video.muted = false;
  video.autoplay = false;
  const handle = await play(video, u, { onFatal: () => {
    // The next ready source, if there is one.
    if (current && current.url === u) {
      current = null;
      startReplay();
    }
  } });
  current = { kind: 'replay', url: u, handle };
}

function probeLater(text) {
  probes++;
  if (probes > PROBE_MAX) {
    mode('live', 'The broadcast has started, but no picture has reached '
      + 'this page yet.');
    show('retry');
    return;
  }
  mode('live', text);
  clearTimeout(probeTimer);
  probeTimer = setTimeout(startLive, Math.min(2000 + probes * 250, 5000));
}

async function startLive() {
  if (!stream || stream.status !== 'live') return;
  stateLine('Live', 'live');
  const pb = stream.playback || {};
  const starting = 'The broadcast is starting…';
  if (stream.streamingMethod === 'cloudflare_whip' && pb.whep) {
    try {
      stopPlayer();
      video.muted = true;
      video.autoplay = true;
      const handle = await whepPlay(pb.whep, video);
      current = { kind: 'live', url: pb.whep, handle };
      mode('live', null);
      handle.pc.addEventListener('connectionstatechange', () => {
        if (['failed', 'closed'].includes(handle.pc.connectionState) &&
            current && current.handle === handle) {
          stopPlayer();
          probeLater(starting);
        }
      });
    } catch (e) {
      probeLater(e instanceof NotLiveYet ? starting
        : 'Trying to connect to the broadcast…');
    }
    return;
  }
  // Cloudflare's HLS first (it scales); for a Browser stream, the
  // relay's own HLS on this server too (the path the API also uses), so
  // viewers still see the service when the push to Cloudflare fails.
  const urls = [...new Set([pb.liveHls,
    stream.streamingMethod === 'whip_browser'
      ? `/media/${encodeURIComponent(stream.id)}/live.m3u8` : null]
    .filter(Boolean))];
  if (!urls.length) {
    mode('live', 'The broadcast is live, but it cannot be watched from '
      + 'here.');
    return;
  }
  // Is media flowing yet?  Until it is, the manifest is missing or
  // empty (404 locally; Cloudflare answers 204 or 409).
  let url = null;
  for (const u of urls) {
    try {
      const res = await fetch(u, { cache: 'no-store', credentials: 'omit' });
      if (res.status === 200 &&
          /#EXTINF|#EXT-X-STREAM-INF/.test(await res.text())) {
        url = u;
        break;
      }
    } catch { /* not reachable (yet): the next one */ }
  }
  if (!url) {
    probeLater(starting);
    return;
  }
  stopPlayer();
  video.muted = true;
  video.autoplay = true;
  const handle = await play(video, url, { live: true, onFatal: () => {
    if (current && current.url === url) {
      stopPlayer();
      probeLater('The picture stopped; reconnecting…');
    }
  } });
  current = { kind: 'live', url, handle };
  mode('live', null);
  video.play().catch(() => show('unmute'));
}

// A live picture that stops moving is started again: a player does not
// always notice by itself, e.g. when the relay's playlist starts over
// after the publisher reconnected, or a segment never comes.
const STALL_MS = 10000;
let lastTime = -1;
let lastMove = 0;
setInterval(() => {
  if (!current || current.kind !== 'live' || !document.body.dataset.playing
      || video.paused || document.hidden) {
    lastTime = -1;
    return;
  }
  const now = Date.now();
  if (video.currentTime !== lastTime) {
    lastTime = video.currentTime;
    lastMove = now;
  } else if (now - lastMove > STALL_MS) {
    lastTime = -1;
    stopPlayer();
    probeLater('The picture stopped; reconnecting…');
  }
}, 1000);

// The live playlist ended (the publisher stopped): look again.
video.addEventListener('ended', () => {
  if (current && current.kind === 'live') {
    stopPlayer();
    poll();
  }
});

async function main() {
  showAccount();
  if (!streamId) {
    setText('title', 'No stream chosen');
    mode('error', 'This link does not name a stream.');
    return;
  }
  try {
    stream = (await api('GET',
      `/api/streams/${encodeURIComponent(streamId)}`)).stream;
  } catch (e) {
    setText('title', 'Stream not available');
    mode('error', e instanceof ApiError && e.status === 404
      ? 'There is no such stream. Check the link.'
      : 'The stream could not be loaded. Check the connection.');
    show('retry', !(e instanceof ApiError && e.status === 404));
    $('retry').onclick = () => location.reload();
    return;
  }
  renderInfo();
  decide();
}

main();
