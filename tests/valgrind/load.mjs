// load.mjs: a bounded load of every request kind, one FastCGI program at
// a time, through the real nginx; each answer is checked against the
// status that kind must get.  Used by tests/valgrind/load-case.sh (make
// valgrind: natively, then with every program under valgrind).  Node 20,
// built-ins only (and bench/lib.mjs for the webhook bodies).
//
//   node load.mjs seed --base URL --out STATE.json
//       memorials, streams and login links the loads use (tokens from
//       the environment: VG_ADMIN, VG_OWNER, VG_OUTSIDER; the database
//       VIGIL_DB for the login links, inserted with sqlite3)
//   node load.mjs run --base URL --state STATE.json --program NAME
//       [--requests 10000] [--concurrency 2] [--checkpoint 1000]
//       [--pid SUPERVISOR_PID] [--rate R]
//       NAME's request kinds in turn until --requests of them were
//       answered by NAME (not counted: setup requests to other programs,
//       e.g. a fresh stream for the lifecycle kinds, and what nginx
//       answers itself: 413 over its body limits, 404 outside the
//       program's locations).  With --pid,
//       the VmRSS of each worker (the supervisor's children) is read at
//       --checkpoint answered requests and at the end, with no request
//       in flight.  --rate caps requests per second (whip: nginx allows
//       20/s).  Prints progress to stderr and one JSON line to stdout:
//       {program, answered, other, cached, statuses, unexpected,
//        firstUnexpected, errors, seconds, rss: {PID: [kB at checkpoint,
//        kB at end]}}; "cached" counts answers from nginx's listing
//       micro-cache (X-Cache-Status: HIT), which the program never saw.
//       Exit 1 when an answer was not the expected one or a request
//       failed.
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { args, cfVideoReady, hex, muxAsset, muxLiveStream, signCf,
    signMux } from '../../bench/lib.mjs';

const [mode, ...rest] = process.argv.slice(2);
const o = args(rest, { requests: '10000', concurrency: '2',
    checkpoint: '1000', rate: '0', pid: '', links: '3000' });
const base = new URL(o.base);
const agent = new http.Agent({ keepAlive: true,
    maxSockets: Number(o.concurrency) + 1 });

// One request; resolves {status, headers, body}.  60 s: a program under
// valgrind answers slowly, but it answers.
function send(method, path, { auth, headers = {}, body, ctype } = {}) {
	return new Promise((resolve, reject) => {
		const h = { ...headers };
		if (auth)
			h.authorization = `Bearer ${auth}`;
		if (body !== undefined) {
			h['content-type'] = ctype ?? 'application/json';
			h['content-length'] = Buffer.byteLength(body);
		}
		const req = http.request({ host: base.hostname,
		    port: base.port, path, method, headers: h, agent,
		    timeout: 60000 }, (res) => {
			const chunks = [];
			res.on('data', (c) => chunks.push(c));
			res.on('end', () => resolve({ status: res.statusCode,
			    headers: res.headers,
			    body: Buffer.concat(chunks).toString() }));
			res.on('error', reject);
		});
		req.on('timeout', () => req.destroy(new Error(
		    `timeout: ${method} ${path}`)));
		req.on('error', reject);
		req.end(body);
	});
}

const json = (v) => JSON.stringify(v);
const env = (name) => {
	if (!process.env[name])
		throw new Error(`${name} is not set`);
	return process.env[name];
};

// ------------------------------------------------------------ seed

async function must(want, method, path, opts) {
	const r = await send(method, path, opts);
	if (r.status !== want)
		throw new Error(`seed: ${method} ${path}: ${r.status} ` +
		    `(wanted ${want}): ${r.body.slice(0, 300)}`);
	return r.body ? JSON.parse(r.body) : null;
}

