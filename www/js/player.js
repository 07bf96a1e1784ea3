// player.js: put a URL into a <video>: HLS (.m3u8) through the
// browser's own HLS when it has it and no MediaSource (iPhone), else
// through hls.js (vendored, loaded only when needed); MP4 directly.
// Returns {destroy()}; calls onFatal(reason) when playback cannot go on.

let hlsModule = null;

async function loadHls() {
  if (!hlsModule) {
    hlsModule = import('/vendor/hls.js/hls.min.mjs').then((m) => m.default);
  }
  return hlsModule;
}

export function isHls(url) {
  return /\.m3u8(?:[?#]|$)/i.test(url);
}

export async function play(video, url, { live = false, onFatal } = {}) {
  const fatal = (why) => onFatal && onFatal(why);
  video.removeAttribute('src');
  video.srcObject = null;
  if (isHls(url)) {
    const native = video.canPlayType('application/vnd.apple.mpegurl');
    const mse = 'MediaSource' in window || 'ManagedMediaSource' in window;
    if (native && !mse) return playNative(video, url, fatal);
    const Hls = await loadHls();
    if (!Hls.isSupported()) {
      if (native) return playNative(video, url, fatal);
      fatal('This browser cannot play this broadcast.');
      return { destroy() {} };
    }
    const hls = new Hls({
      workerPath: '/vendor/hls.js/hls.worker.js',
      lowLatencyMode: live,
      liveSyncDurationCount: 3,
      // A replay source that will not load falls back to the next one
      // quickly; live retries longer (a segment may be late).
      manifestLoadingMaxRetry: live ? 4 : 1,
      levelLoadingMaxRetry: live ? 4 : 1,
      fragLoadingMaxRetry: live ? 6 : 2,
    });
    hls.on(Hls.Events.ERROR, (_ev, data) => {
      if (!data.fatal) return;
      if (data.type === Hls.ErrorTypes.MEDIA_ERROR) {
        hls.recoverMediaError();
        return;
      }
      fatal(data.details || 'playback error');
    });
    hls.loadSource(url);
    hls.attachMedia(video);
    return { destroy: () => hls.destroy() };
  }
  return playNative(video, url, fatal);
}

function playNative(video, url, fatal) {
  const onError = () => fatal('This recording could not be played.');
  video.addEventListener('error', onError);
  video.src = url;
  video.load();
  return {
    destroy() {
      video.removeEventListener('error', onError);
      video.removeAttribute('src');
      video.load();
    },
  };
}
