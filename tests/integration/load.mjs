// load.mjs: mixed traffic against the stack, for the fault-injection
// cases (t0720 kill -9 under load, t0790 the load run).  Node 20,
// built-ins only (the webhook bodies and signers are bench/lib.mjs's).
//
//   node tests/integration/load.mjs --base URL --seconds N --out FILE
//       --memorial M --token T --streams FILE
//       [--loops webhook=2,list=1,...]   concurrent loops per kind
//       [--pace webhook=20,create=500]   ms between a loop's requests
//       [--burst KIND:COUNT:AT:CONC]     COUNT requests of KIND at AT s,
//                                        CONC at a time, unpaced
//       [--retry 1]                      re-send what was not acknowledged
//       [--retry-kinds webhook,cfhook,create]   ... of these kinds
//
// Kinds, and the program each reaches:
//   webhook   signed Mux asset event, own event id and asset   webhook-mux
//   cfhook    signed Cloudflare video-ready, own video uid      webhook-stream-status
//   list      GET /api/streams?memorialId=M&limit=20, token     streams
//   publist   the same, anonymous                               streams (or nginx's cache)
//   create    POST /api/streams/create-whip, own Idempotency-Key  create-whip
//   memorial  GET /api/memorials/M, token                       memorials
//   session   GET /api/session, token                           session
//
// --streams FILE: "streamId muxLiveStreamId cloudflareInputId" lines,
// the streams the webhooks are about.  Secrets: MUX_WEBHOOK_SECRET,
// CLOUDFLARE_WEBHOOK_SECRET from the environment.
//
// --out FILE gets one JSON line per answer: {k: kind, t0, t1 (epoch
// ms), st: status (0: no answer), code: the problem code, id: the event
// id, video uid or Idempotency-Key, sid: a created stream's id, ra:
// Retry-After}.  With --retry 1, once the run is over every webhook,
// cfhook and create (--retry-kinds) that got no 2xx is sent again -- webhooks re-signed,
// creates with the same Idempotency-Key, as Mux and a browser retry --
// in up to 8 rounds, waiting Retry-After (at most 5 s) or 1 s; those lines
// have kind "KIND-retry".  stdout: one summary line, {seconds, kinds:
// {KIND: {STATUS: n}}, unacked: n}.  Every request is bounded (35 s, above
// nginx's 30 s), and a watchdog ends the run at --seconds + 150.
import { createWriteStream, readFileSync } from 'node:fs';
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import { cfVideoReady, hex, muxAsset, signCf, signMux } from
    '../../bench/lib.mjs';

function opts(argv) {
	const o = { seconds: '30', loops: '', pace: '', burst: '', retry: '0',
	    'retry-kinds': 'webhook,cfhook,create', streams: '', memorial: '',
	    token: '', out: '' };
	for (let i = 0; i < argv.length; i += 2) {
		if (!argv[i].startsWith('--') || i + 1 >= argv.length)
			throw new Error(`bad argument ${argv[i]}`);
		o[argv[i].slice(2)] = argv[i + 1];
	}
	return o;
}
const kv = (s) => Object.fromEntries(s.split(',').filter(Boolean)
    .map((p) => p.split('=')).map(([k, v]) => [k, Number(v)]));

const o = opts(process.argv.slice(2));
const base = new URL(o.base);
const seconds = Number(o.seconds);
const loops = kv(o.loops || 'webhook=1,list=1');
const pace = kv(o.pace);
const retryKinds = o['retry-kinds'].split(',');
const muxSecret = process.env.MUX_WEBHOOK_SECRET || '';
const cfSecret = process.env.CLOUDFLARE_WEBHOOK_SECRET || '';
const streams = o.streams ? readFileSync(o.streams, 'utf8').split('\n')
    .map((l) => l.trim().split(/\s+/)).filter((f) => f.length >= 2) : [];
const run = hex(4);
const out = createWriteStream(o.out || '/dev/null');
const summary = {};
const seqs = {};