async function seed() {
	const admin = env('VG_ADMIN');
	const owner = env('VG_OWNER');
	const run = hex(4);
	const mem = (id, visibility) => must(201, 'POST', '/api/memorials', {
	    auth: admin, body: json({ id, title: `Load ${id}`,
		ownerUid: 'vg-owner', directorUids: ['vg-director'],
		visibility }) });
	const s = { run, public: `vg-pub-${run}`, private: `vg-priv-${run}`,
	    patch: `vg-patch-${run}`, streams: [] };
	await mem(s.public, 'public');
	await mem(s.private, 'private');
	await mem(s.patch, 'public');
	const methods = ['whip_browser', 'whip_browser', 'obs',
	    'cloudflare_whip'];
	for (let i = 0; i < 12; i++) {
		const m = methods[i % methods.length];
		const r = await must(201, 'POST', '/api/streams/create-whip', {
		    auth: owner, body: json({ memorialId: s.public,
			title: `Seed ${i}`, streamingMethod: m }) });
		s.streams.push({ id: r.stream.id, method: m,
		    token: r.stream.publishToken ?? null,
		    cf: r.stream.cloudflareInputId ?? null,
		    mux: r.stream.muxLiveStreamId ?? null });
	}
	const p = await must(201, 'POST', '/api/streams/create-whip', {
	    auth: owner, body: json({ memorialId: s.private,
		title: 'Private' }) });
	s.privateStream = p.stream.id;
	// The stream whose publish token the streams load rotates.
	const rot = await must(201, 'POST', '/api/streams/create-whip', {
	    auth: owner, body: json({ memorialId: s.public,
		title: 'Rotated' }) });
	s.rotate = rot.stream.id;
	if (!s.streams.some((x) => x.mux) || !s.streams.some((x) => x.cf))
		throw new Error('seed: the streams have no provider ids ' +
		    '(are the fake providers configured?)');
	// A listing cursor we really gave.
	const l = await must(200, 'GET',
	    `/api/streams?memorialId=${s.public}&limit=5`);
	s.cursor = l.nextCursor;
	if (!s.cursor)
		throw new Error('seed: the listing gave no nextCursor');

	// One-time sign-in links, as vigil login-link stores them.
	const now = Math.floor(Date.now() / 1000);
	const links = [];
	const sql = ['BEGIN;'];
	for (let i = 0; i < Number(o.links); i++) {
		const t = randomBytes(32).toString('base64url');
		const h = createHash('sha256').update(t).digest('hex');
		links.push(t);
		sql.push(`INSERT INTO login_tokens (token_hash, sub, role, ` +
		    `expires_at) VALUES ('${h}', 'vg-link-${i % 7}', ` +
		    `${i % 5 === 0 ? "'admin'" : 'NULL'}, ${now + 3600});`);
	}
	sql.push('COMMIT;');
	execFileSync('sqlite3', ['-bail', env('VIGIL_DB')],
	    { input: sql.join('\n') + '\n' });
	s.links = links;
	writeFileSync(o.out, json(s));
	console.error(`seed: memorials ${s.public} ${s.private} ${s.patch},` +
	    ` ${s.streams.length + 2} streams, ${links.length} login links`);
}

// ------------------------------------------------------------ kinds
//
// A kind is an async function (ctx) that makes requests with ctx.req(
// EXPECT, METHOD, PATH, OPTS) and ctx.other(...) (a setup request to
// another program, not counted).  EXPECT is a status or a list of them.

const kinds = {};
const pick = (a, i) => a[i % a.length];
const oversize = 'x'.repeat(20 * 1024);

