/*
 * buf.h: a growable byte buffer with a hard cap (after curl's dynbuf).
 */
#ifndef HEADER_VIGIL_BUF_H
#define HEADER_VIGIL_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
	char	*data;	/* always NUL-terminated when non-NULL */
	size_t	 len;	/* bytes held, without the NUL */
	size_t	 cap;	/* bytes allocated */
	size_t	 max;	/* the most len may ever be */
	int	 full;	/* set once an append hit max */
};

/* Prepare an empty buffer that will never hold more than max bytes. */
void	 buf_init(struct buf *b, size_t max);

/*
 * Append len bytes.  Returns 0, or -1 when the cap would be passed or
 * memory runs out; then the buffer is freed (and b->full set on the cap),
 * so a caller cannot go on with half a value.
 */
int	 buf_append(struct buf *b, const void *p, size_t len);
int	 buf_puts(struct buf *b, const char *s);
int	 buf_printf(struct buf *b, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

/* The contents as a C string; "" for an empty buffer.  Owned by b. */
const char *buf_cstr(const struct buf *b);

/* Hand the allocation to the caller (free(3) it); b becomes empty. */
char	*buf_steal(struct buf *b);

/* Empty the buffer, keeping the cap. */
void	 buf_reset(struct buf *b);

/* Free the contents; b may be reused after buf_init(). Accepts empty. */
void	 buf_free(struct buf *b);

#endif /* HEADER_VIGIL_BUF_H */
