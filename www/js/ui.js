// ui.js: small DOM helpers.  Text only ever goes in through textContent
// (text nodes), never innerHTML, so data cannot become markup.

// el('button', {class: 'primary', type: 'button', onclick: f}, 'Go')
// Props: class, text, hidden, dataset {...}, on<event> handlers; any
// other key becomes an attribute.  Children: nodes or strings.
export function el(tag, props = {}, ...children) {
  const n = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') n.className = v;
    else if (k === 'text') n.textContent = v;
    else if (k === 'hidden') n.hidden = true;
    else if (k === 'dataset') Object.assign(n.dataset, v);
    else if (k.startsWith('on') && typeof v === 'function') {
      n.addEventListener(k.slice(2), v);
    } else n.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    n.append(typeof c === 'string' ? document.createTextNode(c) : c);
  }
  return n;
}

export function $(id) {
  return document.getElementById(id);
}

export function clear(n) {
  while (n.firstChild) n.removeChild(n.firstChild);
  return n;
}

export function setText(id, text) {
  const n = typeof id === 'string' ? $(id) : id;
  if (n) n.textContent = text;
}

export function show(id, on = true) {
  const n = typeof id === 'string' ? $(id) : id;
  if (n) n.hidden = !on;
}

const dateFmt = (() => {
  try {
    return new Intl.DateTimeFormat(undefined, { dateStyle: 'medium',
      timeStyle: 'short' });
  } catch {
    return null;
  }
})();

export function fmtDate(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return dateFmt ? dateFmt.format(d) : d.toLocaleString();
}

// 12 s, 4 min, 1 h 05 min
export function fmtDuration(seconds) {
  if (typeof seconds !== 'number' || !(seconds >= 0)) return '';
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}

export const METHOD_NAMES = {
  whip_browser: 'Browser',
  obs: 'OBS / encoder',
  cloudflare_whip: 'Direct (low latency)',
  mux_whip: 'Browser to Mux (experimental)',
};

export const SOURCE_NAMES = {
  local: 'Vigil server',
  cloudflare: 'Cloudflare',
  mux: 'Mux',
};

export const STATUS_NAMES = {
  ready: 'Not started',
  live: 'Live',
  completed: 'Ended',
};

export const REC_STATE_NAMES = {
  pending: 'waiting',
  recording: 'recording',
  ready: 'ready',
  failed: 'failed',
};

// Copy text to the clipboard; true on success.  The fallback selects a
// read-only input so the person can copy by hand.
export async function copyText(text, input) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    if (input) {
      input.focus();
      input.select();
      try {
        return document.execCommand('copy');
      } catch {
        return false;
      }
    }
    return false;
  }
}

// A modal yes/no question on the page's <dialog id="confirm">.
export function confirmDialog({ title, text, yes, no = 'Cancel',
  danger = false }) {
  const d = $('confirm');
  setText('confirm-title', title);
  setText('confirm-text', text);
  const y = $('confirm-yes');
  const n = $('confirm-no');
  y.textContent = yes;
  n.textContent = no;
  y.className = danger ? 'danger' : 'primary';
  return new Promise((resolve) => {
    const done = (v) => {
      y.removeEventListener('click', onYes);
      n.removeEventListener('click', onNo);
      d.removeEventListener('cancel', onNo);
      if (d.open) d.close();
      resolve(v);
    };
    const onYes = () => done(true);
    const onNo = () => done(false);
    y.addEventListener('click', onYes);
    n.addEventListener('click', onNo);
    d.addEventListener('cancel', onNo);
    d.showModal();
    n.focus();
  });
}