kinds['create-whip'] = (S) => {
	const P = '/api/streams/create-whip';
	const owner = env('VG_OWNER'), outsider = env('VG_OUTSIDER');
	const body = (m, extra = {}) => json({ memorialId: S.public,
	    title: 'Load', streamingMethod: m, ...extra });
	let lastKey = null, lastBody = null;
	return [
		async (c) => {
			// Replayed (below) only once answered: a replay while
			// the first is in flight is a 409 by design.
			const key = randomUUID(), b = body('whip_browser');
			await c.req(201, 'POST', P, { auth: owner, body: b,
			    headers: { 'idempotency-key': key } });
			lastKey = key;
			lastBody = b;
		},
		async (c) => c.req(201, 'POST', P, { auth: owner,
		    body: body('obs', { muxBackup: true }) }),
		async (c) => c.req(201, 'POST', P, { auth: owner,
		    body: body('cloudflare_whip') }),
		async (c) => c.req(201, 'POST', P, { auth: owner,
		    body: body('whip_browser', { muxBackup: false,
			scheduledAt: '2031-05-01T10:00:00Z' }) }),
		async (c) => {
			if (!lastKey)
				return;
			await c.req(201, 'POST', P, { auth: owner, body: lastBody,
			    headers: { 'idempotency-key': lastKey } });
			await c.req(422, 'POST', P, { auth: owner,
			    body: body('obs'),
			    headers: { 'idempotency-key': lastKey } });
		},
		async (c) => c.req(401, 'POST', P, { body: body('obs') }),
		async (c) => c.req(401, 'POST', P, { auth: `${owner}x`,
		    body: body('obs') }),
		async (c) => c.req(415, 'POST', P, { auth: owner,
		    body: body('obs'), ctype: 'text/plain' }),
		async (c) => c.req(400, 'POST', P, { auth: owner,
		    body: '{"memorialId":' }),
		async (c) => c.req(400, 'POST', P, { auth: owner,
		    body: json({ memorialId: S.public, title: 'x'.repeat(300) }) }),
		async (c) => c.req(400, 'POST', P, { auth: owner,
		    body: body('carrier_pigeon') }),
		async (c) => c.req(400, 'POST', P, { auth: owner,
		    body: body('mux_whip') }),
		async (c) => c.req(400, 'POST', P, { auth: owner,
		    body: body('obs'),
		    headers: { 'idempotency-key': 'k'.repeat(200) } }),
		async (c) => c.req(404, 'POST', P, { auth: owner,
		    body: json({ memorialId: 'no-such-memorial', title: 'x' }) }),
		async (c) => c.req(403, 'POST', P, { auth: outsider,
		    body: body('obs') }),
		async (c) => c.req(405, 'GET', P, { auth: owner }),
		async (c) => c.other(413, 'POST', P, { auth: owner,
		    body: json({ memorialId: S.public, title: oversize }) }),
		// A provider that refuses: nothing is created, the other
		// provider's resource is rolled back (sequential: the fault
		// is global and applies to the next matching request).
		// A failing backup (Mux) or Output is a warning, not a
		// failure (201).
		async (c) => c.serial(async (c) => {
			await c.fault('cf.live_input.create', { status: 400 });
			await c.req(502, 'POST', P, { auth: owner,
			    body: body('obs', { muxBackup: true }) });
			await c.fault('cf.live_input.create',
			    { status: 200, body: 'not json at all' });
			await c.req(502, 'POST', P, { auth: owner,
			    body: body('cloudflare_whip') });
			await c.fault('cf.live_input.create', { truncate: true });
			await c.req(502, 'POST', P, { auth: owner,
			    body: body('obs', { muxBackup: true }) });
			await c.fault('cf.output.create', { status: 422 });
			await c.req(201, 'POST', P, { auth: owner,
			    body: body('obs', { muxBackup: true }) });
			await c.fault('mux.live_stream.create', { status: 400 });
			await c.req(201, 'POST', P, { auth: owner,
			    body: body('whip_browser', { muxBackup: true }) });
		}),
	];
};

kinds.streams = (S) => {
	const owner = env('VG_OWNER'), outsider = env('VG_OUTSIDER');
	const admin = env('VG_ADMIN');
	const L = (q) => `/api/streams?${q}`;
	const one = (i) => `/api/streams/${pick(S.streams, i).id}`;
	let n = 0;
	return [
		async (c) => c.req(200, 'GET', L(`memorialId=${S.public}`)),
		async (c) => c.req(200, 'GET', L(`memorialId=${S.public}&limit=100`),
		    { auth: owner }),
		async (c) => c.req(200, 'GET',
		    L(`memorialId=${S.public}&status=ready&limit=3`)),
		async (c) => c.req(200, 'GET',
		    L(`memorialId=${S.public}&limit=5&cursor=${S.cursor}`)),
		async (c) => c.req(200, 'HEAD', L(`memorialId=${S.public}`)),
		async (c) => c.req(200, 'GET', one(n++)),
		async (c) => c.req(200, 'GET', one(n++), { auth: owner }),
		async (c) => c.req(200, 'GET', one(n++), { auth: outsider }),
		async (c) => c.req(401, 'GET', L(`memorialId=${S.private}`)),
		async (c) => c.req(403, 'GET', L(`memorialId=${S.private}`),
		    { auth: outsider }),
		async (c) => c.req(404, 'GET', `/api/streams/${S.privateStream}`),
		async (c) => c.req(404, 'GET', '/api/streams/no-such-stream'),
		async (c) => c.req(400, 'GET', L('memorialId=bad%21id')),
		async (c) => c.req(400, 'GET',
		    L(`memorialId=${S.public}&limit=1000`)),
		async (c) => c.req(400, 'GET',
		    L(`memorialId=${S.public}&status=sleeping`)),
		async (c) => c.req(400, 'GET',
		    L(`memorialId=${S.public}&cursor=123.bad%21`)),
		async (c) => c.req(400, 'GET',
		    L(`memorialId=${S.public}&memorialId=${S.public}`)),
		async (c) => c.req(401, 'GET', L(`memorialId=${S.public}`),
		    { auth: 'not.a.jwt' }),
		async (c) => c.req(405, 'POST', L(`memorialId=${S.public}`),
		    { auth: owner, body: '{}' }),
		async (c) => c.req(405, 'PUT', one(n++), { auth: owner,
		    body: '{}' }),
		async (c) => c.req(404, 'POST', `${one(n++)}/pause`,
		    { auth: owner, body: '{}' }),
		async (c) => c.req(401, 'POST', `${one(n++)}/start`),
		async (c) => c.req(403, 'POST', `${one(n++)}/end`,
		    { auth: outsider }),
		// Only on a stream of its own: whip's load uses the others'
		// tokens.
		async (c) => c.req(200, 'POST',
		    `/api/streams/${S.rotate}/publish-token`, { auth: owner }),
		async (c) => c.req(409, 'POST', `/api/streams/${S.streams.find(
		    (x) => x.method === 'obs').id}/publish-token`,
		    { auth: owner }),
		// A stream's whole life: start, end (Mux completed at the
		// provider), delete (provider resources removed), then the
		// deleted stream refuses.
		async (c) => {
			const m = pick(['obs', 'whip_browser', 'cloudflare_whip'],
			    n++);
			const r = await c.other(201, 'POST',
			    '/api/streams/create-whip', { auth: owner,
			    body: json({ memorialId: S.public, title: 'Life',
				streamingMethod: m }) });
			if (r.status !== 201)
				return;
			const id = JSON.parse(r.body).stream.id;
			await c.req(200, 'POST', `/api/streams/${id}/start`,
			    { auth: owner });
			await c.req(200, 'POST', `/api/streams/${id}/end`,
			    { auth: admin });
			await c.req(204, 'DELETE', `/api/streams/${id}`,
			    { auth: owner });
			await c.req(409, 'POST', `/api/streams/${id}/start`,
			    { auth: owner });
		},
		async (c) => c.serial(async (c) => {
			const r = await c.other(201, 'POST',
			    '/api/streams/create-whip', { auth: owner,
			    body: json({ memorialId: S.public, title: 'Fails',
				streamingMethod: 'obs', muxBackup: true }) });
			if (r.status !== 201)
				return;
			const id = JSON.parse(r.body).stream.id;
			await c.fault('cf.live_input.delete', { status: 400 });
			await c.req(502, 'DELETE', `/api/streams/${id}`,
			    { auth: owner });
		}),
	];
};

