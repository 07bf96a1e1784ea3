/*
 * test_buf.c: unit tests for lib/buf.c (the capped byte buffer).
 *
 * The cap is the point of the module, so most rows sit on its edges:
 * exactly at the cap, one byte over, growth past the first allocation,
 * buf_printf on both sides of its 512-byte stack buffer.  After a
 * failed append the buffer must be empty and marked full, never half a
 * value.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

#include "unit.h"

/* The invariants every buffer keeps, whatever happened to it. */
static void
check_invariants(const struct buf *b)
{
	CHECK(b->len <= b->max);
	if (b->data == NULL) {
		CHECK(b->len == 0);
		CHECK(b->cap == 0);
	} else {
		CHECK(b->cap >= b->len + 1);
		CHECK(b->cap - 1 <= b->max);
		CHECK(b->data[b->len] == '\0');
	}
	CHECK(strlen(buf_cstr(b)) <= b->len);
}

/* A sequence of appends against one cap. */
struct acase {
	const char	*name;
	size_t		 max;
	size_t		 chunks[4];	/* byte counts */
	size_t		 nchunks;
	int		 rcs[4];	/* expected return of each append */
	size_t		 len;		/* final length */
	int		 full;		/* final full flag */
};

static void
test_append_table(void)
{
	static const struct acase cases[] = {
	{ "empty append on a fresh buffer", 10, { 0 }, 1, { 0 }, 0, 0 },
	{ "fill exactly to the cap", 10, { 10 }, 1, { 0 }, 10, 0 },
	{ "one over the cap in one go", 10, { 11 }, 1, { -1 }, 0, 1 },
	{ "two parts exactly at the cap", 10, { 5, 5 }, 2, { 0, 0 }, 10, 0 },
	{ "two parts one over", 10, { 5, 6 }, 2, { 0, -1 }, 0, 1 },
	{ "at the cap, then one more byte", 10, { 10, 1 }, 2, { 0, -1 }, 0,
	    1 },
	{ "at the cap, then nothing", 10, { 10, 0 }, 2, { 0, 0 }, 10, 0 },
	{ "cap 0 takes only empty appends", 0, { 0, 1 }, 2, { 0, -1 }, 0, 1 },
	{ "cap 1", 1, { 1, 1 }, 2, { 0, -1 }, 0, 1 },
	{ "growth past the first 256 bytes", 1000, { 200, 200, 600 }, 3,
	    { 0, 0, 0 }, 1000, 0 },
	{ "growth, then one over", 1000, { 200, 200, 601 }, 3, { 0, 0, -1 },
	    0, 1 },
	{ "cap just above the first allocation", 256, { 255, 1 }, 2,
	    { 0, 0 }, 256, 0 },
	{ "cap 300: 256 then 44", 300, { 256, 44 }, 2, { 0, 0 }, 300, 0 },
	{ "cap 300: 256 then 45", 300, { 256, 45 }, 2, { 0, -1 }, 0, 1 },
	{ "huge length does not wrap", 10, { 5, (size_t)-1 }, 2, { 0, -1 },
	    0, 1 },
	{ "failure, then a fresh value", 10, { 11, 3 }, 2, { -1, 0 }, 3, 1 },
	};
	static char	 src[2048], expect[2048];
	struct buf	 b;
	size_t		 i, k, total;
	int		 rc;

	for (i = 0; i < sizeof(src); i++)
		src[i] = (char)('a' + i % 26);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct acase *t = &cases[i];
		int ok = 1;

		buf_init(&b, t->max);
		total = 0;
		for (k = 0; k < t->nchunks; k++) {
			/* A huge length is never read: the cap refuses it. */
			rc = buf_append(&b, src, t->chunks[k]);
			if (rc != t->rcs[k])
				ok = 0;
			if (rc == 0) {
				memcpy(expect + total, src, t->chunks[k]);
				total += t->chunks[k];
			} else
				total = 0;
			check_invariants(&b);
		}
		if (!ok)
			fprintf(stderr, "case \"%s\": wrong return\n", t->name);
		CHECK(ok);
		CHECK(b.len == t->len);
		CHECK(total == t->len);
		CHECK(b.full == t->full);
		if (t->len > 0)
			CHECK(b.data != NULL && memcmp(b.data, expect,
			    t->len) == 0);
		buf_free(&b);
	}
}

