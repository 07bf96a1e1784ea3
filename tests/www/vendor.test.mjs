// vendor.test.mjs: the browser libraries committed under www/vendor/ are
// exactly the files of the versions tests/package-lock.json installs,
// with their licence (tests/www/vendor.mjs copies them).
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

import { root, tests, VENDORED, versionOf } from './vendor.mjs';

for (const [pkg, files] of Object.entries(VENDORED)) {
  test(`www/vendor/${pkg} matches the locked npm package`, (t) => {
    const dir = join(root, 'www', 'vendor', pkg);
    for (const [, to] of files) {
      assert.ok(existsSync(join(dir, to)), `www/vendor/${pkg}/${to} missing`);
    }
    assert.match(readFileSync(join(dir, 'LICENSE'), 'utf8'), /License|LICENSE|Copyright/);
    if (!existsSync(join(tests, 'node_modules', pkg))) {
      t.skip('not installed (npm ci in tests/)');
      return;
    }
    const v = versionOf(pkg);
    assert.match(readFileSync(join(dir, 'VERSION'), 'utf8'),
      new RegExp(`^${pkg.replace('.', '\\.')} ${v.replace(/\./g, '\\.')} `));
    for (const [from, to] of files) {
      assert.ok(readFileSync(join(tests, 'node_modules', pkg, from))
        .equals(readFileSync(join(dir, to))), `${to} differs from ${pkg} ${v}: `
        + 'cd tests && npm run vendor');
    }
  });
}
