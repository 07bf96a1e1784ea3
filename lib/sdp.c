/*
 * sdp.c: the WHIP offer policy, trickle fragments, the answer's
 * bandwidth line.  Plain C over (pointer, length): no GStreamer, no NUL
 * needed in the input, every line bounded by LIM_SDP_LINE.
 *
 * An offer is read one m= section at a time: while in a section, a
 * table indexed by payload type collects its rtpmap and fmtp lines; at
 * the next m= line (or the end) the section is judged and only its
 * verdict is kept.  Session-level attributes (ICE credentials, the
 * fingerprint, a direction, extmaps) are defaults for every section.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sdp.h"

#define TWCC_URI \
	"http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01"

/* Dynamic and static RTP payload types are 0..127. */
#define PT_MAX		128

const char *const sdp_h264_profile_names[SDP_H264__MAX] = {
	"constrained-baseline",	/* SDP_H264_CONSTRAINED_BASELINE */
	"baseline",		/* SDP_H264_BASELINE */
	"main",			/* SDP_H264_MAIN */
	"high",			/* SDP_H264_HIGH */
	"other",		/* SDP_H264_OTHER */
};

enum kind {
	KIND_AUDIO = 0,
	KIND_VIDEO,
	KIND_OTHER,
	KIND__MAX
};

enum dir {
	DIR_NONE = 0,		/* not said: the session's, else sendrecv */
	DIR_SENDRECV,
	DIR_SENDONLY,
	DIR_RECVONLY,
	DIR_INACTIVE,
	DIR__MAX
};

static const char *const dir_names[DIR__MAX] = {
	"",			/* DIR_NONE */
	"sendrecv",		/* DIR_SENDRECV */
	"sendonly",		/* DIR_SENDONLY */
	"recvonly",		/* DIR_RECVONLY */
	"inactive",		/* DIR_INACTIVE */
};

/* What one payload type of the current section says. */
struct pt_info {
	unsigned char	 in_fmt;	/* listed on the m= line */
	unsigned char	 has_rtpmap;
	unsigned char	 pm1;		/* packetization-mode=1 */
	unsigned char	 has_plid;
	int		 order;		/* position on the m= line */
	char		 name[16];	/* encoding name */
	unsigned long	 rate;
	unsigned long	 channels;
	char		 plid[SDP_PLID_LEN + 1];
};

/* The section being read. */
struct msec {
	enum kind	 kind;
	int		 port;
	int		 bundle_only;
	int		 dtls;		/* UDP/TLS/RTP/SAVP(F) */
	enum dir	 dir;
	int		 twcc;
	int		 simulcast;
	int		 has_ufrag, has_pwd, has_fp;
	char		 mid[SDP_MID_MAX + 1];
	char		 ufrag[SDP_ICE_MAX + 1];
	char		 pwd[SDP_ICE_MAX + 1];
	int		 nfmt;
	struct pt_info	 pts[PT_MAX];
};

/* Session-level defaults and the verdict so far. */
struct parse {
	struct sdp_offer *out;
	enum dir	 dir;
	int		 twcc;
	int		 has_ufrag, has_pwd, has_fp;
	char		 ufrag[SDP_ICE_MAX + 1];
	char		 pwd[SDP_ICE_MAX + 1];
	struct msec	*m;		/* NULL before the first m= line */
	int		 mline;		/* index of m */
	enum sdp_res	 res;
	const char	*why;
};

/* One line: its type letter and value, without the line end. */
struct line {
	char		 type;
	const char	*v;
	size_t		 vn;
};

/*
 * The next line of [*p, end) into l; 1 when there is one, 0 at the end,
 * -1 on a line that is not "x=value" or holds control bytes.  Empty
 * lines are skipped.
 */
static int
next_line(const char **p, const char *end, struct line *l)
{
	const char	*s, *nl;
	size_t		 n, i;

	for (;;) {
		if (*p >= end)
			return 0;
		s = *p;
		if ((nl = memchr(s, '\n', (size_t)(end - s))) == NULL)
			nl = end;
		*p = nl < end ? nl + 1 : end;
		n = (size_t)(nl - s);
		if (n > 0 && s[n - 1] == '\r')
			n--;
		if (n == 0)
			continue;
		break;
	}
	if (n > LIM_SDP_LINE || n < 2 || s[1] != '=' ||
	    s[0] < 'a' || s[0] > 'z')
		return -1;
	for (i = 0; i < n; i++)
		if (((unsigned char)s[i] < 0x20 && s[i] != '\t') ||
		    s[i] == 0x7f)
			return -1;
	l->type = s[0];
	l->v = s + 2;
	l->vn = n - 2;
	return 1;
}

