// lib.mjs: what bench/seed.mjs and bench/webhooks.mjs share.  Node 20,
// built-ins only.  Webhook bodies are shaped like the providers' real
// ones (tests/integration/t0200-webhooks.inc builds the same); signatures
// are HMAC-SHA256 over "t.body", as lib/webhook.c checks them.
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import http from 'node:http';

export function args(argv, defaults) {
	const out = { ...defaults };
	for (let i = 0; i < argv.length; i++) {
		const a = argv[i];
		if (!a.startsWith('--') || i + 1 >= argv.length)
			throw new Error(`bad argument ${a}`);
		out[a.slice(2)] = argv[++i];
	}
	return out;
}

export function hex(n) {
	return randomBytes(n).toString('hex');
}

export function signMux(body, secret, t = Math.floor(Date.now() / 1000)) {
	const mac = createHmac('sha256', secret).update(`${t}.`).update(body)
	    .digest('hex');
	return `t=${t},v1=${mac}`;
}

export function signCf(body, secret, t = Math.floor(Date.now() / 1000)) {
	const mac = createHmac('sha256', secret).update(`${t}.`).update(body)
	    .digest('hex');
	return `time=${t},sig1=${mac}`;
}

const iso = () => new Date().toISOString().replace('Z', '000Z');

// A Mux live stream event (video.live_stream.*).
export function muxLiveStream(type, ls, sid, status, asset) {
	const data = {
		id: ls, created_at: 1777636800, status,
		stream_key: '831b5bde-cd8a-5bc4-115d-4ba34b19f481',
		latency_mode: 'reduced', max_continuous_duration: 43200,
		reconnect_window: 60, recent_asset_ids: asset ? [asset] : [],
		playback_ids: [{ id: 'HNRDuwff3K2VjTZZAPuvd2Kx6D01XUQFv02GFBHPUka018',
		    policy: 'public' }],
		new_asset_settings: { playback_policies: ['public'],
		    passthrough: sid },
		passthrough: sid,
	};
	if (asset) {
		data.active_asset_id = asset;
		data.active_ingest_protocol = 'rtmp';
	}
	return JSON.stringify({ type, id: randomUUID(), created_at: iso(),
	    object: { type: 'live', id: ls },
	    environment: { name: 'Bench', id: 'b3nch1' }, attempts: [],
	    accessor: null, accessor_source: null, request_id: null, data });
}

// A Mux asset event (video.asset.*).
export function muxAsset(type, asset, ls, sid, status, isLive, duration,
    playbackId, eventId = randomUUID()) {
	const data = {
		id: asset, created_at: 1777636801, status, is_live: isLive,
		master_access: 'none', max_resolution_tier: '1080p',
		encoding_tier: 'smart', ingest_type: 'live_rtmp',
		recording_times: [{ started_at: { seconds: 1777636803, nanos: 0 },
		    duration: 12.5, type: 'content' }],
		progress: isLive ? { state: 'live', progress: -1 } :
		    { state: 'completed', progress: 100 },
		live_stream_id: ls, passthrough: sid,
	};
	if (duration !== undefined)
		data.duration = duration;
	if (playbackId)
		data.playback_ids = [{ id: playbackId, policy: 'public' }];
	return JSON.stringify({ type, id: eventId, created_at: iso(),
	    object: { type: 'asset', id: asset },
	    environment: { name: 'Bench', id: 'b3nch1' }, attempts: [], data });
}

// Cloudflare's video-ready webhook for a recording of live input `input`.
export function cfVideoReady(input, uid = hex(16), duration = 1834.5) {
	const c = 'https://customer-f33zs165nr7gyfy4.cloudflarestream.com';
	return JSON.stringify({ uid, creator: null,
	    thumbnail: `${c}/${uid}/thumbnails/thumbnail.jpg`,
	    thumbnailTimestampPct: 0, readyToStream: true,
	    status: { state: 'ready', pctComplete: '100.000000',
		errorReasonCode: '', errorReasonText: '' },
	    meta: { name: 'Service' }, created: iso(), modified: iso(),
	    size: 383631000, preview: `${c}/${uid}/watch`, allowedOrigins: [],
	    requireSignedURLs: false, uploaded: iso(), uploadExpiry: null,
	    maxSizeBytes: null, maxDurationSeconds: null, duration,
	    input: { width: 1280, height: 720 },
	    playback: { hls: `${c}/${uid}/manifest/video.m3u8`,
		dash: `${c}/${uid}/manifest/video.mpd` },
	    watermark: null, liveInput: input });
}

// One request; resolves {status, body}.  Bounded by timeoutMs.
export function request(base, method, path, { headers = {}, body, agent,
    timeoutMs = 30000 } = {}) {
	return new Promise((resolve, reject) => {
		const u = new URL(path, base);
		const h = { ...headers };
		if (body !== undefined)
			h['content-length'] = Buffer.byteLength(body);
		const req = http.request(u, { method, headers: h, agent,
		    timeout: timeoutMs }, (res) => {
			const chunks = [];
			res.on('data', (c) => chunks.push(c));
			res.on('end', () => resolve({ status: res.statusCode,
			    body: Buffer.concat(chunks).toString() }));
			res.on('error', reject);
		});
		req.on('timeout', () => req.destroy(new Error('timeout')));
		req.on('error', reject);
		req.end(body);
	});
}