/* The content survives growth byte for byte. */
static void
test_content(void)
{
	struct buf	 b;
	char		 expect[3000];
	size_t		 i, n = 0;
	int		 ok = 1;

	buf_init(&b, sizeof(expect) - 1);
	for (i = 0; n + 7 < sizeof(expect) - 1; i++) {
		char part[8];
		int m = snprintf(part, sizeof(part), "%06zu,", i);

		if (buf_append(&b, part, (size_t)m) != 0)
			ok = 0;
		memcpy(expect + n, part, (size_t)m);
		n += (size_t)m;
	}
	expect[n] = '\0';
	CHECK(ok);
	CHECK(b.len == n);
	CHECK_STR(buf_cstr(&b), expect);
	check_invariants(&b);

	/* Binary bytes, NULs included, are kept and counted. */
	buf_reset(&b);
	CHECK(buf_append(&b, "a\0b\0c", 5) == 0);
	CHECK(b.len == 5);
	CHECK(memcmp(b.data, "a\0b\0c", 6) == 0);
	buf_free(&b);

	/* One byte at a time up to the cap, then one refused. */
	buf_init(&b, 5000);
	ok = 1;
	for (i = 0; i < 5000; i++)
		if (buf_append(&b, "x", 1) != 0)
			ok = 0;
	CHECK(ok);
	CHECK(b.len == 5000);
	CHECK(b.cap == 5001);		/* growth stops at max + 1 */
	CHECK(buf_append(&b, "x", 1) == -1);
	CHECK(b.full == 1 && b.data == NULL && b.len == 0);
	buf_free(&b);

	/* buf_puts is buf_append of strlen. */
	buf_init(&b, 8);
	CHECK(buf_puts(&b, "abcd") == 0);
	CHECK(buf_puts(&b, "") == 0);
	CHECK(buf_puts(&b, "efgh") == 0);
	CHECK_STR(buf_cstr(&b), "abcdefgh");
	CHECK(buf_puts(&b, "i") == -1);
	CHECK_STR(buf_cstr(&b), "");
	CHECK(b.full == 1);
	buf_free(&b);
}

/* A cap of SIZE_MAX ("no cap") must not wrap the growth clamp. */
static void
test_size_max(void)
{
	struct buf	 b;

	buf_init(&b, SIZE_MAX);
	CHECK(buf_append(&b, "abc", 3) == 0);
	CHECK(b.cap >= 4);
	CHECK_STR(buf_cstr(&b), "abc");
	CHECK(buf_printf(&b, "%d", 42) == 0);
	CHECK_STR(buf_cstr(&b), "abc42");
	check_invariants(&b);
	buf_free(&b);
}

struct pcase {
	const char	*name;
	size_t		 max;
	size_t		 prefix;	/* bytes appended first */
	size_t		 width;		/* printf("%*s") width */
	int		 rc;
};

static void
test_printf_table(void)
{
	static const struct pcase cases[] = {
	{ "short", 100, 0, 10, 0 },
	{ "511 bytes: fits the stack buffer", 1000, 0, 511, 0 },
	{ "512 bytes: first size on the heap path", 1000, 0, 512, 0 },
	{ "513 bytes", 1000, 0, 513, 0 },
	{ "600 bytes", 1000, 0, 600, 0 },
	{ "4000 bytes", 4096, 0, 4000, 0 },
	{ "heap path exactly at the cap", 600, 0, 600, 0 },
	{ "heap path one over the cap", 600, 0, 601, -1 },
	{ "stack path exactly at the cap", 100, 0, 100, 0 },
	{ "stack path one over the cap", 100, 0, 101, -1 },
	{ "after a prefix, exactly at the cap", 1000, 400, 600, 0 },
	{ "after a prefix, one over (heap path)", 1000, 400, 601, -1 },
	{ "after a prefix, one over (stack path)", 500, 400, 101, -1 },
	};
	static char	 pre[1024];
	struct buf	 b;
	size_t		 i, k;
	int		 rc, ok;

	memset(pre, 'p', sizeof(pre));
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct pcase *t = &cases[i];

		buf_init(&b, t->max);
		if (t->prefix > 0)
			CHECK(buf_append(&b, pre, t->prefix) == 0);
		/* "<width-1 spaces>Z": the last byte shows it was not cut. */
		rc = buf_printf(&b, "%*s", (int)t->width, "Z");
		if (rc != t->rc)
			fprintf(stderr, "case \"%s\": rc %d\n", t->name, rc);
		CHECK(rc == t->rc);
		check_invariants(&b);
		if (t->rc == 0) {
			CHECK(b.len == t->prefix + t->width);
			CHECK(b.full == 0);
			CHECK(b.data[b.len - 1] == 'Z');
			ok = 1;
			for (k = 0; k < t->prefix; k++)
				if (b.data[k] != 'p')
					ok = 0;
			for (k = t->prefix; k < b.len - 1; k++)
				if (b.data[k] != ' ')
					ok = 0;
			CHECK(ok);
		} else {
			/* The prefix is gone too: no half value. */
			CHECK(b.data == NULL && b.len == 0 && b.full == 1);
			CHECK_STR(buf_cstr(&b), "");
		}
		buf_free(&b);
	}

	/* Several printfs build one value. */
	buf_init(&b, 64);
	CHECK(buf_printf(&b, "%s=%d", "a", 1) == 0);
	CHECK(buf_printf(&b, "&%s=%s", "b", "two") == 0);
	CHECK(buf_printf(&b, "%s", "") == 0);
	CHECK_STR(buf_cstr(&b), "a=1&b=two");
	CHECK(b.len == 9);
	buf_free(&b);
}

