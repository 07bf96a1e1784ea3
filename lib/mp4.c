/*
 * mp4.c: a bounded box walker for fragmented MP4 (ISO/IEC 14496-12).
 *
 * The file is read as a list of top-level boxes.  Only two kinds are
 * read whole, each into one buffer of at most MP4_BOX_MAX bytes: the
 * moov, for each track's id and timescale (trak/tkhd, trak/mdia/mdhd)
 * and its default sample duration (mvex/trex), and every moof, for each
 * track fragment's track (traf/tfhd), start (tfdt) and samples (trun).
 * Any other box, the mdats first of all, is skipped by its size.
 *
 * A moof counts once the mdat after it lies wholly within the file and
 * holds at least one byte per sample: that is a complete fragment, the
 * unit mp4mux writes.  A process killed while writing one leaves a moof
 * without its mdat, or an mdat whose size runs past the end of the
 * file; the walk ends there and everything before it counts.
 *
 * Nothing in the data is trusted to size an allocation or a loop: every
 * box is checked against its parent and the file (64-bit sizes, size 0
 * meaning "to the end"), every field against its box, every sample
 * count against the bytes that must carry it, and the nesting is fixed
 * by the code (moov/trak/mdia/mdhd at the deepest), not by the data.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mp4.h"

/*
 * The largest moov or moof read.  mp4mux writes a moov of 1-2 KiB and,
 * with 1 s fragments, a moof of well under 1 KiB per track (16 bytes a
 * sample: 30-60 video frames, ~47 AAC frames).  1 MiB holds 65,536
 * samples a fragment.  Above it a box is not ours: a moov leaves the
 * duration unknown, a moof ends the walk (and the duration is unknown).
 */
#define MP4_BOX_MAX		(1024 * 1024)

/* Tracks in one moov, and track fragments in one moof (we write 2). */
#define MP4_TRACKS_MAX		16
#define MP4_TRAFS_MAX		16

/*
 * Top-level boxes walked.  A part holds about 4 a second (a moof and an
 * mdat per track and fragment): 4 Mi boxes is over 12 days of media,
 * beyond the longest session (VIGIL_RELAY_MAX_DURATION is at most 7
 * days).  A file with more is not ours; its duration is unknown.
 */
#define MP4_BOXES_MAX		(4 * 1024 * 1024)

/* A duration beyond this (30 days) is a lie, not a recording. */
#define MP4_DURATION_MAX	(30.0 * 24 * 3600)

