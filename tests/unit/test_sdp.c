/*
 * test_sdp.c: unit tests for lib/sdp.c, the WHIP offer policy.
 *
 * Offers come from tests/data/sdp/ (Chromium 156's real offers captured
 * headless, a Firefox-style one); each case applies a few textual
 * mutations (curl unit1302-style tables) and states the verdict: the
 * result, the payload types chosen, the transport-wide-cc ids.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "sdp.h"

#include "unit.h"

/* A fixture from tests/data/sdp/ (or $VIGIL_TEST_DATA/sdp/). */
static char *
load(const char *name)
{
	const char	*dir = getenv("VIGIL_TEST_DATA");
	char		 path[512], chunk[4096];
	struct buf	 b;
	FILE		*f;
	size_t		 n;

	snprintf(path, sizeof(path), "%s/sdp/%s",
	    dir != NULL ? dir : "tests/data", name);
	if ((f = fopen(path, "r")) == NULL) {
		fprintf(stderr, "cannot open %s\n", path);
		return NULL;
	}
	buf_init(&b, 1024 * 1024);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (buf_append(&b, chunk, n) == -1)
			break;
	fclose(f);
	return buf_steal(&b);
}

/* s with every "from" replaced by "to"; to free(3). */
static char *
replace(const char *s, const char *from, const char *to)
{
	struct buf	 b;
	const char	*p;
	size_t		 fl = strlen(from);

	buf_init(&b, 4 * 1024 * 1024);
	while ((p = strstr(s, from)) != NULL) {
		buf_append(&b, s, (size_t)(p - s));
		buf_puts(&b, to);
		s = p + fl;
	}
	buf_puts(&b, s);
	return buf_steal(&b);
}

#define MUT_MAX	4

struct ocase {
	const char	*name;
	const char	*file;		/* NULL: text is the offer */
	const char	*text;
	const char	*mut[MUT_MAX][2];
	enum sdp_res	 res;
	int		 vpt;		/* -1: no video */
	int		 apt;		/* -1: no audio */
	int		 vtwcc, atwcc;
	const char	*plid;		/* video's, when vpt >= 0 */
	int		 vmline, amline;
};

/* The video m= line of chromium-156-av.sdp. */
#define CHR_VIDEO_M "m=video 9 UDP/TLS/RTP/SAVPF 96 97 102 103 104 107 " \
	"108 109 114 115 116 117 39 40 45 46 98 99 100 101 118 119 120"