kinds.memorials = (S) => {
	const owner = env('VG_OWNER'), outsider = env('VG_OUTSIDER');
	const admin = env('VG_ADMIN');
	const M = (id) => `/api/memorials/${id}`;
	let n = 0, last = null;
	return [
		async (c) => {
			const id = `vg-m-${S.run}-${n++}`;
			const r = await c.req(201, 'POST', '/api/memorials', {
			    auth: admin, body: json({ id, title: 'Load memorial',
				ownerUid: 'vg-owner', directorUids: ['a', 'b'],
				videographerUids: ['c'], visibility: 'public' }) });
			if (r.status === 201)
				last = id;
		},
		async (c) => c.req(201, 'POST', '/api/memorials', { auth: admin,
		    body: json({ title: 'Generated id', ownerUid: 'vg-x' }) }),
		async (c) => {
			if (last)
				await c.req(409, 'POST', '/api/memorials', {
				    auth: admin, body: json({ id: last, title: 'Again',
					ownerUid: 'vg-owner' }) });
		},
		async (c) => c.req(403, 'POST', '/api/memorials', { auth: owner,
		    body: json({ title: 'Not admin', ownerUid: 'vg-owner' }) }),
		async (c) => c.req(401, 'POST', '/api/memorials',
		    { body: json({ title: 'Anonymous', ownerUid: 'x' }) }),
		async (c) => c.req(400, 'POST', '/api/memorials', { auth: admin,
		    body: json({ title: 'Bad', ownerUid: 'x',
			visibility: 'secret' }) }),
		async (c) => c.req(400, 'POST', '/api/memorials', { auth: admin,
		    body: json({ id: 'bad id!', title: 'Bad', ownerUid: 'x' }) }),
		async (c) => c.req(400, 'POST', '/api/memorials', { auth: admin,
		    body: '[1,2,' }),
		async (c) => c.req(415, 'POST', '/api/memorials', { auth: admin,
		    body: '{}', ctype: 'application/x-www-form-urlencoded' }),
		async (c) => c.req(200, 'GET', M(S.public)),
		async (c) => c.req(200, 'GET', M(S.public), { auth: owner }),
		async (c) => c.req(200, 'HEAD', M(S.public)),
		async (c) => c.req(200, 'GET', M(S.private), { auth: owner }),
		async (c) => c.req(404, 'GET', M(S.private)),
		async (c) => c.req(404, 'GET', M(S.private), { auth: outsider }),
		async (c) => c.req(404, 'GET', M('no-such-memorial')),
		async (c) => c.req(404, 'GET', M('bad!id')),
		async (c) => c.req(200, 'PATCH', M(S.patch), { auth: owner,
		    body: json({ title: `Renamed ${n++}`,
			directorUids: ['d1', 'd2', 'd3'] }) }),
		async (c) => c.req(200, 'PATCH', M(S.patch), { auth: admin,
		    body: json({ visibility: 'public', ownerUid: 'vg-owner' }) }),
		async (c) => c.req(403, 'PATCH', M(S.patch), { auth: owner,
		    body: json({ ownerUid: 'someone-else' }) }),
		async (c) => c.req(403, 'PATCH', M(S.patch), { auth: outsider,
		    body: json({ title: 'Mine now' }) }),
		async (c) => c.req(401, 'PATCH', M(S.patch),
		    { body: json({ title: 'Anonymous' }) }),
		async (c) => c.req(400, 'PATCH', M(S.patch), { auth: owner,
		    body: json({ title: '' }) }),
		async (c) => c.req(405, 'DELETE', M(S.patch), { auth: admin }),
		async (c) => c.req(405, 'GET', '/api/memorials'),
		async (c) => c.other(413, 'POST', '/api/memorials', { auth: admin,
		    body: json({ title: oversize, ownerUid: 'x' }) }),
	];
};

