// whep.js: watch a Cloudflare WebRTC (WHEP) broadcast: receive-only
// offer, bounded ICE gathering (1 s), POST, answer.  Cloudflare answers
// 409 (or 204/404) until the publisher is connected: NotLiveYet.
import { browserEnv } from './whip.js';

export class NotLiveYet extends Error {}

export async function whepPlay(url, video, env = browserEnv()) {
  const pc = new env.RTCPeerConnection({ bundlePolicy: 'max-bundle' });
  pc.addTransceiver('video', { direction: 'recvonly' });
  pc.addTransceiver('audio', { direction: 'recvonly' });
  const ms = new MediaStream();
  pc.addEventListener('track', (e) => {
    ms.addTrack(e.track);
    video.srcObject = ms;
  });
  try {
    await pc.setLocalDescription(await pc.createOffer());
    await new Promise((resolve) => {
      if (pc.iceGatheringState === 'complete') resolve();
      const id = env.setTimeout(resolve, 1000);
      pc.addEventListener('icegatheringstatechange', () => {
        if (pc.iceGatheringState === 'complete') {
          env.clearTimeout(id);
          resolve();
        }
      });
    });
    const res = await env.fetch(url, { method: 'POST',
      headers: { 'Content-Type': 'application/sdp' },
      body: pc.localDescription.sdp });
    if ([204, 404, 409].includes(res.status)) throw new NotLiveYet();
    if (res.status !== 201 && res.status !== 200) {
      throw new Error(`WHEP ${res.status}`);
    }
    const loc = res.headers.get('Location');
    await pc.setRemoteDescription({ type: 'answer', sdp: await res.text() });
    return {
      pc,
      destroy() {
        pc.close();
        if (loc) env.fetch(new URL(loc, url).href, { method: 'DELETE' })
          .catch(() => {});
      },
    };
  } catch (e) {
    pc.close();
    throw e;
  }
}