#define FOURCC(a, b, c, d) \
	((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | \
	(uint32_t)(d))

#define T_MOOV	FOURCC('m', 'o', 'o', 'v')
#define T_MVHD	FOURCC('m', 'v', 'h', 'd')
#define T_TRAK	FOURCC('t', 'r', 'a', 'k')
#define T_TKHD	FOURCC('t', 'k', 'h', 'd')
#define T_MDIA	FOURCC('m', 'd', 'i', 'a')
#define T_MDHD	FOURCC('m', 'd', 'h', 'd')
#define T_MVEX	FOURCC('m', 'v', 'e', 'x')
#define T_TREX	FOURCC('t', 'r', 'e', 'x')
#define T_MOOF	FOURCC('m', 'o', 'o', 'f')
#define T_TRAF	FOURCC('t', 'r', 'a', 'f')
#define T_TFHD	FOURCC('t', 'f', 'h', 'd')
#define T_TFDT	FOURCC('t', 'f', 'd', 't')
#define T_TRUN	FOURCC('t', 'r', 'u', 'n')
#define T_MDAT	FOURCC('m', 'd', 'a', 't')

/* tfhd flags (14496-12 8.8.7.1). */
#define TFHD_BASE_DATA_OFFSET	0x000001
#define TFHD_SAMPLE_DESC_INDEX	0x000002
#define TFHD_DEFAULT_DURATION	0x000008
#define TFHD_DEFAULT_SIZE	0x000010
#define TFHD_DEFAULT_FLAGS	0x000020

/* trun flags (8.8.8.1). */
#define TRUN_DATA_OFFSET	0x000001
#define TRUN_FIRST_FLAGS	0x000004
#define TRUN_DURATION		0x000100
#define TRUN_SIZE		0x000200
#define TRUN_FLAGS		0x000400
#define TRUN_CTO		0x000800

/* One track, as the moov describes it and the fragments extend it. */
struct track {
	uint32_t	 id;
	uint32_t	 timescale;	/* from mdhd; 0: not described */
	uint32_t	 trex_duration;	/* trex default_sample_duration */
	int		 has_trak;
	int		 has_trex;
	int		 seen;		/* a complete fragment had it */
	uint64_t	 start;		/* earliest fragment start */
	uint64_t	 end;		/* latest fragment end */
};

/* One track fragment of the moof waiting for its mdat. */
struct traf {
	struct track	*t;		/* NULL: a track the moov lacks */
	int		 has_tfdt;
	int		 known;		/* dur is known */
	uint64_t	 tfdt;		/* baseMediaDecodeTime */
	uint64_t	 dur;		/* its samples' durations */
};

/* A box inside a buffer: its type and body. */
struct box {
	uint32_t	 type;
	const uint8_t	*body;
	size_t		 len;
};

struct scan {
	mp4_read_fn	 read_at;
	void		*arg;
	uint8_t		*buf;		/* a moov or moof being read */
	size_t		 bufsz;
	struct track	 tracks[MP4_TRACKS_MAX];
	size_t		 ntracks;
	int		 have_moov;
	int		 fragmented;	/* the moov has an mvex */
	uint32_t	 mv_timescale;	/* mvhd, for a flat file */
	uint64_t	 mv_duration;
	struct traf	 pend[MP4_TRAFS_MAX];
	size_t		 npend;
	uint64_t	 pend_samples;
	int		 pending;	/* a moof waits for its mdat */
	int		 flat_media;	/* a complete non-empty mdat, no moof */
	int		 unknown;	/* the duration cannot be told */
	uint64_t	 fragments;
};

static uint32_t
be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static uint64_t
be64(const uint8_t *p)
{
	return (uint64_t)be32(p) << 32 | be32(p + 4);
}

/*
 * The next box of the len bytes at *p: 1 with b filled and *p, *left
 * moved past it; 0 at the end (fewer than 8 bytes left, which
 * QuickTime's 32-bit terminators are); -1 when its size does not fit.
 */
static int
box_next(const uint8_t **p, size_t *left, struct box *b)
{
	uint64_t	 size, hdr = 8;

	if (*left < 8)
		return 0;
	size = be32(*p);
	b->type = be32(*p + 4);
	if (size == 1) {
		if (*left < 16)
			return -1;
		size = be64(*p + 8);
		hdr = 16;
	} else if (size == 0)
		size = *left;
	if (size < hdr || size > *left)
		return -1;
	b->body = *p + hdr;
	b->len = (size_t)(size - hdr);
	*p += size;
	*left -= (size_t)size;
	return 1;
}

/* The track with this id; with add, a new one when there is room. */
static struct track *
track_get(struct scan *s, uint32_t id, int add)
{
	size_t	 i;

	for (i = 0; i < s->ntracks; i++)
		if (s->tracks[i].id == id)
			return &s->tracks[i];
	if (!add || s->ntracks == MP4_TRACKS_MAX)
		return NULL;
	memset(&s->tracks[s->ntracks], 0, sizeof(s->tracks[0]));
	s->tracks[s->ntracks].id = id;
	return &s->tracks[s->ntracks++];
}

/* mvhd: the movie's timescale and duration (for a flat file). */
static int
parse_mvhd(struct scan *s, const struct box *b)
{
	if (b->len < 4)
		return -1;
	if (b->body[0] == 1) {
		if (b->len < 32)
			return -1;
		s->mv_timescale = be32(b->body + 20);
		s->mv_duration = be64(b->body + 24);
		/* All ones: "unknown" (8.2.2.3). */
		if (s->mv_duration == UINT64_MAX)
			s->mv_duration = 0;
	} else if (b->body[0] == 0) {
		if (b->len < 20)
			return -1;
		s->mv_timescale = be32(b->body + 12);
		s->mv_duration = be32(b->body + 16);
		if (s->mv_duration == UINT32_MAX)
			s->mv_duration = 0;
	} else
		return -1;
	return 0;
}

/*
 * trak: tkhd's track_ID and mdia/mdhd's timescale.  A trak without
 * either is left out (its fragments make the duration unknown); two
 * traks with one id are malformed.
 */
static int
parse_trak(struct scan *s, const uint8_t *p, size_t left)
{
	struct box	 b, c;
	struct track	*t;
	const uint8_t	*q;
	size_t		 qleft;
	uint32_t	 id = 0, timescale = 0;
	int		 r, rc;

	while ((r = box_next(&p, &left, &b)) == 1) {
		if (b.type == T_TKHD) {
			/* v0: 4 + created 4 + modified 4; v1: 8 and 8. */
			if (b.len < 4 || b.body[0] > 1 ||
			    b.len < (b.body[0] == 1 ? 24u : 16u))
				return -1;
			id = be32(b.body + (b.body[0] == 1 ? 20 : 12));
		} else if (b.type == T_MDIA) {
			q = b.body;
			qleft = b.len;
			while ((rc = box_next(&q, &qleft, &c)) == 1) {
				if (c.type != T_MDHD)
					continue;
				if (c.len < 4 || c.body[0] > 1 ||
				    c.len < (c.body[0] == 1 ? 24u : 16u))
					return -1;
				timescale = be32(c.body +
				    (c.body[0] == 1 ? 20 : 12));
			}
			if (rc == -1)
				return -1;
		}
	}
	if (r == -1)
		return -1;
	if (id == 0 || timescale == 0)
		return 0;
	if ((t = track_get(s, id, 1)) == NULL || t->has_trak)
		return -1;
	t->has_trak = 1;
	t->timescale = timescale;
	return 0;
}

/* mvex: each trex's track_ID and default_sample_duration. */
static int
parse_mvex(struct scan *s, const uint8_t *p, size_t left)
{
	struct box	 b;
	struct track	*t;
	int		 r;

	s->fragmented = 1;
	while ((r = box_next(&p, &left, &b)) == 1) {
		if (b.type != T_TREX)
			continue;
		/* 4 + track_ID, description index, duration, size, flags. */
		if (b.len < 24)
			return -1;
		if ((t = track_get(s, be32(b.body + 4), 1)) == NULL ||
		    t->has_trex)
			return -1;
		t->has_trex = 1;
		t->trex_duration = be32(b.body + 12);
	}
	return r;
}

/*
 * The moov.  A malformed one describes nothing: its tracks are
 * forgotten, and the fragments' duration becomes unknown.
 */
static void
parse_moov(struct scan *s, const uint8_t *p, size_t left)
{
	struct box	 b;
	int		 r, bad = 0;

	s->have_moov = 1;
	while (!bad && (r = box_next(&p, &left, &b)) == 1) {
		if (b.type == T_MVHD)
			bad = parse_mvhd(s, &b) == -1;
		else if (b.type == T_TRAK)
			bad = parse_trak(s, b.body, b.len) == -1;
		else if (b.type == T_MVEX)
			bad = parse_mvex(s, b.body, b.len) == -1;
	}
	if (bad || r == -1) {
		s->ntracks = 0;
		s->mv_timescale = 0;
		s->mv_duration = 0;
		s->unknown = 1;
	}
}

/*
 * trun: add its samples to *nsamples and their durations, the explicit
 * ones to *sum and the number taking the default to *ndefault.  With
 * per-sample fields the count must fit the box; without, the mdat
 * bounds it later (pend_samples).  No sum can wrap: a moof of at most
 * MP4_BOX_MAX bytes holds fewer than 2^18 durations of 32 bits, and
 * fewer than 2^16 truns (16 bytes at least) of 2^32 samples.
 */
static int
parse_trun(const struct box *b, uint64_t *nsamples, uint64_t *sum,
    uint64_t *ndefault)
{
	uint32_t	 flags, count, i;
	size_t		 q = 8, per = 0;

	if (b->len < 8)
		return -1;
	flags = be32(b->body) & 0xffffff;
	count = be32(b->body + 4);
	if (flags & TRUN_DATA_OFFSET)
		q += 4;
	if (flags & TRUN_FIRST_FLAGS)
		q += 4;
	if (flags & TRUN_DURATION)
		per += 4;
	if (flags & TRUN_SIZE)
		per += 4;
	if (flags & TRUN_FLAGS)
		per += 4;
	if (flags & TRUN_CTO)
		per += 4;
	if (q > b->len || (per > 0 && count > (b->len - q) / per))
		return -1;
	*nsamples += count;
	if (!(flags & TRUN_DURATION)) {
		*ndefault += count;
		return 0;
	}
	for (i = 0; i < count; i++, q += per)
		*sum += be32(b->body + q);
	return 0;
}

/* traf: its track, tfdt and the sum of its samples' durations. */
static int
parse_traf(struct scan *s, const uint8_t *p, size_t left, struct traf *tf)
{
	struct box	 b;
	uint64_t	 sum = 0, ndefault = 0, def = 0;
	uint32_t	 flags;
	size_t		 q;
	int		 r, have_tfhd = 0, have_def = 0;

	memset(tf, 0, sizeof(*tf));
	while ((r = box_next(&p, &left, &b)) == 1) {
		switch (b.type) {
		case T_TFHD:
			if (have_tfhd || b.len < 8)
				return -1;
			have_tfhd = 1;
			flags = be32(b.body) & 0xffffff;
			tf->t = track_get(s, be32(b.body + 4), 0);
			if (tf->t != NULL && tf->t->timescale == 0)
				tf->t = NULL;
			q = 8;
			if (flags & TFHD_BASE_DATA_OFFSET)
				q += 8;
			if (flags & TFHD_SAMPLE_DESC_INDEX)
				q += 4;
			if (flags & TFHD_DEFAULT_DURATION) {
				if (q + 4 > b.len)
					return -1;
				def = be32(b.body + q);
				have_def = 1;
				q += 4;
			}
			if (flags & TFHD_DEFAULT_SIZE)
				q += 4;
			if (flags & TFHD_DEFAULT_FLAGS)
				q += 4;
			if (q > b.len)
				return -1;
			break;
		case T_TFDT:
			if (tf->has_tfdt || b.len < 4 || b.body[0] > 1 ||
			    b.len < (b.body[0] == 1 ? 12u : 8u))
				return -1;
			tf->has_tfdt = 1;
			tf->tfdt = b.body[0] == 1 ? be64(b.body + 4) :
			    be32(b.body + 4);
			break;
		case T_TRUN:
			if (parse_trun(&b, &s->pend_samples, &sum,
			    &ndefault) == -1)
				return -1;
			break;
		default:
			break;
		}
	}
	if (r == -1 || !have_tfhd)
		return -1;
	/* The tfhd's default, else the trex's (8.8.3). */
	if (!have_def && tf->t != NULL && tf->t->has_trex) {
		def = tf->t->trex_duration;
		have_def = 1;
	}
	if (ndefault > 0 && !have_def)
		return 0;	/* known stays 0 */
	if (def != 0 && ndefault > (UINT64_MAX - sum) / def)
		return -1;
	tf->dur = sum + ndefault * def;
	tf->known = 1;
	return 0;
}

/* A moof: its track fragments wait in s->pend for the mdat. */
static int
parse_moof(struct scan *s, const uint8_t *p, size_t left)
{
	struct box	 b;
	int		 r;

	s->npend = 0;
	s->pend_samples = 0;
	s->pending = 0;
	while ((r = box_next(&p, &left, &b)) == 1) {
		if (b.type != T_TRAF)
			continue;
		if (s->npend == MP4_TRAFS_MAX ||
		    parse_traf(s, b.body, b.len, &s->pend[s->npend]) == -1)
			return -1;
		s->npend++;
	}
	if (r == -1)
		return -1;
	s->pending = 1;
	return 0;
}

/*
 * The pending moof's mdat is complete with payload bytes: each track
 * fragment extends its track, from its tfdt or, without one, from
 * where the track ended.  Returns -1, changing nothing, when the
 * fragment lies: more samples than bytes, or an end past 2^64.
 */
static int
commit(struct scan *s, uint64_t payload)
{
	struct track	 next[MP4_TRACKS_MAX], *t;
	struct traf	*tf;
	uint64_t	 start, end;
	size_t		 i;
	int		 unknown = 0;

	s->pending = 0;
	if (s->pend_samples == 0)
		return 0;
	if (s->pend_samples > payload)
		return -1;
	/* Worked out on a copy, so that a lie leaves the tracks be. */
	memcpy(next, s->tracks, sizeof(next));
	for (i = 0; i < s->npend; i++) {
		tf = &s->pend[i];
		if (tf->t == NULL || !tf->known) {
			unknown = 1;
			continue;
		}
		t = &next[tf->t - s->tracks];
		start = tf->has_tfdt ? tf->tfdt : (t->seen ? t->end : 0);
		if (tf->dur > UINT64_MAX - start)
			return -1;
		end = start + tf->dur;
		if (!t->seen || start < t->start)
			t->start = start;
		if (!t->seen || end > t->end)
			t->end = end;
		t->seen = 1;
	}
	memcpy(s->tracks, next, sizeof(next));
	if (unknown)
		s->unknown = 1;
	s->fragments++;
	return 0;
}

/* Read len bytes at off into s->buf, growing it (len <= MP4_BOX_MAX). */
static int
read_box(struct scan *s, uint64_t off, size_t len)
{
	uint8_t	*p;

	if (len > s->bufsz) {
		if ((p = realloc(s->buf, len)) == NULL)
			return -1;
		s->buf = p;
		s->bufsz = len;
	}
	return len == 0 ? 0 : s->read_at(s->arg, off, s->buf, len);
}

/*
 * A time as whole seconds and a fraction: a tfdt of 2^40 ticks as a
 * double is off by microseconds, and two such subtracted are noise.
 */
struct when {
	uint64_t	 sec;
	double		 frac;
};

static struct when
when(uint64_t ticks, uint32_t timescale)
{
	struct when	 w;

	w.sec = ticks / timescale;
	w.frac = (double)(ticks % timescale) / timescale;
	return w;
}

static int
before(struct when a, struct when b)
{
	return a.sec < b.sec || (a.sec == b.sec && a.frac < b.frac);
}

/* Seconds from the tracks the complete fragments reached, or -1. */
static double
duration(const struct scan *s)
{
	const struct track	*t;
	struct when		 start, end, w;
	double			 v;
	size_t			 i;
	int			 any = 0;

	if (s->unknown)
		return -1;
	if (s->fragments == 0) {
		/* A flat file: the moov's own duration. */
		if (s->fragmented || s->mv_timescale == 0 ||
		    s->mv_duration == 0)
			return -1;
		v = (double)s->mv_duration / s->mv_timescale;
		return v <= MP4_DURATION_MAX ? v : -1;
	}
	/*
	 * mp4mux 1.22 starts every track's tfdt at (about) 0, its first
	 * timestamp taken off; a muxer that keeps the stream's times does
	 * not, and the media's length is then the end minus the start (as
	 * ffprobe reports it).
	 */
	memset(&start, 0, sizeof(start));
	memset(&end, 0, sizeof(end));
	for (i = 0; i < s->ntracks; i++) {
		t = &s->tracks[i];
		if (!t->seen)
			continue;
		w = when(t->start, t->timescale);
		if (!any || before(w, start))
			start = w;
		w = when(t->end, t->timescale);
		if (!any || before(end, w))
			end = w;
		any = 1;
	}
	if (!any || before(end, start) ||
	    end.sec - start.sec > (uint64_t)MP4_DURATION_MAX)
		return -1;
	v = (double)(end.sec - start.sec) + (end.frac - start.frac);
	return v <= MP4_DURATION_MAX ? v : -1;
}

/*
 * Walk the top-level boxes of size bytes through read_at and fill info
 * (see mp4.h).  Returns 0, or -1 when read_at or memory failed.  Owns
 * nothing when it returns.
 */
int
mp4_scan(mp4_read_fn read_at, void *arg, uint64_t size, int flags,
    struct mp4_info *info)
{
	struct scan	*s;
	uint8_t		 h[16];
	uint64_t	 off = 0, bsize, hdr, nboxes = 0, whole = 0;
	uint32_t	 type;
	int		 rc = 0, complete, cut = 0;

	info->has_media = 0;
	info->duration = -1;
	info->fragments = 0;
	info->cut = 0;
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return -1;
	s->read_at = read_at;
	s->arg = arg;

	while (size - off >= 8) {
		if (++nboxes > MP4_BOXES_MAX) {
			s->unknown = 1;
			break;
		}
		if (read_at(arg, off, h, 8) == -1) {
			rc = -1;
			break;
		}
		bsize = be32(h);
		type = be32(h + 4);
		hdr = 8;
		if (bsize == 1) {
			if (size - off < 16) {
				cut = 1;
				break;
			}
			if (read_at(arg, off + 8, h + 8, 8) == -1) {
				rc = -1;
				break;
			}
			bsize = be64(h + 8);
			hdr = 16;
		} else if (bsize == 0)
			bsize = size - off;
		if (bsize < hdr)
			break;
		complete = bsize <= size - off;

		if (!complete) {
			/* The box runs past the end: a write cut short. */
			cut = 1;
			break;
		}
		if (type == T_MDAT) {
			if (s->pending && bsize > hdr) {
				if (commit(s, bsize - hdr) == -1)
					break;
				if ((flags & MP4_SCAN_MEDIA) &&
				    s->fragments > 0) {
					s->unknown = 1;
					break;
				}
			} else if (bsize > hdr)
				s->flat_media = 1;
			s->pending = 0;
		} else if (type == T_MOOV && !s->have_moov) {
			if (bsize - hdr > MP4_BOX_MAX) {
				/* Not ours: no tracks, duration unknown. */
				s->have_moov = 1;
				s->unknown = 1;
			} else if (read_box(s, off + hdr,
			    (size_t)(bsize - hdr)) == -1) {
				rc = -1;
				break;
			} else
				parse_moov(s, s->buf, (size_t)(bsize - hdr));
		} else if (type == T_MOOF) {
			if (bsize - hdr > MP4_BOX_MAX) {
				s->unknown = 1;
				break;
			}
			if (read_box(s, off + hdr, (size_t)(bsize - hdr)) ==
			    -1) {
				rc = -1;
				break;
			}
			if (parse_moof(s, s->buf, (size_t)(bsize - hdr)) == -1)
				break;
		}
		/* A moof is whole with its mdat, which comes next. */
		if (type != T_MOOF)
			whole = off + bsize;
		off += bsize;
	}
	/*
	 * The walk reached the end (less than a header left) or a box
	 * that runs past it: what follows the last whole box is a write
	 * cut short -- a header, a box, moofs whose mdat never came.
	 * Nothing is called cut when the walk stopped for another reason.
	 */
	if (rc == 0 && (cut || size - off < 8))
		info->cut = size - whole;

	info->fragments = s->fragments;
	/* Flat (not fragmented): any complete mdat, before or after moov. */
	info->has_media = s->fragments > 0 ||
	    (s->have_moov && !s->fragmented && s->flat_media);
	if (rc == 0 && info->has_media)
		info->duration = duration(s);
	free(s->buf);
	free(s);
	return rc;
}

/* read_at over a file descriptor: pread(2) until len bytes are in. */
static int
read_fd(void *arg, uint64_t off, void *buf, size_t len)
{
	int	 fd = *(int *)arg;
	uint8_t	*p = buf;
	ssize_t	 n;

	while (len > 0) {
		if (off > (uint64_t)INT64_MAX)
			return -1;
		if ((n = pread(fd, p, len, (off_t)off)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (n == 0) {
			errno = EIO;	/* the file shrank under us */
			return -1;
		}
		p += n;
		off += (uint64_t)n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * mp4_scan() through pread(2) on the file at path; opened O_RDWR, a
 * file with media that ends in a cut is truncated to its whole boxes.
 * Returns 0, or -1 with errno set when the file cannot be opened, read
 * or truncated or is not a regular file.
 */
static int
scan_path(const char *path, int mode, int flags, struct mp4_info *info)
{
	struct stat	 sb;
	int		 fd, rc, saved;

	info->has_media = 0;
	info->duration = -1;
	info->fragments = 0;
	info->cut = 0;
	if ((fd = open(path, mode | O_CLOEXEC)) == -1)
		return -1;
	if (fstat(fd, &sb) == -1 || !S_ISREG(sb.st_mode) || sb.st_size < 0) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	rc = mp4_scan(read_fd, &fd, (uint64_t)sb.st_size, flags, info);
	if (rc == 0 && mode == O_RDWR && info->has_media && info->cut > 0 &&
	    ftruncate(fd, sb.st_size - (off_t)info->cut) == -1)
		rc = -1;
	saved = errno;
	close(fd);
	errno = saved;
	return rc;
}

/*
 * mp4_scan() through pread(2) on the file at path.  Returns 0, or -1
 * with errno set when the file cannot be opened or read or is not a
 * regular file.
 */
int
mp4_scan_file(const char *path, int flags, struct mp4_info *info)
{
	return scan_path(path, O_RDONLY, flags, info);
}

/*
 * mp4_scan_file() that also truncates a write cut short off the end of
 * a file with media.  ftruncate(2) on the descriptor that was read:
 * the size is the one the walk saw.
 */
int
mp4_trim_file(const char *path, struct mp4_info *info)
{
	return scan_path(path, O_RDWR, 0, info);
}
