/*
 * test_mp4.c: unit tests for lib/mp4.c, the fragmented MP4 walker.
 *
 * Most cases are files built here box by box (curl unit1302-style
 * table: a builder, then what mp4_scan() must say): complete ones, ones
 * cut inside a moof or an mdat, without moov, with each way of giving
 * a sample's duration (trun, tfhd, trex) and start (tfdt v0, v1, none),
 * two tracks of different timescales, 64-bit and to-the-end sizes, and
 * files that lie about sizes and counts.  Then a real part:
 * tests/data/mp4/mp4mux-1.22-av-2s.mp4 was written by GStreamer 1.22's
 * mp4mux exactly as the relay writes (fragment-duration=1000
 * streamable=true, avc3 video, AAC audio, filesink unbuffered) from
 * live test sources (64x64 at 10 fps, openh264enc; 16 kHz mono
 * avenc_aac), the process killed with SIGKILL after 2.6 s; ffprobe 5.1
 * says 2.000000 s.  Every prefix of it is scanned too, as a kill at
 * any byte would leave it, and must say which of its bytes are a cut;
 * mp4_trim_file() takes them off prefixes written to files (ffprobe
 * refuses a part that ends inside a moof: "error reading header").
 */
#include <sys/stat.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mp4.h"

#include "unit.h"

/* ------------------------------------------------------------ builder */

#define MB_MAX		65536
#define MB_DEPTH	8

/* A file being built; boxes are opened and closed like parentheses. */
struct mb {
	uint8_t		 d[MB_MAX];
	size_t		 len;
	size_t		 open[MB_DEPTH];
	int		 depth;
	int		 large;		/* next box: 64-bit size */
};

static void
u8(struct mb *m, unsigned int v)
{
	if (m->len < MB_MAX)
		m->d[m->len++] = (uint8_t)v;
}

static void
u32(struct mb *m, uint32_t v)
{
	u8(m, v >> 24);
	u8(m, (v >> 16) & 0xff);
	u8(m, (v >> 8) & 0xff);
	u8(m, v & 0xff);
}

static void
u64(struct mb *m, uint64_t v)
{
	u32(m, (uint32_t)(v >> 32));
	u32(m, (uint32_t)v);
}

static void
put32(struct mb *m, size_t at, uint32_t v)
{
	m->d[at] = (uint8_t)(v >> 24);
	m->d[at + 1] = (uint8_t)(v >> 16);
	m->d[at + 2] = (uint8_t)(v >> 8);
	m->d[at + 3] = (uint8_t)v;
}

static void
zeros(struct mb *m, size_t n)
{
	while (n-- > 0)
		u8(m, 0);
}

static void
box(struct mb *m, const char *type)
{
	m->open[m->depth++] = m->len;
	u32(m, m->large ? 1 : 0);
	u8(m, (unsigned char)type[0]);
	u8(m, (unsigned char)type[1]);
	u8(m, (unsigned char)type[2]);
	u8(m, (unsigned char)type[3]);
	if (m->large)
		u64(m, 0);
	m->large = 0;
}

static void
fullbox(struct mb *m, const char *type, unsigned int version,
    uint32_t flags)
{
	box(m, type);
	u32(m, (uint32_t)version << 24 | (flags & 0xffffff));
}

/* Close the innermost box, writing its size (0: left as "to the end"). */
static void
end(struct mb *m)
{
	size_t	 at = m->open[--m->depth];

	if (m->d[at + 3] == 1) {
		put32(m, at + 8, 0);
		put32(m, at + 12, (uint32_t)(m->len - at));
	} else
		put32(m, at, (uint32_t)(m->len - at));
}

/* Close the innermost box as size 0 ("extends to the end of file"). */
static void
end0(struct mb *m)
{
	m->depth--;
}

struct trk {
	uint32_t	 id;
	uint32_t	 timescale;
	int		 trex;		/* write a trex */
	uint32_t	 trex_dur;	/* its default_sample_duration */
};

/* ftyp and a moov for the tracks; mvex when frag. */
static void
head(struct mb *m, const struct trk *t, size_t n, int frag)
{
	size_t	 i;

	box(m, "ftyp");
	u32(m, 0x69736f6d);	/* isom */
	u32(m, 0);
	end(m);
	box(m, "moov");
	fullbox(m, "mvhd", 0, 0);
	u32(m, 0);
	u32(m, 0);
	u32(m, 1000);
	u32(m, frag ? 0 : 2500);	/* a flat file says 2.5 s */
	zeros(m, 80);
	end(m);
	for (i = 0; i < n; i++) {
		box(m, "trak");
		fullbox(m, "tkhd", 0, 3);
		u32(m, 0);
		u32(m, 0);
		u32(m, t[i].id);
		zeros(m, 72);
		end(m);
		box(m, "mdia");
		fullbox(m, "mdhd", 0, 0);
		u32(m, 0);
		u32(m, 0);
		u32(m, t[i].timescale);
		u32(m, 0);
		u32(m, 0);
		end(m);
		box(m, "hdlr");
		zeros(m, 25);
		end(m);
		end(m);
		end(m);
	}
	if (frag) {
		box(m, "mvex");
		for (i = 0; i < n; i++) {
			if (!t[i].trex)
				continue;
			fullbox(m, "trex", 0, 0);
			u32(m, t[i].id);
			u32(m, 1);
			u32(m, t[i].trex_dur);
			u32(m, 0);
			u32(m, 0);
			end(m);
		}
		end(m);
	}
	end(m);
}