/* Does the value start with the attribute name (and ':' or the end)? */
static int
attr_is(const struct line *l, const char *name, const char **arg,
    size_t *argn)
{
	size_t	 n = strlen(name);

	if (l->type != 'a' || l->vn < n || memcmp(l->v, name, n) != 0)
		return 0;
	if (l->vn == n) {
		*arg = l->v + n;
		*argn = 0;
		return 1;
	}
	if (l->v[n] != ':')
		return 0;
	*arg = l->v + n + 1;
	*argn = l->vn - n - 1;
	return 1;
}

/* An unsigned decimal of 1..9 digits at *s (advanced); -1 if none. */
static long
num(const char **s, const char *end)
{
	long	 v = 0;
	int	 d = 0;

	while (*s < end && isdigit((unsigned char)**s) && d < 9) {
		v = v * 10 + (**s - '0');
		(*s)++;
		d++;
	}
	if (d == 0 || (*s < end && isdigit((unsigned char)**s)))
		return -1;
	return v;
}

/* Copy [s, s+n) into dst of dsz bytes; -1 when it does not fit. */
static int
copy(char *dst, size_t dsz, const char *s, size_t n)
{
	if (n >= dsz)
		return -1;
	memcpy(dst, s, n);
	dst[n] = '\0';
	return 0;
}

/* ICE ufrag/pwd characters (RFC 8839 ice-char), minlen..SDP_ICE_MAX. */
static int
ice_ok(const char *s, size_t n, size_t minlen)
{
	size_t	 i;

	if (n < minlen || n > SDP_ICE_MAX)
		return 0;
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '+' &&
		    s[i] != '/')
			return 0;
	return 1;
}

/* A mid: 1..SDP_MID_MAX visible ASCII characters. */
static int
mid_ok(const char *s, size_t n)
{
	size_t	 i;

	if (n == 0 || n > SDP_MID_MAX)
		return 0;
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f)
			return 0;
	return 1;
}

static int
fail(struct parse *ps, enum sdp_res r, const char *why)
{
	if (ps->res == SDP_OK) {
		ps->res = r;
		ps->why = why;
	}
	return -1;
}

/* Classify a 6-hex profile-level-id (RFC 6184 8.1, table 5). */
static enum sdp_h264_profile
h264_profile(const char *plid)
{
	unsigned int	 idc, iop;
	char		 h[3];

	h[2] = '\0';
	h[0] = plid[0];
	h[1] = plid[1];
	idc = (unsigned int)strtoul(h, NULL, 16);
	h[0] = plid[2];
	h[1] = plid[3];
	iop = (unsigned int)strtoul(h, NULL, 16);
	switch (idc) {
	case 0x42:
		return (iop & 0x40) ? SDP_H264_CONSTRAINED_BASELINE :
		    SDP_H264_BASELINE;
	case 0x4d:
		return SDP_H264_MAIN;
	case 0x64:
		return SDP_H264_HIGH;
	default:
		return SDP_H264_OTHER;
	}
}

