// index.js: the home page: who is signed in, open a memorial by id, the
// memorials opened recently on this device.  /?memorial=ID goes straight
// to that memorial's page.
import { showAccount, signInHelp } from './account.js';
import { $, clear, el, show } from './ui.js';
import { recentMemorials } from './recent.js';

const wanted = new URLSearchParams(location.search).get('memorial');
if (wanted && /^[A-Za-z0-9_-]{1,64}$/.test(wanted)) {
  location.replace(`/memorial.html?id=${encodeURIComponent(wanted)}`);
}

$('open').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const v = $('memorial-id').value.trim();
  const err = $('memorial-id-error');
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(v)) {
    err.textContent = 'Use letters, digits, "-" and "_" only, as in the '
      + 'memorial’s link.';
    show(err);
    $('memorial-id').setAttribute('aria-invalid', 'true');
    $('memorial-id').focus();
    return;
  }
  location.href = `/memorial.html?id=${encodeURIComponent(v)}`;
});

const recent = recentMemorials();
if (recent.length) {
  const ul = clear($('recent'));
  for (const m of recent) {
    ul.append(el('li', {}, el('a', {
      href: `/memorial.html?id=${encodeURIComponent(m.id)}` },
    m.title || m.id)));
  }
  show('recent-section');
}

showAccount().then((who) => {
  if (!who) {
    const s = $('signin-section');
    s.append(el('h2', { text: 'Signing in' }), signInHelp(),
      el('p', { class: 'hint' }, 'Watching a broadcast needs no sign-in: '
        + 'open the link to its watch page.'));
    show(s);
  }
});