/* State after a failure, and the flag's life. */
static void
test_after_failure(void)
{
	struct buf	 b;

	buf_init(&b, 8);
	CHECK(buf_puts(&b, "12345") == 0);
	CHECK(buf_puts(&b, "6789") == -1);
	CHECK(b.data == NULL);
	CHECK(b.len == 0);
	CHECK(b.cap == 0);
	CHECK(b.full == 1);
	CHECK(b.max == 8);		/* the cap stays */
	CHECK_STR(buf_cstr(&b), "");

	/* full stays set through later appends, so a caller can test it
	 * once at the end of a sequence. */
	CHECK(buf_puts(&b, "ab") == 0);
	CHECK(b.full == 1);
	CHECK_STR(buf_cstr(&b), "ab");

	/* buf_reset clears it. */
	buf_reset(&b);
	CHECK(b.full == 0);
	CHECK(b.len == 0);
	CHECK_STR(buf_cstr(&b), "");
	CHECK(buf_puts(&b, "12345678") == 0);
	CHECK_STR(buf_cstr(&b), "12345678");
	buf_free(&b);
}

static void
test_steal_reset_free(void)
{
	struct buf	 b;
	char		*p;
	size_t		 cap;

	/* Steal hands over the allocation and empties b. */
	buf_init(&b, 100);
	CHECK(buf_puts(&b, "hello") == 0);
	p = buf_steal(&b);
	CHECK(p != NULL);
	CHECK_STR(p, "hello");
	CHECK(b.data == NULL && b.len == 0 && b.cap == 0);
	CHECK(b.max == 100);
	CHECK_STR(buf_cstr(&b), "");
	/* b is usable again and independent of p. */
	CHECK(buf_puts(&b, "again") == 0);
	CHECK_STR(buf_cstr(&b), "again");
	CHECK_STR(p, "hello");
	free(p);
	buf_free(&b);

	/* Stealing an empty buffer gives an allocated "". */
	buf_init(&b, 10);
	p = buf_steal(&b);
	CHECK(p != NULL);
	CHECK(p != NULL && p[0] == '\0');
	free(p);

	/* Stealing after a failure gives "" too. */
	buf_init(&b, 2);
	CHECK(buf_puts(&b, "abc") == -1);
	p = buf_steal(&b);
	CHECK(p != NULL && p[0] == '\0');
	free(p);

	/* Reset keeps the allocation and the cap. */
	buf_init(&b, 1000);
	CHECK(buf_puts(&b, "some text") == 0);
	cap = b.cap;
	buf_reset(&b);
	CHECK(b.len == 0);
	CHECK(b.data != NULL && b.data[0] == '\0');
	CHECK(b.cap == cap);
	CHECK(b.max == 1000);
	CHECK_STR(buf_cstr(&b), "");
	CHECK(buf_puts(&b, "new") == 0);
	CHECK_STR(buf_cstr(&b), "new");
	buf_free(&b);

	/* Reset of a never-used buffer. */
	buf_init(&b, 5);
	buf_reset(&b);
	CHECK(b.data == NULL && b.len == 0);
	buf_free(&b);

	/* Free is idempotent and accepts an empty buffer. */
	buf_init(&b, 5);
	buf_free(&b);
	buf_free(&b);
	CHECK(b.data == NULL && b.len == 0 && b.cap == 0);
	CHECK(buf_puts(&b, "ok") == 0);	/* still usable: max kept */
	CHECK_STR(buf_cstr(&b), "ok");
	buf_free(&b);
	buf_free(&b);
	CHECK(b.data == NULL);

	/* buf_init forgets a previous full flag. */
	buf_init(&b, 1);
	CHECK(buf_puts(&b, "xx") == -1);
	buf_init(&b, 1);
	CHECK(b.full == 0 && b.data == NULL);
}

int
main(void)
{
	test_append_table();
	test_content();
	test_size_max();
	test_printf_table();
	test_after_failure();
	test_steal_reset_free();
	return unit_done();
}
