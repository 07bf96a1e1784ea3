// webhooks.mjs: signed Mux webhooks as fast as SENDERS concurrent
// senders (one keep-alive connection each) can post them.
//
//   node bench/webhooks.mjs --base URL --streams FILE [--events 20000]
//       [--senders 4] [--seconds 60]
//
// FILE holds "streamId muxLiveStreamId" lines (bench/seed.mjs --out).
// Every event has its own event id and its own asset of one of those
// live streams, so each acknowledged event must leave exactly one new row
// in webhook_events and one in recordings.  Bodies and signatures
// (MUX_WEBHOOK_SECRET from the environment) are made before the clock
// starts; sending stops at --events or after --seconds, whichever is
// first.  Prints one JSON line: sent, ok (200s), statuses, errors,
// seconds, rate (200s per second), clientCpu (seconds of this process).
import http from 'node:http';
import { readFileSync } from 'node:fs';
import { args, hex, muxAsset, signMux } from './lib.mjs';

const o = args(process.argv.slice(2), { events: '20000', senders: '4',
    seconds: '60' });
const total = Number(o.events);
const secret = process.env.MUX_WEBHOOK_SECRET;
const streams = readFileSync(o.streams, 'utf8').split('\n')
    .map((l) => l.split(' ')).filter((f) => f.length === 2 && f[1]);
if (!secret || streams.length === 0) {
	console.error('webhooks: need MUX_WEBHOOK_SECRET and streams with Mux');
	process.exit(2);
}

// A realistic mix: an asset seen being created, mid-broadcast (ready,
// is_live), or finished with its playback id.
const run = hex(4);
const events = new Array(total);
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
	events[i] = { body, len: Buffer.byteLength(body),
	    sig: signMux(body, secret) };
}

const statuses = {};
let next = 0, ok = 0, errors = 0, firstError = '';
const deadline = Date.now() + Number(o.seconds) * 1000;
const cpu0 = process.cpuUsage();
const t0 = process.hrtime.bigint();

// One POST on a keep-alive agent: options built once, no URL parsing
// per request (the client shares the two cores with the server, so its
// CPU per request matters).
const target = new URL(o.base);
function post(agent, e) {
	return new Promise((resolve, reject) => {
		const req = http.request({ host: target.hostname,
		    port: target.port, path: '/api/webhooks/mux', method: 'POST',
		    agent, headers: { 'content-type': 'application/json',
		    'content-length': e.len, 'mux-signature': e.sig } },
		    (res) => {
			res.resume();
			res.on('end', () => resolve(res.statusCode));
			res.on('error', reject);
		});
		req.on('error', reject);
		req.end(e.body);
	});
}

async function sender() {
	const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
	while (next < total && Date.now() < deadline) {
		const e = events[next++];
		try {
			const status = await post(agent, e);
			statuses[status] = (statuses[status] || 0) + 1;
			if (status === 200)
				ok++;
		} catch (err) {
			errors++;
			firstError ||= String(err);
		}
	}
	agent.destroy();
}

// Bounded: a request that hangs past the deadline ends the run.
const watchdog = setTimeout(() => {
	console.error('webhooks: requests still pending after the deadline');
	process.exit(1);
}, (Number(o.seconds) + 30) * 1000);
watchdog.unref();

await Promise.all(Array.from({ length: Number(o.senders) }, sender));
const secs = Number(process.hrtime.bigint() - t0) / 1e9;
const cpu = process.cpuUsage(cpu0);
console.log(JSON.stringify({ sent: next, ok, statuses, errors, firstError,
    seconds: +secs.toFixed(3), rate: +(ok / secs).toFixed(1),
    clientCpu: +((cpu.user + cpu.system) / 1e6).toFixed(2) }));
