/*
 * fake.test.mjs: the fake answers like the real APIs (its responses are
 * checked against shared/specs with the contract validator), records what
 * it gets, and its control API does what README.md says.
 *   node --test tests/fake/
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadContract } from '../contract/openapi.mjs';
import { startFake } from './fake-providers.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const contract = loadContract();
const ACCT = '023e105f4ecef8ad9ca31a8372d0c353';
const CF_AUTH = { authorization: 'Bearer test-cf-token' };
const MUX_AUTH = { authorization: `Basic ${Buffer.from('test-mux-id:test-mux-secret').toString('base64')}` };
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-fake-'));
let f;

/* One HTTP exchange; returns {status, headers, body (parsed JSON or text), path}. */
async function call(method, p, { body, headers = {}, base = f.url } = {}) {
	const auth = p.startsWith('/client/v4') ? CF_AUTH : p.startsWith('/_fake') ? {} : MUX_AUTH;
	const res = await fetch(base + p, { method, headers: { ...auth,
	    ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
	    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body) });
	const text = await res.text();
	let parsed = text;
	try { parsed = text ? JSON.parse(text) : null; } catch { /* keep text */ }
	return { status: res.status, headers: res.headers, body: parsed, text, method, path: p };
}
const cf = (method, rest, opts) => call(method, `/client/v4/accounts/${ACCT}/stream${rest}`, opts);
const control = (method, p, body) => call(method, `/_fake${p}`, { body });

/* The answer must be what the spec declares for that operation and status. */
function assertSpec(r) {
	const errors = contract.validateResponse({ method: r.method, path: r.path, status: r.status, body: r.body });
	assert.deepEqual(errors, [], `${r.method} ${r.path} -> ${r.status} against the spec`);
}

before(async () => { f = await startFake({ logFile: path.join(tmp, 'requests.jsonl') }); });
after(async () => { await f.close(); fs.rmSync(tmp, { recursive: true, force: true }); });
beforeEach(async () => { await control('POST', '/reset'); });

