// recent.js: memorials opened on this device (ids and titles only).
const KEY = 'vigil.recentMemorials';

export function recentMemorials() {
  try {
    const v = JSON.parse(localStorage.getItem(KEY) || '[]');
    return Array.isArray(v) ? v.filter((m) => m && typeof m.id === 'string'
      && /^[A-Za-z0-9_-]{1,64}$/.test(m.id)).slice(0, 8) : [];
  } catch {
    return [];
  }
}

export function rememberMemorial(id, title) {
  try {
    const list = recentMemorials().filter((m) => m.id !== id);
    list.unshift({ id, title: String(title || '').slice(0, 200) });
    localStorage.setItem(KEY, JSON.stringify(list.slice(0, 8)));
  } catch { /* storage off: nothing to remember */ }
}
