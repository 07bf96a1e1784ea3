/*
 * buf.c: a growable byte buffer with a hard cap.
 *
 * This is the only place that does growth arithmetic on sizes: every
 * body we read, every provider reply and every string we build goes
 * through it, so "how much can a caller make us allocate" has one answer.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

void
buf_init(struct buf *b, size_t max)
{
	memset(b, 0, sizeof(*b));
	b->max = max;
}

int
buf_append(struct buf *b, const void *p, size_t len)
{
	size_t	 need, ncap;
	char	*np;

	if (len > b->max || b->len > b->max - len) {
		buf_free(b);
		b->full = 1;
		return -1;
	}
	need = b->len + len + 1;
	if (need > b->cap) {
		ncap = b->cap ? b->cap : 256;
		while (ncap < need)
			ncap = ncap > ((size_t)-1) / 2 ? need : ncap * 2;
		/* ncap - 1, not max + 1: that wraps to 0 for SIZE_MAX. */
		if (ncap - 1 > b->max)
			ncap = b->max + 1;
		if ((np = realloc(b->data, ncap)) == NULL) {
			buf_free(b);
			return -1;
		}
		b->data = np;
		b->cap = ncap;
	}
	if (len > 0)
		memcpy(b->data + b->len, p, len);
	b->len += len;
	b->data[b->len] = '\0';
	return 0;
}

int
buf_puts(struct buf *b, const char *s)
{
	return buf_append(b, s, strlen(s));
}

int
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list	 ap;
	char	 small[512], *big = NULL;
	int	 n, rc;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		return -1;
	if ((size_t)n < sizeof(small))
		return buf_append(b, small, (size_t)n);
	if ((size_t)n > b->max) {
		buf_free(b);
		b->full = 1;
		return -1;
	}
	if ((big = malloc((size_t)n + 1)) == NULL) {
		buf_free(b);
		return -1;
	}
	va_start(ap, fmt);
	vsnprintf(big, (size_t)n + 1, fmt, ap);
	va_end(ap);
	rc = buf_append(b, big, (size_t)n);
	free(big);
	return rc;
}

const char *
buf_cstr(const struct buf *b)
{
	return b->data != NULL ? b->data : "";
}

char *
buf_steal(struct buf *b)
{
	char	*p = b->data;

	if (p == NULL)
		p = strdup("");
	b->data = NULL;
	b->len = b->cap = 0;
	return p;
}

void
buf_reset(struct buf *b)
{
	b->len = 0;
	b->full = 0;
	if (b->data != NULL)
		b->data[0] = '\0';
}

void
buf_free(struct buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}
