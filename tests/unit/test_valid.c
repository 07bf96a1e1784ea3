/*
 * test_valid.c: unit tests for lib/valid.c (the field validators).
 *
 * One table per validator, each row an input and the verdict.  The
 * UTF-8 rows spell their bytes in hex so the reader sees exactly what
 * is tested: overlong forms, surrogates, code points past U+10FFFF,
 * truncated sequences, C1 controls and the two line separators.
 */
#include <stdio.h>
#include <string.h>

#include "compat.h"
#include "valid.h"
#include "vlimits.h"

#include "unit.h"

struct vcase {
	const char	*in;
	int		 ok;
};

static void
test_id(void)
{
	static const struct vcase cases[] = {
	{ "a", 1 },
	{ "abc-DEF_123", 1 },
	{ "-", 1 },
	{ "_", 1 },
	{ "0", 1 },
	{ "", 0 },
	{ "a b", 0 },
	{ " a", 0 },
	{ "a ", 0 },
	{ "a/b", 0 },
	{ "a.b", 0 },
	{ "../x", 0 },
	{ "a%20", 0 },
	{ "a\"b", 0 },
	{ "a'b", 0 },
	{ "a\nb", 0 },
	{ "a\tb", 0 },
	{ "a=b", 0 },
	{ "a+b", 0 },
	{ "a;b", 0 },
	{ "\xc3\xa9", 0 },		/* é */
	{ "caf\xc3\xa9", 0 },
	{ "\xef\xbc\xa1", 0 },		/* fullwidth A */
	{ "\x7f", 0 },
	};
	char	 s[LIM_ID + 2];
	size_t	 i;
	int	 got;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		got = valid_id(cases[i].in);
		if (got != cases[i].ok)
			fprintf(stderr, "valid_id row %zu: got %d\n", i, got);
		CHECK(got == cases[i].ok);
	}
	CHECK(valid_id(NULL) == 0);

	/* Exactly LIM_ID characters, then one more. */
	memset(s, 'a', LIM_ID);
	s[LIM_ID] = '\0';
	CHECK(valid_id(s) == 1);
	s[LIM_ID] = 'a';
	s[LIM_ID + 1] = '\0';
	CHECK(valid_id(s) == 0);
	/* A bad character in the last allowed position. */
	s[LIM_ID - 1] = '.';
	s[LIM_ID] = '\0';
	CHECK(valid_id(s) == 0);
}

struct tcase {
	const char	*name;
	const char	*in;
	size_t		 max;
	int		 ok;
};

