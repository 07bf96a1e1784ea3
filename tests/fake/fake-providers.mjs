#!/usr/bin/env node
/*
 * fake-providers.mjs: Cloudflare Stream and Mux Video, faked on loopback.
 *
 *   node tests/fake/fake-providers.mjs --port P [--log FILE] [--state-dir DIR]
 *
 * One HTTP server answers both providers the way PROVIDERS.md §1-2 and the
 * OpenAPI files in shared/specs describe them:
 *   Cloudflare base  http://127.0.0.1:P/client/v4
 *   Mux base         http://127.0.0.1:P
 * and records every provider request (credentials redacted) in memory and,
 * with --log, as one JSON line per request for the contract tests. Tests
 * steer it through a control API under /_fake/ (see README.md here).
 * Node built-ins only; binds 127.0.0.1 only.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const MAX_BODY = 1024 * 1024;		/* larger request bodies get 413 */
const HANG_CLOSE_MS = 60 * 1000;	/* a "hang" fault closes after this */

const DEFAULT_CONFIG = {
	delayMs: 0,
	cfToken: 'test-cf-token',
	cfAccount: '023e105f4ecef8ad9ca31a8372d0c353',
	cfCustomerCode: 'f4k3cust0mer0000',
	rtmpsUrl: 'rtmps://live.cloudflare.com:443/live/',
	srtUrl: 'srt://live.cloudflare.com:778',
	muxId: 'test-mux-id',
	muxSecret: 'test-mux-secret',
	muxRtmpsUrl: 'rtmps://global-live.mux.com:443/app',
};

/* Headers kept in the request record; credentials are redacted. */
const KEPT_HEADERS = ['content-type', 'content-length', 'accept', 'user-agent',
    'expect', 'x-request-id', 'idempotency-key'];
const SECRET_HEADERS = ['authorization', 'x-auth-email', 'x-auth-key'];

/* ---------------------------------------------------------------- helpers */

const hex = (bytes) => crypto.randomBytes(bytes).toString('hex');
const now = () => new Date().toISOString();
const isObj = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function muxId() {			/* 44 base62 chars, like Mux ids */
	const abc = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
	return Array.from(crypto.randomBytes(44), (b) => abc[b % 62]).join('');
}

/* Cloudflare envelope; error codes besides 10000 and 7003 are ours. */
const cfOk = (result, status = 200, extra = {}) =>
	({ status, body: { result, success: true, errors: [], messages: [], ...extra } });
const cfFail = (status, errors) =>
	({ status, body: { result: null, success: false, errors, messages: [] } });
const cfError = (status, message, code = 10000 + status) =>
	cfFail(status, [{ code, message }]);
const muxError = (status, type, messages) =>
	({ status, body: { error: { type, messages } } });

function providerError(provider, status) {
	const text = http.STATUS_CODES[status] || 'Error';
	if (provider === 'cloudflare') {
		if (status === 401 || status === 403)
			return cfError(status, 'Authentication error', 10000);
		return cfError(status, text);
	}
	const type = { 400: 'invalid_parameters', 401: 'unauthorized',
	    404: 'not_found', 429: 'too_many_requests' }[status] ||
	    (status >= 500 ? 'internal_error' : 'error');
	return muxError(status, type, [status === 401 ? 'Unauthorized request' : text]);
}

const CF_NOT_FOUND = () => cfError(404, 'Not found');
const MUX_NOT_FOUND = () => muxError(404, 'not_found',
    ['The requested resource either doesn\'t exist or you don\'t have access to it.']);

/* ------------------------------------------------------ body validation */