/* "m=<media> <port>[/<n>] <proto> <fmt>..." */
static int
parse_m(struct parse *ps, const struct line *l)
{
	struct msec	*m = ps->m;
	const char	*s = l->v, *end = l->v + l->vn, *w;
	long		 v;
	size_t		 n;

	memset(m, 0, sizeof(*m));
	if ((w = memchr(s, ' ', (size_t)(end - s))) == NULL)
		return fail(ps, SDP_BAD, "an m= line is malformed");
	n = (size_t)(w - s);
	if (n == 5 && memcmp(s, "audio", 5) == 0)
		m->kind = KIND_AUDIO;
	else if (n == 5 && memcmp(s, "video", 5) == 0)
		m->kind = KIND_VIDEO;
	else
		m->kind = KIND_OTHER;
	s = w + 1;
	if ((v = num(&s, end)) < 0 || v > 65535)
		return fail(ps, SDP_BAD, "an m= line has a bad port");
	m->port = (int)v;
	if (s < end && *s == '/') {
		s++;
		if (num(&s, end) < 0)
			return fail(ps, SDP_BAD, "an m= line has a bad port");
	}
	if (s >= end || *s != ' ')
		return fail(ps, SDP_BAD, "an m= line is malformed");
	s++;
	if ((w = memchr(s, ' ', (size_t)(end - s))) == NULL)
		w = end;
	n = (size_t)(w - s);
	m->dtls = (n == 17 && strncasecmp(s, "UDP/TLS/RTP/SAVPF", n) == 0) ||
	    (n == 16 && strncasecmp(s, "UDP/TLS/RTP/SAVP", n) == 0);
	if (n == 0)
		return fail(ps, SDP_BAD, "an m= line is malformed");
	s = w;
	/* Formats: payload types for RTP; anything for the others. */
	while (s < end) {
		if (*s != ' ')
			return fail(ps, SDP_BAD, "an m= line is malformed");
		s++;
		if (s == end)
			break;
		if (m->kind == KIND_OTHER || !m->dtls) {
			while (s < end && *s != ' ')
				s++;
			continue;
		}
		if ((v = num(&s, end)) < 0 || v >= PT_MAX)
			return fail(ps, SDP_BAD, "an m= line has a bad "
			    "payload type");
		if (!m->pts[v].in_fmt) {
			m->pts[v].in_fmt = 1;
			m->pts[v].order = m->nfmt++;
		}
	}
	return 0;
}

/* "a=rtpmap:<pt> <name>/<rate>[/<channels>]" */
static int
parse_rtpmap(struct parse *ps, const char *s, size_t sn)
{
	const char	*end = s + sn, *slash;
	struct pt_info	*pi;
	long		 pt, v;

	if ((pt = num(&s, end)) < 0 || pt >= PT_MAX || s >= end || *s != ' ')
		return fail(ps, SDP_BAD, "an rtpmap line is malformed");
	s++;
	pi = &ps->m->pts[pt];
	if ((slash = memchr(s, '/', (size_t)(end - s))) == NULL ||
	    slash == s || copy(pi->name, sizeof(pi->name), s,
	    (size_t)(slash - s)) == -1)
		return fail(ps, SDP_BAD, "an rtpmap line is malformed");
	s = slash + 1;
	if ((v = num(&s, end)) <= 0)
		return fail(ps, SDP_BAD, "an rtpmap line is malformed");
	pi->rate = (unsigned long)v;
	pi->channels = 1;
	if (s < end && *s == '/') {
		s++;
		if ((v = num(&s, end)) <= 0)
			return fail(ps, SDP_BAD, "an rtpmap line is "
			    "malformed");
		pi->channels = (unsigned long)v;
	}
	if (s != end)
		return fail(ps, SDP_BAD, "an rtpmap line is malformed");
	pi->has_rtpmap = 1;
	return 0;
}

/* "a=fmtp:<pt> k=v;k=v": only what H.264 needs is kept. */
static int
parse_fmtp(struct parse *ps, const char *s, size_t sn)
{
	const char	*end = s + sn, *semi, *eq, *k, *v;
	struct pt_info	*pi;
	size_t		 kn, vn, i;
	long		 pt;

	if ((pt = num(&s, end)) < 0 || pt >= PT_MAX || s >= end || *s != ' ')
		return fail(ps, SDP_BAD, "an fmtp line is malformed");
	s++;
	pi = &ps->m->pts[pt];
	while (s < end) {
		while (s < end && *s == ' ')
			s++;
		if ((semi = memchr(s, ';', (size_t)(end - s))) == NULL)
			semi = end;
		k = s;
		s = semi < end ? semi + 1 : end;
		if ((eq = memchr(k, '=', (size_t)(semi - k))) == NULL)
			continue;	/* e.g. "0-15" for telephone-event */
		kn = (size_t)(eq - k);
		v = eq + 1;
		vn = (size_t)(semi - v);
		while (vn > 0 && v[vn - 1] == ' ')
			vn--;
		if (kn == 18 && strncasecmp(k, "packetization-mode", kn) == 0)
			pi->pm1 = vn == 1 && v[0] == '1';
		else if (kn == 16 &&
		    strncasecmp(k, "profile-level-id", kn) == 0) {
			if (vn != SDP_PLID_LEN)
				return fail(ps, SDP_BAD, "a profile-level-id "
				    "is not 6 hex digits");
			for (i = 0; i < vn; i++) {
				if (!isxdigit((unsigned char)v[i]))
					return fail(ps, SDP_BAD,
					    "a profile-level-id is not 6 hex "
					    "digits");
				pi->plid[i] = (char)tolower((unsigned char)v[i]);
			}
			pi->plid[vn] = '\0';
			pi->has_plid = 1;
		}
	}
	return 0;
}

