// webhooks.mjs: the signed Mux webhook events of the webhook bench,
// written for wrk to send (bench/webhooks.lua; bench/run.sh step 2).
//
//   node bench/webhooks.mjs --streams FILE --out PREFIX [--events 20000]
//       [--threads 2]
//
// FILE holds "streamId muxLiveStreamId" lines (bench/seed.mjs --out).
// Every event has its own event id and its own asset of one of those
// live streams, so each acknowledged event must leave exactly one new row
// in webhook_events and one in recordings.  Bodies and signatures
// (MUX_WEBHOOK_SECRET from the environment) are all made here, before
// wrk starts the clock; the signatures' timestamp is now, well within
// the server's LIM_WEBHOOK_SKEW for a run capped at minutes.
//
// Writes PREFIX.0 .. PREFIX.<threads-1>: event i goes to file
// i % threads, the events of wrk thread i.  One event a line:
// the Mux-Signature value, a tab, the JSON body (JSON.stringify escapes
// every tab and newline inside strings, so neither occurs in a body).
import { readFileSync, writeFileSync } from 'node:fs';
import { args, hex, muxAsset, signMux } from './lib.mjs';

const o = args(process.argv.slice(2), { events: '20000', threads: '2' });
const total = Number(o.events);
const threads = Number(o.threads);
const secret = process.env.MUX_WEBHOOK_SECRET;
const streams = o.streams ? readStreams(o.streams) : [];
if (!secret || streams.length === 0 || !o.out ||
    !(Number.isInteger(total) && total > 0) ||
    !(Number.isInteger(threads) && threads > 0)) {
	console.error('webhooks: need MUX_WEBHOOK_SECRET, --streams with Mux ' +
	    'streams, --out, and positive --events and --threads');
	process.exit(2);
}

function readStreams(file) {
	return readFileSync(file, 'utf8').split('\n').map((l) => l.split(' '))
	    .filter((f) => f.length === 2 && f[1]);
}

// A realistic mix: an asset seen being created, mid-broadcast (ready,
// is_live), or finished with its playback id.
const run = hex(4);
const lines = Array.from({ length: threads }, () => []);
for (let i = 0; i < total; i++) {
	const [sid, ls] = streams[i % streams.length];
	const asset = `bench${run}a${i}`;
	let body;
	switch (i % 3) {
	case 0:
		body = muxAsset('video.asset.created', asset, ls, sid,
		    'preparing', true);
		break;
	case 1:
		body = muxAsset('video.asset.ready', asset, ls, sid, 'ready',
		    true, 61.3, hex(22));
		break;
	default:
		body = muxAsset('video.asset.live_stream_completed', asset, ls,
		    sid, 'ready', false, 1834.2, hex(22));
		break;
	}
	lines[i % threads].push(`${signMux(body, secret)}\t${body}\n`);
}
let bytes = 0;
for (let t = 0; t < threads; t++) {
	const text = lines[t].join('');
	writeFileSync(`${o.out}.${t}`, text);
	bytes += Buffer.byteLength(text);
}
console.error(`webhooks: ${total} events for ${threads} wrk threads ` +
    `in ${o.out}.0..${threads - 1} (${bytes} bytes)`);
