// Sign-in landing: the one-time token arrives in the URL fragment
// (#t=...), which the browser never sends to a server; we POST it to
// /api/session, which sets the session cookie, then go home.
const status = document.getElementById('status');
const home = document.getElementById('home');

function say(text) {
  status.textContent = text;
}

async function signIn() {
  const params = new URLSearchParams(location.hash.slice(1));
  const token = params.get('t');
  // Remove the token from the address bar and history at once.
  history.replaceState(null, '', location.pathname);
  if (!token) {
    say('This sign-in link is incomplete. Ask for a new one.');
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
      say(`Signed in as ${who.sub}.`);
      home.hidden = false;
      location.replace('/');
      return;
    }
    const problem = await res.json().catch(() => ({}));
    say(problem.detail || 'This sign-in link did not work. Ask for a new one.');
  } catch {
    say('Could not reach Vigil. Check your connection and open the link again.');
  }
}

signIn();
