// golive.js: the publisher page (/golive.html?id=STREAM).  Everything
// about WHIP lives in whip.js; this file turns its states, notices and
// stats into words, buttons and the preview.
import { showAccount, signInHelp } from './account.js';
import {
  api, ApiError, freshPublishToken, idParam, publishToken,
} from './api.js';
import { MESSAGES, WhipPublisher, formatElapsed } from './whip.js';
import { $, clear, confirmDialog, el, setText, show } from './ui.js';

const streamId = idParam('id');
const body = document.body;

const PILL = {
  idle: ['Not live', 'pill-idle'],
  'requesting-media': ['Starting…', 'pill-busy'],
  connecting: ['Connecting…', 'pill-busy'],
  live: ['● LIVE', 'pill-live'],
  reconnecting: ['Reconnecting…', 'pill-warn'],
  stopped: ['Stopped', 'pill-idle'],
  error: ['Not live', 'pill-error'],
};

const STATUS = {
  idle: 'Ready when you are.',
  'requesting-media': 'Allow the camera and microphone when your browser '
    + 'asks.',
  connecting: 'Connecting to Vigil…',
  live: 'You are live. Viewers can watch now.',
  reconnecting: 'The connection dropped. Reconnecting by itself — keep this '
    + 'page open.',
  stopped: 'Broadcast stopped.',
  error: 'Not broadcasting.',
};

function blocked(...content) {
  const b = clear($('blocked'));
  b.append(...content);
  show(b);
  show('app', false);
  body.dataset.state = 'blocked';
}

function para(text) {
  return el('p', { text });
}

let publisher = null;
let stream = null;
let lastElapsed = 0;

function render(state) {
  body.dataset.state = state;
  const [pill, cls] = PILL[state];
  const p = $('pill');
  p.textContent = pill;
  p.className = `pill ${cls}`;
  setText('status', publisher && publisher.stream && state === 'idle'
    ? 'Camera on. Tap Go Live to start broadcasting.' : STATUS[state]);
  const onAir = state === 'live' || state === 'reconnecting';
  const busy = state === 'requesting-media' || state === 'connecting';
  show('golive', state === 'idle' || busy);
  const go = $('golive');
  go.disabled = busy;
  go.textContent = busy ? (state === 'connecting' ? 'Connecting…'
    : 'Starting camera…') : 'Go Live';
  show('stop', onAir || busy);
  $('stop').disabled = false;
  show('preview-btn', state === 'idle' && !(publisher && publisher.stream));
  show('mute', onAir || busy || (state === 'idle' && !!(publisher &&
    publisher.stream)));
  show('elapsed', onAir);
  show('after', state === 'stopped');
  if (!publisher || !publisher.stream) show('switch', false);
  show('error', state === 'error');
  if (state === 'error' && publisher.error) {
    setText('error-text', publisher.error.message);
    // Only the server's own words (problem+json detail) are shown: a
    // browser's exception text means nothing to a person.
    const d = publisher.error.status ? publisher.error.detail : null;
    setText('error-detail', d ? `The server said: ${d}` : '');
    show('error-detail', !!d);
  }
  if (state === 'stopped') {
    setText('after-text', lastElapsed > 0
      ? `You were live for ${formatElapsed(lastElapsed)}. The recording `
        + 'is on the watch page once it has been processed. If the service '
        + 'is not over, go live again on this stream.'
      : 'If the service is not over, go live again on this stream.');
  }
  if (!onAir) {
    setQuality('unknown');
    setText('bitrate', '');
  } else if (state === 'reconnecting') {
    setQuality('lost');
    setText('bitrate', '');
  }
  const hasVideo = publisher && publisher.stream &&
    publisher.stream.getVideoTracks().length > 0;
  show('stage-empty', !hasVideo);
  if (publisher && publisher.audioOnly && publisher.stream) {
    setText('stage-text', 'Sound only: no camera.');
  }
}

function setQuality(q) {
  const n = $('quality');
  n.className = `quality q-${q}`;
  const words = { good: 'good', fair: 'fair', poor: 'poor',
    lost: 'lost', unknown: 'not measured yet' };
  n.setAttribute('aria-label', `Connection quality: ${words[q] || q}`);
  n.title = `Connection: ${words[q] || q}`;
}

function renderNotices(codes) {
  const ul = clear($('notices'));
  for (const c of codes) {
    ul.append(el('li', { class: `notice-item notice-${c}`,
      dataset: { code: c } }, MESSAGES[c] || c));
  }
}

function kbps(v) {
  if (v === null || v === undefined) return '';
  return v >= 1000 ? `${(v / 1000).toFixed(1)} Mbit/s`
    : `${Math.round(v)} kbit/s`;
}

async function updateSwitch() {
  const n = publisher && publisher.stream && !publisher.audioOnly
    ? await publisher.cameraCount() : 0;
  show('switch', n > 1);
}