/* Each checker returns a list of messages; [] means valid. */
function checkCfLiveInput(b) {
	if (!isObj(b)) return ['request body must be a JSON object'];
	const e = [];
	if ('meta' in b && !isObj(b.meta)) e.push('meta must be an object');
	if ('defaultCreator' in b && typeof b.defaultCreator !== 'string')
		e.push('defaultCreator must be a string');
	if ('enabled' in b && typeof b.enabled !== 'boolean') e.push('enabled must be a boolean');
	if ('preferLowLatency' in b && typeof b.preferLowLatency !== 'boolean')
		e.push('preferLowLatency must be a boolean');
	const d = b.deleteRecordingAfterDays;
	if (d !== undefined && d !== null && !(typeof d === 'number' && d >= 30))
		e.push('deleteRecordingAfterDays must be a number >= 30 or null');
	if ('recording' in b) {
		const r = b.recording;
		if (!isObj(r)) return [...e, 'recording must be an object'];
		if ('mode' in r && !['off', 'automatic'].includes(r.mode))
			e.push('recording.mode must be one of: off, automatic');
		if ('timeoutSeconds' in r && !Number.isInteger(r.timeoutSeconds))
			e.push('recording.timeoutSeconds must be an integer');
		for (const k of ['requireSignedURLs', 'hideLiveViewerCount'])
			if (k in r && typeof r[k] !== 'boolean') e.push(`recording.${k} must be a boolean`);
		const o = r.allowedOrigins;
		if (o !== undefined && o !== null &&
		    !(Array.isArray(o) && o.every((x) => typeof x === 'string')))
			e.push('recording.allowedOrigins must be an array of strings');
	}
	return e;
}

function checkCfOutput(b) {
	if (!isObj(b)) return ['request body must be a JSON object'];
	const e = [];
	for (const k of ['url', 'streamKey'])
		if (typeof b[k] !== 'string' || b[k] === '') e.push(`${k} is required and must be a string`);
	if ('enabled' in b && typeof b.enabled !== 'boolean') e.push('enabled must be a boolean');
	return e;
}

function checkPolicies(v, name) {
	if (v === undefined) return [];
	if (!Array.isArray(v) || !v.every((p) => p === 'public' || p === 'signed'))
		return [`${name} must be an array of "public" or "signed"`];
	return [];
}

function checkMuxLiveStream(b) {
	if (!isObj(b)) return ['request body must be a JSON object'];
	const e = [...checkPolicies(b.playback_policy, 'playback_policy'),
	    ...checkPolicies(b.playback_policies, 'playback_policies')];
	if ('latency_mode' in b && !['low', 'reduced', 'standard'].includes(b.latency_mode))
		e.push('latency_mode must be one of: low, reduced, standard');
	const w = b.reconnect_window;
	if (w !== undefined && !(typeof w === 'number' && w >= 0 && w <= 1800))
		e.push('reconnect_window must be a number between 0 and 1800');
	const m = b.max_continuous_duration;
	if (m !== undefined && !(Number.isInteger(m) && m >= 60 && m <= 43200))
		e.push('max_continuous_duration must be an integer between 60 and 43200');
	if ('passthrough' in b && !(typeof b.passthrough === 'string' && b.passthrough.length <= 255))
		e.push('passthrough must be a string of at most 255 characters');
	for (const k of ['test', 'audio_only', 'reduced_latency', 'low_latency'])
		if (k in b && typeof b[k] !== 'boolean') e.push(`${k} must be a boolean`);
	if ('new_asset_settings' in b) {
		if (!isObj(b.new_asset_settings)) e.push('new_asset_settings must be an object');
		else e.push(...checkPolicies(b.new_asset_settings.playback_policy,
		    'new_asset_settings.playback_policy'));
	}
	return e;
}

/* ------------------------------------------------------ provider handlers */

/*
 * Each handler gets {p: path params, body, f: the fake} and returns
 * {status, body}. State changes happen only here.
 */
function cfDelivery(cfg) {
	return `https://customer-${cfg.cfCustomerCode}.cloudflarestream.com`;
}