const agents = [];
function agent() {
	const a = new http.Agent({ keepAlive: true, maxSockets: 1 });
	agents.push(a);
	return a;
}

// One request; resolves {st, body, ra}.  Never rejects.  A kept-alive
// socket that nginx closed just as we reused it (keepalive_requests,
// keepalive_timeout) is retried once on a fresh one, as every HTTP
// client does; nothing else is retried here.
function send(ag, method, path, headers, body, again = true) {
	return new Promise((resolve) => {
		const h = { ...headers };
		if (body !== undefined)
			h['content-length'] = Buffer.byteLength(body);
		let answered = false;
		const req = http.request({ host: base.hostname, port: base.port,
		    path, method, headers: h, agent: ag, timeout: 35000 }, (res) => {
			answered = true;
			const chunks = [];
			res.on('data', (c) => chunks.push(c));
			res.on('end', () => resolve({ st: res.statusCode,
			    body: Buffer.concat(chunks).toString(),
			    ra: res.headers['retry-after'] }));
			res.on('error', () => resolve({ st: 0, body: '' }));
		});
		req.on('timeout', () => req.destroy(new Error('timeout')));
		req.on('error', (e) => {
			if (!answered && again && req.reusedSocket &&
			    e.code === 'ECONNRESET')
				resolve(send(ag, method, path, headers, body, false));
			else if (!answered)
				resolve({ st: 0, body: '' });
		});
		req.end(body);
	});
}

const auth = { authorization: `Bearer ${o.token}` };
const json = { 'content-type': 'application/json' };
const methods = ['whip_browser', 'obs'];

// A request of a kind: {method, path, headers, body, id} (fresh each
// call; a retry rebuilds headers through resign()).
function make(kind) {
	const n = (seqs[kind] = (seqs[kind] ?? -1) + 1);
	// An asset's three events (below) go to the same stream.
	const s = streams.length ?
	    streams[Math.floor(n / 3) % streams.length] : [];
	switch (kind) {
	case 'webhook': {
		// Each asset gets created, ready, live_stream_completed in
		// turn (distinct event ids); 40 assets per run keep the
		// listing's size that of a real memorial.
		const id = `load-${run}-${n}`;
		const asset = `LA${run}x${Math.floor(n / 3) % 40}`;
		const types = ['video.asset.created', 'video.asset.ready',
		    'video.asset.live_stream_completed'];
		const type = types[n % 3];
		const body = muxAsset(type, asset, s[1], s[0],
		    n % 3 === 0 ? 'preparing' : 'ready', n % 3 !== 2,
		    n % 3 === 0 ? undefined : 60 + n, n % 3 ? hex(22) : undefined,
		    id);
		return { method: 'POST', path: '/api/webhooks/mux', body, id,
		    resign: () => ({ ...json,
			'mux-signature': signMux(body, muxSecret) }) };
	}
	case 'cfhook': {
		const uid = hex(16);
		const body = cfVideoReady(s[2], uid, 100 + n);
		return { method: 'POST', path: '/api/webhooks/stream-status',
		    body, id: uid, resign: () => ({ ...json,
			'webhook-signature': signCf(body, cfSecret) }) };
	}
	case 'list':
	case 'publist':
		return { method: 'GET', path: `/api/streams?memorialId=${
		    encodeURIComponent(o.memorial)}&limit=20`,
		    resign: () => (kind === 'list' ? auth : {}) };
	case 'create': {
		const key = randomUUID();
		const body = JSON.stringify({ memorialId: o.memorial,
		    title: `Load ${run} ${n}`,
		    streamingMethod: methods[n % methods.length] });
		return { method: 'POST', path: '/api/streams/create-whip', body,
		    id: key, resign: () => ({ ...json, ...auth,
			'idempotency-key': key }) };
	}
	case 'memorial':
		return { method: 'GET', path: `/api/memorials/${
		    encodeURIComponent(o.memorial)}`, resign: () => auth };
	case 'session':
		return { method: 'GET', path: '/api/session',
		    resign: () => auth };
	default:
		throw new Error(`unknown kind ${kind}`);
	}
}