static void
test_text(void)
{
	static const struct tcase cases[] = {
	{ "plain", "Service for Ann", 200, 1 },
	{ "one char", "x", 1, 1 },
	{ "exactly max bytes", "abcde", 5, 1 },
	{ "one byte over max", "abcdef", 5, 0 },
	{ "max counts bytes, not characters", "\xc3\xa9\xc3\xa9", 3, 0 },
	{ "two 2-byte chars in 4 bytes", "\xc3\xa9\xc3\xa9", 4, 1 },
	{ "empty", "", 200, 0 },
	{ "only a space", " ", 200, 0 },
	{ "only spaces", "     ", 200, 0 },
	{ "spaces around text", "  a  ", 200, 1 },
	{ "inner spaces", "a b c", 200, 1 },
	{ "punctuation", "O'Brien & \"Sons\" <b> {}", 200, 1 },
	{ "tab", "a\tb", 200, 0 },
	{ "newline", "a\nb", 200, 0 },
	{ "carriage return", "a\rb", 200, 0 },
	{ "escape", "a\x1b[31m", 200, 0 },
	{ "0x01", "\x01", 200, 0 },
	{ "0x1f", "a\x1f", 200, 0 },
	{ "DEL", "a\x7f", 200, 0 },
	/* Valid UTF-8. */
	{ "U+00E9 (2 bytes)", "caf\xc3\xa9", 200, 1 },
	{ "U+0080 would be C1, U+00A0 is fine", "\xc2\xa0x", 200, 1 },
	{ "U+07FF (last 2-byte)", "\xdf\xbf", 200, 1 },
	{ "U+0800 (first 3-byte)", "\xe0\xa0\x80", 200, 1 },
	{ "U+20AC euro", "\xe2\x82\xac", 200, 1 },
	{ "U+D7FF (before surrogates)", "\xed\x9f\xbf", 200, 1 },
	{ "U+E000 (after surrogates)", "\xee\x80\x80", 200, 1 },
	{ "U+FFFD", "\xef\xbf\xbd", 200, 1 },
	{ "U+10000 (first 4-byte)", "\xf0\x90\x80\x80", 200, 1 },
	{ "U+1F56F candle", "\xf0\x9f\x95\xaf", 200, 1 },
	{ "U+10FFFF (last)", "\xf4\x8f\xbf\xbf", 200, 1 },
	{ "CJK", "\xe8\xbf\xbd\xe6\x82\xbc", 200, 1 },
	{ "U+2027 (next to LS)", "\xe2\x80\xa7", 200, 1 },
	{ "U+202A (next to PS)", "\xe2\x80\xaa", 200, 1 },
	/* Overlong forms. */
	{ "overlong '/' in 2 bytes", "\xc0\xaf", 200, 0 },
	{ "overlong NUL in 2 bytes", "\xc0\x80", 200, 0 },
	{ "overlong U+007F in 2 bytes", "\xc1\xbf", 200, 0 },
	{ "overlong '/' in 3 bytes", "\xe0\x80\xaf", 200, 0 },
	{ "overlong U+07FF in 3 bytes", "\xe0\x9f\xbf", 200, 0 },
	{ "overlong '/' in 4 bytes", "\xf0\x80\x80\xaf", 200, 0 },
	{ "overlong U+FFFF in 4 bytes", "\xf0\x8f\xbf\xbf", 200, 0 },
	/* Surrogates. */
	{ "U+D800", "\xed\xa0\x80", 200, 0 },
	{ "U+DBFF", "\xed\xaf\xbf", 200, 0 },
	{ "U+DC00", "\xed\xb0\x80", 200, 0 },
	{ "U+DFFF", "\xed\xbf\xbf", 200, 0 },
	{ "CESU pair for U+1F600", "\xed\xa0\xbd\xed\xb8\x80", 200, 0 },
	/* Beyond Unicode and bad lead bytes. */
	{ "U+110000", "\xf4\x90\x80\x80", 200, 0 },
	{ "lead 0xf5", "\xf5\x80\x80\x80", 200, 0 },
	{ "lead 0xf8 (5-byte form)", "\xf8\x88\x80\x80\x80", 200, 0 },
	{ "lead 0xfc (6-byte form)", "\xfc\x84\x80\x80\x80\x80", 200, 0 },
	{ "0xfe", "\xfe", 200, 0 },
	{ "0xff", "\xff", 200, 0 },
	{ "lone continuation 0x80", "a\x80", 200, 0 },
	{ "lone continuation 0xbf", "\xbf" "a", 200, 0 },
	{ "Latin-1 e-acute", "caf\xe9", 200, 0 },
	/* Truncated sequences. */
	{ "2-byte cut at the end", "a\xc3", 200, 0 },
	{ "3-byte cut after 2", "a\xe2\x82", 200, 0 },
	{ "3-byte cut after 1", "a\xe2", 200, 0 },
	{ "4-byte cut after 3", "\xf0\x9f\x95", 200, 0 },
	{ "continuation replaced by ASCII", "\xe2\x82z", 200, 0 },
	{ "continuation replaced by a lead", "\xe2\xc3\xa9", 200, 0 },
	/* C1 controls. */
	{ "U+0080", "\xc2\x80", 200, 0 },
	{ "U+0085 NEL", "a\xc2\x85" "b", 200, 0 },
	{ "U+009B CSI", "\xc2\x9b" "31m", 200, 0 },
	{ "U+009F", "\xc2\x9f", 200, 0 },
	/* Line and paragraph separators. */
	{ "U+2028 LS", "a\xe2\x80\xa8" "b", 200, 0 },
	{ "U+2029 PS", "a\xe2\x80\xa9" "b", 200, 0 },
	{ "LS alone", "\xe2\x80\xa8", 200, 0 },
	/* Spaces and one bad byte far in. */
	{ "space then C1", " \xc2\x85", 200, 0 },
	{ "bad byte at the end of long text",
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\xff", 200, 0 },
	};
	char	 big[LIM_TITLE + 2];
	size_t	 i;
	int	 got;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct tcase *t = &cases[i];

		got = valid_text(t->in, t->max);
		if (got != t->ok)
			fprintf(stderr, "valid_text \"%s\": got %d\n", t->name,
			    got);
		CHECK(got == t->ok);
	}
	CHECK(valid_text(NULL, 200) == 0);
	CHECK(valid_text("a", 0) == 0);

	/* LIM_TITLE bytes of text, then one more. */
	memset(big, 'x', LIM_TITLE);
	big[LIM_TITLE] = '\0';
	CHECK(valid_text(big, LIM_TITLE) == 1);
	big[LIM_TITLE] = 'x';
	big[LIM_TITLE + 1] = '\0';
	CHECK(valid_text(big, LIM_TITLE) == 0);
	/* LIM_TITLE spaces are still only spaces. */
	memset(big, ' ', LIM_TITLE);
	big[LIM_TITLE] = '\0';
	CHECK(valid_text(big, LIM_TITLE) == 0);
}