function cfCreateLiveInput({ body, f }) {
	const errs = checkCfLiveInput(body);
	if (errs.length) return cfFail(400, errs.map((message) => ({ code: 10400, message })));
	const cfg = f.config, uid = hex(16), t = now(), key = () => `${hex(16)}k${hex(16)}`;
	const input = {
		uid, created: t, modified: t, meta: body.meta ?? {}, status: null,
		recording: { mode: 'off', requireSignedURLs: false, allowedOrigins: null,
		    hideLiveViewerCount: false, timeoutSeconds: 0, ...body.recording },
		enabled: body.enabled ?? true,
		deleteRecordingAfterDays: body.deleteRecordingAfterDays ?? null,
		preferLowLatency: body.preferLowLatency ?? false,
		...('defaultCreator' in body ? { defaultCreator: body.defaultCreator } : {}),
		rtmps: { url: cfg.rtmpsUrl, streamKey: key() },
		rtmpsPlayback: { url: cfg.rtmpsUrl, streamKey: key() },
		srt: { url: cfg.srtUrl, streamId: uid, passphrase: key() },
		srtPlayback: { url: cfg.srtUrl, streamId: `play${uid}`, passphrase: key() },
		webRTC: { url: `${cfDelivery(cfg)}/${key()}/webRTC/publish` },
		webRTCPlayback: { url: `${cfDelivery(cfg)}/${uid}/webRTC/play` },
	};
	f.state.cf.liveInputs[uid] = input;
	return cfOk(input);
}

function cfGetLiveInput({ p, f }) {
	const input = f.state.cf.liveInputs[p.input];
	return input ? cfOk(input) : CF_NOT_FOUND();
}

function cfDeleteLiveInput({ p, f }) {
	if (!f.state.cf.liveInputs[p.input]) return CF_NOT_FOUND();
	delete f.state.cf.liveInputs[p.input];
	for (const [id, o] of Object.entries(f.state.cf.outputs))
		if (o.liveInput === p.input) delete f.state.cf.outputs[id];
	return cfOk(null);
}

const outputView = ({ uid, url, streamKey, enabled }) => ({ uid, url, streamKey, enabled });

function cfCreateOutput({ p, body, f }) {
	if (!f.state.cf.liveInputs[p.input]) return CF_NOT_FOUND();
	const errs = checkCfOutput(body);
	if (errs.length) return cfFail(400, errs.map((message) => ({ code: 10400, message })));
	const out = { uid: hex(16), url: body.url, streamKey: body.streamKey,
	    enabled: body.enabled ?? true, liveInput: p.input };
	f.state.cf.outputs[out.uid] = out;
	return cfOk(outputView(out));
}

function cfListOutputs({ p, f }) {
	if (!f.state.cf.liveInputs[p.input]) return CF_NOT_FOUND();
	return cfOk(Object.values(f.state.cf.outputs)
	    .filter((o) => o.liveInput === p.input).map(outputView));
}

function cfDeleteOutput({ p, f }) {
	const out = f.state.cf.outputs[p.output];
	if (!f.state.cf.liveInputs[p.input] || !out || out.liveInput !== p.input)
		return CF_NOT_FOUND();
	delete f.state.cf.outputs[p.output];
	return cfOk(null);
}

function cfListVideos({ p, f }) {
	if (!f.state.cf.liveInputs[p.input]) return CF_NOT_FOUND();
	const list = Object.values(f.state.cf.videos).filter((v) => v.liveInput === p.input);
	return cfOk(list, 200, { total: list.length, range: list.length });
}

function cfGetVideo({ p, f }) {
	const v = f.state.cf.videos[p.video];
	return v ? cfOk(v) : CF_NOT_FOUND();
}

