#!/usr/bin/env node
// publish.mjs: a WHIP publisher for the relay tests.  Debian's Chromium,
// headless with the fake camera and microphone, driven by playwright-core
// over CDP (no browser is ever downloaded), publishes to a WHIP URL the
// way www/ would: getUserMedia, H.264 preferred with setCodecPreferences,
// a non-trickle offer (ICE gathering bounded), POST with the Bearer
// publish token, the answer, then media for N seconds and a DELETE of
// the session's Location.
//
//   node tests/relay/publish.mjs --whip URL --token T [options]
//     --seconds N        media time after "connected" (default 8)
//     --no-delete        vanish: SIGKILL Chromium after N s, no DELETE
//     --hold-until FILE  end the media as soon as FILE exists (--seconds
//                        is then the upper bound): a benchmark's clock
//     --audio-only       microphone only
//     --resize-at S      S seconds into the media, switch the camera to
//                        --resize WxH (default 320x240), as a phone's
//                        browser does when bandwidth or CPU drop: new
//                        SPS/PPS, new resolution mid-stream
//     --video-off A:B    send no video from A to B seconds into the media
//                        (the sender's track replaced by none, the m-line
//                        kept: a camera taken by another app); A = 0: no
//                        video from the very start, until B
//     --adapt            let Chromium lower the resolution by itself (its
//                        default); without it the sender keeps the
//                        camera's resolution (degradationPreference
//                        maintain-resolution), so runs are alike
//     --video-codec C    offer only this video codec (e.g. vp8: an offer
//                        the relay must refuse); default H.264 first,
//                        the others after it
//     --retry-409 S      on 409, re-POST every 0.5 s for up to S seconds
//     --page URL         page to run in (default: the WHIP URL's origin /)
//     --offer-only       print a fresh SDP offer and exit (no POST)
//     --connect-timeout S   give up when not connected after S (default 15)
//     --chromium PATH    default $CHROMIUM or /usr/bin/chromium
//     --log FILE         Chromium's stderr (default: discarded)
//     --sdp-dir DIR      write the offer and the answer there
//                        (offer.sdp, answer.sdp)
//   VIGIL_PUBLISH_PIDS=FILE   append Chromium's pid (its process group) to
//                             FILE, for a harness's last-resort cleanup
//
// stdout: one JSON object: ok, status (of the last POST), location,
// post201Ms (POST sent -> answer read), postEpochMs (when the last POST
// was sent, Unix ms), connectedMs (POST sent -> connectionState
// "connected"), gatherMs, gumMs, retries409, deleteStatus, deleteMs,
// answer (what it agreed to: twcc, video, audio, bandwidth), resized,
// stats (per kind: codec, bytesSent, packetsSent, frames, keyFrames,
// width, height, encoder, limitedBy), error.  stderr: progress lines,
// JSON with an "event" field: launched, posted, connected, resized,
// vanish, deleting, done (a caller in the background can wait for
// "connected").
// Exit: 0 published (and DELETE answered 2xx unless --no-delete); 2 the
// POST was not answered 201 (body in .error); 3 never connected; 4 the
// DELETE failed; 1 anything else (launch, timeout).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, createWriteStream, appendFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { chromium } = require('playwright-core');

function usage(msg) {
	if (msg) process.stderr.write(`publish: ${msg}\n`);
	process.stderr.write('usage: publish.mjs --whip URL --token T [--seconds N] ' +
	    '[--no-delete] [--audio-only] [--retry-409 S] [--offer-only] ...\n');
	process.exit(1);
}