static const struct ocase ocases[] = {
	{ "chromium av", "chromium-156-av.sdp", NULL, { { NULL } },
	    SDP_OK, 108, 111, 3, 3, "42e01f", 1, 0 },
	{ "chromium audio only", "chromium-156-audio.sdp", NULL, { { NULL } },
	    SDP_OK, -1, 111, 0, 3, NULL, 0, 0 },
	{ "chromium video only", "chromium-156-video.sdp", NULL, { { NULL } },
	    SDP_OK, 108, -1, 4, 0, "42e01f", 0, 0 },
	{ "firefox style", "firefox-style-av.sdp", NULL, { { NULL } },
	    SDP_OK, 126, 109, 7, 0, "42e01f", 1, 0 },
	{ "vp8 only: 406", "chromium-156-av.sdp", NULL,
	    { { CHR_VIDEO_M, "m=video 9 UDP/TLS/RTP/SAVPF 96 97" } },
	    SDP_UNACCEPTABLE, -1, -1, 0, 0, NULL, 0, 0 },
	{ "video disabled, opus: audio only", "chromium-156-av.sdp", NULL,
	    { { "m=video 9 ", "m=video 0 " } },
	    SDP_OK, -1, 111, 0, 3, NULL, 0, 0 },
	{ "video recvonly: audio only", "chromium-156-video.sdp", NULL,
	    { { "a=sendonly", "a=recvonly" } },
	    SDP_UNACCEPTABLE, -1, -1, 0, 0, NULL, 0, 0 },
	{ "no opus: 406", "chromium-156-audio.sdp", NULL,
	    { { "opus/48000/2", "opus/48000/1" } },
	    SDP_UNACCEPTABLE, -1, -1, 0, 0, NULL, 0, 0 },
	{ "missing packetization-mode (firefox)", "firefox-style-av.sdp",
	    NULL, { { ";packetization-mode=1", "" } },
	    SDP_UNACCEPTABLE, -1, -1, 0, 0, NULL, 0, 0 },
	{ "packetization-mode 0 only", "chromium-156-av.sdp", NULL,
	    { { "packetization-mode=1", "packetization-mode=0" } },
	    SDP_UNACCEPTABLE, -1, -1, 0, 0, NULL, 0, 0 },
	{ "several H.264: baseline when no constrained baseline",
	    "chromium-156-av.sdp", NULL,
	    { { "packetization-mode=1;profile-level-id=42e01f",
	    "packetization-mode=1;profile-level-id=4d001f" } },
	    SDP_OK, 102, 111, 3, 3, "42001f", 1, 0 },
	{ "several H.264: constrained baseline wins over offer order",
	    "chromium-156-av.sdp", NULL,
	    { { "packetization-mode=1;profile-level-id=42001f",
	    "packetization-mode=1;profile-level-id=640c1f" } },
	    SDP_OK, 108, 111, 3, 3, "42e01f", 1, 0 },
	{ "several H.264: high only, first in offer order",
	    "chromium-156-av.sdp", NULL,
	    { { "profile-level-id=42", "profile-level-id=64" },
	    { "profile-level-id=4d", "profile-level-id=64" } },
	    SDP_OK, 102, 111, 3, 3, "64001f", 1, 0 },
	{ "upper-case profile-level-id", "chromium-156-av.sdp", NULL,
	    { { "42e01f", "42E01F" } },
	    SDP_OK, 108, 111, 3, 3, "42e01f", 1, 0 },
	{ "transport-cc id taken from the offer", "chromium-156-av.sdp",
	    NULL, { { "a=extmap:3 http://www.ietf.org/id/draft-holmer",
	    "a=extmap:9 http://www.ietf.org/id/draft-holmer" } },
	    SDP_OK, 108, 111, 9, 9, "42e01f", 1, 0 },
	{ "no transport-cc extmap", "chromium-156-av.sdp", NULL,
	    { { "a=extmap:3 http://www.ietf.org/id/draft-holmer",
	    "a=extmap:3 http://example.org/x" } },
	    SDP_OK, 108, 111, 0, 0, "42e01f", 1, 0 },
	{ "LF line ends", "chromium-156-av.sdp", NULL, { { "\r\n", "\n" } },
	    SDP_OK, 108, 111, 3, 3, "42e01f", 1, 0 },
	{ "no ICE credentials: 400", "chromium-156-audio.sdp", NULL,
	    { { "a=ice-ufrag:", "a=x-ufrag:" } },
	    SDP_BAD, -1, -1, 0, 0, NULL, 0, 0 },
	{ "no fingerprint: 400", "chromium-156-audio.sdp", NULL,
	    { { "a=fingerprint:", "a=x-fingerprint:" } },
	    SDP_BAD, -1, -1, 0, 0, NULL, 0, 0 },
	{ "bad profile-level-id: 400", "chromium-156-av.sdp", NULL,
	    { { "profile-level-id=42e01f", "profile-level-id=42e01" } },
	    SDP_BAD, -1, -1, 0, 0, NULL, 0, 0 },
	{ "payload type 200: 400", "chromium-156-audio.sdp", NULL,
	    { { "SAVPF 111 63", "SAVPF 200 63" } },
	    SDP_BAD, -1, -1, 0, 0, NULL, 0, 0 },
	{ "two video tracks: 406", "chromium-156-av.sdp", NULL,
	    { { "m=audio 39816 UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 110 126",
	    "m=video 39816 UDP/TLS/RTP/SAVPF 102\r\na=rtpmap:102 H264/90000"
	    "\r\na=fmtp:102 packetization-mode=1" } },
	    SDP_UNACCEPTABLE, -1, -1, 0, 0, NULL, 0, 0 },
	{ "data channel: 406", "chromium-156-audio.sdp", NULL,
	    { { "a=rtpmap:126 telephone-event/8000\r\n",
	    "a=rtpmap:126 telephone-event/8000\r\nm=application 9 "
	    "UDP/DTLS/SCTP webrtc-datachannel\r\na=mid:1\r\n"
	    "a=ice-ufrag:F9Ke\r\na=ice-pwd:Rjfj73njO/dBam0ASsqapdct\r\n"
	    "a=fingerprint:sha-256 27:2B\r\n" } },
	    SDP_UNACCEPTABLE, -1, -1, 0, 0, NULL, 0, 0 },
	{ "simulcast: 406", "chromium-156-video.sdp", NULL,
	    { { "a=sendonly", "a=sendonly\r\na=simulcast:send f;h" } },
	    SDP_UNACCEPTABLE, -1, -1, 0, 0, NULL, 0, 0 },
	{ "plain RTP: 406", "chromium-156-audio.sdp", NULL,
	    { { "UDP/TLS/RTP/SAVPF", "RTP/AVP" } },
	    SDP_UNACCEPTABLE, -1, -1, 0, 0, NULL, 0, 0 },
	{ "garbage: 400", NULL, "hello world", { { NULL } },
	    SDP_BAD, -1, -1, 0, 0, NULL, 0, 0 },
	{ "empty: 400", NULL, "", { { NULL } },
	    SDP_BAD, -1, -1, 0, 0, NULL, 0, 0 },
	{ "JSON: 400", NULL, "{\"sdp\":\"v=0\"}", { { NULL } },
	    SDP_BAD, -1, -1, 0, 0, NULL, 0, 0 },
	{ "no media: 400", NULL, "v=0\r\no=- 1 2 IN IP4 0.0.0.0\r\ns=-\r\n",
	    { { NULL } }, SDP_BAD, -1, -1, 0, 0, NULL, 0, 0 },
	{ "v=1: 400", "chromium-156-av.sdp", NULL, { { "v=0", "v=1" } },
	    SDP_BAD, -1, -1, 0, 0, NULL, 0, 0 },
	{ "a NUL inside: 400", "chromium-156-av.sdp", NULL,
	    { { "a=rtcp-mux", "a=rtcp\001mux" } },
	    SDP_BAD, -1, -1, 0, 0, NULL, 0, 0 },
	{ "a line without '=': 400", "chromium-156-av.sdp", NULL,
	    { { "s=-", "s-" } },
	    SDP_BAD, -1, -1, 0, 0, NULL, 0, 0 },
	{ "nothing sent: 406", "chromium-156-av.sdp", NULL,
	    { { "a=sendonly", "a=inactive" } },
	    SDP_UNACCEPTABLE, -1, -1, 0, 0, NULL, 0, 0 },
};