struct frag {
	uint32_t	 id;		/* tfhd track_ID */
	int		 tfdt;		/* -1: none, else its version */
	uint64_t	 base;		/* baseMediaDecodeTime */
	uint32_t	 tfhd_dur;	/* != 0: tfhd default-sample-duration */
	uint32_t	 count;		/* trun sample_count */
	uint32_t	 dur;		/* != 0: per-sample durations */
	uint32_t	 mdat;		/* mdat payload bytes */
};

/* A moof with one traf, as mp4mux writes it, and its mdat. */
static void
frag(struct mb *m, const struct frag *f)
{
	uint32_t	 i;

	box(m, "moof");
	fullbox(m, "mfhd", 0, 0);
	u32(m, 1);
	end(m);
	box(m, "traf");
	fullbox(m, "tfhd", 0, f->tfhd_dur ? 0x08 : 0);
	u32(m, f->id);
	if (f->tfhd_dur)
		u32(m, f->tfhd_dur);
	end(m);
	if (f->tfdt >= 0) {
		fullbox(m, "tfdt", (unsigned int)f->tfdt, 0);
		if (f->tfdt == 1)
			u64(m, f->base);
		else
			u32(m, (uint32_t)f->base);
		end(m);
	}
	/* mp4mux's: durations, sizes and flags; else no sample table. */
	fullbox(m, "trun", 0, f->dur ? 0x701 : 0x001);
	u32(m, f->count);
	u32(m, 0);		/* data offset */
	for (i = 0; f->dur && i < f->count; i++) {
		u32(m, f->dur);
		u32(m, f->mdat / f->count);
		u32(m, 0);
	}
	end(m);
	end(m);
	end(m);
	box(m, "mdat");
	zeros(m, f->mdat);
	end(m);
}

/* Video: 1000 Hz, 10 samples of 100 (1 s) a fragment. */
static const struct trk v1k[] = { { 1, 1000, 1, 0 } };

static void
frags(struct mb *m, uint32_t id, int ver, uint64_t base, int n)
{
	struct frag	 f = { id, ver, base, 0, 10, 100, 200 };
	int		 i;

	for (i = 0; i < n; i++, f.base += 1000)
		frag(m, &f);
}

/* Where the nth (0-based) top-level box of m starts. */
static size_t
box_at(const struct mb *m, int n)
{
	size_t	 off = 0, sz;

	while (n-- > 0 && off + 8 <= m->len) {
		sz = (size_t)m->d[off] << 24 | (size_t)m->d[off + 1] << 16 |
		    (size_t)m->d[off + 2] << 8 | m->d[off + 3];
		if (sz == 1)
			sz = (size_t)m->d[off + 12] << 24 |
			    (size_t)m->d[off + 13] << 16 |
			    (size_t)m->d[off + 14] << 8 | m->d[off + 15];
		if (sz == 0)
			return m->len;
		off += sz;
	}
	return off;
}

/* The cases' builders.  Top-level boxes: ftyp 0, moov 1, moof 2, ... */

static void
b_complete(struct mb *m)
{
	head(m, v1k, 1, 1);
	frags(m, 1, 0, 0, 3);
}

static void
b_cut_moof(struct mb *m)
{
	b_complete(m);
	m->len = box_at(m, 6) + 30;
}

static void
b_cut_mdat(struct mb *m)
{
	b_complete(m);
	m->len = box_at(m, 7) + 50;
}

static void
b_cut_mdat_header(struct mb *m)
{
	b_complete(m);
	m->len = box_at(m, 7) + 5;
}

static void
b_cut_after_moof(struct mb *m)
{
	b_complete(m);
	m->len = box_at(m, 7);
}

static void
b_cut_first(struct mb *m)
{
	b_complete(m);
	m->len = box_at(m, 3) + 100;
}

/*
 * Two moofs that never got an mdat, a free box between them: the writes
 * went on past the first, so only the second is cut.  (The fuzzer found
 * that a cut then taken again from the first changed the verdict.)
 */
static void
b_moofs_waiting(struct mb *m)
{
	size_t	 at, len;

	b_complete(m);
	at = box_at(m, 4);
	len = box_at(m, 5) - at;	/* the second moof */
	m->len = box_at(m, 6);		/* ...and its mdat, kept */
	memcpy(m->d + m->len, m->d + at, len);
	m->len += len;
	box(m, "free");
	zeros(m, 4);
	end(m);
	memcpy(m->d + m->len, m->d + at, len);
	m->len += len;
}

static void
b_headers_only(struct mb *m)
{
	head(m, v1k, 1, 1);
}

static void
b_no_moov(struct mb *m)
{
	frags(m, 1, 0, 0, 3);
}

static void
b_tfdt_v1(struct mb *m)
{
	head(m, v1k, 1, 1);
	frags(m, 1, 1, (uint64_t)1 << 40, 3);
}