const opt = {
	whip: '', token: '', seconds: 8, noDelete: false, audioOnly: false,
	retry409: 0, page: '', videoCodec: '', resizeAt: -1, resize: '320x240', adapt: false,
	videoOff: null,
	holdUntil: '', offerOnly: false, connectTimeout: 15,
	chromium: process.env.CHROMIUM || '/usr/bin/chromium', log: '', sdpDir: '',
};
{
	const a = process.argv.slice(2);
	for (let i = 0; i < a.length; i++) {
		const need = () => {
			if (i + 1 >= a.length) usage(`${a[i]} needs a value`);
			return a[++i];
		};
		const num = () => {
			const n = Number(need());
			if (!Number.isFinite(n) || n < 0) usage(`${a[i - 1]}: not a number`);
			return n;
		};
		switch (a[i]) {
		case '--whip': opt.whip = need(); break;
		case '--token': opt.token = need(); break;
		case '--seconds': opt.seconds = num(); break;
		case '--no-delete': opt.noDelete = true; break;
		case '--audio-only': opt.audioOnly = true; break;
		case '--video-codec': opt.videoCodec = need().toLowerCase(); break;
		case '--resize-at': opt.resizeAt = num(); break;
		case '--resize': opt.resize = need(); break;
		case '--adapt': opt.adapt = true; break;
		case '--video-off': {
			const m = /^(\d+(?:\.\d+)?):(\d+(?:\.\d+)?)$/.exec(need());
			if (!m || Number(m[1]) >= Number(m[2])) usage('--video-off A:B, A < B');
			opt.videoOff = [Number(m[1]), Number(m[2])];
			break;
		}
		case '--hold-until': opt.holdUntil = need(); break;
		case '--retry-409': opt.retry409 = num(); break;
		case '--page': opt.page = need(); break;
		case '--offer-only': opt.offerOnly = true; break;
		case '--connect-timeout': opt.connectTimeout = num(); break;
		case '--chromium': opt.chromium = need(); break;
		case '--log': opt.log = need(); break;
		case '--sdp-dir': opt.sdpDir = need(); break;
		default: usage(`unknown argument ${a[i]}`);
		}
	}
	if (!opt.offerOnly && (!opt.whip || !opt.token)) usage('--whip and --token are required');
	if (!opt.page) {
		if (opt.whip) opt.page = new URL('/', opt.whip).href;
		else opt.page = 'about:blank';
	}
}

const t0 = Date.now();
const event = (name, extra = {}) =>
	process.stderr.write(JSON.stringify({ event: name, ms: Date.now() - t0, ...extra }) + '\n');

// ---------------------------------------------------------------- Chromium
// Started by us (not playwright's launch) in its own process group, so a
// vanish is a real SIGKILL of the whole browser and cleanup is certain.
const userDataDir = mkdtempSync(join(tmpdir(), 'vigil-publish-'));
let child = null;
let browser = null;

function killChromium(sig = 'SIGKILL') {
	if (child && child.exitCode === null && child.signalCode === null) {
		try { process.kill(-child.pid, sig); } catch { /* gone */ }
	}
}

function cleanupSync() {
	killChromium('SIGKILL');
	try { rmSync(userDataDir, { recursive: true, force: true }); } catch { /* ignore */ }
}
process.on('exit', cleanupSync);
for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP'])
	process.on(s, () => { cleanupSync(); process.exit(1); });

const result = {
	ok: false, status: 0, location: null, post201Ms: null, connectedMs: null,
	gatherMs: null, gumMs: null, postEpochMs: null, retries409: 0, deleteStatus: null,
	deleteMs: null, seconds: opt.seconds, deleted: false, stats: null,
	error: null,
};

function finish(code) {
	result.ok = code === 0;
	process.stdout.write(JSON.stringify(result) + '\n');
	event('done', { code });
	cleanupSync();
	process.exit(code);
}

// Never run forever, whatever hangs.
const hardLimit = (opt.seconds + opt.retry409 + opt.connectTimeout + 60) * 1000;
setTimeout(() => {
	result.error = `publish.mjs: no result after ${hardLimit / 1000} s`;
	finish(1);
}, hardLimit).unref();

