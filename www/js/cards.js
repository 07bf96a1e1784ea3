// cards.js: one stream as a card: title, status, method, times,
// recording badges per source, OBS credentials, and the actions the
// viewer may take.  Text only through textContent (ui.el).
import {
  copyText, el, fmtDate, fmtDuration, METHOD_NAMES, REC_STATE_NAMES,
  SOURCE_NAMES, STATUS_NAMES,
} from './ui.js';

const SOURCE_ORDER = ['local', 'cloudflare', 'mux'];

export function statusBadge(status) {
  return el('span', { class: `badge status-${status}` },
    STATUS_NAMES[status] || status);
}

// "Cloudflare: recording", "Vigil server: ready · 42 min", ...
export function recordingBadges(s) {
  const srcs = s.recordingSources || {};
  const names = SOURCE_ORDER.filter((k) => srcs[k]);
  if (!names.length) {
    return el('p', { class: 'recs-none' },
      s.streamingMethod === 'cloudflare_whip'
        ? 'Not recorded (Direct, lowest delay).'
        : 'No recording set up.');
  }
  const ul = el('ul', { class: 'recs', 'aria-label': 'Recordings' });
  for (const k of names) {
    const src = srcs[k];
    const state = src.available ? 'ready' : (src.state || 'none');
    const word = state === 'none'
      ? (s.status === 'completed' ? 'none made' : 'not started')
      : REC_STATE_NAMES[state] || state;
    const dur = src.available ? fmtDuration(src.duration) : '';
    ul.append(el('li', { class: `rec rec-${state}`, dataset: { source: k,
      state } }, el('span', { class: 'rec-src' }, SOURCE_NAMES[k] || k),
    ' ', el('span', { class: 'rec-state' }, word + (dur ? ` · ${dur}` : ''))));
  }
  if (s.preferredRecordingSource) {
    ul.setAttribute('aria-label', `Recordings (plays from ${
      SOURCE_NAMES[s.preferredRecordingSource]})`);
  }
  return ul;
}

// Label + read-only field + Copy (and Show, for the key).
function credential(label, value, secret) {
  const id = `cred-${Math.random().toString(36).slice(2)}`;
  const input = el('input', { id, type: secret ? 'password' : 'text',
    readonly: true, value, class: 'mono', autocomplete: 'off',
    spellcheck: 'false' });
  const status = el('span', { class: 'copied', role: 'status',
    'aria-live': 'polite' });
  const copy = el('button', { type: 'button', class: 'secondary small',
    'aria-label': `Copy ${label.toLowerCase()}`,
    onclick: async () => {
      const ok = await copyText(value, input);
      status.textContent = ok ? 'Copied' : 'Select and copy by hand';
      setTimeout(() => {
        status.textContent = '';
      }, 2500);
    } }, 'Copy');
  const row = el('div', { class: 'cred-row' }, input);
  if (secret) {
    const reveal = el('button', { type: 'button', class: 'secondary small',
      'aria-pressed': 'false', 'aria-label': `Show ${label.toLowerCase()}`,
      onclick: () => {
        const showing = input.type === 'text';
        input.type = showing ? 'password' : 'text';
        reveal.textContent = showing ? 'Show' : 'Hide';
        reveal.setAttribute('aria-pressed', String(!showing));
      } }, 'Show');
    row.append(reveal);
  }
  row.append(copy);
  return el('div', { class: 'cred' }, el('label', { for: id, text: label }),
    row, status);
}

function obsPanel(s) {
  if (!s.rtmpsUrl && !s.streamKey) return null;
  return el('details', { class: 'obs' },
    el('summary', {}, 'OBS settings'),
    el('p', { class: 'hint' }, 'In OBS: Settings → Stream → Service '
      + '“Custom…”, then paste these two. Keep the key private: anyone '
      + 'with it can broadcast here.'),
    s.rtmpsUrl ? credential('Server', s.rtmpsUrl, false) : null,
    s.streamKey ? credential('Stream key', s.streamKey, true) : null);
}

// opts: {canControl, actions: {start, end, delete}}
export function streamCard(s, opts) {
  const { canControl, actions } = opts;
  const enc = encodeURIComponent(s.id);
  const head = el('div', { class: 'card-head' },
    el('h3', { class: 'card-title', text: s.title }), statusBadge(s.status));
  const meta = [METHOD_NAMES[s.streamingMethod] || s.streamingMethod];
  if (s.scheduledAt && s.status === 'ready') {
    meta.push(`starts ${fmtDate(s.scheduledAt)}`);
  }
  if (s.startedAt && s.status !== 'ready') {
    meta.push(`started ${fmtDate(s.startedAt)}`);
  } else if (!s.scheduledAt) meta.push(`created ${fmtDate(s.createdAt)}`);
  if (s.endedAt) meta.push(`ended ${fmtDate(s.endedAt)}`);

  const li = el('li', { class: `card card-${s.status}`,
    dataset: { id: s.id, status: s.status, method: s.streamingMethod } },
  head, el('p', { class: 'meta', text: meta.join(' · ') }),
  recordingBadges(s));

  if (canControl && s.streamingMethod === 'obs' && s.status !== 'completed') {
    const p = obsPanel(s);
    if (p) li.append(p);
  }

  const row = el('div', { class: 'actions' });
  const ended = s.status === 'completed';
  if (canControl && !ended) {
    const browser = s.streamingMethod === 'whip_browser';
    const direct = s.streamingMethod === 'cloudflare_whip' ||
      s.streamingMethod === 'mux_whip';
    // A browser stream's Go Live page gets a fresh publish token when
    // this tab does not hold one (another device, a later day).
    if (browser || (direct && s.whipUrl)) {
      row.append(el('a', { class: 'button primary golive',
        href: `/golive.html?id=${enc}` }, 'Go Live'));
    }
  }
  row.append(el('a', { class: 'button secondary watch',
    href: `/watch.html?id=${enc}` },
  ended ? (s.preferredRecordingSource ? 'Watch recording' : 'Watch page')
    : 'Watch'));
  if (canControl) {
    if (s.status === 'ready' && s.streamingMethod !== 'whip_browser') {
      row.append(el('button', { type: 'button', class: 'secondary',
        onclick: () => actions.start(s) }, 'Mark as live'));
    }
    if (!ended) {
      row.append(el('button', { type: 'button', class: 'danger-outline',
        onclick: () => actions.end(s) }, 'End stream'));
    } else {
      row.append(el('button', { type: 'button', class: 'link danger-text',
        onclick: () => actions.delete(s) }, 'Delete'));
    }
  }
  li.append(row);
  return li;
}