kinds.session = (S) => {
	const P = '/api/session';
	const admin = env('VG_ADMIN');
	let link = 0;
	return [
		async (c) => {
			if (link >= S.links.length)
				throw new Error('out of login links: raise --links');
			const t = S.links[link++];
			const r = await c.req(200, 'POST', P,
			    { body: json({ token: t }) });
			const cookie = (r.headers['set-cookie'] ?? [])[0];
			if (!cookie) {
				c.unexpected('POST /api/session gave no cookie');
				return;
			}
			const kv = cookie.split(';')[0];
			await c.req(200, 'GET', P, { headers: { cookie: kv } });
			await c.req(401, 'POST', P, { body: json({ token: t }) });
			await c.req(204, 'DELETE', P, { headers: { cookie: kv } });
		},
		async (c) => c.req(401, 'POST', P,
		    { body: json({ token: hex(16) }) }),
		async (c) => c.req(400, 'POST', P,
		    { body: json({ token: 'not a token!' }) }),
		async (c) => c.req(400, 'POST', P, { body: json({ nope: 1 }) }),
		async (c) => c.req(400, 'POST', P, { body: '{"token":"a' }),
		async (c) => c.req(415, 'POST', P, { body: 'token=abc',
		    ctype: 'application/x-www-form-urlencoded' }),
		async (c) => c.req(401, 'GET', P),
		async (c) => c.req(200, 'GET', P, { auth: admin }),
		async (c) => c.req(401, 'GET', P, { auth: `${admin}x` }),
		async (c) => c.req(401, 'GET', P,
		    { headers: { cookie: `session=${hex(20)}; other=1` } }),
		async (c) => c.req(204, 'DELETE', P),
		async (c) => c.req(405, 'PUT', P, { body: '{}' }),
		async (c) => c.other(413, 'POST', P,
		    { body: json({ token: oversize }) }),
	];
};

