/*
 * valid.h: one validator per kind of field (kcaldav's kvalid_*).  Each
 * returns 1 when the value is acceptable, 0 otherwise.
 */
#ifndef HEADER_VIGIL_VALID_H
#define HEADER_VIGIL_VALID_H

#include <stddef.h>

/* [A-Za-z0-9_-]{1,LIM_ID}: stream, memorial, user and provider ids. */
int	valid_id(const char *s);

/*
 * Human text of 1..max bytes: valid UTF-8, no control characters (so it
 * cannot break a log line or a header), not only spaces.
 */
int	valid_text(const char *s, size_t max);

/* An ISO-8601/RFC 3339 date-time like 2026-05-01T12:00:00Z or +02:00. */
int	valid_datetime(const char *s);

/* Printable ASCII without spaces, 1..max: header tokens and keys. */
int	valid_token(const char *s, size_t max);

#endif /* HEADER_VIGIL_VALID_H */
