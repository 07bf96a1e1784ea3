// account.js: the signed-in / signed-out line in every page's header.
import { session, signOut } from './api.js';
import { $, clear, el } from './ui.js';

// Fill <div id="account">; resolves to the session (or null).
export async function showAccount() {
  const box = $('account');
  let who = null;
  try {
    who = await session();
  } catch {
    who = null;
  }
  if (!box) return who;
  clear(box);
  if (who) {
    box.append(
      el('span', { class: 'who' }, 'Signed in as ',
        el('strong', { text: who.name || who.sub })),
      el('button', { type: 'button', class: 'link', id: 'signout',
        onclick: async () => {
          try {
            await signOut();
          } finally {
            location.reload();
          }
        } }, 'Sign out'),
    );
  } else {
    box.append(el('span', { class: 'who signed-out', id: 'signed-out' },
      'Signed out'));
  }
  document.body.dataset.signedIn = who ? 'yes' : 'no';
  return who;
}

// The explanation shown where signing in is needed.
export function signInHelp() {
  return el('div', { class: 'signin-help' },
    el('p', {}, el('strong', { text: 'You are signed out.' }),
      ' To create or run streams, open the sign-in link you were given on '
      + 'this device. Links work once and expire after 15 minutes; ask the '
      + 'person who runs Vigil for a new one if yours has.'),
  );
}
