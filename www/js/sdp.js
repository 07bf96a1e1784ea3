// sdp.js: the few SDP edits a WHIP/WHEP client needs (RFC 9725, RFC 8840).
//
// Pure functions on strings, no browser objects, so node's test runner
// covers them (tests/www/).  SDP lines end in CRLF; we accept LF too.

const EOL = '\r\n';

function lines(sdp) {
  return String(sdp || '').split(/\r?\n/).filter((l) => l !== '');
}

// The ICE credentials and the first media section's mid and m= line: what
// a trickle or ICE-restart fragment must carry (RFC 8840 §4.4).
export function iceInfo(sdp) {
  let ufrag = null;
  let pwd = null;
  let mid = null;
  let mline = null;
  for (const l of lines(sdp)) {
    if (l.startsWith('m=')) {
      if (mline !== null) break;
      mline = l;
    } else if (l.startsWith('a=ice-ufrag:') && ufrag === null) {
      ufrag = l.slice(12);
    } else if (l.startsWith('a=ice-pwd:') && pwd === null) {
      pwd = l.slice(10);
    } else if (l.startsWith('a=mid:') && mline !== null && mid === null) {
      mid = l.slice(6);
    }
  }
  return { ufrag, pwd, mid, mline };
}

// Every a=candidate line in an SDP (without the "a=" prefix).
export function candidatesIn(sdp) {
  return lines(sdp)
    .filter((l) => l.startsWith('a=candidate:'))
    .map((l) => l.slice(2));
}

// An application/trickle-ice-sdpfrag body: credentials, the first media
// section (max-bundle: its transport carries every track), candidates,
// and a=end-of-candidates once gathering is over.
export function buildFragment({ ufrag, pwd, mid, mline }, candidates, end) {
  const out = [];
  if (ufrag) out.push(`a=ice-ufrag:${ufrag}`);
  if (pwd) out.push(`a=ice-pwd:${pwd}`);
  // The m= line of a fragment only identifies the section; RFC 8840
  // writes it with port 9 and the section's media and protocol.
  const m = /^m=(\S+) \S+ (\S+) (.*)$/.exec(mline || '');
  out.push(m ? `m=${m[1]} 9 ${m[2]} ${m[3]}` : 'm=audio 9 RTP/AVP 0');
  if (mid !== null && mid !== undefined) out.push(`a=mid:${mid}`);
  for (const c of candidates) {
    out.push(c.startsWith('a=') ? c : `a=${c}`);
  }
  if (end) out.push('a=end-of-candidates');
  return out.join(EOL) + EOL;
}

// The server's reply to an ICE restart is a fragment with its new
// credentials and candidates; fold it into its previous answer so the
// peer connection can take it as the new remote description.
export function applyFragment(remoteSdp, fragment) {
  const f = lines(fragment);
  const ufrag = f.find((l) => l.startsWith('a=ice-ufrag:'));
  const pwd = f.find((l) => l.startsWith('a=ice-pwd:'));
  const cands = f.filter((l) => l.startsWith('a=candidate:'));
  const ended = f.includes('a=end-of-candidates');
  if (!ufrag || !pwd) return null;
  const out = [];
  let section = -1;
  for (const l of lines(remoteSdp)) {
    if (l.startsWith('m=')) {
      if (section === 0) {
        out.push(...cands);
        if (ended) out.push('a=end-of-candidates');
      }
      section++;
    }
    if (l.startsWith('a=candidate:') || l === 'a=end-of-candidates') continue;
    if (l.startsWith('a=ice-ufrag:')) out.push(ufrag);
    else if (l.startsWith('a=ice-pwd:')) out.push(pwd);
    else out.push(l);
  }
  if (section === 0) {
    out.push(...cands);
    if (ended) out.push('a=end-of-candidates');
  }
  return out.join(EOL) + EOL;
}

// Codec list with H.264 first: the relay passes video through to RTMP,
// which carries H.264 only.  Packetization mode 1 and constrained
// baseline (42e0xx, then 4200xx) lead, as phones and the relay agree
// on those; the other codecs stay behind, so a browser without H.264
// still offers something and the server can say why it refuses.
export function preferH264(codecs) {
  const rank = (c) => {
    const mime = String(c.mimeType || '').toLowerCase();
    if (mime !== 'video/h264') return 100;
    const f = String(c.sdpFmtpLine || '');
    let r = 10;
    if (/packetization-mode=1/.test(f)) r -= 5;
    if (/profile-level-id=42e0/i.test(f)) r -= 3;
    else if (/profile-level-id=4200/i.test(f)) r -= 2;
    return r;
  };
  // A stable sort keeps each group in the browser's own order.
  return codecs
    .map((c, i) => ({ c, i, r: rank(c) }))
    .sort((a, b) => a.r - b.r || a.i - b.i)
    .map((x) => x.c);
}

// Does this SDP (an answer) use H.264 for video?
export function videoCodec(sdp) {
  let inVideo = false;
  let pt = null;
  for (const l of lines(sdp)) {
    if (l.startsWith('m=')) {
      inVideo = l.startsWith('m=video');
      pt = inVideo ? l.split(' ')[3] || null : null;
      continue;
    }
    if (inVideo && pt && l.startsWith(`a=rtpmap:${pt} `)) {
      return l.slice(`a=rtpmap:${pt} `.length).split('/')[0];
    }
  }
  return null;
}
