/*
 * app.h: what every FastCGI program shares: start-up (config, schema
 * check, logging), per-worker handles, and small reply helpers, so each
 * cgi-bin/ file is only its front-line checks and its logic.
 */
#ifndef HEADER_VIGIL_APP_H
#define HEADER_VIGIL_APP_H

#include "auth.h"
#include "conf.h"
#include "db.h"

struct req;
struct rest;

#define APP_DB		0x01	/* open the database read-write */
#define APP_DB_RDONLY	0x02	/* open it read-only */
#define APP_REST	0x04	/* outbound provider calls */
#define APP_JWT		0x08	/* verifies or mints sessions */

struct app {
	const char	*name;
	unsigned int	 flags;
	struct conf	 conf;
	struct db	*db;		/* per worker */
	struct rest	*rest;		/* per worker */
	void		 (*handle)(struct req *r, struct app *a);
	/* Optional per-worker hooks (app_main_hooks); NULL otherwise. */
	int		 (*init)(struct app *a);
	void		 (*fini)(struct app *a);
	void		*priv;		/* the program's own per-worker state */
};

/*
 * Load config (fail fast), check the schema, then serve with handle.
 * Returns main's exit status.
 */
int		 app_main(int argc, char *argv[], const char *name,
		    unsigned int flags,
		    void (*handle)(struct req *r, struct app *a));

/*
 * app_main with per-worker hooks: init runs in each worker after its
 * handles are open (after fork: threads may be started there), fini
 * when the worker stops (SIGTERM included), before the handles close.
 * A failing init stops the worker.  Either hook may be NULL.
 */
int		 app_main_hooks(int argc, char *argv[], const char *name,
		    unsigned int flags,
		    void (*handle)(struct req *r, struct app *a),
		    int (*init)(struct app *a), void (*fini)(struct app *a));

/* Wall-clock time in seconds and in milliseconds. */
long long	 app_now(void);
long long	 app_now_ms(void);

/* Reply 503 for DB_BUSY, 404 for DB_NOTFOUND, else 500. */
void		 app_db_error(struct req *r, enum db_res res);

/*
 * The caller's session.  Returns 1 with s filled; 0 for an anonymous
 * caller (s zeroed); -1 after replying 401 for a bad or expired token.
 * A token that is present but invalid is never treated as anonymous.
 */
int		 app_session(struct app *a, struct req *r, struct session *s);

/* Front line: read a JSON body of at most cap bytes; replies on error. */
int		 app_json_body(struct req *r, size_t cap);

#endif /* HEADER_VIGIL_APP_H */