describe('cloudflare', () => {
	test('create live input: spec-valid answer, echoes meta and recording', async () => {
		const r = await cf('POST', '/live_inputs', { body: { meta: { name: 'Grandma' },
		    recording: { mode: 'automatic', timeoutSeconds: 60 } } });
		assert.equal(r.status, 200);
		assertSpec(r);
		const li = r.body.result;
		assert.match(li.uid, /^[0-9a-f]{32}$/);
		assert.deepEqual(li.meta, { name: 'Grandma' });
		assert.equal(li.recording.mode, 'automatic');
		assert.equal(li.recording.timeoutSeconds, 60);
		assert.equal(li.recording.requireSignedURLs, false);
		assert.equal(li.status, null);
		assert.equal(li.enabled, true);
		assert.equal(li.rtmps.url, 'rtmps://live.cloudflare.com:443/live/');
		assert.match(li.webRTC.url, /^https:\/\/customer-[a-z0-9]+\.cloudflarestream\.com\/[0-9a-f]+k[0-9a-f]+\/webRTC\/publish$/);
		assert.equal(li.webRTCPlayback.url.split('/').slice(-3).join('/'), `${li.uid}/webRTC/play`);
		const got = await cf('GET', `/live_inputs/${li.uid}`);
		assertSpec(got);
		assert.deepEqual(got.body.result, li);
	});

	test('rtmpsUrl comes from config', async () => {
		await control('POST', '/config', { rtmpsUrl: 'rtmp://127.0.0.1:1935/live/' });
		const r = await cf('POST', '/live_inputs', { body: {} });
		assert.equal(r.body.result.rtmps.url, 'rtmp://127.0.0.1:1935/live/');
		await control('POST', '/config', { rtmpsUrl: 'rtmps://live.cloudflare.com:443/live/' });
	});

	test('invalid live input body -> 400 envelope listing the errors', async () => {
		const r = await cf('POST', '/live_inputs', { body: { recording: { mode: 123, timeoutSeconds: '5' },
		    meta: [] } });
		assert.equal(r.status, 400);
		assertSpec(r);
		assert.equal(r.body.success, false);
		assert.equal(r.body.errors.length, 3);
		assert.equal((await cf('POST', '/live_inputs', { body: '{nope' })).status, 400);
	});

	test('auth: missing or wrong token -> 401 code 10000; wrong account -> 403', async () => {
		for (const headers of [{ authorization: '' }, { authorization: 'Bearer nope' }]) {
			const r = await cf('POST', '/live_inputs', { body: {}, headers });
			assert.equal(r.status, 401);
			assert.deepEqual(r.body.errors, [{ code: 10000, message: 'Authentication error' }]);
			assertSpec(r);
		}
		const r = await call('GET', '/client/v4/accounts/ffffffffffffffffffffffffffffffff/stream/live_inputs/x');
		assert.equal(r.status, 403);
		assert.deepEqual((await control('GET', '/state')).body.cf.liveInputs, []);
	});

	test('outputs: create (spec-valid), list, delete; streamKey required', async () => {
		const uid = (await cf('POST', '/live_inputs', { body: {} })).body.result.uid;
		const bad = await cf('POST', `/live_inputs/${uid}/outputs`, { body: { url: 'rtmps://x/app' } });
		assert.equal(bad.status, 400);
		const r = await cf('POST', `/live_inputs/${uid}/outputs`,
		    { body: { url: 'rtmps://global-live.mux.com:443/app', streamKey: 'mux-key' } });
		assert.equal(r.status, 200);
		assertSpec(r);
		assert.match(r.body.result.uid, /^[0-9a-f]{32}$/);
		assert.deepEqual({ ...r.body.result, uid: 0 },
		    { uid: 0, url: 'rtmps://global-live.mux.com:443/app', streamKey: 'mux-key', enabled: true });
		const list = await cf('GET', `/live_inputs/${uid}/outputs`);
		assertSpec(list);
		assert.deepEqual(list.body.result, [r.body.result]);
		const del = await cf('DELETE', `/live_inputs/${uid}/outputs/${r.body.result.uid}`);
		assert.equal(del.status, 200);
		assert.equal((await cf('DELETE', `/live_inputs/${uid}/outputs/${r.body.result.uid}`)).status, 404);
		assert.equal((await cf('POST', '/live_inputs/0000/outputs', { body: { url: 'u', streamKey: 'k' } })).status, 404);
	});

	test('delete live input removes it and its outputs (no orphans); then 404', async () => {
		const uid = (await cf('POST', '/live_inputs', { body: {} })).body.result.uid;
		await cf('POST', `/live_inputs/${uid}/outputs`, { body: { url: 'rtmps://x/app', streamKey: 'k' } });
		const del = await cf('DELETE', `/live_inputs/${uid}`);
		assert.equal(del.status, 200);
		assert.equal(del.body.result, null);
		const st = (await control('GET', '/state')).body;
		assert.deepEqual([st.cf.liveInputs, st.cf.outputs], [[], []]);
		const gone = await cf('GET', `/live_inputs/${uid}`);
		assert.equal(gone.status, 404);
		assertSpec(gone);
		assert.equal((await cf('DELETE', `/live_inputs/${uid}`)).status, 404);
	});

	test('videos of a live input come from /_fake/cf/videos (spec-valid)', async () => {
		const uid = (await cf('POST', '/live_inputs', { body: {} })).body.result.uid;
		const empty = await cf('GET', `/live_inputs/${uid}/videos`);
		assertSpec(empty);
		assert.deepEqual(empty.body.result, []);
		const v = (await control('POST', '/cf/videos', { liveInput: uid, state: 'ready', duration: 42.5 })).body;
		assert.equal(v.readyToStream, true);
		const list = await cf('GET', `/live_inputs/${uid}/videos`);
		assertSpec(list);
		assert.equal(list.body.result.length, 1);
		assert.equal(list.body.result[0].status.state, 'ready');
		const one = await cf('GET', `/${v.uid}`);
		assertSpec(one);
		assert.equal(one.body.result.duration, 42.5);
		await control('POST', '/cf/videos', { uid: v.uid, liveInput: uid, state: 'error', readyToStream: false });
		assert.equal((await cf('GET', `/${v.uid}`)).body.result.status.state, 'error');
		assert.equal((await cf('GET', '/ffffffffffffffffffffffffffffffff')).status, 404);
	});

	test('unknown route -> 404 code 7003', async () => {
		for (const p of ['/client/v4/nothing', `/client/v4/accounts/${ACCT}/stream/live_inputs/x/y/z`]) {
			const r = await call('GET', p);
			assert.equal(r.status, 404);
			assert.deepEqual(r.body.errors, [{ code: 7003, message: 'No route for the URI' }]);
		}
	});
});