static void
test_datetime(void)
{
	static const struct vcase cases[] = {
	{ "2026-05-01T12:00:00Z", 1 },
	{ "2026-05-01t12:00:00z", 1 },
	{ "2026-05-01T12:00:00+02:00", 1 },
	{ "2026-05-01T12:00:00-05:30", 1 },
	{ "2026-05-01T12:00:00.5Z", 1 },
	{ "2026-05-01T12:00:00.123Z", 1 },
	{ "2026-05-01T12:00:00.123456789+01:00", 1 },
	{ "2026-01-01T00:00:00Z", 1 },
	{ "2026-12-31T23:59:59Z", 1 },
	{ "2026-06-30T23:59:60Z", 1 },		/* leap second */
	{ "0000-01-01T00:00:00Z", 1 },
	{ "", 0 },
	{ "2026-05-01", 0 },
	{ "2026-05-01T12:00:00", 0 },		/* no zone */
	{ "2026-05-01 12:00:00Z", 0 },		/* space, not T */
	{ "2026-05-01T12:00Z", 0 },		/* no seconds */
	{ "2026-5-01T12:00:00Z", 0 },
	{ "26-05-01T12:00:00Z", 0 },
	{ "2026/05/01T12:00:00Z", 0 },
	{ "2026-00-01T12:00:00Z", 0 },
	{ "2026-13-01T12:00:00Z", 0 },
	{ "2026-05-00T12:00:00Z", 0 },
	{ "2026-05-32T12:00:00Z", 0 },
	{ "2026-05-01T24:00:00Z", 0 },
	{ "2026-05-01T12:60:00Z", 0 },
	{ "2026-05-01T12:00:61Z", 0 },
	{ "2026-05-01T12:00:00.Z", 0 },		/* empty fraction */
	{ "2026-05-01T12:00:00,5Z", 0 },
	{ "2026-05-01T12:00:00ZZ", 0 },
	{ "2026-05-01T12:00:00Z ", 0 },
	{ " 2026-05-01T12:00:00Z", 0 },
	{ "2026-05-01T12:00:00+0200", 0 },
	{ "2026-05-01T12:00:00+02", 0 },
	{ "2026-05-01T12:00:00+02:00Z", 0 },
	{ "2026-05-01T12:00:00+2:00", 0 },
	{ "2026-05-01T12:00:00+02:0", 0 },
	{ "2026-05-01T12:00:00+02:00:00", 0 },
	{ "2026-05-01T12:00:00 +02:00", 0 },
	{ "abcd-ef-ghTij:kl:mnZ", 0 },
	{ "2026-05-01T1a:00:00Z", 0 },
	{ "2026-05-01T12:00:00\nZ", 0 },
	{ "2026-05-01T12:00:00.1234567890123456Z", 0 },	/* over 35 */
	{ "2026-05-01T12:00:00.\xc3\xa9Z", 0 },
	};
	size_t	 i;
	int	 got;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		got = valid_datetime(cases[i].in);
		if (got != cases[i].ok)
			fprintf(stderr, "valid_datetime \"%s\": got %d\n",
			    cases[i].in, got);
		CHECK(got == cases[i].ok);
	}
	CHECK(valid_datetime(NULL) == 0);
}