static void
test_offers(void)
{
	const struct ocase	*c;
	struct sdp_offer	 o;
	const char		*why;
	char			*text, *t;
	enum sdp_res		 r;
	size_t			 i, k;

	for (i = 0; i < sizeof(ocases) / sizeof(ocases[0]); i++) {
		c = &ocases[i];
		text = c->file != NULL ? load(c->file) : strdup(c->text);
		CHECK(text != NULL);
		if (text == NULL)
			continue;
		for (k = 0; k < MUT_MAX && c->mut[k][0] != NULL; k++) {
			t = replace(text, c->mut[k][0], c->mut[k][1]);
			if (strcmp(t, text) == 0)
				fprintf(stderr, "%s: mutation %zu changed "
				    "nothing\n", c->name, k);
			free(text);
			text = t;
		}
		r = sdp_offer_check(text, strlen(text), &o, &why);
		if (r != c->res)
			fprintf(stderr, "%s: got %d (%s)\n", c->name, (int)r,
			    why ? why : "-");
		CHECK(r == c->res);
		CHECK(r == SDP_OK ? why == NULL : why != NULL);
		if (r == SDP_OK && c->res == SDP_OK) {
			CHECK(o.video.present == (c->vpt >= 0));
			CHECK(o.audio.present == (c->apt >= 0));
			if (c->vpt >= 0) {
				CHECK(o.video.pt == c->vpt);
				CHECK(o.video.twcc_id == c->vtwcc);
				CHECK(o.video.mline == c->vmline);
				CHECK_STR(o.video.plid, c->plid);
			}
			if (c->apt >= 0) {
				CHECK(o.audio.pt == c->apt);
				CHECK(o.audio.twcc_id == c->atwcc);
				CHECK(o.audio.mline == c->amline);
			}
			if ((c->vpt >= 0 && o.video.pt != c->vpt) ||
			    (c->apt >= 0 && o.audio.pt != c->apt))
				fprintf(stderr, "%s: video %d audio %d\n",
				    c->name, o.video.pt, o.audio.pt);
			CHECK(o.ice_ufrag[0] != '\0' && o.ice_pwd[0] != '\0');
		}
		free(text);
	}
}