describe('mux', () => {
	const CREATE = { playback_policy: ['public'], latency_mode: 'reduced', reconnect_window: 60,
	    passthrough: 's1', new_asset_settings: { playback_policy: ['public'], passthrough: 's1' } };

	test('create live stream: 201, spec-valid, idle with a public playback id', async () => {
		const r = await call('POST', '/video/v1/live-streams', { body: CREATE });
		assert.equal(r.status, 201);
		assertSpec(r);
		const ls = r.body.data;
		assert.equal(ls.status, 'idle');
		assert.equal(typeof ls.created_at, 'string');
		assert.equal(ls.playback_ids.length, 1);
		assert.equal(ls.playback_ids[0].policy, 'public');
		assert.equal(ls.latency_mode, 'reduced');
		assert.equal(ls.reconnect_window, 60);
		assert.equal(ls.passthrough, 's1');
		assert.deepEqual(ls.recent_asset_ids, []);
		const got = await call('GET', `/video/v1/live-streams/${ls.id}`);
		assertSpec(got);
		assert.deepEqual(got.body.data, ls);
	});

	test('invalid body -> 400 invalid_parameters; bad auth -> 401', async () => {
		const r = await call('POST', '/video/v1/live-streams',
		    { body: { latency_mode: 'ultra', playback_policy: 'public', reconnect_window: 9999 } });
		assert.equal(r.status, 400);
		assert.equal(r.body.error.type, 'invalid_parameters');
		assert.equal(r.body.error.messages.length, 3);
		const u = await call('POST', '/video/v1/live-streams', { body: CREATE, headers: { authorization: 'Basic eDp5' } });
		assert.equal(u.status, 401);
		assert.deepEqual(u.body, { error: { type: 'unauthorized', messages: ['Unauthorized request'] } });
		assert.equal((await call('GET', '/video/v1/live-streams/x', { headers: { authorization: '' } })).status, 401);
	});

	test('complete / disable / enable / delete', async () => {
		const id = (await call('POST', '/video/v1/live-streams', { body: CREATE })).body.data.id;
		const asset = (await control('POST', '/mux/assets', { live_stream_id: id, status: 'preparing', is_live: true })).body;
		await control('POST', `/mux/live-streams/${id}`, { status: 'active', active_asset_id: asset.id });
		const c = await call('PUT', `/video/v1/live-streams/${id}/complete`);
		assert.equal(c.status, 200);
		assertSpec(c);
		assert.deepEqual(c.body, { data: {} });
		let ls = (await call('GET', `/video/v1/live-streams/${id}`)).body.data;
		assert.equal(ls.status, 'idle');
		assert.equal(ls.active_asset_id, undefined);
		assert.equal((await call('GET', `/video/v1/assets/${asset.id}`)).body.data.is_live, false);
		const d = await call('PUT', `/video/v1/live-streams/${id}/disable`);
		assertSpec(d);
		assert.equal((await call('GET', `/video/v1/live-streams/${id}`)).body.data.status, 'disabled');
		assert.equal((await call('PUT', `/video/v1/live-streams/${id}/enable`)).status, 200);
		ls = (await call('GET', `/video/v1/live-streams/${id}`)).body.data;
		assert.equal(ls.status, 'idle');
		const del = await call('DELETE', `/video/v1/live-streams/${id}`);
		assert.equal(del.status, 204);
		assert.equal(del.text, '');
		assertSpec(del);
		const gone = await call('GET', `/video/v1/live-streams/${id}`);
		assert.equal(gone.status, 404);
		assert.equal(gone.body.error.type, 'not_found');
		assert.deepEqual((await control('GET', '/state')).body.mux.liveStreams, []);
	});

	test('assets from /_fake/mux/assets: spec-valid, listed in recent_asset_ids', async () => {
		const id = (await call('POST', '/video/v1/live-streams', { body: CREATE })).body.data.id;
		const a = (await control('POST', '/mux/assets', { live_stream_id: id, status: 'ready',
		    duration: 3721.4, is_live: false })).body;
		const r = await call('GET', `/video/v1/assets/${a.id}`);
		assert.equal(r.status, 200);
		assertSpec(r);
		assert.equal(r.body.data.status, 'ready');
		assert.equal(r.body.data.duration, 3721.4);
		assert.equal(r.body.data.passthrough, 's1');
		assert.equal(r.body.data.playback_ids[0].policy, 'public');
		const ls = (await call('GET', `/video/v1/live-streams/${id}`)).body.data;
		assert.deepEqual(ls.recent_asset_ids, [a.id]);
		assert.equal((await call('GET', '/video/v1/assets/nope')).status, 404);
	});
});