static void
test_token(void)
{
	static const struct tcase cases[] = {
	{ "uuid", "8f14e45f-ceea-467f-a0e0-3a9d1b2c3d4e", 128, 1 },
	{ "printable ASCII", "!#$%&'*+-.^_`|~:;<>=?@[]{}()/\\\"", 128, 1 },
	{ "one char", "a", 1, 1 },
	{ "exactly max", "abcd", 4, 1 },
	{ "one over max", "abcde", 4, 0 },
	{ "empty", "", 128, 0 },
	{ "space", "a b", 128, 0 },
	{ "leading space", " a", 128, 0 },
	{ "tab", "a\tb", 128, 0 },
	{ "newline", "a\n", 128, 0 },
	{ "CR", "a\r", 128, 0 },
	{ "DEL", "a\x7f", 128, 0 },
	{ "0x01", "\x01", 128, 0 },
	{ "UTF-8", "caf\xc3\xa9", 128, 0 },
	{ "0x80", "\x80", 128, 0 },
	{ "0xff", "\xff", 128, 0 },
	};
	size_t	 i;
	int	 got;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct tcase *t = &cases[i];

		got = valid_token(t->in, t->max);
		if (got != t->ok)
			fprintf(stderr, "valid_token \"%s\": got %d\n",
			    t->name, got);
		CHECK(got == t->ok);
	}
	CHECK(valid_token(NULL, 128) == 0);
	CHECK(valid_token("a", 0) == 0);
}

/* strtonum(3) as OpenBSD's, but no leading white space or '+'. */
static void
test_strtonum(void)
{
	static const struct {
		const char	*s;
		long long	 min, max, want;
		int		 ok;
	} cases[] = {
	{ "0", 0, 10, 0, 1 },
	{ "10", 0, 10, 10, 1 },
	{ "11", 0, 10, 0, 0 },
	{ "-1", -5, 10, -1, 1 },
	{ "-6", -5, 10, 0, 0 },
	{ "-0", -5, 10, 0, 1 },
	{ "9223372036854775807", 0, 9223372036854775807LL,
	    9223372036854775807LL, 1 },
	{ "9223372036854775808", 0, 9223372036854775807LL, 0, 0 },
	{ "", 0, 10, 0, 0 },
	{ "-", 0, 10, 0, 0 },
	{ "+5", 0, 10, 0, 0 },
	{ " 5", 0, 10, 0, 0 },
	{ "\t5", 0, 10, 0, 0 },
	{ "\n5", 0, 10, 0, 0 },
	{ "\v5", 0, 10, 0, 0 },
	{ "\f5", 0, 10, 0, 0 },
	{ "\r5", 0, 10, 0, 0 },
	{ "- 5", -10, 10, 0, 0 },
	{ "5 ", 0, 10, 0, 0 },
	{ "5x", 0, 10, 0, 0 },
	{ "0x5", 0, 10, 0, 0 },
	{ "5", 10, 0, 0, 0 },		/* min > max */
	};
	const char	*errstr;
	long long	 v;
	size_t		 i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		v = strtonum(cases[i].s, cases[i].min, cases[i].max, &errstr);
		if ((errstr == NULL) != cases[i].ok || v != cases[i].want)
			fprintf(stderr, "strtonum case %zu: %lld %s\n", i, v,
			    errstr != NULL ? errstr : "ok");
		CHECK((errstr == NULL) == cases[i].ok);
		CHECK(v == cases[i].want);
	}
	CHECK(strtonum(NULL, 0, 1, &errstr) == 0 && errstr != NULL);
}

int
main(void)
{
	test_strtonum();
	test_id();
	test_text();
	test_datetime();
	test_token();
	return unit_done();
}
