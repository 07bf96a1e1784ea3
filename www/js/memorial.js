// memorial.js: one memorial's streams (/memorial.html?id=M): status and
// recording badges, "Create stream", OBS credentials with copy buttons,
// Go Live, Watch, Mark as live, End, Delete.  Refreshes itself while
// the page is visible.
import { showAccount, signInHelp } from './account.js';
import {
  api, ApiError, idParam, keepPublishToken, session,
} from './api.js';
import { rememberMemorial } from './recent.js';
import { streamCard } from './cards.js';
import { $, clear, confirmDialog, el, setText, show } from './ui.js';

const REFRESH_MS = 10000;
const PAGE = 20;

const memorialId = idParam('id');
const streams = new Map(); // id → stream, in display order
let canControl = false;
let nextCursor = null;
let refreshTimer = null;

function problemText(e, what) {
  if (!(e instanceof ApiError)) return `Could not ${what}. Try again.`;
  if (e.status === 0) return e.detail;
  if (e.status === 401) {
    return 'You are signed out. Open your sign-in link on this device, '
      + 'then try again.';
  }
  if (e.status === 403) return `You are not allowed to ${what}.`;
  if (e.status === 429) {
    return 'Too many requests in a short time. Wait a few seconds and try '
      + 'again.';
  }
  return e.detail || e.title || `Could not ${what}. Try again.`;
}

function notice(parts, kind = 'ok') {
  const n = clear($('notice'));
  n.className = `notice notice-${kind}`;
  for (const p of [].concat(parts)) n.append(el('p', {}, p));
  show(n);
}

function loadError(text) {
  const n = clear($('load-error'));
  n.append(el('p', { text }));
  show(n);
}

// ------------------------------------------------------------- cards

function render() {
  const ul = $('streams');
  const want = [...streams.values()];
  show('empty', want.length === 0);
  // Replace only the cards whose stream changed: focus and an opened
  // OBS panel survive a refresh.
  const have = new Map([...ul.children].map((li) => [li.dataset.id, li]));
  let prev = null;
  for (const s of want) {
    const sig = JSON.stringify(s);
    let li = have.get(s.id);
    if (!li || li.dataset.sig !== sig) {
      const fresh = streamCard(s, { canControl,
        actions });
      fresh.dataset.sig = sig;
      if (li) {
        const open = li.querySelector('details[open]');
        if (open) fresh.querySelector('details')?.setAttribute('open', '');
        li.replaceWith(fresh);
      }
      li = fresh;
    }
    have.delete(s.id);
    if (prev ? prev.nextSibling !== li : ul.firstChild !== li) {
      if (prev) prev.after(li);
      else ul.prepend(li);
    }
    prev = li;
  }
  for (const li of have.values()) li.remove();
  show('more', !!nextCursor);
}

async function loadPage(cursor) {
  const q = new URLSearchParams({ memorialId, limit: String(PAGE) });
  if (cursor) q.set('cursor', cursor);
  return api('GET', `/api/streams?${q}`);
}

// The first page again: new streams on top, changed ones updated.
// (A deleted stream stays listed: its recordings are kept.)
async function refresh() {
  try {
    const r = await loadPage(null);
    const rest = [...streams.values()];
    streams.clear();
    for (const s of r.streams) streams.set(s.id, s);
    for (const s of rest) if (!streams.has(s.id)) streams.set(s.id, s);
    render();
  } catch {
    /* the next refresh tries again */
  }
}

function scheduleRefresh() {
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(async () => {
    if (document.visibilityState !== 'hidden') await refresh();
    scheduleRefresh();
  }, REFRESH_MS);
}
document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'visible') refresh();
});

$('more').addEventListener('click', async () => {
  const b = $('more');
  b.disabled = true;
  try {
    const r = await loadPage(nextCursor);
    for (const s of r.streams) if (!streams.has(s.id)) streams.set(s.id, s);
    nextCursor = r.nextCursor || null;
    render();
  } catch (e) {
    notice(problemText(e, 'load older streams'), 'error');
  } finally {
    b.disabled = false;
  }
});

// --------------------------------------------------- card actions

async function lifecycle(s, verb) {
  const words = {
    start: { title: 'Mark this stream as live?',
      text: 'Viewers will be told the broadcast has started.',
      yes: 'Mark as live', what: 'mark the stream as live' },
    end: { title: 'End this stream?',
      text: 'The broadcast stops for everyone and the recordings are '
        + 'finished. It cannot be restarted; create a new stream to '
        + 'broadcast again.',
      yes: 'End stream', what: 'end the stream', danger: true },
    delete: { title: 'Delete this stream?',
      text: 'The stream is ended and removed from Cloudflare and Mux. '
        + 'Recordings already made are kept and stay listed.',
      yes: 'Delete stream', what: 'delete the stream', danger: true },
  }[verb];
  const ok = await confirmDialog({ title: words.title, text: words.text,
    yes: words.yes, danger: !!words.danger });
  if (!ok) return;
  try {
    if (verb === 'delete') {
      await api('DELETE', `/api/streams/${encodeURIComponent(s.id)}`);
      notice(`“${s.title}” was deleted.`);
    } else {
      await api('POST', `/api/streams/${encodeURIComponent(s.id)}/${verb}`);
      notice(verb === 'end' ? `“${s.title}” has ended.`
        : `“${s.title}” is marked as live.`);
    }
  } catch (e) {
    notice(problemText(e, words.what), 'error');
  }
  await refresh();
}

const actions = {
  start: (s) => lifecycle(s, 'start'),
  end: (s) => lifecycle(s, 'end'),
  delete: (s) => lifecycle(s, 'delete'),
};

