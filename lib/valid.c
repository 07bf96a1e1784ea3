/*
 * valid.c: field validators.  Input that fails one of these is refused
 * with a 400 that never echoes the value.
 */
#include <ctype.h>
#include <string.h>

#include "vlimits.h"
#include "valid.h"

int
valid_id(const char *s)
{
	size_t	 n = 0;

	if (s == NULL)
		return 0;
	for (; s[n] != '\0'; n++) {
		if (n >= LIM_ID)
			return 0;
		if (!isalnum((unsigned char)s[n]) && s[n] != '_' &&
		    s[n] != '-')
			return 0;
	}
	return n > 0;
}

/* Length of the UTF-8 sequence at p, or 0 when it is malformed. */
static size_t
utf8_len(const unsigned char *p)
{
	unsigned int	 cp;
	size_t		 n, i;

	if (p[0] < 0x80)
		return 1;
	if ((p[0] & 0xe0) == 0xc0) {
		n = 2;
		cp = p[0] & 0x1f;
	} else if ((p[0] & 0xf0) == 0xe0) {
		n = 3;
		cp = p[0] & 0x0f;
	} else if ((p[0] & 0xf8) == 0xf0) {
		n = 4;
		cp = p[0] & 0x07;
	} else
		return 0;
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	/* Overlong forms, surrogates, beyond Unicode. */
	if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) ||
	    (n == 4 && cp < 0x10000) || cp > 0x10ffff ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	/* C1 controls and the line/paragraph separators. */
	if ((cp >= 0x80 && cp <= 0x9f) || cp == 0x2028 || cp == 0x2029)
		return 0;
	return n;
}

int
valid_text(const char *s, size_t max)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 len, n;
	int			 visible = 0;

	if (s == NULL || (len = strlen(s)) == 0 || len > max)
		return 0;
	while (*p != '\0') {
		if (*p < 0x20 || *p == 0x7f)
			return 0;
		if ((n = utf8_len(p)) == 0)
			return 0;
		if (*p != ' ')
			visible = 1;
		p += n;
	}
	return visible;
}

static int
digits(const char *s, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return 0;
	return 1;
}

int
valid_datetime(const char *s)
{
	size_t	 i;

	/* YYYY-MM-DDTHH:MM:SS */
	if (s == NULL || strlen(s) < 20 || strlen(s) > 35)
		return 0;
	if (!digits(s, 4) || s[4] != '-' || !digits(s + 5, 2) ||
	    s[7] != '-' || !digits(s + 8, 2) || (s[10] != 'T' &&
	    s[10] != 't') || !digits(s + 11, 2) || s[13] != ':' ||
	    !digits(s + 14, 2) || s[16] != ':' || !digits(s + 17, 2))
		return 0;
	if ((s[5] - '0') * 10 + (s[6] - '0') < 1 ||
	    (s[5] - '0') * 10 + (s[6] - '0') > 12 ||
	    (s[8] - '0') * 10 + (s[9] - '0') < 1 ||
	    (s[8] - '0') * 10 + (s[9] - '0') > 31 ||
	    (s[11] - '0') * 10 + (s[12] - '0') > 23 ||
	    (s[14] - '0') * 10 + (s[15] - '0') > 59 ||
	    (s[17] - '0') * 10 + (s[18] - '0') > 60)
		return 0;
	i = 19;
	if (s[i] == '.') {
		for (i++; isdigit((unsigned char)s[i]); i++)
			;
		if (i == 20)
			return 0;
	}
	if ((s[i] == 'Z' || s[i] == 'z') && s[i + 1] == '\0')
		return 1;
	if ((s[i] == '+' || s[i] == '-') && digits(s + i + 1, 2) &&
	    s[i + 3] == ':' && digits(s + i + 4, 2) && s[i + 6] == '\0')
		return 1;
	return 0;
}

int
valid_token(const char *s, size_t max)
{
	size_t	 n;

	if (s == NULL)
		return 0;
	for (n = 0; s[n] != '\0'; n++)
		if (n >= max || s[n] <= 0x20 || s[n] >= 0x7f)
			return 0;
	return n > 0;
}
