#!/usr/bin/env node
// whip-smoke.mjs: the smallest real WHIP publish, for t0604.  Debian's
// Chromium, headless, fake camera and microphone, driven by
// playwright-core; in a page of the stack's own origin it does what a
// browser client does: getUserMedia, sendonly transceivers with H.264
// preferred, a non-trickle offer (gathering bounded at 1 s), POST with
// the Bearer token, the answer, media for N seconds, DELETE.
//
//   node whip-smoke.mjs BASE STREAM_ID TOKEN SECONDS [video|audio|av]
//       [resize]
//
// resize: the camera switches 640x480 -> 320x240 -> 640x480 while
// publishing (thirds of SECONDS), as a phone's encoder does when it
// adapts: the relay's outputs must carry the new SPS.
//
// stdout: one JSON line {ok, status, postMs, connectedMs, deleteStatus,
// videoBytes, audioBytes, error}.  Exit 0 when published and deleted.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { chromium } = require('playwright-core');

const [base, id, token, secs, kinds = 'av', resize = ''] =
    process.argv.slice(2);
const out = { ok: false };
let browser;
try {
	browser = await chromium.launch({
		executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
		args: ['--use-fake-device-for-media-stream',
		    '--use-fake-ui-for-media-stream',
		    '--allow-loopback-in-peer-connection', '--no-sandbox',
		    // Nothing may leave the machine: no host name resolves.
		    '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1'],
	});
	const ctx = await browser.newContext({ bypassCSP: true });
	const page = await ctx.newPage();
	await page.goto(`${base}/`);
	Object.assign(out, await page.evaluate(async ({ url, token, secs, kinds,
	    resize }) => {
		const r = {};
		const s = await navigator.mediaDevices.getUserMedia({
			video: kinds !== 'audio' &&
			    { width: 640, height: 480 },
			audio: kinds !== 'video' });
		const pc = new RTCPeerConnection({ bundlePolicy: 'max-bundle' });
		for (const t of s.getTracks()) {
			const tr = pc.addTransceiver(t, { direction: 'sendonly' });
			if (t.kind === 'video') {
				const c = RTCRtpSender.getCapabilities('video').codecs;
				tr.setCodecPreferences([
				    ...c.filter((x) => x.mimeType === 'video/H264'),
				    ...c.filter((x) => x.mimeType !== 'video/H264')]);
			}
		}
		await pc.setLocalDescription(await pc.createOffer());
		await new Promise((ok) => {
			if (pc.iceGatheringState === 'complete') ok();
			pc.onicegatheringstatechange = () =>
			    pc.iceGatheringState === 'complete' && ok();
			setTimeout(ok, 1000);
		});
		const t0 = performance.now();
		const res = await fetch(url, { method: 'POST', headers: {
			'Content-Type': 'application/sdp',
			Authorization: `Bearer ${token}` },
		    body: pc.localDescription.sdp });
		r.status = res.status;
		r.postMs = Math.round(performance.now() - t0);
		if (res.status !== 201) {
			r.error = await res.text();
			return r;
		}
		const loc = res.headers.get('Location');
		await pc.setRemoteDescription({ type: 'answer',
		    sdp: await res.text() });
		await new Promise((ok, ko) => {
			const check = () => {
				if (pc.connectionState === 'connected')
					ok();
				else if (pc.connectionState === 'failed')
					ko(new Error('connection failed'));
			};
			pc.onconnectionstatechange = check;
			check();
			setTimeout(() => ko(new Error('not connected in 10 s')),
			    10000);
		});
		r.connectedMs = Math.round(performance.now() - t0);
		const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));
		const vt = s.getVideoTracks()[0];
		if (resize && vt) {
			await sleep(secs * 333);
			await vt.applyConstraints({ width: 320, height: 240 });
			await sleep(secs * 333);
			await vt.applyConstraints({ width: 640, height: 480 });
			await sleep(secs * 334);
		} else
			await sleep(secs * 1000);
		for (const st of (await pc.getStats()).values())
			if (st.type === 'outbound-rtp')
				r[`${st.kind}Bytes`] = st.bytesSent;
		const del = await fetch(new URL(loc, url), { method: 'DELETE',
		    headers: { Authorization: `Bearer ${token}` } });
		r.deleteStatus = del.status;
		pc.close();
		return r;
	}, { url: `${base}/whip/${id}`, token, secs: Number(secs), kinds,
	    resize }));
	out.ok = out.status === 201 && out.deleteStatus === 200;
} catch (e) {
	out.error = String(e.message || e);
} finally {
	if (browser)
		await browser.close();
}
process.stdout.write(`${JSON.stringify(out)}\n`);
process.exit(out.ok ? 0 : 1);
