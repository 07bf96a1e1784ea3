// api.js: the one way pages talk to Vigil's API.  Same-origin cookie
// session, JSON in and out, and one error shape (ApiError) built from
// the API's problem+json replies (SPEC §5) or from a network failure.

export class ApiError extends Error {
  constructor(status, code, title, detail) {
    super(detail || title || `HTTP ${status}`);
    this.status = status;
    this.code = code;
    this.title = title;
    this.detail = detail;
  }
}

// api('GET', '/api/streams?memorialId=x') → parsed JSON (null for 204).
// opts: {body, headers, signal}.  Throws ApiError; status 0 = network.
export async function api(method, path, opts = {}) {
  const headers = { Accept: 'application/json', ...(opts.headers || {}) };
  const init = { method, credentials: 'same-origin', headers,
    signal: opts.signal };
  if (opts.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(opts.body);
  }
  let res;
  try {
    res = await fetch(path, init);
  } catch (e) {
    if (e && e.name === 'AbortError') throw e;
    throw new ApiError(0, 'network', 'Network error',
      'Vigil cannot be reached. Check the connection and try again.');
  }
  if (res.status === 204) return null;
  let data = null;
  try {
    data = await res.json();
  } catch {
    data = null;
  }
  if (!res.ok) {
    const p = data || {};
    throw new ApiError(res.status, p.code || `http_${res.status}`,
      p.title || res.statusText, p.detail || null);
  }
  return data;
}

// Who is signed in: {sub, role, name} or null when signed out.
let whoami = null;
export function session() {
  if (!whoami) {
    whoami = api('GET', '/api/session').catch((e) => {
      if (e instanceof ApiError && e.status === 401) return null;
      throw e;
    });
  }
  return whoami;
}

export async function signOut() {
  await api('DELETE', '/api/session');
  whoami = Promise.resolve(null);
}

// The publish token of a whip_browser stream is shown once, when it is
// created or replaced (only its hash is kept).  It lives in this tab's
// sessionStorage, so the Go Live page opened from here can use it.
const TOKEN_KEY = 'vigil.publishToken.';

export function keepPublishToken(streamId, token) {
  try {
    sessionStorage.setItem(TOKEN_KEY + streamId, token);
  } catch { /* private mode with storage off: Go Live right away */ }
}

export function publishToken(streamId) {
  try {
    return sessionStorage.getItem(TOKEN_KEY + streamId);
  } catch {
    return null;
  }
}

// A fresh publish token for a stream this tab did not create (another
// device, or the tab was closed): the API replaces the stored hash, so
// the old token stops working for new sessions.  Controllers only.
export async function freshPublishToken(streamId) {
  const r = await api('POST',
    `/api/streams/${encodeURIComponent(streamId)}/publish-token`);
  keepPublishToken(streamId, r.publishToken);
  return r.publishToken;
}

export function forgetPublishToken(streamId) {
  try {
    sessionStorage.removeItem(TOKEN_KEY + streamId);
  } catch { /* nothing to forget */ }
}

// A query parameter of this page's URL, checked against the API's id
// charset so nothing odd is ever put into a path.
export function idParam(name) {
  const v = new URLSearchParams(location.search).get(name);
  return v && /^[A-Za-z0-9_-]{1,64}$/.test(v) ? v : null;
}