/* "a=extmap:<id>[/<direction>] <uri> [<attributes>]": the TWCC id. */
static int
parse_extmap(struct parse *ps, const char *s, size_t sn, int *twcc)
{
	const char	*end = s + sn, *sp;
	size_t		 n;
	long		 id;

	if ((id = num(&s, end)) < 1 || id > 255)
		return fail(ps, SDP_BAD, "an extmap line is malformed");
	if (s < end && *s == '/')
		while (s < end && *s != ' ')
			s++;
	if (s >= end || *s != ' ')
		return fail(ps, SDP_BAD, "an extmap line is malformed");
	s++;
	if ((sp = memchr(s, ' ', (size_t)(end - s))) == NULL)
		sp = end;
	n = (size_t)(sp - s);
	if (n == strlen(TWCC_URI) && memcmp(s, TWCC_URI, n) == 0)
		*twcc = (int)id;
	return 0;
}

static enum dir
dir_of(const struct line *l)
{
	int	 i;

	if (l->type != 'a')
		return DIR_NONE;
	for (i = 1; i < DIR__MAX; i++)
		if (l->vn == strlen(dir_names[i]) &&
		    memcmp(l->v, dir_names[i], l->vn) == 0)
			return (enum dir)i;
	return DIR_NONE;
}

/*
 * An attribute line, at session level (m == NULL) or in a section.
 * ICE credentials, the fingerprint and extmaps may be at either level.
 */
static int
parse_attr(struct parse *ps, const struct line *l)
{
	struct msec	*m = ps->m;
	const char	*a;
	size_t		 an;
	enum dir	 d;

	if ((d = dir_of(l)) != DIR_NONE) {
		if (m != NULL)
			m->dir = d;
		else
			ps->dir = d;
		return 0;
	}
	if (attr_is(l, "ice-ufrag", &a, &an)) {
		if (!ice_ok(a, an, 4))
			return fail(ps, SDP_BAD, "an ice-ufrag is malformed");
		if (m != NULL) {
			m->has_ufrag = 1;
			return copy(m->ufrag, sizeof(m->ufrag), a, an);
		}
		ps->has_ufrag = 1;
		return copy(ps->ufrag, sizeof(ps->ufrag), a, an);
	}
	if (attr_is(l, "ice-pwd", &a, &an)) {
		if (!ice_ok(a, an, 22))
			return fail(ps, SDP_BAD, "an ice-pwd is malformed");
		if (m != NULL) {
			m->has_pwd = 1;
			return copy(m->pwd, sizeof(m->pwd), a, an);
		}
		ps->has_pwd = 1;
		return copy(ps->pwd, sizeof(ps->pwd), a, an);
	}
	if (attr_is(l, "fingerprint", &a, &an)) {
		/* "<hash function> <hex pairs>": both parts present. */
		if (an < 3 || memchr(a, ' ', an) == NULL || a[0] == ' ' ||
		    a[an - 1] == ' ')
			return fail(ps, SDP_BAD, "a fingerprint is "
			    "malformed");
		if (m != NULL)
			m->has_fp = 1;
		else
			ps->has_fp = 1;
		return 0;
	}
	if (attr_is(l, "extmap", &a, &an))
		return parse_extmap(ps, a, an, m != NULL ? &m->twcc :
		    &ps->twcc);
	if (m == NULL)
		return 0;
	if (attr_is(l, "mid", &a, &an)) {
		if (!mid_ok(a, an))
			return fail(ps, SDP_BAD, "a mid is malformed");
		return copy(m->mid, sizeof(m->mid), a, an);
	}
	if (attr_is(l, "bundle-only", &a, &an)) {
		m->bundle_only = 1;
		return 0;
	}
	if (attr_is(l, "simulcast", &a, &an)) {
		m->simulcast = 1;
		return 0;
	}
	if (m->kind == KIND_OTHER || !m->dtls)
		return 0;
	if (attr_is(l, "rtpmap", &a, &an))
		return parse_rtpmap(ps, a, an);
	if (attr_is(l, "fmtp", &a, &an))
		return parse_fmtp(ps, a, an);
	return 0;
}