function muxCreateLiveStream({ body, f }) {
	const errs = checkMuxLiveStream(body);
	if (errs.length) return muxError(400, 'invalid_parameters', errs);
	const policies = body.playback_policy ?? body.playback_policies ?? [];
	const latency = body.latency_mode ?? 'standard';
	const ls = {
		id: muxId(),
		created_at: String(Math.floor(Date.now() / 1000)),
		stream_key: crypto.randomUUID(),
		status: 'idle',
		playback_ids: policies.map((policy) => ({ id: muxId(), policy })),
		...('new_asset_settings' in body ? { new_asset_settings: body.new_asset_settings } : {}),
		latency_mode: latency,
		reconnect_window: body.reconnect_window ?? (latency === 'standard' ? 60 : 0),
		max_continuous_duration: body.max_continuous_duration ?? 43200,
		...('passthrough' in body ? { passthrough: body.passthrough } : {}),
		...('test' in body ? { test: body.test } : {}),
		...('audio_only' in body ? { audio_only: body.audio_only } : {}),
		recent_asset_ids: [],
	};
	f.state.mux.liveStreams[ls.id] = ls;
	return { status: 201, body: { data: ls } };
}

function muxGetLiveStream({ p, f }) {
	const ls = f.state.mux.liveStreams[p.stream];
	return ls ? { status: 200, body: { data: ls } } : MUX_NOT_FOUND();
}

function muxDeleteLiveStream({ p, f }) {
	if (!f.state.mux.liveStreams[p.stream]) return MUX_NOT_FOUND();
	delete f.state.mux.liveStreams[p.stream];
	return { status: 204, body: null };
}

/* complete/disable end the current recording; enable re-allows ingest. */
function muxStreamAction(action) {
	return ({ p, f }) => {
		const ls = f.state.mux.liveStreams[p.stream];
		if (!ls) return MUX_NOT_FOUND();
		if (action !== 'enable') {
			const asset = f.state.mux.assets[ls.active_asset_id];
			if (asset) asset.is_live = false;
			delete ls.active_asset_id;
		}
		if (action === 'disable') ls.status = 'disabled';
		else if (action === 'enable' || ls.status === 'active') ls.status = 'idle';
		return { status: 200, body: { data: {} } };
	};
}

function muxGetAsset({ p, f }) {
	const a = f.state.mux.assets[p.asset];
	return a ? { status: 200, body: { data: a } } : MUX_NOT_FOUND();
}

/* Routes: [method, pattern, op name, handler]; named groups become params. */
const CF_BASE = '^/client/v4/accounts/(?<account>[^/]+)/stream';
const MUX_LS = '^/video/v1/live-streams/(?<stream>[^/]+)';
const ROUTES = [
	['POST', `${CF_BASE}/live_inputs$`, 'cf.live_input.create', cfCreateLiveInput],
	['GET', `${CF_BASE}/live_inputs/(?<input>[^/]+)$`, 'cf.live_input.get', cfGetLiveInput],
	['DELETE', `${CF_BASE}/live_inputs/(?<input>[^/]+)$`, 'cf.live_input.delete', cfDeleteLiveInput],
	['POST', `${CF_BASE}/live_inputs/(?<input>[^/]+)/outputs$`, 'cf.output.create', cfCreateOutput],
	['GET', `${CF_BASE}/live_inputs/(?<input>[^/]+)/outputs$`, 'cf.output.list', cfListOutputs],
	['DELETE', `${CF_BASE}/live_inputs/(?<input>[^/]+)/outputs/(?<output>[^/]+)$`,
	    'cf.output.delete', cfDeleteOutput],
	['GET', `${CF_BASE}/live_inputs/(?<input>[^/]+)/videos$`, 'cf.videos.list', cfListVideos],
	['GET', `${CF_BASE}/(?!live_inputs$|webhook$)(?<video>[^/]+)$`, 'cf.video.get', cfGetVideo],
	['POST', '^/video/v1/live-streams$', 'mux.live_stream.create', muxCreateLiveStream],
	['GET', `${MUX_LS}$`, 'mux.live_stream.get', muxGetLiveStream],
	['DELETE', `${MUX_LS}$`, 'mux.live_stream.delete', muxDeleteLiveStream],
	['PUT', `${MUX_LS}/complete$`, 'mux.live_stream.complete', muxStreamAction('complete')],
	['PUT', `${MUX_LS}/disable$`, 'mux.live_stream.disable', muxStreamAction('disable')],
	['PUT', `${MUX_LS}/enable$`, 'mux.live_stream.enable', muxStreamAction('enable')],
	['GET', '^/video/v1/assets/(?<asset>[^/]+)$', 'mux.asset.get', muxGetAsset],
].map(([method, re, op, handler]) => ({ method, re: new RegExp(re), op, handler }));