async function launch() {
	const args = [
		'--headless', '--remote-debugging-port=0', `--user-data-dir=${userDataDir}`,
		'--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream',
		'--allow-loopback-in-peer-connection', '--no-sandbox', '--disable-gpu',
		'--disable-background-networking', '--disable-component-update',
		'--disable-sync', '--no-first-run', '--no-default-browser-check',
		'--disable-dev-shm-usage',
		// Nothing may leave the machine: no host name resolves.
		'--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1',
		'about:blank',
	];
	child = spawn(opt.chromium, args, { detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
	// For the harness: what to kill should this process itself be killed.
	if (process.env.VIGIL_PUBLISH_PIDS && child.pid)
		appendFileSync(process.env.VIGIL_PUBLISH_PIDS, `${child.pid}\n`);
	const log = opt.log ? createWriteStream(opt.log, { flags: 'a' }) : null;
	const ws = await new Promise((resolve, reject) => {
		let buf = '';
		const to = setTimeout(() => reject(new Error('Chromium printed no DevTools URL in 30 s')), 30000);
		child.on('error', (e) => { clearTimeout(to); reject(e); });
		child.on('exit', (c, s) => { clearTimeout(to); reject(new Error(`Chromium exited (${c ?? s})`)); });
		child.stderr.on('data', (d) => {
			if (log) log.write(d);
			buf += d.toString();
			const m = buf.match(/DevTools listening on (ws:\/\/\S+)/);
			if (m) { clearTimeout(to); resolve(m[1]); buf = ''; }
			if (buf.length > 65536) buf = buf.slice(-4096);
		});
	});
	child.removeAllListeners('exit');
	browser = await chromium.connectOverCDP(ws, { timeout: 30000 });
	const context = browser.contexts()[0] ?? await browser.newContext();
	const page = context.pages()[0] ?? await context.newPage();
	event('launched', { pid: child.pid });
	return page;
}

// ---------------------------------------------------------------- in the page
// Each function runs inside the page (page.evaluate): keep them
// self-contained.

async function pageOffer({ audioOnly, videoCodec, adapt, noVideo }) {
	const t = performance.now();
	const stream = await navigator.mediaDevices.getUserMedia({
		audio: true,
		video: audioOnly ? false : { width: 640, height: 480 },
	});
	const gumMs = performance.now() - t;
	const pc = new RTCPeerConnection({ bundlePolicy: 'max-bundle' });
	window.vigilPc = pc;
	window.vigilStream = stream;
	for (const track of stream.getTracks()) {
		const tr = pc.addTransceiver(track, { direction: 'sendonly', streams: [stream] });
		if (track.kind !== 'video') continue;
		window.vigilVideoSender = tr.sender;
		if (noVideo) await tr.sender.replaceTrack(null);
		if (!adapt) {
			try {
				const p = tr.sender.getParameters();
				p.degradationPreference = 'maintain-resolution';
				await tr.sender.setParameters(p);
			} catch {
				track.contentHint = 'detail';
			}
		}
		// H.264 first: packetization-mode=1, constrained baseline first.
		const codecs = RTCRtpSender.getCapabilities('video').codecs;
		if (videoCodec && videoCodec !== 'h264') {
			const only = codecs.filter((c) => c.mimeType.toLowerCase() === `video/${videoCodec}`);
			if (only.length === 0) throw new Error(`this Chromium has no ${videoCodec}`);
			tr.setCodecPreferences(only);
			continue;
		}
		const isH264 = (c) => c.mimeType.toLowerCase() === 'video/h264';
		const rank = (c) => {
			const f = c.sdpFmtpLine || '';
			return (/packetization-mode=1/.test(f) ? 0 : 2) +
			    (/profile-level-id=42e0/.test(f) ? 0 : 1);
		};
		const h264 = codecs.filter(isH264).sort((a, b) => rank(a) - rank(b));
		if (h264.length === 0) throw new Error('this Chromium offers no H.264');
		tr.setCodecPreferences([...h264, ...codecs.filter((c) => !isH264(c))]);
	}
	const g0 = performance.now();
	await pc.setLocalDescription(await pc.createOffer());
	// Non-trickle: wait for gathering, bounded (~1 s, as www/ does).
	await new Promise((resolve) => {
		if (pc.iceGatheringState === 'complete') return resolve();
		const to = setTimeout(resolve, 1000);
		pc.addEventListener('icegatheringstatechange', () => {
			if (pc.iceGatheringState === 'complete') {
				clearTimeout(to);
				resolve();
			}
		});
	});
	return { sdp: pc.localDescription.sdp, gumMs, gatherMs: performance.now() - g0 };
}

async function pagePost({ whip, token, sdp }) {
	const t = performance.now();
	const epoch = Date.now();
	window.vigilPostT0 = t;
	let res;
	try {
		res = await fetch(whip, {
			method: 'POST',
			headers: { 'Content-Type': 'application/sdp', Authorization: `Bearer ${token}` },
			body: sdp,
		});
	} catch (e) {
		return { status: 0, error: String(e), epoch };
	}
	const body = await res.text();
	const ms = performance.now() - t;
	const loc = res.headers.get('Location');
	return {
		status: res.status, body, ms, epoch,
		location: loc ? new URL(loc, whip).href : null,
		contentType: res.headers.get('Content-Type'),
	};
}

async function pageAnswer({ sdp, timeoutMs }) {
	const pc = window.vigilPc;
	await pc.setRemoteDescription({ type: 'answer', sdp });
	const state = await new Promise((resolve) => {
		if (pc.connectionState === 'connected') return resolve('connected');
		const to = setTimeout(() => resolve(pc.connectionState), timeoutMs);
		pc.addEventListener('connectionstatechange', () => {
			if (pc.connectionState === 'connected' || pc.connectionState === 'failed') {
				clearTimeout(to);
				resolve(pc.connectionState);
			}
		});
	});
	return { state, ms: performance.now() - window.vigilPostT0 };
}

async function pageVideo({ on }) {
	const [track] = window.vigilStream.getVideoTracks();
	await window.vigilVideoSender.replaceTrack(on ? track : null);
	return on;
}

async function pageResize({ width, height }) {
	const [track] = window.vigilStream.getVideoTracks();
	if (!track) return null;
	await track.applyConstraints({ width, height });
	const st = track.getSettings();
	return { width: st.width, height: st.height };
}

async function pageStats() {
	const pc = window.vigilPc;
	const report = await pc.getStats();
	const codecs = {};
	report.forEach((s) => { if (s.type === 'codec') codecs[s.id] = s; });
	const out = {};
	report.forEach((s) => {
		if (s.type !== 'outbound-rtp') return;
		const c = codecs[s.codecId];
		out[s.kind] = {
			codec: c ? c.mimeType + (c.sdpFmtpLine ? ';' + c.sdpFmtpLine : '') : null,
			bytesSent: s.bytesSent, packetsSent: s.packetsSent,
			frames: s.framesEncoded ?? null, keyFrames: s.keyFramesEncoded ?? null,
			width: s.frameWidth ?? null, height: s.frameHeight ?? null,
			encoder: s.encoderImplementation ?? null,
			limitedBy: s.qualityLimitationReason ?? null,
			resolutionChanges: s.qualityLimitationResolutionChanges ?? null,
		};
	});
	out.connectionState = pc.connectionState;
	return out;
}

async function pageDelete({ location, token }) {
	const t = performance.now();
	let status = 0;
	try {
		const res = await fetch(location, {
			method: 'DELETE', headers: { Authorization: `Bearer ${token}` },
		});
		status = res.status;
	} catch { status = 0; }
	const ms = performance.now() - t;
	window.vigilPc.close();
	window.vigilStream.getTracks().forEach((tr) => tr.stop());
	return { status, ms };
}

// ---------------------------------------------------------------- main
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

try {
	const page = await launch();
	await page.goto(opt.page, { timeout: 30000 });
	const offer = await page.evaluate(pageOffer,
	    { audioOnly: opt.audioOnly, videoCodec: opt.videoCodec, adapt: opt.adapt,
		noVideo: !!opt.videoOff && opt.videoOff[0] === 0 });
	result.gumMs = Math.round(offer.gumMs);
	result.gatherMs = Math.round(offer.gatherMs);
	if (opt.sdpDir) writeFileSync(join(opt.sdpDir, 'offer.sdp'), offer.sdp);
	if (opt.offerOnly) {
		process.stdout.write(offer.sdp);
		cleanupSync();
		process.exit(0);
	}
	let post;
	const deadline = Date.now() + opt.retry409 * 1000;
	for (;;) {
		post = await page.evaluate(pagePost, { whip: opt.whip, token: opt.token, sdp: offer.sdp });
		if (post.status === 409 && Date.now() < deadline) {
			result.retries409++;
			await sleep(500);
			continue;
		}
		break;
	}
	result.status = post.status;
	result.location = post.location;
	result.postEpochMs = post.epoch;
	result.post201Ms = post.ms == null ? null : Math.round(post.ms * 10) / 10;
	event('posted', { status: post.status, location: post.location });
	if (opt.sdpDir && post.status === 201)
		writeFileSync(join(opt.sdpDir, 'answer.sdp'), post.body);
	// What the answer agreed to, for the record.
	if (post.status === 201) {
		const b = post.body || '';
		result.answer = {
			twcc: /a=extmap:\d+ [^\r\n]*transport-wide-cc/.test(b),
			video: (b.match(/a=rtpmap:\d+ [^\r\n]*\/90000/g) || []).join(' '),
			audio: (b.match(/a=rtpmap:\d+ opus[^\r\n]*/gi) || []).join(' '),
			bandwidth: (b.match(/b=AS:\d+/) || [null])[0],
		};
	}
	if (post.status !== 201) {
		result.error = post.error || (post.body || '').slice(0, 1000);
		finish(2);
	}
	const conn = await page.evaluate(pageAnswer,
	    { sdp: post.body, timeoutMs: opt.connectTimeout * 1000 });
	if (conn.state !== 'connected') {
		result.error = `connectionState ${conn.state}`;
		result.stats = await page.evaluate(pageStats).catch(() => null);
		// Leave no session behind at the relay.
		if (!opt.noDelete && result.location) {
			const d = await page.evaluate(pageDelete,
			    { location: result.location, token: opt.token }).catch(() => null);
			if (d) result.deleteStatus = d.status;
		}
		finish(3);
	}
	result.connectedMs = Math.round(conn.ms * 10) / 10;
	event('connected', { connectedMs: result.connectedMs, location: result.location });
	if (opt.videoOff && !opt.audioOnly) {
		const [from, to] = opt.videoOff;
		const t0 = Date.now();
		const at = (sec) => sleep(Math.max(0, t0 + sec * 1000 - Date.now()));
		if (from > 0) {
			await at(Math.min(from, opt.seconds));
			if (from < opt.seconds) {
				await page.evaluate(pageVideo, { on: false });
				event('video-off', {});
			}
		}
		if (to < opt.seconds) {
			await at(to);
			await page.evaluate(pageVideo, { on: true });
			event('video-on', {});
		}
		await at(opt.seconds);
	} else if (opt.resizeAt >= 0 && opt.resizeAt < opt.seconds && !opt.audioOnly) {
		await sleep(opt.resizeAt * 1000);
		const [w, h] = opt.resize.split('x').map(Number);
		result.resized = await page.evaluate(pageResize, { width: w, height: h });
		event('resized', result.resized ?? {});
		await sleep((opt.seconds - opt.resizeAt) * 1000);
	} else if (opt.holdUntil) {
		const end = Date.now() + opt.seconds * 1000;
		while (Date.now() < end && !existsSync(opt.holdUntil))
			await sleep(100);
	} else {
		await sleep(opt.seconds * 1000);
	}
	result.stats = await page.evaluate(pageStats);
	if (opt.noDelete) {
		// Vanish: no DELETE, no close, no goodbye packets.
		event('vanish');
		killChromium('SIGKILL');
		finish(0);
	}
	event('deleting');
	const d = await page.evaluate(pageDelete, { location: result.location, token: opt.token });
	result.deleteStatus = d.status;
	result.deleteMs = Math.round(d.ms * 10) / 10;
	result.deleted = d.status >= 200 && d.status < 300;
	await browser.close().catch(() => {});
	if (!result.deleted) {
		result.error = `DELETE answered ${d.status}`;
		finish(4);
	}
	finish(0);
} catch (e) {
	result.error = String(e && e.stack ? e.stack.split('\n').slice(0, 3).join(' | ') : e);
	finish(1);
}