/* The best H.264 payload type of m, or -1. */
static int
pick_h264(const struct msec *m, enum sdp_h264_profile *prof)
{
	enum sdp_h264_profile	 p, bestp = SDP_H264__MAX;
	const struct pt_info	*pi;
	int			 pt, best = -1;

	for (pt = 0; pt < PT_MAX; pt++) {
		pi = &m->pts[pt];
		if (!pi->in_fmt || !pi->has_rtpmap || !pi->pm1 ||
		    strcasecmp(pi->name, "H264") != 0 || pi->rate != 90000)
			continue;
		/* RFC 6184: without profile-level-id, 420010 (baseline). */
		p = pi->has_plid ? h264_profile(pi->plid) : SDP_H264_BASELINE;
		if (best == -1 || p < bestp ||
		    (p == bestp && pi->order < m->pts[best].order)) {
			best = pt;
			bestp = p;
		}
	}
	*prof = bestp;
	return best;
}

/* The first opus/48000/2 payload type of m, or -1. */
static int
pick_opus(const struct msec *m)
{
	const struct pt_info	*pi;
	int			 pt, best = -1;

	for (pt = 0; pt < PT_MAX; pt++) {
		pi = &m->pts[pt];
		if (!pi->in_fmt || !pi->has_rtpmap ||
		    strcasecmp(pi->name, "opus") != 0 || pi->rate != 48000 ||
		    pi->channels != 2)
			continue;
		if (best == -1 || pi->order < m->pts[best].order)
			best = pt;
	}
	return best;
}

/* Judge the section just read (ps->m, index ps->mline). */
static int
finish_section(struct parse *ps)
{
	struct msec		*m = ps->m;
	struct sdp_track	*t;
	enum sdp_h264_profile	 prof = SDP_H264__MAX;
	enum dir		 d;
	int			 pt;

	memcpy(ps->out->mids[ps->mline], m->mid, sizeof(m->mid));
	d = m->dir != DIR_NONE ? m->dir : ps->dir != DIR_NONE ? ps->dir :
	    DIR_SENDRECV;
	/* Nothing comes from the publisher in this section. */
	if ((m->port == 0 && !m->bundle_only) || d == DIR_RECVONLY ||
	    d == DIR_INACTIVE)
		return 0;
	if (!(m->has_ufrag || ps->has_ufrag) || !(m->has_pwd || ps->has_pwd))
		return fail(ps, SDP_BAD, "a media section has no ICE "
		    "credentials");
	if (!m->has_fp && !ps->has_fp)
		return fail(ps, SDP_BAD, "a media section has no DTLS "
		    "fingerprint");
	if (ps->out->ice_ufrag[0] == '\0') {
		if (m->has_ufrag)
			memcpy(ps->out->ice_ufrag, m->ufrag, sizeof(m->ufrag));
		else
			memcpy(ps->out->ice_ufrag, ps->ufrag,
			    sizeof(ps->ufrag));
		if (m->has_pwd)
			memcpy(ps->out->ice_pwd, m->pwd, sizeof(m->pwd));
		else
			memcpy(ps->out->ice_pwd, ps->pwd, sizeof(ps->pwd));
	}
	if (m->kind == KIND_OTHER)
		return fail(ps, SDP_UNACCEPTABLE, "only audio and video are "
		    "accepted (no data channels)");
	if (!m->dtls)
		return fail(ps, SDP_UNACCEPTABLE, "media must be DTLS-SRTP "
		    "(UDP/TLS/RTP/SAVPF)");
	if (m->simulcast)
		return fail(ps, SDP_UNACCEPTABLE, "simulcast is not "
		    "accepted: send one video encoding");
	t = m->kind == KIND_VIDEO ? &ps->out->video : &ps->out->audio;
	if (t->present)
		return fail(ps, SDP_UNACCEPTABLE, "at most one audio and one "
		    "video track are accepted");
	if (m->kind == KIND_VIDEO) {
		if ((pt = pick_h264(m, &prof)) == -1)
			return fail(ps, SDP_UNACCEPTABLE, "video must be "
			    "H.264 with packetization-mode=1");
		if (m->pts[pt].has_plid)
			memcpy(t->plid, m->pts[pt].plid, sizeof(t->plid));
		else
			memcpy(t->plid, "420010", sizeof(t->plid));
		t->profile = (int)prof;
	} else if ((pt = pick_opus(m)) == -1)
		return fail(ps, SDP_UNACCEPTABLE, "audio must be Opus "
		    "(opus/48000/2)");
	t->present = 1;
	t->mline = ps->mline;
	t->pt = pt;
	t->twcc_id = m->twcc != 0 ? m->twcc : ps->twcc;
	memcpy(t->mid, m->mid, sizeof(t->mid));
	return 0;
}