export const OPS = ROUTES.map((r) => r.op);

function matchRoute(method, pathname) {
	for (const r of ROUTES) {
		const m = r.re.exec(pathname);
		if (m && r.method === method) {
			const p = {};
			try {
				for (const [k, v] of Object.entries(m.groups || {})) p[k] = decodeURIComponent(v);
			} catch {
				return null;		/* bad %-escape: no route */
			}
			return { route: r, p };
		}
	}
	return null;
}

/* ----------------------------------------------------------- the fake */

const emptyState = () => ({ cf: { liveInputs: {}, outputs: {}, videos: {} },
    mux: { liveStreams: {}, assets: {} } });

class Fake {
	constructor({ logFile, stateDir } = {}) {
		this.config = { ...DEFAULT_CONFIG };
		this.logFile = logFile;
		this.stateFile = stateDir ? path.join(stateDir, 'state.json') : null;
		this.state = emptyState();
		this.faults = {};
		this.requests = [];
		this.nextIndex = 0;
		this.sockets = new Set();
		if (logFile) fs.mkdirSync(path.dirname(path.resolve(logFile)), { recursive: true });
		if (this.stateFile) {
			fs.mkdirSync(stateDir, { recursive: true });
			if (fs.existsSync(this.stateFile))
				this.state = JSON.parse(fs.readFileSync(this.stateFile, 'utf8'));
		}
		this.server = http.createServer((req, res) => this.onRequest(req, res)
		    .catch((err) => {
			console.error('fake-providers:', err);
			if (!res.headersSent) sendJson(res, 500, { error: String(err) });
		    }));
		this.server.on('connection', (s) => {
			this.sockets.add(s);
			s.on('close', () => this.sockets.delete(s));
		});
	}

	listen(port = 0) {
		return new Promise((resolve, reject) => {
			this.server.once('error', reject);
			this.server.listen(port, '127.0.0.1', () => resolve(this.server.address().port));
		});
	}

	close() {
		return new Promise((resolve) => {
			this.server.close(() => resolve());
			for (const s of this.sockets) s.destroy();
		});
	}

	persist() {
		if (!this.stateFile) return;
		fs.writeFileSync(`${this.stateFile}.tmp`, JSON.stringify(this.state, null, 1));
		fs.renameSync(`${this.stateFile}.tmp`, this.stateFile);
	}

	record(rec) {
		this.requests.push(rec);
		if (this.logFile) fs.appendFileSync(this.logFile, `${JSON.stringify(rec)}\n`);
	}

	/* Take the fault armed for op, counting down its "times". */
	takeFault(op) {
		const f = this.faults[op];
		if (!f) return null;
		if (typeof f.times === 'number' && --f.times <= 0) delete this.faults[op];
		return f;
	}

	checkAuth(provider, h) {
		const a = h.authorization || '';
		const scheme = a.split(' ')[0].toLowerCase() ||
		    (h['x-auth-key'] ? 'api_key' : 'none');
		const cred = a.slice(a.indexOf(' ') + 1);
		let valid = false;
		if (provider === 'cloudflare')
			valid = scheme === 'bearer' && cred === this.config.cfToken;
		else if (scheme === 'basic')
			valid = Buffer.from(cred, 'base64').toString() ===
			    `${this.config.muxId}:${this.config.muxSecret}`;
		return { scheme, valid };
	}