describe('faults, delay, recording, control API', () => {
	const createMux = () => call('POST', '/video/v1/live-streams', { body: { playback_policy: ['public'] } });

	test('status fault for N times, then normal; nothing created meanwhile', async () => {
		await control('POST', '/faults', { 'mux.live_stream.create': { status: 503, times: 2, retryAfter: 7 } });
		for (let i = 0; i < 2; i++) {
			const r = await createMux();
			assert.equal(r.status, 503);
			assert.equal(r.headers.get('retry-after'), '7');
			assert.equal(r.body.error.type, 'internal_error');
		}
		assert.deepEqual((await control('GET', '/state')).body.mux.liveStreams, []);
		assert.equal((await createMux()).status, 201);
		const reqs = (await control('GET', '/requests')).body;
		assert.deepEqual(reqs.map((q) => [q.fault ?? null, q.status]),
		    [['mux.live_stream.create', 503], ['mux.live_stream.create', 503], [null, 201]]);
	});

	test('cloudflare error fault uses the envelope; fault without times lasts until removed', async () => {
		await control('POST', '/faults', { 'cf.live_input.create': { status: 500 } });
		for (let i = 0; i < 3; i++) {
			const r = await cf('POST', '/live_inputs', { body: {} });
			assert.equal(r.status, 500);
			assert.equal(r.body.success, false);
		}
		await control('POST', '/faults', { 'cf.live_input.create': null });
		assert.equal((await cf('POST', '/live_inputs', { body: {} })).status, 200);
		assert.equal((await control('POST', '/faults', { 'cf.nope': { status: 500 } })).status, 400);
	});

	test('raw body, oversize and truncate faults still perform the operation', async () => {
		await control('POST', '/faults', { 'mux.live_stream.create': { body: 'not json', times: 1 } });
		const raw = await createMux();
		assert.equal(raw.status, 201);
		assert.equal(raw.text, 'not json');
		await control('POST', '/faults', { 'mux.live_stream.create': { oversize: 200000, times: 1 } });
		const big = await createMux();
		assert.ok(big.text.length >= 200000);
		assert.equal(big.body.data.status, 'idle');
		await control('POST', '/faults', { 'mux.live_stream.create': { truncate: true, times: 1 } });
		await assert.rejects(createMux());
		assert.equal((await control('GET', '/state')).body.mux.liveStreams.length, 3);
	});

	test('hang never answers; delayMs (config and per fault) delays answers', async () => {
		await control('POST', '/faults', { 'cf.live_input.get': { hang: true, times: 1 } });
		await assert.rejects(fetch(`${f.url}/client/v4/accounts/${ACCT}/stream/live_inputs/x`,
		    { headers: CF_AUTH, signal: AbortSignal.timeout(300) }));
		const hung = (await control('GET', '/requests')).body.at(-1);
		assert.equal(hung.hang, true);
		await control('POST', '/config', { delayMs: 150 });
		let t = Date.now();
		await cf('GET', '/live_inputs/x');
		assert.ok(Date.now() - t >= 140);
		await control('POST', '/config', { delayMs: 0 });
		await control('POST', '/faults', { 'cf.live_input.get': { delayMs: 150, times: 1 } });
		t = Date.now();
		assert.equal((await cf('GET', '/live_inputs/x')).status, 404);
		assert.ok(Date.now() - t >= 140);
	});

	test('requests: recorded with index, since=, credentials redacted in memory and log', async () => {
		await cf('POST', '/live_inputs', { body: { meta: { name: 'x' } } });
		await createMux();
		const all = (await control('GET', '/requests')).body;
		assert.equal(all.length, 2);
		const [a, b] = all;
		assert.equal(b.index, a.index + 1);
		assert.deepEqual((await control('GET', `/requests?since=${b.index}`)).body, [b]);
		assert.equal(a.provider, 'cloudflare');
		assert.equal(a.op, 'cf.live_input.create');
		assert.deepEqual(a.body, { meta: { name: 'x' } });
		assert.equal(a.headers.authorization, 'Bearer <redacted>');
		assert.deepEqual(a.auth, { scheme: 'bearer', valid: true });
		assert.equal(b.headers.authorization, 'Basic <redacted>');
		assert.equal(typeof a.t, 'number');
		assert.equal(a.status, 200);
		const log = fs.readFileSync(path.join(tmp, 'requests.jsonl'), 'utf8');
		assert.ok(!log.includes('test-cf-token') && !log.includes(MUX_AUTH.authorization.slice(6)));
		assert.ok(log.trim().split('\n').every((l) => JSON.parse(l).index >= 0));
	});

	test('reset clears requests, faults and state but keeps config', async () => {
		await control('POST', '/config', { cfToken: 'other' });
		await control('POST', '/faults', { 'cf.video.get': { status: 500 } });
		await createMux();
		await control('POST', '/reset');
		assert.deepEqual((await control('GET', '/requests')).body, []);
		assert.deepEqual((await control('GET', '/faults')).body, {});
		assert.deepEqual((await control('GET', '/state')).body.mux.liveStreams, []);
		assert.equal((await control('GET', '/config')).body.cfToken, 'other');
		assert.equal((await cf('GET', '/live_inputs/x')).status, 401);
		await control('POST', '/config', { cfToken: 'test-cf-token' });
	});
});