enum sdp_res
sdp_offer_check(const char *sdp, size_t len, struct sdp_offer *out,
    const char **why)
{
	struct parse	 ps;
	struct line	 l;
	const char	*p, *end;
	int		 rc, first = 1;

	memset(out, 0, sizeof(*out));
	memset(&ps, 0, sizeof(ps));
	ps.out = out;
	ps.mline = -1;
	*why = NULL;
	if (sdp == NULL || len == 0) {
		*why = "the body is not an SDP offer";
		return SDP_BAD;
	}
	p = sdp;
	end = sdp + len;
	while ((rc = next_line(&p, end, &l)) == 1) {
		if (first) {
			if (l.type != 'v' || l.vn != 1 || l.v[0] != '0') {
				fail(&ps, SDP_BAD, "the body is not an SDP "
				    "offer (no v=0)");
				goto out;
			}
			first = 0;
			continue;
		}
		if (l.type == 'm') {
			if (ps.m == NULL && (ps.m = malloc(sizeof(*ps.m))) ==
			    NULL) {
				fail(&ps, SDP_BAD, "out of memory");
				goto out;
			}
			if (ps.mline >= 0 && finish_section(&ps) == -1)
				goto out;
			if (++ps.mline >= LIM_SDP_MEDIA) {
				fail(&ps, SDP_BAD, "too many media sections");
				goto out;
			}
			if (parse_m(&ps, &l) == -1)
				goto out;
			continue;
		}
		if (l.type == 'a' && parse_attr(&ps, &l) == -1) {
			fail(&ps, SDP_BAD, "an attribute is too long");
			goto out;
		}
	}
	if (rc == -1) {
		fail(&ps, SDP_BAD, first ? "the body is not an SDP offer" :
		    "the offer has a malformed line");
		goto out;
	}
	if (first) {
		fail(&ps, SDP_BAD, "the body is not an SDP offer");
		goto out;
	}
	if (ps.mline < 0) {
		fail(&ps, SDP_BAD, "the offer has no media section");
		goto out;
	}
	if (finish_section(&ps) == -1)
		goto out;
	out->nmedia = (size_t)ps.mline + 1;
	if (!out->video.present && !out->audio.present)
		fail(&ps, SDP_UNACCEPTABLE, "the offer sends no audio or "
		    "video");
out:
	free(ps.m);
	if (ps.res != SDP_OK) {
		*why = ps.why;
		memset(out, 0, sizeof(*out));
	}
	return ps.res;
}

/* The offer's m= index for a mid, or -1. */
static int
mline_of(const struct sdp_offer *o, const char *mid)
{
	size_t	 i;

	for (i = 0; i < o->nmedia && i < LIM_SDP_MEDIA; i++)
		if (o->mids[i][0] != '\0' && strcmp(o->mids[i], mid) == 0)
			return (int)i;
	return -1;
}

enum sdp_res
sdp_frag_parse(const char *frag, size_t len, const struct sdp_offer *offer,
    struct sdp_frag *out, const char **why)
{
	struct line	 l;
	struct sdp_cand	*c;
	const char	*p, *end, *a;
	char		 mid[SDP_MID_MAX + 1] = "";
	size_t		 an, i;
	int		 rc, msec = -1, n = 0, mi;