// ------------------------------------------------------ create dialog

let idemKey = null;

function newKey() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  return [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
}

function methodChosen() {
  const r = document.querySelector('input[name="method"]:checked');
  return r ? r.value : 'whip_browser';
}

function syncForm() {
  const direct = methodChosen() === 'cloudflare_whip';
  show('c-direct-warning', direct);
  const mux = $('c-mux');
  mux.disabled = direct;
  setText('c-mux-hint', direct
    ? 'Not available with Direct: Cloudflare cannot pass a direct '
      + 'browser broadcast on to Mux.'
    : 'A second, independent copy at Mux (when Vigil is set up with Mux).');
}

for (const r of document.querySelectorAll('input[name="method"]')) {
  r.addEventListener('change', syncForm);
}

$('create-open').addEventListener('click', () => {
  idemKey = newKey();
  show('c-error', false);
  syncForm();
  $('create').showModal();
  $('c-title').focus();
});
$('c-cancel').addEventListener('click', () => $('create').close());

$('create-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const title = $('c-title').value.trim();
  const err = $('c-error');
  if (!title) {
    err.textContent = 'Give the stream a title, such as “Funeral service”.';
    show(err);
    $('c-title').setAttribute('aria-invalid', 'true');
    $('c-title').focus();
    return;
  }
  $('c-title').removeAttribute('aria-invalid');
  const method = methodChosen();
  const body = { memorialId, title, streamingMethod: method };
  if (method !== 'cloudflare_whip') body.muxBackup = $('c-mux').checked;
  const when = $('c-when').value;
  if (when) {
    const d = new Date(when);
    if (!Number.isNaN(d.getTime())) {
      body.scheduledAt = d.toISOString().replace(/\.\d{3}Z$/, 'Z');
    }
  }
  const submit = $('c-submit');
  submit.disabled = true;
  submit.textContent = 'Creating…';
  show(err, false);
  try {
    let r;
    try {
      r = await api('POST', '/api/streams/create-whip', { body,
        headers: { 'Idempotency-Key': idemKey } });
    } catch (e) {
      // The form changed since a failed try with this key: a new key.
      if (!(e instanceof ApiError) || e.code !== 'idempotency_key_reused') {
        throw e;
      }
      idemKey = newKey();
      r = await api('POST', '/api/streams/create-whip', { body,
        headers: { 'Idempotency-Key': idemKey } });
    }
    const s = r.stream;
    if (s.publishToken) keepPublishToken(s.id, s.publishToken);
    delete s.publishToken;
    $('create').close();
    $('create-form').reset();
    syncForm();
    const lines = [`“${s.title}” was created.`];
    if (s.streamingMethod === 'whip_browser' ||
        s.streamingMethod === 'cloudflare_whip') {
      lines.push('Tap Go Live on it when you are ready. Go Live works from '
        + 'this browser tab.');
    } else if (s.streamingMethod === 'obs') {
      lines.push('Its OBS settings are on the card below.');
    }
    for (const w of r.warnings || []) {
      lines.push(typeof w === 'string' ? w : (w.detail || w.message ||
        JSON.stringify(w)));
    }
    notice(lines, (r.warnings || []).length ? 'warn' : 'ok');
    streams.delete(s.id);
    const rest = [...streams.values()];
    streams.clear();
    streams.set(s.id, s);
    for (const x of rest) streams.set(x.id, x);
    render();
    const go = document.querySelector(`li[data-id="${CSS.escape(s.id)}"] .golive`);
    (go || $('notice')).focus?.();
    refresh();
  } catch (e) {
    err.textContent = problemText(e, 'create the stream');
    show(err);
  } finally {
    submit.disabled = false;
    submit.textContent = 'Create stream';
  }
});

// --------------------------------------------------------------- load

async function main() {
  const who = await showAccount();
  if (!memorialId) {
    setText('title', 'No memorial chosen');
    loadError('This link does not name a memorial. Go back to the home '
      + 'page and open one by its ID.');
    return;
  }
  let m;
  try {
    m = await api('GET', `/api/memorials/${encodeURIComponent(memorialId)}`);
  } catch (e) {
    setText('title', 'Memorial not available');
    if (e instanceof ApiError && e.status === 404) {
      loadError('There is no memorial with this ID. Check the link.');
    } else if (e instanceof ApiError && e.status === 401) {
      loadError('This memorial is private. Open your sign-in link on this '
        + 'device to see it.');
    } else if (e instanceof ApiError && e.status === 403) {
      loadError('This memorial is private, and your account is not one of '
        + 'its people.');
    } else {
      loadError(problemText(e, 'load this memorial'));
    }
    return;
  }
  document.title = `${m.title} — Vigil`;
  setText('title', m.title);
  rememberMemorial(m.id, m.title);
  // Controllers get the full view, which names the owner.
  canControl = !!who && typeof m.ownerUid === 'string';
  if (m.visibility === 'private') {
    setText('memorial-note', 'Private: only this memorial’s people can see '
      + 'it.');
    show('memorial-note');
  }
  show('manage', canControl);
  if (!who) {
    $('signin').append(signInHelp());
    show('signin');
  } else if (!canControl) {
    setText('memorial-note', 'You can watch these streams. Only the '
      + 'memorial’s owner and its funeral directors can create them.');
    show('memorial-note');
  }
  try {
    const r = await loadPage(null);
    for (const s of r.streams) streams.set(s.id, s);
    nextCursor = r.nextCursor || null;
    render();
  } catch (e) {
    loadError(problemText(e, 'load the streams'));
  }
  document.body.dataset.ready = 'yes';
  scheduleRefresh();
}

session().catch(() => null);
main();