function wire() {
  const video = $('preview');
  publisher.addEventListener('state', (e) => render(e.detail.state));
  // The stage takes the camera's shape: portrait on a phone held
  // upright, landscape otherwise.
  video.addEventListener('resize', () => {
    const portrait = video.videoHeight > video.videoWidth;
    $('stage').classList.toggle('portrait', portrait);
    $('stage').classList.toggle('landscape', !portrait);
  });
  publisher.addEventListener('media', (e) => {
    video.srcObject = e.detail;
    video.play().catch(() => {});
    render(publisher.state);
    updateSwitch();
  });
  publisher.addEventListener('notice', (e) => renderNotices(e.detail.notices));
  publisher.addEventListener('stats', (e) => {
    const s = e.detail;
    lastElapsed = s.elapsedMs;
    setText('elapsed', formatElapsed(s.elapsedMs));
    setQuality(s.quality);
    const parts = [];
    if (s.bitrateKbps !== null) parts.push(`Sending ${kbps(s.bitrateKbps)}`);
    if (s.width && s.height) parts.push(`${s.width}×${s.height}`);
    setText('bitrate', parts.join(' · '));
  });

  $('golive').addEventListener('click', () => publisher.start());
  $('retry').addEventListener('click', () => publisher.start());
  $('resume').addEventListener('click', () => publisher.start());
  $('preview-btn').addEventListener('click', () => publisher.preview());
  $('stop').addEventListener('click', async () => {
    const ok = await confirmDialog({ title: 'Stop the broadcast?',
      text: 'Viewers stop seeing you. You can go live again on this stream '
        + 'afterwards.', yes: 'Stop broadcast', no: 'Keep broadcasting',
      danger: true });
    if (ok) {
      $('stop').disabled = true;
      await publisher.stop();
    }
  });
  $('switch').addEventListener('click', async () => {
    const b = $('switch');
    b.disabled = true;
    const ok = await publisher.switchCamera();
    b.disabled = false;
    setText('status', ok ? 'Camera switched.'
      : 'Could not switch the camera; still using the same one.');
  });
  $('mute').addEventListener('click', () => {
    const m = !publisher.micMuted;
    publisher.setMicMuted(m);
    const b = $('mute');
    b.setAttribute('aria-pressed', String(m));
    b.textContent = m ? 'Unmute microphone' : 'Mute microphone';
    b.classList.toggle('on', m);
  });
  $('finish').addEventListener('click', async () => {
    const ok = await confirmDialog({ title: 'End the stream for everyone?',
      text: 'The service is over: the stream is marked ended and the '
        + 'recordings are finished. You cannot go live on it again.',
      yes: 'End stream', danger: true });
    if (!ok) return;
    try {
      await api('POST', `/api/streams/${encodeURIComponent(streamId)}/end`);
      location.href = $('watch-link').href;
    } catch (e) {
      setText('after-text', e instanceof ApiError && e.detail ? e.detail
        : 'Could not end the stream. Try again.');
    }
  });

  // Leaving the page while live would end the broadcast: ask first, and
  // if the page does go, tell the relay at once.
  window.addEventListener('beforeunload', (ev) => {
    if (['live', 'reconnecting', 'connecting'].includes(publisher.state)) {
      ev.preventDefault();
      ev.returnValue = '';
    }
  });
  window.addEventListener('pagehide', (ev) => {
    if (!ev.persisted) publisher.abandon();
  });
}

async function main() {
  if (!window.isSecureContext) {
    blocked(para(MESSAGES.insecure));
    body.dataset.state = 'error';
    body.dataset.error = 'insecure';
    return;
  }
  const who = await showAccount();
  if (!streamId) {
    blocked(para('This link does not name a stream. Go back to the '
      + 'memorial’s page and tap Go Live on a stream.'));
    return;
  }
  if (!who) {
    blocked(signInHelp());
    return;
  }
  try {
    stream = (await api('GET',
      `/api/streams/${encodeURIComponent(streamId)}`)).stream;
  } catch (e) {
    blocked(para(e instanceof ApiError && e.status === 404
      ? 'There is no such stream. It may have been deleted.'
      : (e.detail || 'Could not load the stream. Reload the page.')));
    return;
  }
  const back = `/memorial.html?id=${encodeURIComponent(stream.memorialId)}`;
  $('back').href = back;
  $('back').textContent = 'Streams';
  $('watch-link').href = `/watch.html?id=${encodeURIComponent(stream.id)}`;
  document.title = `Go Live: ${stream.title} — Vigil`;
  setText('title', stream.title);
  const backLink = el('a', { href: back }, 'Back to the streams');
  if (stream.status === 'completed') {
    blocked(para('This stream has ended. Create a new stream to broadcast '
      + 'again.'), el('p', {}, backLink));
    return;
  }
  if (stream.streamingMethod === 'obs') {
    blocked(para('This stream is broadcast with OBS or an encoder, not from '
      + 'the browser. Its settings are on the streams page.'),
    el('p', {}, backLink));
    return;
  }
  if (!stream.whipUrl) {
    blocked(para('Only the memorial’s owner and its funeral directors can '
      + 'broadcast this stream.'), el('p', {}, backLink));
    return;
  }
  let token = null;
  if (stream.streamingMethod === 'whip_browser') {
    token = publishToken(stream.id);
    if (!token) {
      // Created elsewhere: ask for a broadcast key for this device.
      try {
        token = await freshPublishToken(stream.id);
      } catch (e) {
        blocked(para(e instanceof ApiError && e.status === 403
          ? 'Only the memorial’s owner and its funeral directors can '
            + 'broadcast this stream.'
          : (e.detail || 'Could not get a broadcast key for this device. '
            + 'Reload the page to try again.')), el('p', {}, backLink));
        return;
      }
    }
  }
  publisher = new WhipPublisher({ url: stream.whipUrl, token });
  window.vigil = { publisher };
  wire();
  show('app');
  render('idle');
}

main();