/* Details of the real Chromium offer beyond the verdict. */
static void
test_chromium_details(void)
{
	struct sdp_offer	 o;
	const char		*why;
	char			*text;

	if ((text = load("chromium-156-av.sdp")) == NULL) {
		CHECK(0);
		return;
	}
	CHECK(sdp_offer_check(text, strlen(text), &o, &why) == SDP_OK);
	CHECK(o.nmedia == 2);
	CHECK_STR(o.mids[0], "0");
	CHECK_STR(o.mids[1], "1");
	CHECK_STR(o.audio.mid, "0");
	CHECK_STR(o.video.mid, "1");
	CHECK_STR(o.ice_ufrag, "F9Ke");
	CHECK_STR(o.ice_pwd, "Rjfj73njO/dBam0ASsqapdct");
	CHECK(o.video.profile == SDP_H264_CONSTRAINED_BASELINE);
	/* Only the length given is read: a truncated offer is refused. */
	CHECK(sdp_offer_check(text, 40, &o, &why) == SDP_BAD);
	free(text);
}

struct fcase {
	const char	*name;
	const char	*frag;
	enum sdp_res	 res;
	size_t		 ncands;
	int		 mline0;	/* first candidate's m= index */
	int		 eoc;
	int		 restart;
};

static const struct fcase fcases[] = {
	{ "RFC 9725 example", "a=ice-options:trickle ice2\r\n"
	    "a=group:BUNDLE 0 1\r\n"
	    "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\n"
	    "a=mid:0\r\n"
	    "a=ice-ufrag:F9Ke\r\n"
	    "a=ice-pwd:Rjfj73njO/dBam0ASsqapdct\r\n"
	    "a=candidate:1387637174 1 udp 2122260223 192.0.2.1 61764 typ "
	    "host generation 0 ufrag F9Ke network-id 1\r\n"
	    "a=candidate:3471623853 1 udp 2122194687 198.51.100.2 61765 "
	    "typ host generation 0 ufrag F9Ke network-id 2\r\n"
	    "a=end-of-candidates\r\n", SDP_OK, 2, 0, 1, 0 },
	{ "second section by mid", "a=ice-ufrag:F9Ke\r\n"
	    "a=ice-pwd:Rjfj73njO/dBam0ASsqapdct\r\n"
	    "m=video 9 UDP/TLS/RTP/SAVPF 0\r\na=mid:1\r\n"
	    "a=candidate:1 1 udp 1 192.0.2.1 1 typ host\r\n",
	    SDP_OK, 1, 1, 0, 0 },
	{ "no section: m= index 0", "a=candidate:1 1 udp 1 192.0.2.1 1 "
	    "typ host\n", SDP_OK, 1, 0, 0, 0 },
	{ "end of candidates only", "a=end-of-candidates\r\n",
	    SDP_OK, 0, 0, 1, 0 },
	{ "ICE restart", "a=ice-ufrag:ZZZZ\r\n"
	    "a=ice-pwd:Rjfj73njO/dBam0ASsqapdcX\r\n"
	    "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:0\r\n",
	    SDP_OK, 0, 0, 0, 1 },
	{ "empty", "", SDP_BAD, 0, 0, 0, 0 },
	{ "garbage", "hello", SDP_BAD, 0, 0, 0, 0 },
	{ "control byte", "a=candidate:1 1 udp 1 192.0.2.1 1 typ\001host\r\n",
	    SDP_BAD, 0, 0, 0, 0 },
	{ "short candidate", "a=candidate:1\r\n", SDP_BAD, 0, 0, 0, 0 },
	{ "bad ufrag", "a=ice-ufrag:a b\r\n", SDP_BAD, 0, 0, 0, 0 },
};