test('state survives a restart with --state-dir', async () => {
	const stateDir = path.join(tmp, 'state');
	let g = await startFake({ stateDir });
	const id = (await call('POST', '/video/v1/live-streams', { body: {}, base: g.url })).body.data.id;
	await g.close();
	g = await startFake({ stateDir });
	assert.equal((await call('GET', `/video/v1/live-streams/${id}`, { base: g.url })).status, 200);
	await g.close();
});

test('CLI: prints the port, logs JSONL that passes the contract check, stops on SIGTERM', async () => {
	const log = path.join(tmp, 'cli.jsonl');
	const child = spawn(process.execPath, [path.join(here, 'fake-providers.mjs'), '--port', '0', '--log', log],
	    { stdio: ['ignore', 'pipe', 'inherit'] });
	const line = await new Promise((resolve, reject) => {
		let out = '';
		child.stdout.on('data', (d) => {
			out += d;
			if (out.includes('\n')) resolve(out.split('\n')[0]);
		});
		child.on('exit', () => reject(new Error(`fake exited early: ${out}`)));
	});
	const m = /^fake-providers listening on 127\.0\.0\.1:(\d+)$/.exec(line);
	assert.ok(m, line);
	const base = `http://127.0.0.1:${m[1]}`;
	const uid = (await call('POST', `/client/v4/accounts/${ACCT}/stream/live_inputs`,
	    { body: { meta: { name: 'n' }, recording: { mode: 'automatic', timeoutSeconds: 60 } }, base })).body.result.uid;
	await call('POST', `/client/v4/accounts/${ACCT}/stream/live_inputs/${uid}/outputs`,
	    { body: { url: 'rtmps://global-live.mux.com:443/app', streamKey: 'k', enabled: true }, base });
	const id = (await call('POST', '/video/v1/live-streams', { body: { playback_policy: ['public'] }, base })).body.data.id;
	await call('PUT', `/video/v1/live-streams/${id}/complete`, { base });
	await call('DELETE', `/video/v1/live-streams/${id}`, { base });
	await call('DELETE', `/client/v4/accounts/${ACCT}/stream/live_inputs/${uid}`, { base });
	await call('GET', '/_fake/state', { base });
	const exited = new Promise((resolve) => child.on('exit', (code, sig) => resolve([code, sig])));
	child.kill('SIGTERM');
	assert.deepEqual(await exited, [0, null]);
	const r = spawnSync(process.execPath, [path.join(here, '..', 'contract', 'validate.mjs'), log], { encoding: 'utf8' });
	assert.equal(r.status, 0, r.stdout + r.stderr);
	assert.match(r.stdout, /^contract: 6 passed, 0 failed$/m);
});