static void
b_tfdt_v0_offset(struct mb *m)
{
	/* A muxer that keeps the stream's times: 3 s from 7200 s on. */
	head(m, v1k, 1, 1);
	frags(m, 1, 0, 7200000, 3);
}

static void
b_no_tfdt(struct mb *m)
{
	head(m, v1k, 1, 1);
	frags(m, 1, -1, 0, 3);
}

static void
b_tfhd_default(struct mb *m)
{
	struct frag	 f = { 1, 0, 0, 100, 10, 0, 200 };

	head(m, v1k, 1, 1);
	frag(m, &f);
	f.base = 1000;
	frag(m, &f);
}

static void
b_trex_default(struct mb *m)
{
	static const struct trk t[] = { { 1, 1000, 1, 50 } };
	struct frag	 f = { 1, 0, 0, 0, 20, 0, 200 };

	head(m, t, 1, 1);
	frag(m, &f);
	f.base = 1000;
	frag(m, &f);
}

static void
b_tfhd_over_trex(struct mb *m)
{
	static const struct trk t[] = { { 1, 1000, 1, 7 } };
	struct frag	 f = { 1, 0, 0, 100, 10, 0, 200 };

	head(m, t, 1, 1);
	frag(m, &f);
}

static void
b_no_default(struct mb *m)
{
	static const struct trk t[] = { { 1, 1000, 0, 0 } };
	struct frag	 f = { 1, 0, 0, 0, 10, 0, 200 };

	head(m, t, 1, 1);
	frag(m, &f);
}

/* Video 90 kHz (3000 a frame) and audio 48 kHz (1024 a frame). */
static void
b_two_tracks(struct mb *m)
{
	static const struct trk t[] = { { 1, 90000, 1, 0 },
	    { 2, 48000, 1, 0 } };
	struct frag	 v = { 1, 0, 0, 0, 30, 3000, 3000 };
	struct frag	 a = { 2, 0, 0, 0, 47, 1024, 940 };
	int		 i;

	head(m, t, 2, 1);
	for (i = 0; i < 3; i++) {
		frag(m, &a);
		frag(m, &v);
		a.base += 47 * 1024;
		v.base += 30 * 3000;
	}
	/* Audio ends at 141 * 1024 / 48000 = 3.008 s, video at 3 s. */
}

static void
b_two_tracks_cut(struct mb *m)
{
	b_two_tracks(m);
	/* Into the last video mdat: audio's 3 fragments, video's 2. */
	m->len = box_at(m, 13) + 100;
}

static void
b_size0_mdat(struct mb *m)
{
	head(m, v1k, 1, 1);
	frags(m, 1, 0, 0, 2);
	m->len = box_at(m, 5);	/* drop the second mdat... */
	box(m, "mdat");		/* ...for one "to the end of file" */
	zeros(m, 300);
	end0(m);
}

static void
b_size0_moof(struct mb *m)
{
	head(m, v1k, 1, 1);
	frags(m, 1, 0, 0, 1);
	box(m, "moof");
	zeros(m, 40);
	end0(m);
}

static void
b_large_sizes(struct mb *m)
{
	struct frag	 f = { 1, 1, 0, 0, 10, 100, 200 };

	head(m, v1k, 1, 1);
	frag(m, &f);
	f.base = 1000;
	m->large = 1;
	box(m, "free");
	zeros(m, 10);
	end(m);
	/* A moof and an mdat with 64-bit sizes. */
	m->large = 1;
	box(m, "moof");
	box(m, "traf");
	fullbox(m, "tfhd", 0, 0);
	u32(m, 1);
	end(m);
	fullbox(m, "tfdt", 1, 0);
	u64(m, 1000);
	end(m);
	fullbox(m, "trun", 0, 0x100);
	u32(m, 4);
	u32(m, 250);
	u32(m, 250);
	u32(m, 250);
	u32(m, 250);
	end(m);
	end(m);
	end(m);
	m->large = 1;
	box(m, "mdat");
	zeros(m, 64);
	end(m);
}

static void
b_large_size_lie(struct mb *m)
{
	head(m, v1k, 1, 1);
	frags(m, 1, 0, 0, 1);
	/* An mdat of 2^40 bytes: runs past the end. */
	frags(m, 1, 0, 1000, 1);
	m->len -= 200 + 8;
	u32(m, 1);
	u32(m, 0x6d646174);
	u64(m, (uint64_t)1 << 40);
	zeros(m, 200);
}

static void
b_size_below_header(struct mb *m)
{
	head(m, v1k, 1, 1);
	frags(m, 1, 0, 0, 1);
	u32(m, 4);		/* size 4 < 8 */
	u32(m, 0x66726565);
	frags(m, 1, 0, 1000, 1);
}

static void
b_large_below_header(struct mb *m)
{
	head(m, v1k, 1, 1);
	frags(m, 1, 0, 0, 1);
	u32(m, 1);
	u32(m, 0x66726565);
	u64(m, 12);		/* a 64-bit size below 16 */
	frags(m, 1, 0, 1000, 1);
}