	async onRequest(req, res) {
		const t = Date.now();
		const url = new URL(req.url, 'http://127.0.0.1');
		const raw = await readBody(req);
		if (raw === null) return sendJson(res, 413, { error: 'request body too large' });
		if (url.pathname.startsWith('/_fake/')) return this.control(req.method, url, raw, res);

		const provider = /^\/client\/v4(\/|$)/.test(url.pathname) ? 'cloudflare' : 'mux';
		const headers = {};
		for (const k of KEPT_HEADERS) if (req.headers[k] !== undefined) headers[k] = req.headers[k];
		for (const k of SECRET_HEADERS) if (req.headers[k] !== undefined)
			headers[k] = k === 'authorization' && req.headers[k].includes(' ')
			    ? `${req.headers[k].split(' ')[0]} <redacted>` : '<redacted>';
		const rec = { index: this.nextIndex++, t, provider, method: req.method,
		    path: url.pathname, query: Object.fromEntries(url.searchParams), headers,
		    auth: this.checkAuth(provider, req.headers), bodyBytes: raw.length, body: null };
		if (raw.length) {
			try { rec.body = JSON.parse(raw.toString('utf8')); } catch {
				rec.bodyError = 'invalid JSON';
				rec.bodyRaw = raw.toString('utf8', 0, Math.min(raw.length, 2048));
			}
		}

		const m = matchRoute(req.method, url.pathname);
		rec.op = m ? m.route.op : null;
		let answer, fault = null;
		if (!m) {
			answer = provider === 'cloudflare'
			    ? cfError(404, 'No route for the URI', 7003)
			    : muxError(404, 'not_found', ['No route for the URI']);
		} else if (!rec.auth.valid) {
			answer = providerError(provider, 401);
		} else if (provider === 'cloudflare' && m.p.account !== this.config.cfAccount) {
			answer = providerError(provider, 403);
		} else {
			fault = this.takeFault(m.route.op);
			const apply = fault?.apply ?? !(fault && (fault.hang || fault.status >= 400));
			if (apply) {
				/* invalid JSON reaches the checkers as a string: 400 */
				const body = rec.bodyError ? rec.bodyRaw : (rec.body ?? {});
				answer = m.route.handler({ p: m.p, body, f: this });
				if (answer.status < 300) this.persist();
			}
			if (fault) {
				rec.fault = m.route.op;
				answer = shapeFault(provider, fault, answer);
			}
		}

		if (answer.hang) {
			rec.status = null;
			rec.hang = true;
			this.record(rec);
			setTimeout(() => res.socket?.destroy(), HANG_CLOSE_MS).unref();
			return;
		}
		const delay = (this.config.delayMs || 0) + (fault?.delayMs || 0);
		if (delay > 0) await sleep(delay);
		rec.status = answer.status;
		rec.ms = Date.now() - t;
		this.record(rec);
		sendAnswer(res, answer);
	}

	/* ---------------------------------------------------- control API */

