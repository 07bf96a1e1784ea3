/*
 * unit.h: a tiny table-friendly test harness.  Each test program ends
 * with one line "N passed, N failed" and exits non-zero on failure.
 */
#ifndef HEADER_VIGIL_UNIT_H
#define HEADER_VIGIL_UNIT_H

#include <stdio.h>
#include <string.h>

static int unit_passed, unit_failed;

#define CHECK(cond) do {						\
	if (cond)							\
		unit_passed++;						\
	else {								\
		unit_failed++;						\
		fprintf(stderr, "%s:%d: FAIL: %s\n", __FILE__,		\
		    __LINE__, #cond);					\
	}								\
} while (0)

#define CHECK_STR(a, b) do {						\
	const char *unit_a_ = (a), *unit_b_ = (b);			\
	if (unit_a_ != NULL && unit_b_ != NULL &&			\
	    strcmp(unit_a_, unit_b_) == 0)				\
		unit_passed++;						\
	else {								\
		unit_failed++;						\
		fprintf(stderr, "%s:%d: FAIL: %s == %s (\"%s\" vs "	\
		    "\"%s\")\n", __FILE__, __LINE__, #a, #b,		\
		    unit_a_ ? unit_a_ : "(null)",			\
		    unit_b_ ? unit_b_ : "(null)");			\
	}								\
} while (0)

/* Call last in main: prints the summary and gives the exit status. */
static int
unit_done(void)
{
	printf("%d passed, %d failed\n", unit_passed, unit_failed);
	return unit_failed == 0 ? 0 : 1;
}

#endif /* HEADER_VIGIL_UNIT_H */