/* Version 1 mvhd, tkhd and mdhd (64-bit times), as a long file has. */
static void
b_v1_boxes(struct mb *m)
{
	box(m, "moov");
	fullbox(m, "mvhd", 1, 0);
	u64(m, 0);
	u64(m, 0);
	u32(m, 1000);
	u64(m, 0);
	zeros(m, 80);
	end(m);
	box(m, "trak");
	fullbox(m, "tkhd", 1, 3);
	u64(m, 0);
	u64(m, 0);
	u32(m, 7);
	zeros(m, 80);
	end(m);
	box(m, "mdia");
	fullbox(m, "mdhd", 1, 0);
	u64(m, 0);
	u64(m, 0);
	u32(m, 500);
	u64(m, 0);
	u32(m, 0);
	end(m);
	end(m);
	end(m);
	box(m, "mvex");
	fullbox(m, "trex", 0, 0);
	u32(m, 7);
	u32(m, 1);
	u32(m, 25);
	u32(m, 0);
	u32(m, 0);
	end(m);
	end(m);
	end(m);
	/* 20 samples of the trex's 25 at 500 Hz: 1 s. */
	box(m, "moof");
	box(m, "traf");
	fullbox(m, "tfhd", 0, 0);
	u32(m, 7);
	end(m);
	fullbox(m, "trun", 0, 0x200);
	u32(m, 20);
	zeros(m, 80);
	end(m);
	end(m);
	end(m);
	box(m, "mdat");
	zeros(m, 80);
	end(m);
}

/*
 * tfhd with every optional field (base data offset, description
 * index, duration, size, flags: 0x3b) and trun with every one (data
 * offset, first sample flags, duration, size, flags, composition
 * offset: 0xf05); a 64-bit child size inside the moof (the tfdt).
 */
static void
b_all_fields(struct mb *m)
{
	int	 i;

	head(m, v1k, 1, 1);
	box(m, "moof");
	box(m, "traf");
	fullbox(m, "tfhd", 0, 0x3b);
	u32(m, 1);
	u64(m, 12345);
	u32(m, 1);
	u32(m, 999);		/* default duration */
	u32(m, 20);
	u32(m, 0);
	end(m);
	m->large = 1;
	fullbox(m, "tfdt", 0, 0);
	u32(m, 500);
	end(m);
	fullbox(m, "trun", 0, 0xf05);
	u32(m, 5);
	u32(m, 0);
	u32(m, 0);
	for (i = 0; i < 5; i++) {
		u32(m, 300);
		u32(m, 20);
		u32(m, 0);
		u32(m, 0);
	}
	end(m);
	/* A second trun, no sample table: one sample of the default. */
	fullbox(m, "trun", 0, 0x000001);
	u32(m, 1);
	u32(m, 0);
	end(m);
	end(m);
	end(m);
	box(m, "mdat");
	zeros(m, 120);
	end(m);
	/* Ends at 500 + 1500 + 999. */
}

static void
b_garbage(struct mb *m)
{
	uint32_t	 x = 2463534242u;
	int		 i;

	for (i = 0; i < 4000; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		u8(m, x & 0xff);
	}
}

static void
b_text(struct mb *m)
{
	const char	*s = "moov moof mdat: not an MP4 at all\n";

	while (*s != '\0')
		u8(m, (unsigned char)*s++);
}

static void
b_trun_count_lie(struct mb *m)
{
	head(m, v1k, 1, 1);
	frags(m, 1, 0, 0, 2);
	frags(m, 1, 0, 2000, 1);
	/* The third trun: 2^31 samples of 12 bytes in a 140-byte box. */
	put32(m, box_at(m, 6) + 8 + 16 + 8 + 16 + 16 + 12, 0x80000000);
}

static void
b_trun_count_no_fields(struct mb *m)
{
	struct frag	 f = { 1, 0, 2000, 100, 4000000000u, 0, 0 };

	head(m, v1k, 1, 1);
	frags(m, 1, 0, 0, 2);
	/* 4e9 samples without per-sample fields, in a 100-byte mdat. */
	f.count = 0;
	frag(m, &f);
	put32(m, box_at(m, 6) + 8 + 16 + 8 + 20 + 16 + 12, 4000000000u);
	m->len -= 8;
	u32(m, 108);
	u32(m, 0x6d646174);
	zeros(m, 100);
}

static void
b_child_size_lie(struct mb *m)
{
	head(m, v1k, 1, 1);
	frags(m, 1, 0, 0, 2);
	frags(m, 1, 0, 2000, 1);
	/* The third traf says it is 5000 bytes long. */
	put32(m, box_at(m, 6) + 8 + 16, 5000);
}

static void
b_traf_no_tfhd(struct mb *m)
{
	head(m, v1k, 1, 1);
	frags(m, 1, 0, 0, 1);
	box(m, "moof");
	box(m, "traf");
	fullbox(m, "trun", 0, 0x100);
	u32(m, 1);
	u32(m, 100);
	end(m);
	end(m);
	end(m);
	box(m, "mdat");
	zeros(m, 10);
	end(m);
}