	control(method, url, raw, res) {
		let body = {};
		if (raw.length) {
			try { body = JSON.parse(raw.toString('utf8')); } catch {
				return sendJson(res, 400, { error: 'body is not JSON' });
			}
		}
		const route = `${method} ${url.pathname.replace(/\/+$/, '')}`;
		const ok = (v = { ok: true }) => sendJson(res, 200, v);
		const bad = (msg) => sendJson(res, 400, { error: msg });
		let m;

		if (route === 'GET /_fake/requests') {
			const since = Number(url.searchParams.get('since') || 0);
			return ok(this.requests.filter((r) => r.index >= since));
		}
		if (route === 'POST /_fake/reset') {
			this.requests = [];
			this.faults = {};
			this.state = emptyState();
			this.persist();
			return ok();
		}
		if (route === 'GET /_fake/config') return ok(this.config);
		if (route === 'POST /_fake/config') {
			for (const [k, v] of Object.entries(body)) {
				if (!(k in DEFAULT_CONFIG)) return bad(`unknown config key ${k}`);
				if (typeof v !== typeof DEFAULT_CONFIG[k]) return bad(`${k} has the wrong type`);
			}
			Object.assign(this.config, body);
			return ok(this.config);
		}
		if (route === 'GET /_fake/faults') return ok(this.faults);
		if (route === 'DELETE /_fake/faults') { this.faults = {}; return ok(); }
		if (route === 'POST /_fake/faults') {
			for (const [op, f] of Object.entries(body)) {
				if (!OPS.includes(op)) return bad(`unknown op ${op}; known: ${OPS.join(', ')}`);
				if (f !== null && !isObj(f)) return bad(`fault for ${op} must be an object or null`);
			}
			for (const [op, f] of Object.entries(body)) {
				if (f === null) delete this.faults[op];
				else this.faults[op] = { ...f };
			}
			return ok(this.faults);
		}
		if (route === 'GET /_fake/state') {
			const { cf, mux } = this.state;
			return ok({ cf: { liveInputs: Object.values(cf.liveInputs),
			    outputs: Object.values(cf.outputs), videos: Object.values(cf.videos) },
			    mux: { liveStreams: Object.values(mux.liveStreams),
			    assets: Object.values(mux.assets) } });
		}
		if (route === 'POST /_fake/cf/videos') {
			if (!isObj(body) || typeof body.liveInput !== 'string') return bad('liveInput is required');
			const v = this.putCfVideo(body);
			this.persist();
			return ok(v);
		}
		if (route === 'POST /_fake/mux/assets') {
			if (!isObj(body)) return bad('body must be an object');
			const a = this.putMuxAsset(body);
			this.persist();
			return ok(a);
		}
		if (method === 'POST' && (m = /^\/_fake\/mux\/live-streams\/([^/]+)$/.exec(url.pathname))) {
			const ls = this.state.mux.liveStreams[decodeURIComponent(m[1])];
			if (!ls) return sendJson(res, 404, { error: 'no such live stream' });
			for (const [k, v] of Object.entries(body)) {
				if (v === null) delete ls[k];
				else ls[k] = v;
			}
			this.persist();
			return ok(ls);
		}
		return sendJson(res, 404, { error: `no control route ${route}` });
	}

	/* Add or update a Cloudflare video (a recording of a live input). */
	putCfVideo({ uid = hex(16), state, pctComplete, ...rest }) {
		const old = this.state.cf.videos[uid];
		const base = `${cfDelivery(this.config)}/${uid}`;
		const t = now();
		const v = old ?? {
			uid, creator: null, thumbnail: `${base}/thumbnails/thumbnail.jpg`,
			thumbnailTimestampPct: 0, readyToStream: false,
			status: { state: 'live-inprogress', pctComplete: '0', errorReasonCode: '',
			    errorReasonText: '' },
			meta: {}, created: t, modified: t, size: 0, preview: `${base}/watch`,
			allowedOrigins: [], requireSignedURLs: false, uploaded: t,
			uploadExpiry: null, maxSizeBytes: null, maxDurationSeconds: null,
			duration: -1, input: { width: -1, height: -1 },
			playback: { hls: `${base}/manifest/video.m3u8`,
			    dash: `${base}/manifest/video.mpd` },
			watermark: null, liveInput: rest.liveInput,
		};
		Object.assign(v, rest, { modified: t });
		if (state !== undefined) v.status = { ...v.status, state };
		if (pctComplete !== undefined) v.status = { ...v.status, pctComplete: String(pctComplete) };
		if (v.status.state === 'ready' && rest.readyToStream === undefined) v.readyToStream = true;
		if (v.readyToStream && !v.readyToStreamAt) v.readyToStreamAt = t;
		this.state.cf.videos[uid] = v;
		return v;
	}

	/* Add or update a Mux asset; new ones join their stream's recent_asset_ids. */
	putMuxAsset({ id = muxId(), ...rest }) {
		const ls = this.state.mux.liveStreams[rest.live_stream_id];
		const a = this.state.mux.assets[id] ?? {
			id, created_at: String(Math.floor(Date.now() / 1000)), status: 'preparing',
			is_live: false, playback_ids: [{ id: muxId(), policy: 'public' }],
			master_access: 'none', mp4_support: 'none', max_resolution_tier: '1080p',
			encoding_tier: 'smart',
			...(ls?.new_asset_settings?.passthrough !== undefined
			    ? { passthrough: ls.new_asset_settings.passthrough } : {}),
		};
		Object.assign(a, rest);
		this.state.mux.assets[id] = a;
		if (ls && !ls.recent_asset_ids.includes(id)) ls.recent_asset_ids.push(id);
		return a;
	}
}