const unacked = [];

async function one(ag, kind, r, label = kind) {
	const t0 = Date.now();
	const a = await send(ag, r.method, r.path, r.resign(), r.body);
	const line = { k: label, t0, t1: Date.now(), st: a.st };
	if (a.st >= 400 && a.body.startsWith('{')) {
		try { line.code = JSON.parse(a.body).code; } catch { /* none */ }
	}
	if (r.id) line.id = r.id;
	if (a.ra !== undefined) line.ra = a.ra;
	if (kind === 'create' && a.st === 201) {
		try { line.sid = JSON.parse(a.body).stream.id; } catch { /* */ }
	}
	out.write(`${JSON.stringify(line)}\n`);
	const s = (summary[label] ||= {});
	s[a.st] = (s[a.st] || 0) + 1;
	return a;
}

const start = Date.now();
const deadline = start + seconds * 1000;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function loop(kind) {
	const ag = agent();
	const gap = pace[kind] || 0;
	let next = Date.now();
	while (Date.now() < deadline) {
		const r = make(kind);
		const a = await one(ag, kind, r);
		if (r.id && (a.st < 200 || a.st > 299) &&
		    retryKinds.includes(kind))
			unacked.push([kind, r, a]);
		next += gap;
		const wait = next - Date.now();
		if (wait > 0)
			await sleep(Math.min(wait, deadline - Date.now()));
		else
			next = Date.now();
	}
}

async function burst(spec) {
	const [kind, count, at, conc] = spec.split(':');
	await sleep(Number(at) * 1000);
	let left = Number(count);
	await Promise.all(Array.from({ length: Number(conc || 4) }, async () => {
		const ag = agent();
		while (left-- > 0) {
			const r = make(kind);
			const a = await one(ag, kind, r, `${kind}-burst`);
			if (r.id && (a.st < 200 || a.st > 299) &&
			    retryKinds.includes(kind))
				unacked.push([kind, r, a]);
		}
	}));
}

const watchdog = setTimeout(() => {
	console.error('load: still running long after --seconds; giving up');
	process.exit(3);
}, (seconds + 150) * 1000);
watchdog.unref();

const jobs = [];
for (const [kind, n] of Object.entries(loops))
	for (let i = 0; i < n; i++)
		jobs.push(loop(kind));
for (const b of o.burst.split(',').filter(Boolean))
	jobs.push(burst(b));
await Promise.all(jobs);

// As Mux (and a browser) would: send again what got no 2xx, in rounds
// (after the longest Retry-After of the last round, at most 5 s, or 1 s),
// four at a time.
let left = 0;
if (o.retry === '1') {
	let todo = unacked;
	for (let round = 0; round < 8 && todo.length > 0; round++) {
		const ra = Math.max(0, ...todo.map(([, , a]) => Number(a.ra) || 0));
		await sleep((ra > 0 ? Math.min(ra, 5) : 1) * 1000);
		const next = [];
		let i = 0;
		await Promise.all(Array.from({ length: 4 }, async () => {
			const ag = agent();
			while (i < todo.length) {
				const [kind, r] = todo[i++];
				const a = await one(ag, kind, r, `${kind}-retry`);
				if (a.st >= 200 && a.st <= 299)
					continue;
				/* a 4xx other than 409/429 will not change by waiting */
				if (a.st >= 400 && a.st < 500 && a.st !== 409 &&
				    a.st !== 429)
					left++;
				else
					next.push([kind, r, a]);
			}
		}));
		todo = next;
	}
	left += todo.length;
} else
	left = unacked.length;

for (const a of agents)
	a.destroy();
await new Promise((r) => out.end(r));
console.log(JSON.stringify({ seconds: (Date.now() - start) / 1000,
    kinds: summary, unacked: left }));