static void
b_tfdt_v2(struct mb *m)
{
	head(m, v1k, 1, 1);
	frags(m, 1, 0, 0, 1);
	frags(m, 1, 1, 1000, 1);
	m->d[box_at(m, 4) + 8 + 16 + 8 + 16 + 8] = 2;
}

static void
b_unknown_track(struct mb *m)
{
	head(m, v1k, 1, 1);
	frags(m, 1, 0, 0, 1);
	frags(m, 9, 0, 0, 1);
}

static void
b_empty_mdat(struct mb *m)
{
	struct frag	 f = { 1, 0, 0, 0, 10, 100, 0 };

	head(m, v1k, 1, 1);
	frag(m, &f);
}

static void
b_no_samples(struct mb *m)
{
	struct frag	 f = { 1, 0, 0, 0, 0, 100, 64 };

	head(m, v1k, 1, 1);
	frag(m, &f);
}

static void
b_tfdt_overflow(struct mb *m)
{
	head(m, v1k, 1, 1);
	frags(m, 1, 1, 0, 1);
	frags(m, 1, 1, UINT64_MAX - 10, 1);
}

static void
b_too_long(struct mb *m)
{
	/* 40 days at 1 kHz: not a recording. */
	head(m, v1k, 1, 1);
	frags(m, 1, 1, 0, 1);
	frags(m, 1, 1, (uint64_t)40 * 86400 * 1000, 1);
}

static void
b_flat(struct mb *m)
{
	/* Not fragmented (no mvex): mdat first, moov after, as mp4mux. */
	box(m, "mdat");
	zeros(m, 500);
	end(m);
	head(m, v1k, 1, 0);
}

static void
b_flat_empty(struct mb *m)
{
	head(m, v1k, 1, 0);
	box(m, "mdat");
	end(m);
}

static void
b_moov_tracks_lie(struct mb *m)
{
	static const struct trk t[] = { { 1, 1000, 1, 0 }, { 1, 1000, 0, 0 } };

	/* Two traks with one id: the moov describes nothing. */
	head(m, t, 2, 1);
	frags(m, 1, 0, 0, 2);
}

static void
b_trailing_bytes(struct mb *m)
{
	b_complete(m);
	zeros(m, 5);
}

static void
b_tiny(struct mb *m)
{
	u32(m, 8);
	u8(m, 'f');
	u8(m, 'r');
	u8(m, 'e');
}

static void
b_empty(struct mb *m)
{
	(void)m;
}

struct scase {
	const char	*name;
	void		(*build)(struct mb *);
	int		 has_media;
	uint64_t	 fragments;
	double		 duration;	/* -1: unknown */
	/*
	 * Where the write cut short begins (mi.cut): the number of the
	 * top-level box, counting from 1; 0 when nothing is cut.
	 */
	int		 cut_from;
};

static const struct scase scases[] = {
	{ "complete", b_complete, 1, 3, 3.0, 0 },
	{ "cut mid-moof", b_cut_moof, 1, 2, 2.0, 7 },
	{ "cut mid-mdat", b_cut_mdat, 1, 2, 2.0, 7 },
	{ "cut in the mdat header", b_cut_mdat_header, 1, 2, 2.0, 7 },
	{ "cut after a moof", b_cut_after_moof, 1, 2, 2.0, 7 },
	{ "cut in the first mdat", b_cut_first, 0, 0, -1, 3 },
	{ "moofs waiting, a box between", b_moofs_waiting, 1, 2, 2.0, 9 },
	{ "headers only", b_headers_only, 0, 0, -1, 0 },
	{ "no moov", b_no_moov, 1, 3, -1, 0 },
	{ "tfdt v1 from 2^40", b_tfdt_v1, 1, 3, 3.0, 0 },
	{ "tfdt v0 from 7200 s", b_tfdt_v0_offset, 1, 3, 3.0, 0 },
	{ "no tfdt: running sum", b_no_tfdt, 1, 3, 3.0, 0 },
	{ "tfhd default duration", b_tfhd_default, 1, 2, 2.0, 0 },
	{ "trex default duration", b_trex_default, 1, 2, 2.0, 0 },
	{ "tfhd default over trex's", b_tfhd_over_trex, 1, 1, 1.0, 0 },
	{ "no default duration", b_no_default, 1, 1, -1, 0 },
	{ "two tracks, two timescales", b_two_tracks, 1, 6,
	    141.0 * 1024 / 48000, 0 },
	{ "two tracks, cut", b_two_tracks_cut, 1, 5,
	    141.0 * 1024 / 48000, 13 },
	{ "size 0 mdat", b_size0_mdat, 1, 2, 2.0, 0 },
	{ "size 0 moof", b_size0_moof, 1, 1, 1.0, 5 },
	{ "64-bit sizes", b_large_sizes, 1, 2, 2.0, 0 },
	{ "64-bit size past the end", b_large_size_lie, 1, 1, 1.0, 5 },
	{ "size below the header", b_size_below_header, 1, 1, 1.0, 0 },
	{ "64-bit size below the header", b_large_below_header, 1, 1, 1.0, 0 },
	{ "version 1 boxes, trex default", b_v1_boxes, 1, 1, 1.0, 0 },
	{ "every optional field", b_all_fields, 1, 1, 2.499, 0 },
	{ "garbage", b_garbage, 0, 0, -1, 1 },
	{ "text", b_text, 0, 0, -1, 1 },
	{ "trun count past its box", b_trun_count_lie, 1, 2, 2.0, 0 },
	{ "trun count past the mdat", b_trun_count_no_fields, 1, 2, 2.0, 0 },
	{ "traf size past its moof", b_child_size_lie, 1, 2, 2.0, 0 },
	{ "traf without tfhd", b_traf_no_tfhd, 1, 1, 1.0, 0 },
	{ "tfdt version 2", b_tfdt_v2, 1, 1, 1.0, 0 },
	{ "a track the moov lacks", b_unknown_track, 1, 2, -1, 0 },
	{ "empty mdat", b_empty_mdat, 0, 0, -1, 0 },
	{ "no samples", b_no_samples, 0, 0, -1, 0 },
	{ "tfdt + durations past 2^64", b_tfdt_overflow, 1, 1, 1.0, 0 },
	{ "40 days", b_too_long, 1, 2, -1, 0 },
	{ "flat file", b_flat, 1, 0, 2.5, 0 },
	{ "flat file, empty mdat", b_flat_empty, 0, 0, -1, 0 },
	{ "two traks, one id", b_moov_tracks_lie, 1, 2, -1, 0 },
	{ "trailing bytes", b_trailing_bytes, 1, 3, 3.0, 9 },
	{ "7 bytes", b_tiny, 0, 0, -1, 1 },
	{ "empty", b_empty, 0, 0, -1, 0 },
};

