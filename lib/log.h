/*
 * log.h: one escaped line per event on stderr (nginx, systemd and the
 * local runner collect it).  Never pass secrets, cookies, tokens,
 * signature headers or whole bodies: log ids, sizes, statuses, times.
 */
#ifndef HEADER_VIGIL_LOG_H
#define HEADER_VIGIL_LOG_H

enum log_level {
	LOG_LVL_WARN = 0,
	LOG_LVL_INFO,
	LOG_LVL_DEBUG,
	LOG_LVL__MAX
};

/* Name the program and the verbosity once, in main. */
void	log_init(const char *prog, enum log_level lvl);

/* The current request's remote address and id (NULL to clear). */
void	log_request(const char *remote, const char *reqid);

/* log_warn appends strerror(errno); the others do not. */
void	log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	log_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Parse "warn", "info" or "debug"; -1 if none of those. */
int	log_level_parse(const char *s);

#endif /* HEADER_VIGIL_LOG_H */
