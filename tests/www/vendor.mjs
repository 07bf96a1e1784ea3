// vendor.mjs: copy the browser libraries Vigil serves from npm into
// www/vendor/ (committed: the app has no build step), each with its
// licence and a note of the version.  Run after changing a version in
// tests/package.json:   cd tests && npm install && npm run vendor
//
// tests/www/vendor.test.mjs checks that the committed copy is the one
// the lockfile installs.
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const tests = join(here, '..');
export const root = join(tests, '..');

// package → files: [from (in the package), to (in www/vendor/NAME/)]
export const VENDORED = {
  'hls.js': [
    ['dist/hls.min.mjs', 'hls.min.mjs'],
    ['dist/hls.worker.js', 'hls.worker.js'],
    ['LICENSE', 'LICENSE'],
  ],
};

export function versionOf(pkg) {
  return JSON.parse(readFileSync(join(tests, 'node_modules', pkg,
    'package.json'), 'utf8')).version;
}

function main() {
  for (const [pkg, files] of Object.entries(VENDORED)) {
    const dst = join(root, 'www', 'vendor', pkg);
    mkdirSync(dst, { recursive: true });
    for (const [from, to] of files) {
      copyFileSync(join(tests, 'node_modules', pkg, from), join(dst, to));
    }
    writeFileSync(join(dst, 'VERSION'), `${pkg} ${versionOf(pkg)} from npm `
      + `(tests/package-lock.json), copied by tests/www/vendor.mjs\n`);
    console.log(`vendored ${pkg} ${versionOf(pkg)} into www/vendor/${pkg}/`);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main();