/* ------------------------------------------------------------ reading */

/* Memory as a file, counting what is read and checking the bounds. */
struct mem {
	const uint8_t	*p;
	uint64_t	 len;
	uint64_t	 bytes;		/* read in all */
	unsigned int	 reads;		/* calls */
	unsigned int	 fail_at;	/* != 0: this read fails */
	int		 outside;	/* a read past len was asked */
};

static int
mem_read(void *arg, uint64_t off, void *buf, size_t len)
{
	struct mem	*m = arg;

	if (++m->reads == m->fail_at)
		return -1;
	if (off > m->len || len > m->len - off) {
		m->outside = 1;
		return -1;
	}
	memcpy(buf, m->p + off, len);
	m->bytes += len;
	return 0;
}

static int
near(double a, double b)
{
	return a - b < 1e-9 && b - a < 1e-9;
}

static void
test_cases(void)
{
	const struct scase	*c;
	struct mp4_info		 mi, left;
	struct mem		 mem;
	struct mb		*m;
	size_t			 i, cut;
	int			 rc;

	if ((m = malloc(sizeof(*m))) == NULL) {
		CHECK(0);
		return;
	}
	for (i = 0; i < sizeof(scases) / sizeof(scases[0]); i++) {
		c = &scases[i];
		memset(m, 0, sizeof(*m));
		c->build(m);
		memset(&mem, 0, sizeof(mem));
		mem.p = m->d;
		mem.len = m->len;
		rc = mp4_scan(mem_read, &mem, m->len, 0, &mi);
		if (rc != 0 || mi.has_media != c->has_media ||
		    mi.fragments != c->fragments ||
		    !near(mi.duration, c->duration))
			fprintf(stderr, "%s: rc %d, media %d, %llu fragments, "
			    "%.6f s\n", c->name, rc, mi.has_media,
			    (unsigned long long)mi.fragments, mi.duration);
		CHECK(rc == 0);
		CHECK(mi.has_media == c->has_media);
		CHECK(mi.fragments == c->fragments);
		CHECK(near(mi.duration, c->duration));
		CHECK(!mem.outside);
		cut = c->cut_from > 0 ?
		    m->len - box_at(m, c->cut_from - 1) : 0;
		if (mi.cut != cut)
			fprintf(stderr, "%s: cut %llu, not %zu\n", c->name,
			    (unsigned long long)mi.cut, cut);
		CHECK(mi.cut == cut);
		/* What is left once the cut is off: the same, nothing cut. */
		if (cut > 0 && cut <= m->len) {
			CHECK(mp4_scan(mem_read, &mem, m->len - cut, 0,
			    &left) == 0);
			CHECK(left.cut == 0);
			CHECK(left.has_media == mi.has_media);
			CHECK(left.fragments == mi.fragments);
			CHECK(left.duration == mi.duration);
		}
		/* MP4_SCAN_MEDIA: the same verdict, no duration. */
		CHECK(mp4_scan(mem_read, &mem, m->len, MP4_SCAN_MEDIA,
		    &mi) == 0);
		CHECK(mi.has_media == c->has_media);
		CHECK(mi.fragments == (c->fragments > 0 ? 1 : 0));
		CHECK(mi.duration == -1 || c->fragments == 0);
	}
	free(m);
}

