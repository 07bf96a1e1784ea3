/*
 * fuzz_mp4.c: the fragmented MP4 walker (lib/mp4.c) on arbitrary bytes.
 *
 * The input is the file, handed to mp4_scan() through a read-at
 * callback over exactly its bytes, then again cut in half, as a kill
 * mid-write would leave it.
 *
 * Beyond not crashing, the target checks:
 *  - every read lies within the input, and all of them together come
 *    to at most its size: a top-level box is read (its header, or its
 *    header and body) at most once, mdats never beyond their header;
 *  - a scan of memory never fails; the same bytes give the same
 *    answer twice; MP4_SCAN_MEDIA gives the same has_media, with at
 *    most one fragment and no duration;
 *  - a duration is -1 or within [0 s, 30 days], and -1 without media;
 *    a complete fragment means media, and there are no more fragments
 *    than "mdat" and "moof" strings in the input;
 *  - the first half never holds more complete fragments than the
 *    whole.
 */
#include <string.h>

#include "mp4.h"

#include "fuzz.h"

struct mem {
	const uint8_t	*p;
	uint64_t	 len;
	uint64_t	 bytes;
};

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_quiet();
	return 0;
}

static int
mem_read(void *arg, uint64_t off, void *buf, size_t len)
{
	struct mem	*m = arg;

	FUZZ_ASSERT(off <= m->len && len <= m->len - off);
	memcpy(buf, m->p + off, len);
	m->bytes += len;
	return 0;
}

/* Occurrences of the 4 bytes s in data. */
static size_t
count(const uint8_t *data, size_t size, const char *s)
{
	size_t	 i, n = 0;

	for (i = 0; i + 4 <= size; i++)
		if (memcmp(data + i, s, 4) == 0)
			n++;
	return n;
}

static void
check(const struct mp4_info *mi)
{
	FUZZ_ASSERT(mi->has_media == 0 || mi->has_media == 1);
	FUZZ_ASSERT(mi->duration == -1 ||
	    (mi->duration >= 0 && mi->duration <= 30.0 * 24 * 3600));
	FUZZ_ASSERT(mi->has_media || mi->duration == -1);
	FUZZ_ASSERT(mi->fragments == 0 || mi->has_media);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mp4_info	 a, b, half;
	struct mem	 m;

	memset(&m, 0, sizeof(m));
	m.p = data;
	m.len = size;
	FUZZ_ASSERT(mp4_scan(mem_read, &m, size, 0, &a) == 0);
	FUZZ_ASSERT(m.bytes <= size);
	check(&a);
	FUZZ_ASSERT(a.fragments <= count(data, size, "mdat"));
	FUZZ_ASSERT(a.fragments <= count(data, size, "moof"));

	m.bytes = 0;
	FUZZ_ASSERT(mp4_scan(mem_read, &m, size, 0, &b) == 0);
	FUZZ_ASSERT(a.has_media == b.has_media &&
	    a.fragments == b.fragments && a.cut == b.cut &&
	    memcmp(&a.duration, &b.duration, sizeof(a.duration)) == 0);

	/* Trimmed of its cut, the file says the same and is not cut. */
	FUZZ_ASSERT(a.cut <= size);
	if (a.cut > 0) {
		m.len = size - a.cut;
		FUZZ_ASSERT(mp4_scan(mem_read, &m, m.len, 0, &b) == 0);
		FUZZ_ASSERT(b.cut == 0 && b.has_media == a.has_media &&
		    b.fragments == a.fragments &&
		    memcmp(&a.duration, &b.duration, sizeof(a.duration)) == 0);
		m.len = size;
	}

	m.bytes = 0;
	FUZZ_ASSERT(mp4_scan(mem_read, &m, size, MP4_SCAN_MEDIA, &b) == 0);
	check(&b);
	FUZZ_ASSERT(b.has_media == a.has_media);
	FUZZ_ASSERT(b.fragments == (a.fragments > 0 ? 1 : 0));
	FUZZ_ASSERT(b.fragments == 0 || b.duration == -1);

	memset(&m, 0, sizeof(m));
	m.p = data;
	m.len = size / 2;
	FUZZ_ASSERT(mp4_scan(mem_read, &m, size / 2, 0, &half) == 0);
	check(&half);
	FUZZ_ASSERT(half.fragments <= a.fragments);
	return 0;
}
