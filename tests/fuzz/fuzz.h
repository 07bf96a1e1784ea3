/*
 * fuzz.h: what every fuzz target in tests/fuzz/ shares.
 *
 * Each fuzz_*.c defines the two libFuzzer entry points below.  They are
 * linked either with libFuzzer (make fuzz, clang) or with replay.c
 * (make fuzz-replay, any compiler), which runs every corpus file once.
 */
#ifndef HEADER_VIGIL_FUZZ_H
#define HEADER_VIGIL_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int	LLVMFuzzerInitialize(int *argc, char ***argv);
int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * The parsers log a warning for most refused inputs; at thousands of
 * inputs a second that is all the fuzzer would do.  Point the stdio
 * stream log.c writes to at /dev/null, unless VIGIL_FUZZ_LOG is set.
 * Sanitizer reports write to descriptor 2 and libFuzzer keeps its own
 * copy of the original stream, so crashes are still reported.
 */
static inline void
fuzz_quiet(void)
{
	FILE	*f;

	if (getenv("VIGIL_FUZZ_LOG") != NULL)
		return;
	if ((f = fopen("/dev/null", "w")) != NULL)
		stderr = f;
}

/*
 * The next line of [*p, end) as a new string (free(3) it); NULL when
 * there is none.  *p moves past the newline, to NULL after the last line.
 */
static inline char *
fuzz_line(const uint8_t **p, const uint8_t *end)
{
	const uint8_t	*nl;
	char		*s;
	size_t		 n;

	if (*p == NULL || *p > end)
		return NULL;
	nl = memchr(*p, '\n', (size_t)(end - *p));
	n = (size_t)((nl != NULL ? nl : end) - *p);
	if ((s = malloc(n + 1)) == NULL)
		return NULL;
	memcpy(s, *p, n);
	s[n] = '\0';
	*p = nl != NULL ? nl + 1 : NULL;
	return s;
}

/* An invariant the code under test must keep: crash loudly if not. */
#define FUZZ_ASSERT(c) do {						\
	if (!(c)) {							\
		fprintf(stdout, "%s:%d: invariant failed: %s\n",	\
		    __FILE__, __LINE__, #c);				\
		fflush(stdout);						\
		abort();						\
	}								\
} while (0)

#endif /* HEADER_VIGIL_FUZZ_H */