kinds['webhook-mux'] = (S) => {
	const P = '/api/webhooks/mux';
	const secret = env('MUX_WEBHOOK_SECRET');
	const mux = S.streams.filter((x) => x.mux);
	let n = 0, lastBody = null, lastSig = null;
	const post = (c, want, body, sig = signMux(body, secret)) =>
	    c.req(want, 'POST', P, { body,
		headers: sig ? { 'mux-signature': sig } : {} });
	return [
		async (c) => {
			const s = pick(mux, n++);
			lastBody = muxLiveStream('video.live_stream.active', s.mux,
			    s.id, 'active', `vga${S.run}${n}`);
			lastSig = signMux(lastBody, secret);
			await post(c, 200, lastBody, lastSig);
		},
		async (c) => {
			if (lastBody)
				await post(c, 200, lastBody, lastSig);	/* duplicate */
		},
		async (c) => {
			const s = pick(mux, n++);
			await post(c, 200, muxLiveStream('video.live_stream.idle',
			    s.mux, s.id, 'idle'));
		},
		async (c) => {
			const s = pick(mux, n++), a = `vga${S.run}x${n}`;
			await post(c, 200, muxAsset('video.asset.created', a, s.mux,
			    s.id, 'preparing', true));
			await post(c, 200, muxAsset('video.asset.ready', a, s.mux,
			    s.id, 'ready', true, 61.3, hex(22)));
			await post(c, 200, muxAsset(
			    'video.asset.live_stream_completed', a, s.mux, s.id,
			    'ready', false, 1834.2, hex(22)));
		},
		async (c) => {
			const s = pick(mux, n++);
			await post(c, 200, muxAsset('video.asset.errored',
			    `vge${S.run}${n}`, s.mux, s.id, 'errored', false));
		},
		async (c) => post(c, 200, muxLiveStream(
		    'video.live_stream.active', `unknownls${hex(8)}`,
		    'no-such-stream', 'active')),
		async (c) => post(c, 200, json({ type: 'video.upload.created',
		    id: randomUUID(), created_at: new Date().toISOString(),
		    object: { type: 'upload', id: hex(8) }, data: {} })),
		async (c) => post(c, 400, '{"type":"video.asset.ready","id":'),
		async (c) => post(c, 400, json({ hello: 'world' })),
		async (c) => {
			const b = muxLiveStream('video.live_stream.active',
			    pick(mux, n++).mux, 'x', 'active');
			await post(c, 401, b, signMux(b, 'wrong-secret'));
			await post(c, 401, b, null);
			await post(c, 401, b, signMux(b, secret,
			    Math.floor(Date.now() / 1000) - 3600));
			await post(c, 401, b, 't=abc,v1=zz');
			await post(c, 401, b, `t=1,v1=${'0'.repeat(64)},`.repeat(30));
		},
		async (c) => c.req(415, 'POST', P, { body: '{}',
		    ctype: 'text/plain' }),
		async (c) => c.req(405, 'GET', P),
		async (c) => c.other(413, 'POST', P, { body: json({ pad:
		    'y'.repeat(300 * 1024) }) }),
	];
};

kinds['webhook-stream-status'] = (S) => {
	const P = '/api/webhooks/stream-status';
	const wsecret = env('CLOUDFLARE_WEBHOOK_SECRET');
	const nsecret = env('CLOUDFLARE_NOTIFICATION_SECRET');
	const cf = S.streams.filter((x) => x.cf);
	let n = 0;
	const video = (c, want, body, sig = signCf(body, wsecret)) =>
	    c.req(want, 'POST', P, { body,
		headers: { 'webhook-signature': sig } });
	const notify = (c, want, input, ev, auth = nsecret) =>
	    c.req(want, 'POST', P, { body: json({ name: 'Live Webhook Test',
		text: `Notification type: Stream Live Input\nInput ID: ${input}` +
		    `\nEvent type: ${ev}\nUpdated at: 2022-01-13T11:43:41Z`,
		data: { notification_name: 'Stream Live Input',
		    input_id: input, event_type: ev,
		    updated_at: '2022-01-13T11:43:41.855717910Z' },
		ts: Math.floor(Date.now() / 1000) }),
		headers: { 'cf-webhook-auth': auth } });
	return [
		async (c) => video(c, 200, cfVideoReady(pick(cf, n++).cf)),
		async (c) => {
			const b = JSON.parse(cfVideoReady(pick(cf, n++).cf));
			b.readyToStream = false;
			b.status = { state: 'error', step: 'encoding',
			    pctComplete: '39', errReasonCode: 'ERR_MALFORMED_VIDEO',
			    errReasonText: 'corrupted' };
			await video(c, 200, json(b));
		},
		async (c) => video(c, 200, cfVideoReady(hex(16))),
		async (c) => notify(c, 200, pick(cf, n++).cf,
		    pick(['live_input.connected', 'live_input.disconnected',
			'live_input.errored'], n)),
		async (c) => notify(c, 200, hex(16), 'live_input.connected'),
		async (c) => notify(c, 401, pick(cf, n++).cf,
		    'live_input.connected', 'wrong'),
		async (c) => {
			const b = cfVideoReady(pick(cf, n++).cf);
			await video(c, 401, b, signCf(b, 'wrong'));
			await video(c, 401, b, signCf(b, wsecret,
			    Math.floor(Date.now() / 1000) - 3600));
			await video(c, 401, b, 'time=x,sig1=');
		},
		async (c) => c.req(401, 'POST', P, { body: '{}' }),
		async (c) => video(c, 400, '{"uid":'),
		async (c) => video(c, 400, json([1, 2, 3])),
		async (c) => c.req(400, 'POST', P, { body: '{"data":',
		    headers: { 'cf-webhook-auth': nsecret } }),
		async (c) => c.req(415, 'POST', P, { body: '{}',
		    ctype: 'text/xml', headers: { 'cf-webhook-auth': nsecret } }),
		async (c) => c.req(405, 'GET', P),
		async (c) => c.other(404, 'POST', '/api/webhooks/other',
		    { body: '{}' }),
	];
};

