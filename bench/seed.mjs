// seed.mjs: streams for the benchmark, made the way production makes
// them: create-whip against the fake providers, then recordings through
// signed webhooks, then some ended, so the listing's JSON is realistic.
//
//   node bench/seed.mjs --base URL --token OWNER_TOKEN --memorial ID
//       [--streams 50] [--out FILE]
//
// Secrets from the environment: MUX_WEBHOOK_SECRET,
// CLOUDFLARE_WEBHOOK_SECRET.  Writes one "streamId muxLiveStreamId" line
// per stream to --out; exits 1 on any unexpected answer.
import { writeFileSync } from 'node:fs';
import { args, cfVideoReady, hex, muxAsset, muxLiveStream, request,
    signCf, signMux } from './lib.mjs';

const o = args(process.argv.slice(2), { streams: '50', out: '' });
const n = Number(o.streams);
const auth = { authorization: `Bearer ${o.token}` };
const json = { 'content-type': 'application/json' };
const methods = ['whip_browser', 'obs', 'whip_browser', 'cloudflare_whip',
    'whip_browser'];

async function must(want, p, what) {
	const r = await p;
	if (r.status !== want) {
		console.error(`seed: ${what}: ${r.status} ${r.body.slice(0, 300)}`);
		process.exit(1);
	}
	return r.body ? JSON.parse(r.body) : null;
}

function muxPost(body) {
	return must(200, request(o.base, 'POST', '/api/webhooks/mux', {
	    headers: { ...json, 'mux-signature':
		signMux(body, process.env.MUX_WEBHOOK_SECRET) }, body }),
	    'mux webhook');
}

function cfPost(body) {
	return must(200, request(o.base, 'POST', '/api/webhooks/stream-status', {
	    headers: { ...json, 'webhook-signature':
		signCf(body, process.env.CLOUDFLARE_WEBHOOK_SECRET) }, body }),
	    'cloudflare webhook');
}

const streams = [];
let hooks = 0;
for (let i = 0; i < n; i++) {
	const method = methods[i % methods.length];
	const body = JSON.stringify({ memorialId: o.memorial,
	    title: `Service of remembrance, part ${i + 1}`,
	    streamingMethod: method,
	    scheduledAt: '2026-05-01T14:00:00Z' });
	const r = await must(201, request(o.base, 'POST',
	    '/api/streams/create-whip', { headers: { ...auth, ...json,
	    'idempotency-key': `seed-${hex(8)}` }, body }), `create ${i}`);
	const s = r.stream;
	streams.push({ id: s.id, cf: s.cloudflareInputId || '',
	    mux: s.muxLiveStreamId || '' });
}

// Recordings: most streams went live on Mux (a recording being made),
// half of those finished there (ready, with a playback id), a third have
// Cloudflare's recording ready; every fourth stream was ended.
for (let i = 0; i < streams.length; i++) {
	const s = streams[i];
	if (s.mux && i % 5 !== 4) {
		const asset = hex(16);
		await muxPost(muxLiveStream('video.live_stream.active', s.mux,
		    s.id, 'active', asset));
		hooks++;
		if (i % 2 === 0) {
			await muxPost(muxAsset('video.asset.live_stream_completed',
			    asset, s.mux, s.id, 'ready', false, 1834.2,
			    hex(22)));
			hooks++;
		}
	}
	if (s.cf && i % 3 === 0) {
		await cfPost(cfVideoReady(s.cf));
		hooks++;
	}
	if (i % 4 === 0)
		await must(200, request(o.base, 'POST',
		    `/api/streams/${s.id}/end`, { headers: auth }), `end ${i}`);
}
if (o.out)
	writeFileSync(o.out, streams.map((s) => `${s.id} ${s.mux}\n`).join(''));
console.log(`seed: ${streams.length} streams, ${hooks} webhooks`);
