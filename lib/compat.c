/*
 * compat.c: strtonum(3) and strlcpy(3) for glibc.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "compat.h"

long long
strtonum(const char *s, long long minval, long long maxval,
    const char **errstr)
{
	long long	 ll;
	char		*ep;
	int		 saved = errno;

	*errstr = NULL;
	if (minval > maxval || s == NULL || *s == '\0') {
		*errstr = "invalid";
		return 0;
	}
	/*
	 * Digits, optionally after one '-': strtoll(3) would also skip
	 * leading white space of any kind and take a '+'.
	 */
	if (!isdigit((unsigned char)s[s[0] == '-']))  {
		*errstr = "invalid";
		return 0;
	}
	errno = 0;
	ll = strtoll(s, &ep, 10);
	if (*ep != '\0' || ep == s) {
		*errstr = "invalid";
		ll = 0;
	} else if ((ll == LLONG_MIN && errno == ERANGE) || ll < minval) {
		*errstr = "too small";
		ll = 0;
	} else if ((ll == LLONG_MAX && errno == ERANGE) || ll > maxval) {
		*errstr = "too large";
		ll = 0;
	}
	errno = saved;
	return ll;
}

size_t
strlcpy(char *dst, const char *src, size_t dsize)
{
	size_t	 n = strlen(src);

	if (dsize > 0) {
		size_t	 c = n < dsize - 1 ? n : dsize - 1;

		memcpy(dst, src, c);
		dst[c] = '\0';
	}
	return n;
}