// The relay's refusals only: nothing here reaches GStreamer.
kinds.whip = (S) => {
	const browser = S.streams.filter((x) => x.method === 'whip_browser');
	const obs = S.streams.find((x) => x.method === 'obs');
	const sdpDir = new URL('../data/sdp/', import.meta.url);
	const offer = readFileSync(new URL('chromium-156-av.sdp', sdpDir),
	    'utf8');
	// VP8 only (t0601's): the video m= line lists VP8 and its RTX.
	const vp8 = offer.replace(/^m=video 9 UDP\/TLS\/RTP\/SAVPF .*$/m,
	    'm=video 9 UDP/TLS/RTP/SAVPF 96 97');
	if (vp8 === offer)
		throw new Error('could not make the VP8 offer');
	const sdp = 'application/sdp';
	const owner = env('VG_OWNER');
	let n = 0;
	return [
		async (c) => {
			const s = pick(browser, n++);
			await c.req(415, 'POST', `/whip/${s.id}`, { auth: s.token,
			    body: offer, ctype: 'text/plain' });
		},
		async (c) => c.req(401, 'POST', `/whip/${pick(browser, n++).id}`,
		    { body: offer, ctype: sdp }),
		async (c) => c.req(401, 'POST', `/whip/${pick(browser, n++).id}`,
		    { body: offer, ctype: sdp, auth: 'wrong-token' }),
		async (c) => c.req(404, 'POST', '/whip/no-such-stream',
		    { body: offer, ctype: sdp, auth: browser[0].token }),
		async (c) => c.req(404, 'POST', `/whip/${obs.id}`,
		    { body: offer, ctype: sdp, auth: browser[0].token }),
		async (c) => {
			const s = pick(browser, n++);
			await c.req(400, 'POST', `/whip/${s.id}`, { auth: s.token,
			    body: 'hello, relay\r\n', ctype: sdp });
		},
		async (c) => {
			const s = pick(browser, n++);
			await c.req(406, 'POST', `/whip/${s.id}`, { auth: s.token,
			    body: vp8, ctype: sdp });
		},
		async (c) => c.req(404, 'PATCH',
		    `/whip/${pick(browser, n++).id}/${hex(16)}`,
		    { body: 'a=end-of-candidates\r\n',
			ctype: 'application/trickle-ice-sdpfrag' }),
		async (c) => c.req(404, 'DELETE',
		    `/whip/${pick(browser, n++).id}/${hex(16)}`),
		async (c) => c.req(401, 'GET',
		    `/whip/${pick(browser, n++).id}/stats`),
		async (c) => c.req(200, 'GET',
		    `/whip/${pick(browser, n++).id}/stats`, { auth: owner }),
		async (c) => c.req(405, 'GET', `/whip/${pick(browser, n++).id}`),
	];
};

// ------------------------------------------------------------ run

// VmRSS (kB) of each child of the supervisor.
function workerRss(ppid) {
	const out = {};
	for (const d of readdirSync('/proc')) {
		if (!/^\d+$/.test(d))
			continue;
		let stat;
		try {
			stat = readFileSync(`/proc/${d}/stat`, 'utf8');
		} catch {
			continue;
		}
		const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
		if (f[1] !== ppid || f[0] === 'Z')
			continue;
		const m = /VmRSS:\s+(\d+)/.exec(
		    readFileSync(`/proc/${d}/status`, 'utf8'));
		if (m)
			out[d] = Number(m[1]);
	}
	return out;
}