/* Turn a fault spec and the normal answer (null if not applied) into what we send. */
function shapeFault(provider, fault, normal) {
	if (fault.hang) return { hang: true };
	const status = fault.status ?? normal?.status ?? 500;
	let answer;
	if (fault.body !== undefined)
		answer = { status, raw: String(fault.body), contentType: fault.contentType };
	else if (status >= 400 || !normal)
		answer = providerError(provider, status);
	else
		answer = { ...normal, status };
	if (fault.retryAfter !== undefined) answer.headers = { 'Retry-After': String(fault.retryAfter) };
	answer.truncate = !!fault.truncate;
	answer.oversize = fault.oversize;
	return answer;
}

function sendAnswer(res, a) {
	let text = a.raw ?? (a.body === null || a.body === undefined ? '' : JSON.stringify(a.body));
	const short = a.oversize - Buffer.byteLength(text);
	if (short > 0) {			/* pad, keeping the JSON valid */
		if (isObj(a.body)) {
			text = JSON.stringify({ ...a.body, _fakePadding: '' });
			text = text.replace('"_fakePadding":""',
			    `"_fakePadding":"${'x'.repeat(Math.max(0, a.oversize - Buffer.byteLength(text)))}"`);
		} else {
			text += ' '.repeat(short);
		}
	}
	const buf = Buffer.from(text);
	const headers = { ...a.headers, 'Content-Length': buf.length };
	if (buf.length) headers['Content-Type'] = a.contentType || 'application/json; charset=utf-8';
	res.writeHead(a.status, headers);
	if (a.truncate) {
		res.write(buf.subarray(0, Math.floor(buf.length / 2)), () => res.socket?.destroy());
		return;
	}
	res.end(buf);
}

function sendJson(res, status, v) {
	sendAnswer(res, { status, body: v });
}

/* The whole request body as a Buffer, or null past MAX_BODY. */
function readBody(req) {
	return new Promise((resolve, reject) => {
		const parts = [];
		let n = 0, over = false;
		req.on('data', (c) => {
			n += c.length;
			if (n > MAX_BODY) over = true;
			else parts.push(c);
		});
		req.on('end', () => resolve(over ? null : Buffer.concat(parts)));
		req.on('error', reject);
	});
}

/* Start a fake; resolves to {fake, port, url, close}. Used by node tests. */
export async function startFake({ port = 0, logFile, stateDir } = {}) {
	const fake = new Fake({ logFile, stateDir });
	const p = await fake.listen(port);
	return { fake, port: p, url: `http://127.0.0.1:${p}`, close: () => fake.close() };
}

function parseArgs(argv) {
	const opts = { port: 0 };
	for (let i = 0; i < argv.length; i++) {
		const a = argv[i], v = argv[i + 1];
		if (a === '--port') { opts.port = Number(v); i++; }
		else if (a === '--log') { opts.logFile = v; i++; }
		else if (a === '--state-dir') { opts.stateDir = v; i++; }
		else {
			console.error('usage: fake-providers.mjs --port P [--log FILE] [--state-dir DIR]');
			process.exit(2);
		}
	}
	if (!Number.isInteger(opts.port) || opts.port < 0 || opts.port > 65535) {
		console.error('fake-providers: --port must be 0..65535');
		process.exit(2);
	}
	return opts;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
	const { port, close } = await startFake(parseArgs(process.argv.slice(2)));
	console.log(`fake-providers listening on 127.0.0.1:${port}`);
	const stop = () => close().then(() => process.exit(0));
	process.on('SIGTERM', stop);
	process.on('SIGINT', stop);
}