	memset(out, 0, sizeof(*out));
	*why = NULL;
	if (frag == NULL)
		goto bad;
	p = frag;
	end = frag + len;
	while ((rc = next_line(&p, end, &l)) == 1) {
		n++;
		if (l.type == 'm') {
			msec++;
			mid[0] = '\0';
			continue;
		}
		if (l.type != 'a')
			continue;
		if (attr_is(&l, "ice-ufrag", &a, &an)) {
			if (!ice_ok(a, an, 4))
				goto bad;
			copy(out->ice_ufrag, sizeof(out->ice_ufrag), a, an);
		} else if (attr_is(&l, "ice-pwd", &a, &an)) {
			if (!ice_ok(a, an, 22))
				goto bad;
			copy(out->ice_pwd, sizeof(out->ice_pwd), a, an);
		} else if (attr_is(&l, "mid", &a, &an)) {
			if (!mid_ok(a, an))
				goto bad;
			copy(mid, sizeof(mid), a, an);
		} else if (attr_is(&l, "end-of-candidates", &a, &an))
			out->end_of_candidates = 1;
		else if (attr_is(&l, "candidate", &a, &an)) {
			if (an < 8 || out->ncands == LIM_SDP_CANDIDATES) {
				*why = an < 8 ? "a candidate is malformed" :
				    "too many candidates in one PATCH";
				memset(out, 0, sizeof(*out));
				return SDP_BAD;
			}
			for (i = 0; i < an; i++)
				if ((unsigned char)a[i] < 0x20 ||
				    (unsigned char)a[i] >= 0x7f)
					goto bad;
			c = &out->cands[out->ncands++];
			/* "candidate:" and its value, without "a=". */
			copy(c->line, sizeof(c->line), l.v, l.vn);
			copy(c->mid, sizeof(c->mid), mid, strlen(mid));
			mi = -1;
			if (offer != NULL && mid[0] != '\0')
				mi = mline_of(offer, mid);
			if (mi == -1 && msec >= 0 && (offer == NULL ||
			    (size_t)msec < offer->nmedia))
				mi = msec;
			c->mline = mi < 0 ? 0 : mi;
		}
	}
	if (rc == -1 || n == 0)
		goto bad;
	return SDP_OK;
bad:
	memset(out, 0, sizeof(*out));
	*why = "the body is not a trickle-ice-sdpfrag";
	return SDP_BAD;
}

int
sdp_frag_is_restart(const struct sdp_frag *f, const struct sdp_offer *o)
{
	if (f->ice_ufrag[0] != '\0' && strcmp(f->ice_ufrag, o->ice_ufrag) != 0)
		return 1;
	if (f->ice_pwd[0] != '\0' && strcmp(f->ice_pwd, o->ice_pwd) != 0)
		return 1;
	return 0;
}

char *
sdp_answer_bandwidth(const char *answer, unsigned int kbps)
{
	const char	*p, *nl, *next, *at = NULL, *sec = NULL;
	char		 ins[64], *out;
	size_t		 alen = strlen(answer), ilen, off;
	int		 n;

	/* The video section, then its c= line (or the m= line itself). */
	for (p = answer; *p != '\0'; p = next) {
		next = (nl = strchr(p, '\n')) != NULL ? nl + 1 : p + strlen(p);
		if (strncmp(p, "m=", 2) == 0) {
			if (sec != NULL)
				break;
			if (strncmp(p, "m=video ", 8) == 0) {
				sec = p;
				at = next;
			}
		} else if (sec != NULL && (p[0] == 'c' || p[0] == 'b') &&
		    p[1] == '=')
			at = next;
	}
	if (sec == NULL || at == NULL || at > answer + alen)
		return strdup(answer);
	n = snprintf(ins, sizeof(ins), "b=AS:%u\r\nb=TIAS:%llu\r\n", kbps,
	    (unsigned long long)kbps * 1000);
	if (n < 0 || (size_t)n >= sizeof(ins))
		return NULL;
	ilen = (size_t)n;
	off = (size_t)(at - answer);
	if ((out = malloc(alen + ilen + 3)) == NULL)
		return NULL;
	memcpy(out, answer, off);
	/* An answer that does not end its last line: end it first. */
	if (off > 0 && answer[off - 1] != '\n') {
		memcpy(out + off, "\r\n", 2);
		memcpy(out + off + 2, ins, ilen);
		memcpy(out + off + 2 + ilen, answer + off, alen - off + 1);
		return out;
	}
	memcpy(out + off, ins, ilen);
	memcpy(out + off + ilen, answer + off, alen - off + 1);
	return out;
}