async function run() {
	const S = JSON.parse(readFileSync(o.state, 'utf8'));
	const program = o.program;
	if (!kinds[program])
		throw new Error(`no load for ${program}`);
	const list = kinds[program](S);
	const total = Number(o.requests), checkpoint = Number(o.checkpoint);
	const conc = Number(o.concurrency), rate = Number(o.rate);
	const fake = new URL(env('FAKE_URL'));
	const statuses = {}, firstUnexpected = [], rss = {};
	let answered = 0, other = 0, cached = 0, unexpected = 0, errors = 0;
	let next = 0;
	let inflight = 0, gate = null, lock = Promise.resolve(), lastSend = 0;
	const t0 = Date.now();
	const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

	const note = (msg) => {
		unexpected++;
		if (firstUnexpected.length < 10)
			firstUnexpected.push(msg);
	};
	// f() with nothing else in flight: a fault applies to the next
	// matching provider request, whichever kind makes it, and RSS is
	// read between requests.  Kinds wait at the gate meanwhile.
	function exclusive(f) {
		const p = lock.then(async () => {
			let open;
			gate = new Promise((r) => { open = r; });
			while (inflight > 0)
				await sleep(5);
			try {
				await f();
			} finally {
				gate = null;
				open();
			}
		});
		lock = p.catch(() => {});
		return p;
	}
	async function raw(counted, inside, want, method, path, opts) {
		while (gate && !inside)
			await gate;
		if (rate > 0) {
			const wait = lastSend + 1000 / rate - Date.now();
			lastSend = Math.max(Date.now(), lastSend + 1000 / rate);
			if (wait > 0)
				await sleep(wait);
		}
		inflight++;
		let r;
		try {
			r = await send(method, path, opts);
		} catch (e) {
			errors++;
			note(`${method} ${path}: ${e.message}`);
			return { status: 0, headers: {}, body: '' };
		} finally {
			inflight--;
		}
		const wants = Array.isArray(want) ? want : [want];
		// nginx's anonymous listing micro-cache answered it, not
		// the program (X-Cache-Status, loopback configuration only).
		if (['HIT', 'STALE', 'UPDATING'].includes(
		    r.headers['x-cache-status']))
			cached++;
		else if (counted) {
			answered++;
			statuses[r.status] = (statuses[r.status] || 0) + 1;
		} else
			other++;
		if (!wants.includes(r.status))
			note(`${method} ${path.slice(0, 80)}: ${r.status}, ` +
			    `wanted ${wants.join('|')}: ${r.body.slice(0, 200)}`);
		return r;
	}
	// POST to the fake's control API (not through nginx).
	const control = (path, body) => new Promise((resolve, reject) => {
		const q = http.request({ host: fake.hostname, port: fake.port,
		    path, method: 'POST', headers: {
			'content-type': 'application/json',
			'content-length': Buffer.byteLength(body) } }, (res) => {
			res.resume();
			res.on('end', () => resolve(res.statusCode));
		});
		q.on('error', reject);
		q.end(body);
	});
	const mk = (inside) => ({
		req: (...a) => raw(true, inside, ...a),
		other: (...a) => raw(false, inside, ...a),
		unexpected: note,
		links: S.links,
		async fault(op, f) {
			const st = await control('/_fake/faults',
			    json({ [op]: { times: 1, ...f } }));
			if (st !== 200)
				note(`fake fault ${op}: ${st}`);
		},
		serial: (f) => exclusive(() => f(inner)),
	});
	const inner = mk(true), ctx = mk(false);

	async function readRss(label) {
		await exclusive(async () => {
			const now = workerRss(o.pid);
			for (const [pid, kb] of Object.entries(now))
				(rss[pid] ??= []).push(kb);
			console.error(`load ${program}: ${label}: ${answered} ` +
			    `answered, worker VmRSS ${json(now)} kB`);
		});
	}

	// The fake rewrites its whole state file on every change
	// (--state-dir): thousands of live inputs would make each create
	// slower than the last.  Forget them every 500 requests; the kinds
	// only use provider resources made since (the seeded streams' are
	// never asked for again).
	let nextReset = 500, resets = 0;
	async function resetFake() {
		await exclusive(async () => {
			if (await control('/_fake/reset', '{}') !== 200)
				note('fake reset failed');
			resets++;
		});
	}

	let checkpointDone = !o.pid || checkpoint <= 0, lastReport = Date.now();
	async function user() {
		while (answered + inflight < total) {
			await list[next++ % list.length](ctx);
			if (answered >= nextReset) {
				nextReset += 500;
				await resetFake();
			}
			if (!checkpointDone && answered >= checkpoint) {
				checkpointDone = true;
				await readRss('checkpoint');
			}
			if (Date.now() - lastReport > 30000) {
				lastReport = Date.now();
				console.error(`load ${program}: ${answered}/${total}, ` +
				    `${unexpected} unexpected`);
			}
		}
	}
	await Promise.all(Array.from({ length: conc }, user));
	if (o.pid)
		await readRss('end');
	const res = { program, answered, other, cached, statuses, unexpected,
	    firstUnexpected, errors, fakeResets: resets, seconds: (Date.now() - t0) / 1000, rss };
	console.log(json(res));
	return unexpected === 0 && errors === 0;
}

let ok;
try {
	if (mode === 'seed') {
		await seed();
		ok = true;
	} else if (mode === 'run')
		ok = await run();
	else
		throw new Error('usage: load.mjs seed|run ...');
} catch (e) {
	console.error(`load: ${e.stack ?? e}`);
	ok = false;
}
agent.destroy();
process.exit(ok ? 0 : 1);
