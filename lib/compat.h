/*
 * compat.h: BSD functions glibc 2.36 lacks (kcgi/slowcgi "compats").
 */
#ifndef HEADER_VIGIL_COMPAT_H
#define HEADER_VIGIL_COMPAT_H

#include <stddef.h>

/*
 * OpenBSD strtonum(3): parse a decimal in [minval, maxval]; on error
 * returns 0 and points *errstr at "invalid", "too small" or "too large".
 */
long long	 strtonum(const char *s, long long minval, long long maxval,
		    const char **errstr);

/* OpenBSD strlcpy(3): returns strlen(src); >= dsize means truncated. */
size_t		 strlcpy(char *dst, const char *src, size_t dsize);

#endif /* HEADER_VIGIL_COMPAT_H */