/* A failing read is -1, keeping what was read before it. */
static void
test_read_error(void)
{
	struct mp4_info	 mi;
	struct mem	 mem;
	struct mb	*m;
	unsigned int	 k;

	if ((m = calloc(1, sizeof(*m))) == NULL) {
		CHECK(0);
		return;
	}
	b_complete(m);
	for (k = 1; k <= 12; k++) {
		memset(&mem, 0, sizeof(mem));
		mem.p = m->d;
		mem.len = m->len;
		mem.fail_at = k;
		CHECK(mp4_scan(mem_read, &mem, m->len, 0, &mi) == -1);
		CHECK(mi.duration == -1);
		CHECK(mi.fragments <= 3);
	}
	free(m);
	/* A size that does not match the data is a failed read. */
	memset(&mem, 0, sizeof(mem));
	mem.p = (const uint8_t *)"";
	CHECK(mp4_scan(mem_read, &mem, 100, 0, &mi) == -1);
	CHECK(mi.has_media == 0 && mi.duration == -1);
}

/* An mdat is skipped, never read: a 16 MiB one costs nothing. */
static void
test_reads_little(void)
{
	static const size_t	 big = 16 * 1024 * 1024;
	struct mp4_info		 mi;
	struct mem		 mem;
	struct mb		*m;
	uint8_t			*file;
	size_t			 at;

	if ((m = calloc(1, sizeof(*m))) == NULL ||
	    (file = calloc(1, big + MB_MAX)) == NULL) {
		free(m);
		CHECK(0);
		return;
	}
	b_complete(m);
	/* The second mdat grows by 16 MiB (its payload is zeros). */
	at = box_at(m, 5);
	memcpy(file, m->d, at);
	memcpy(file + at + big, m->d + at, m->len - at);
	file[at + 0] = (uint8_t)((208 + big) >> 24);
	file[at + 1] = (uint8_t)((208 + big) >> 16);
	file[at + 2] = (uint8_t)((208 + big) >> 8);
	file[at + 3] = (uint8_t)(208 + big);
	memcpy(file + at + 4, "mdat", 4);
	memset(&mem, 0, sizeof(mem));
	mem.p = file;
	mem.len = m->len + big;
	CHECK(mp4_scan(mem_read, &mem, mem.len, 0, &mi) == 0);
	CHECK(mi.has_media == 1 && mi.fragments == 3);
	CHECK(near(mi.duration, 3.0));
	CHECK(mem.bytes < 4096);
	if (mem.bytes >= 4096)
		fprintf(stderr, "reads little: %llu bytes read\n",
		    (unsigned long long)mem.bytes);
	/* MP4_SCAN_MEDIA stops at the first fragment's mdat. */
	memset(&mem, 0, sizeof(mem));
	mem.p = file;
	mem.len = m->len + big;
	CHECK(mp4_scan(mem_read, &mem, mem.len, MP4_SCAN_MEDIA, &mi) == 0);
	CHECK(mi.has_media == 1 && mi.fragments == 1 && mi.duration == -1);
	/* The headers of ftyp, moov, moof, mdat; moov's and moof's body. */
	CHECK(mem.reads == 6 && mem.bytes < 1024);
	free(file);
	free(m);
}

/* ------------------------------------------------------------ real part */

#define REAL_PART	"mp4/mp4mux-1.22-av-2s.mp4"
#define REAL_SECONDS	2.0	/* ffprobe -show_entries format=duration */
#define REAL_FRAME	0.1	/* its video is 10 fps */

static uint8_t *
load(const char *name, size_t *len)
{
	const char	*dir = getenv("VIGIL_TEST_DATA");
	char		 path[512];
	uint8_t		*p;
	FILE		*f;
	long		 n;

	*len = 0;
	snprintf(path, sizeof(path), "%s/%s",
	    dir != NULL ? dir : "tests/data", name);
	if ((f = fopen(path, "rb")) == NULL) {
		fprintf(stderr, "cannot open %s\n", path);
		return NULL;
	}
	if (fseek(f, 0, SEEK_END) == -1 || (n = ftell(f)) <= 0 ||
	    fseek(f, 0, SEEK_SET) == -1 ||
	    (p = malloc((size_t)n)) == NULL) {
		fclose(f);
		return NULL;
	}
	if (fread(p, 1, (size_t)n, f) != (size_t)n) {
		free(p);
		fclose(f);
		return NULL;
	}
	fclose(f);
	*len = (size_t)n;
	return p;
}

