#!/usr/bin/env node
/*
 * validate.mjs: contract test. Checks every provider request Vigil sent to
 * the fake (its --log JSONL file) against shared/specs.
 *
 *   node tests/contract/validate.mjs LOGFILE
 *
 * Prints "ok" or "FAIL ... reason" per request, then
 * "contract: N passed, N failed". Exit 1 on any failure, and when the log
 * holds no provider request at all (nothing checked must not pass);
 * exit 2 on usage or I/O errors. VIGIL_SPECS_DIR overrides the specs folder.
 */
import fs from 'node:fs';
import { loadContract, specsDir } from './openapi.mjs';

const file = process.argv[2];
if (!file || process.argv.length > 3) {
	console.error('usage: node tests/contract/validate.mjs LOGFILE');
	process.exit(2);
}

let text, contract;
try {
	text = fs.readFileSync(file, 'utf8');
	contract = loadContract(specsDir());
} catch (err) {
	console.error(`contract: ${err.message}`);
	process.exit(2);
}

let passed = 0, failed = 0;
text.split('\n').forEach((line, i) => {
	if (!line.trim()) return;
	let rec;
	try {
		rec = JSON.parse(line);
	} catch {
		console.log(`FAIL  ${file}:${i + 1}: not a JSON line`);
		failed++;
		return;
	}
	const r = contract.validateRequest(rec);
	if (!r.provider) return;			/* the fake's own control API */
	const qs = new URLSearchParams(rec.query || {}).toString();
	const what = `${rec.method} ${rec.path}${qs ? `?${qs}` : ''}${r.operationId ? `  [${r.operationId}]` : ''}`;
	if (r.errors.length) {
		console.log(`FAIL  ${what}: ${r.errors.join('; ')}`);
		failed++;
	} else {
		console.log(`ok    ${what}${r.notes.length ? `  (note: ${r.notes.join('; ')})` : ''}`);
		passed++;
	}
});

if (passed + failed === 0) {
	console.log(`FAIL  ${file}: no provider requests recorded; a contract test with nothing to check fails`);
	failed++;
}
console.log(`contract: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
