/*
 * selftest.test.mjs: the contract validator must reject bad requests and
 * accept good ones, or a green contract run means nothing.
 *   node --test tests/contract/
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadContract } from './openapi.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const contract = loadContract();
const ACCT = '023e105f4ecef8ad9ca31a8372d0c353';
const CF = `/client/v4/accounts/${ACCT}/stream`;
const IN = 'f256e6ea9341d51eea64c9454659e576';
const MUX_LS = '/video/v1/live-streams/ZEBrNTpHC02iUah025KM3te6ylM7W4S4silsrFtUkn3Ag';

/* A request as the fake records it. */
function rec(method, p, body, over = {}) {
	const mux = !p.startsWith('/client/v4');
	const raw = body === undefined ? '' : JSON.stringify(body);
	return {
		method, path: p, query: {},
		headers: { ...(raw ? { 'content-type': 'application/json' } : {}),
		    authorization: mux ? 'Basic <redacted>' : 'Bearer <redacted>' },
		auth: { scheme: mux ? 'basic' : 'bearer', valid: true },
		bodyBytes: raw.length, body: body ?? null, ...over,
	};
}

const GOOD = {
	'create live input': rec('POST', `${CF}/live_inputs`, { meta: { name: 'Grandma', vigilStreamId: 's1' },
	    recording: { mode: 'automatic', timeoutSeconds: 60 } }),
	'create live input, deleteRecordingAfterDays null (spec quirk)':
	    rec('POST', `${CF}/live_inputs`, { deleteRecordingAfterDays: null }),
	'get live input': rec('GET', `${CF}/live_inputs/${IN}`),
	'delete live input': rec('DELETE', `${CF}/live_inputs/${IN}`),
	'create output': rec('POST', `${CF}/live_inputs/${IN}/outputs`,
	    { url: 'rtmps://global-live.mux.com:443/app', streamKey: 'k', enabled: true }),
	'list outputs': rec('GET', `${CF}/live_inputs/${IN}/outputs`),
	'delete output': rec('DELETE', `${CF}/live_inputs/${IN}/outputs/baea4d9c515887b80289d5c33cf01145`),
	'list videos of input': rec('GET', `${CF}/live_inputs/${IN}/videos`),
	'get video': rec('GET', `${CF}/ea95132c15732412d22c1476fa83f27a`),
	'legacy email+key auth': rec('GET', `${CF}/live_inputs/${IN}`, undefined, {
	    headers: { 'x-auth-email': '<redacted>', 'x-auth-key': '<redacted>' }, auth: { scheme: 'api_key' } }),
	'create mux live stream': rec('POST', '/video/v1/live-streams', { playback_policy: ['public'],
	    latency_mode: 'reduced', reconnect_window: 60, passthrough: 's1',
	    new_asset_settings: { playback_policy: ['public'], passthrough: 's1' } }),
	'create mux live stream, charset in content-type': rec('POST', '/video/v1/live-streams', {},
	    { headers: { 'content-type': 'application/json; charset=utf-8' }, bodyBytes: 2 }),
	'get mux live stream': rec('GET', MUX_LS),
	'delete mux live stream': rec('DELETE', MUX_LS),
	'complete mux live stream': rec('PUT', `${MUX_LS}/complete`),
	'disable mux live stream': rec('PUT', `${MUX_LS}/disable`),
	'get mux asset': rec('GET', '/video/v1/assets/lJ4bGGsp7ZlPf02nMg015W02iHQLN9XnuuLRBsPS00xqd68'),
};

