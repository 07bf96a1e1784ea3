/*
 * log.c: logging for every Vigil program.
 *
 * Line format, after kcgi's logging.c:
 *   remote reqid [UTC date] LEVEL prog: message[: strerror]
 * Everything but our own literal text is escaped, so a client cannot
 * forge a log line with a newline in a header or an id.  One fprintf per
 * line keeps lines whole when several processes share one stderr.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "log.h"

static const char *const levels[LOG_LVL__MAX] = {
	"WARN",		/* LOG_LVL_WARN */
	"INFO",		/* LOG_LVL_INFO */
	"DEBUG",	/* LOG_LVL_DEBUG */
};

static const char *const level_names[LOG_LVL__MAX] = {
	"warn",		/* LOG_LVL_WARN */
	"info",		/* LOG_LVL_INFO */
	"debug",	/* LOG_LVL_DEBUG */
};

static char		log_prog[32] = "vigil";
static enum log_level	log_lvl = LOG_LVL_INFO;
static __thread char	log_remote[64] = "-";
static __thread char	log_reqid[40] = "-";

/* Copy s into dst, escaping control and non-ASCII bytes. */
static void
log_escape(char *dst, size_t dsz, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	size_t		 i = 0;
	unsigned char	 c;

	for (; *s != '\0' && i + 5 < dsz; s++) {
		c = (unsigned char)*s;
		if (c == '\n') {
			dst[i++] = '\\';
			dst[i++] = 'n';
		} else if (c == '\r') {
			dst[i++] = '\\';
			dst[i++] = 'r';
		} else if (c == '\t') {
			dst[i++] = '\\';
			dst[i++] = 't';
		} else if (c < 0x20 || c >= 0x7f || c == '\\') {
			dst[i++] = '\\';
			dst[i++] = 'x';
			dst[i++] = hex[c >> 4];
			dst[i++] = hex[c & 0xf];
		} else
			dst[i++] = (char)c;
	}
	dst[i] = '\0';
}

void
log_init(const char *prog, enum log_level lvl)
{
	const char	*p;

	if ((p = strrchr(prog, '/')) != NULL)
		prog = p + 1;
	log_escape(log_prog, sizeof(log_prog), prog);
	log_lvl = lvl;
}

void
log_request(const char *remote, const char *reqid)
{
	log_escape(log_remote, sizeof(log_remote),
	    remote != NULL && *remote != '\0' ? remote : "-");
	log_escape(log_reqid, sizeof(log_reqid),
	    reqid != NULL && *reqid != '\0' ? reqid : "-");
}

static void
log_emit(enum log_level lvl, int with_errno, const char *fmt, va_list ap)
{
	char		 msg[1024], esc[2048], date[32];
	struct tm	 tm;
	time_t		 now;
	int		 saved = errno;

	if (lvl > log_lvl)
		return;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	log_escape(esc, sizeof(esc), msg);
	now = time(NULL);
	gmtime_r(&now, &tm);
	strftime(date, sizeof(date), "%d/%b/%Y:%H:%M:%S +0000", &tm);
	if (with_errno)
		fprintf(stderr, "%s %s [%s] %s %s: %s: %s\n", log_remote,
		    log_reqid, date, levels[lvl], log_prog, esc,
		    strerror(saved));
	else
		fprintf(stderr, "%s %s [%s] %s %s: %s\n", log_remote,
		    log_reqid, date, levels[lvl], log_prog, esc);
	fflush(stderr);
	errno = saved;
}

void
log_warn(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	log_emit(LOG_LVL_WARN, 1, fmt, ap);
	va_end(ap);
}

void
log_warnx(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	log_emit(LOG_LVL_WARN, 0, fmt, ap);
	va_end(ap);
}

void
log_info(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	log_emit(LOG_LVL_INFO, 0, fmt, ap);
	va_end(ap);
}

void
log_debug(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	log_emit(LOG_LVL_DEBUG, 0, fmt, ap);
	va_end(ap);
}

int
log_level_parse(const char *s)
{
	int	 i;

	for (i = 0; i < LOG_LVL__MAX; i++)
		if (strcmp(s, level_names[i]) == 0)
			return i;
	return -1;
}