static void
test_real_part(void)
{
	const char	*dir = getenv("VIGIL_TEST_DATA");
	struct mp4_info	 mi, prev, left;
	struct mem	 mem;
	char		 path[512];
	uint8_t		*p;
	size_t		 len, n, cuts = 0;
	int		 monotonic = 1;

	if ((p = load(REAL_PART, &len)) == NULL) {
		CHECK(0);
		return;
	}
	snprintf(path, sizeof(path), "%s/%s",
	    dir != NULL ? dir : "tests/data", REAL_PART);
	CHECK(mp4_scan_file(path, 0, &mi) == 0);
	CHECK(mi.has_media == 1);
	CHECK(mi.fragments == 4);	/* a moof per track a second */
	CHECK(mi.duration > REAL_SECONDS - REAL_FRAME &&
	    mi.duration < REAL_SECONDS + REAL_FRAME);
	CHECK(near(mi.duration, 2.0));

	/*
	 * Every prefix, as a kill at that byte leaves the file: never
	 * more than the whole, never less than a shorter prefix, media
	 * from the first complete fragment on.
	 */
	memset(&prev, 0, sizeof(prev));
	prev.duration = -1;
	for (n = 0; n <= len; n++) {
		memset(&mem, 0, sizeof(mem));
		mem.p = p;
		mem.len = n;
		if (mp4_scan(mem_read, &mem, n, 0, &mi) != 0 || mem.outside ||
		    mi.fragments < prev.fragments ||
		    mi.duration < prev.duration ||
		    mi.duration > REAL_SECONDS + 1e-9 ||
		    mi.has_media != (mi.fragments > 0) ||
		    (mi.has_media && mi.duration < 0)) {
			fprintf(stderr, "real part cut at %zu: media %d, "
			    "%llu fragments, %.6f s\n", n, mi.has_media,
			    (unsigned long long)mi.fragments, mi.duration);
			monotonic = 0;
			break;
		}
		/* Off with the cut, the same media and nothing cut. */
		if (mi.cut > n || (mi.cut > 0 && (mp4_scan(mem_read, &mem,
		    n - mi.cut, 0, &left) != 0 || left.cut != 0 ||
		    left.fragments != mi.fragments ||
		    left.duration != mi.duration))) {
			fprintf(stderr, "real part cut at %zu: %llu bytes "
			    "cut, then %llu\n", n, (unsigned long long)mi.cut,
			    (unsigned long long)left.cut);
			monotonic = 0;
			break;
		}
		cuts += mi.cut > 0;
		prev = mi;
	}
	CHECK(monotonic);
	/*
	 * Whole are only the empty prefix and the 6 that end where the
	 * ftyp, the moov or one of the 4 fragments' mdat ends.
	 */
	CHECK(cuts == len + 1 - 7);
	CHECK(prev.fragments == 4 && near(prev.duration, 2.0));
	free(p);

	CHECK(mp4_scan_file("tests/data/mp4/no-such-file.mp4", 0, &mi) == -1);
	CHECK(mi.has_media == 0 && mi.duration == -1);
	CHECK(mp4_scan_file("tests/data", 0, &mi) == -1);
}

/* Write the first n bytes of p to a new temporary file; its path. */
static int
write_tmp(char *path, size_t pathsz, const uint8_t *p, size_t n)
{
	const char	*dir = getenv("TMPDIR");
	int		 fd;

	snprintf(path, pathsz, "%s/test_mp4.XXXXXX",
	    dir != NULL && *dir != '\0' ? dir : "/tmp");
	if ((fd = mkstemp(path)) == -1)
		return -1;
	if (write(fd, p, n) != (ssize_t)n) {
		close(fd);
		unlink(path);
		return -1;
	}
	close(fd);
	return 0;
}

static long long
file_size(const char *path)
{
	struct stat	 sb;

	return stat(path, &sb) == 0 ? (long long)sb.st_size : -1;
}

/*
 * mp4_trim_file() on the real part as a full disk or a kill leaves it:
 * cut inside the third moof, it ends where the second fragment ends;
 * cut inside an mdat, where the fragment before ends; a whole file and
 * one with no media are left as they are.
 */
static void
test_trim(void)
{
	static const struct {
		size_t	 len;		/* as the cut left it */
		size_t	 left;		/* after mp4_trim_file() */
		int	 media;
	} t[] = {
		{ 6017 + 100, 6017, 1 },	/* inside the third moof */
		{ 6281 + 500, 6017, 1 },	/* inside its mdat */
		{ 6017 + 3, 6017, 1 },		/* a header cut short */
		{ 6281, 6017, 1 },		/* a moof, no mdat after */
		{ 10442, 10442, 1 },		/* whole */
		{ 1373 + 100, 1373 + 100, 0 },	/* no fragment: left be */
	};
	struct mp4_info	 mi;
	char		 path[512];
	uint8_t		*p;
	size_t		 len, i;

	if ((p = load(REAL_PART, &len)) == NULL || len != 10442) {
		free(p);
		CHECK(0);
		return;
	}
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		if (write_tmp(path, sizeof(path), p, t[i].len) == -1) {
			CHECK(0);
			continue;
		}
		CHECK(mp4_trim_file(path, &mi) == 0);
		CHECK(mi.has_media == t[i].media);
		CHECK(file_size(path) == (long long)t[i].left);
		if (t[i].media)
			CHECK(mi.cut == t[i].len - t[i].left);
		/* What is left scans whole, with the same media. */
		CHECK(mp4_scan_file(path, 0, &mi) == 0);
		CHECK(mi.cut == 0 || !t[i].media);
		CHECK(mi.fragments == (t[i].left == 6017 ? 2 :
		    t[i].media ? 4 : 0));
		if (file_size(path) != (long long)t[i].left)
			fprintf(stderr, "trim %zu: %lld bytes left, not %zu\n",
			    t[i].len, file_size(path), t[i].left);
		unlink(path);
	}
	CHECK(mp4_trim_file("tests/data/mp4/no-such-file.mp4", &mi) == -1);
	free(p);
}

int
main(void)
{
	test_cases();
	test_read_error();
	test_reads_little();
	test_real_part();
	test_trim();
	return unit_done();
}