/* name -> [record, a fragment the error must contain] */
const BAD = {
	'recording.mode 123': [rec('POST', `${CF}/live_inputs`, { recording: { mode: 123 } }), 'recording/mode'],
	'recording.mode "always"': [rec('POST', `${CF}/live_inputs`, { recording: { mode: 'always' } }), 'allowed values'],
	'timeoutSeconds not an integer': [rec('POST', `${CF}/live_inputs`,
	    { recording: { timeoutSeconds: 1.5 } }), 'timeoutSeconds'],
	'meta not an object': [rec('POST', `${CF}/live_inputs`, { meta: 'x' }), 'meta'],
	'deleteRecordingAfterDays as text': [rec('POST', `${CF}/live_inputs`,
	    { deleteRecordingAfterDays: 'forty-five' }), 'deleteRecordingAfterDays'],
	'create live input without body': [rec('POST', `${CF}/live_inputs`), 'body is required'],
	'invalid JSON body': [rec('POST', `${CF}/live_inputs`, undefined, { bodyBytes: 5,
	    bodyError: 'invalid JSON', headers: { 'content-type': 'application/json' } }), 'not valid JSON'],
	'form content-type': [rec('POST', `${CF}/live_inputs`, {},
	    { headers: { 'content-type': 'application/x-www-form-urlencoded' } }), 'content-type'],
	'output without streamKey': [rec('POST', `${CF}/live_inputs/${IN}/outputs`,
	    { url: 'rtmps://global-live.mux.com:443/app' }), 'streamKey'],
	'output enabled as text': [rec('POST', `${CF}/live_inputs/${IN}/outputs`,
	    { url: 'rtmps://x/app', streamKey: 'k', enabled: 'yes' }), 'enabled'],
	'account id too long': [rec('GET', `${CF.replace(ACCT, `${ACCT}ff`)}/live_inputs/${IN}`), 'account_id'],
	'no credentials (cloudflare)': [rec('GET', `${CF}/live_inputs/${IN}`, undefined,
	    { headers: {}, auth: { scheme: 'none' } }), 'credentials'],
	'basic auth to cloudflare': [rec('GET', `${CF}/live_inputs/${IN}`, undefined,
	    { auth: { scheme: 'basic' } }), 'credentials'],
	'list live inputs (not in spec)': [rec('GET', `${CF}/live_inputs`), 'no GET operation'],
	'unknown cloudflare route': [rec('GET', '/client/v4/accounts/x/stream/live_inputs/a/b/c'), 'no operation'],
	'unknown query parameter': [rec('GET', `${CF}/live_inputs/${IN}`, undefined,
	    { query: { debug: '1' } }), 'query parameter debug'],
	'mux latency_mode "ultra"': [rec('POST', '/video/v1/live-streams', { latency_mode: 'ultra' }), 'latency_mode'],
	'mux playback_policy as a string': [rec('POST', '/video/v1/live-streams',
	    { playback_policy: 'public' }), 'playback_policy'],
	'mux playback_policy "private"': [rec('POST', '/video/v1/live-streams',
	    { playback_policy: ['private'] }), 'playback_policy'],
	'mux reconnect_window 3600': [rec('POST', '/video/v1/live-streams', { reconnect_window: 3600 }),
	    'reconnect_window'],
	'mux new_asset_settings.playback_policy wrong': [rec('POST', '/video/v1/live-streams',
	    { new_asset_settings: { playback_policy: 'public' } }), 'new_asset_settings'],
	'mux bearer instead of basic': [rec('DELETE', MUX_LS, undefined, { auth: { scheme: 'bearer' } }), 'basic'],
	'mux enable (not in the spec)': [rec('PUT', `${MUX_LS}/enable`), 'no operation'],
	'mux POST on a stream': [rec('POST', MUX_LS, {}), 'no POST operation'],
};

for (const [name, r] of Object.entries(GOOD)) {
	test(`accepts: ${name}`, () => {
		const v = contract.validateRequest(r);
		assert.ok(v.provider, 'classified as a provider request');
		assert.deepEqual(v.errors, []);
	});
}

for (const [name, [r, fragment]] of Object.entries(BAD)) {
	test(`rejects: ${name}`, () => {
		const v = contract.validateRequest(r);
		assert.ok(v.errors.length > 0, 'expected at least one error');
		assert.ok(v.errors.some((e) => e.includes(fragment)),
		    `expected an error mentioning "${fragment}", got: ${v.errors.join('; ')}`);
	});
}

test('the fake\'s control API is not a provider request', () => {
	assert.equal(contract.validateRequest(rec('GET', '/_fake/requests')).provider, null);
});

function runCli(lines) {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-contract-'));
	const log = path.join(dir, 'requests.jsonl');
	fs.writeFileSync(log, lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n'));
	const r = spawnSync(process.execPath, [path.join(here, 'validate.mjs'), log], { encoding: 'utf8' });
	fs.rmSync(dir, { recursive: true });
	return r;
}

test('CLI: all good -> exit 0 and a summary line', () => {
	const r = runCli(Object.values(GOOD));
	assert.equal(r.status, 0, r.stdout + r.stderr);
	assert.match(r.stdout, new RegExp(`^contract: ${Object.keys(GOOD).length} passed, 0 failed$`, 'm'));
	assert.match(r.stdout, /^ok {4}POST \/client\/v4\/accounts\/.*\/live_inputs {2}\[/m);
});

test('CLI: one bad request -> exit 1, FAIL line with the reason', () => {
	const r = runCli([GOOD['create live input'], BAD['mux latency_mode "ultra"'][0]]);
	assert.equal(r.status, 1);
	assert.match(r.stdout, /^FAIL {2}POST \/video\/v1\/live-streams .*latency_mode/m);
	assert.match(r.stdout, /^contract: 1 passed, 1 failed$/m);
});

test('CLI: a log with no provider request fails', () => {
	const r = runCli([rec('GET', '/_fake/state')]);
	assert.equal(r.status, 1);
	assert.match(r.stdout, /no provider requests/);
	assert.match(r.stdout, /^contract: 0 passed, 1 failed$/m);
});

test('CLI: a broken log line fails', () => {
	const r = runCli([GOOD['get video'], '{not json']);
	assert.equal(r.status, 1);
	assert.match(r.stdout, /not a JSON line/);
});
