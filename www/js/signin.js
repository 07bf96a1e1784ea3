// Sign-in landing: the one-time token arrives in the URL fragment
// (#t=...), which the browser never sends to a server; we POST it to
// /api/session, which sets the session cookie, then go home.  An
// optional next=/path (same site only) in the fragment says where to.
const status = document.getElementById('status');
const home = document.getElementById('home');
const help = document.getElementById('help');

function say(text, outcome) {
  status.textContent = text;
  document.body.dataset.signin = outcome;
  help.hidden = outcome !== 'failed';
}

// Only a path on this site: never an absolute URL (open redirect).
function nextPath(v) {
  return v && /^\/[A-Za-z0-9._~\-/?=&%]*$/.test(v) && !v.startsWith('//')
    ? v : '/';
}

async function signIn() {
  const params = new URLSearchParams(location.hash.slice(1));
  const token = params.get('t');
  const next = nextPath(params.get('next'));
  // Remove the token from the address bar and history at once.
  history.replaceState(null, '', location.pathname);
  home.href = next;
  if (!token) {
    say('This sign-in link is incomplete: part of it is missing.', 'failed');
    return;
  }
  try {
    const res = await fetch('/api/session', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ token }),
    });
    if (res.ok) {
      const who = await res.json();
      say(`Signed in as ${who.name || who.sub}. Opening Vigil…`, 'ok');
      home.hidden = false;
      location.replace(next);
      return;
    }
    const problem = await res.json().catch(() => ({}));
    say(res.status === 401
      ? 'This sign-in link has already been used or has expired.'
      : (problem.detail || 'This sign-in link did not work.'), 'failed');
    home.textContent = 'Go to Vigil';
    home.hidden = false;
  } catch {
    say('Could not reach Vigil. Check your connection, then open the link '
      + 'again.', 'failed');
  }
}

signIn();