static void
test_frags(void)
{
	const struct fcase	*c;
	struct sdp_offer	 o;
	struct sdp_frag		*f;
	struct buf		 b;
	const char		*why;
	char			*text;
	size_t			 i;

	if ((f = malloc(sizeof(*f))) == NULL ||
	    (text = load("chromium-156-av.sdp")) == NULL) {
		CHECK(0);
		free(f);
		return;
	}
	CHECK(sdp_offer_check(text, strlen(text), &o, &why) == SDP_OK);
	free(text);
	for (i = 0; i < sizeof(fcases) / sizeof(fcases[0]); i++) {
		c = &fcases[i];
		CHECK(sdp_frag_parse(c->frag, strlen(c->frag), &o, f, &why) ==
		    c->res);
		if (c->res != SDP_OK) {
			CHECK(why != NULL);
			continue;
		}
		CHECK(f->ncands == c->ncands);
		CHECK(f->end_of_candidates == c->eoc);
		CHECK(sdp_frag_is_restart(f, &o) == c->restart);
		if (c->ncands > 0) {
			CHECK(f->cands[0].mline == c->mline0);
			CHECK(strncmp(f->cands[0].line, "candidate:", 10) == 0);
		}
		if (f->ncands != c->ncands)
			fprintf(stderr, "%s: %zu candidates\n", c->name,
			    f->ncands);
	}
	/* One candidate more than a PATCH may carry. */
	buf_init(&b, 1024 * 1024);
	for (i = 0; i <= LIM_SDP_CANDIDATES; i++)
		buf_printf(&b, "a=candidate:%zu 1 udp 1 192.0.2.1 %zu typ "
		    "host\r\n", i, i + 1);
	CHECK(sdp_frag_parse(b.data, b.len, &o, f, &why) == SDP_BAD);
	buf_free(&b);
	free(f);
}

struct bcase {
	const char	*answer;
	const char	*want;
};

static const struct bcase bcases[] = {
	{ "v=0\r\nm=audio 9 X 111\r\nc=IN IP4 0.0.0.0\r\na=mid:0\r\n"
	    "m=video 9 X 102\r\nc=IN IP4 0.0.0.0\r\na=mid:1\r\n",
	    "v=0\r\nm=audio 9 X 111\r\nc=IN IP4 0.0.0.0\r\na=mid:0\r\n"
	    "m=video 9 X 102\r\nc=IN IP4 0.0.0.0\r\nb=AS:6000\r\n"
	    "b=TIAS:6000000\r\na=mid:1\r\n" },
	{ "v=0\r\nm=video 9 X 102\r\na=mid:1\r\nm=audio 9 X 111\r\n"
	    "c=IN IP4 0.0.0.0\r\n",
	    "v=0\r\nm=video 9 X 102\r\nb=AS:6000\r\nb=TIAS:6000000\r\n"
	    "a=mid:1\r\nm=audio 9 X 111\r\nc=IN IP4 0.0.0.0\r\n" },
	{ "v=0\r\nm=audio 9 X 111\r\nc=IN IP4 0.0.0.0\r\n",
	    "v=0\r\nm=audio 9 X 111\r\nc=IN IP4 0.0.0.0\r\n" },
	{ "v=0\r\nm=video 9 X 102",
	    "v=0\r\nm=video 9 X 102\r\nb=AS:6000\r\nb=TIAS:6000000\r\n" },
};

static void
test_bandwidth(void)
{
	size_t	 i;
	char	*out;

	for (i = 0; i < sizeof(bcases) / sizeof(bcases[0]); i++) {
		out = sdp_answer_bandwidth(bcases[i].answer, 6000);
		CHECK_STR(out, bcases[i].want);
		free(out);
	}
}

int
main(void)
{
	test_offers();
	test_chromium_details();
	test_frags();
	test_bandwidth();
	return unit_done();
}
