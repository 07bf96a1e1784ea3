/*
 * app.c: start-up and shared helpers for the FastCGI programs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "access.h"
#include "app.h"
#include "http.h"
#include "log.h"
#include "rest.h"

static int
worker_init(void *arg)
{
	struct app	*a = arg;

	if (a->flags & (APP_DB | APP_DB_RDONLY)) {
		a->db = db_open(a->conf.db_path,
		    (a->flags & APP_DB) ? 0 : DB_RDONLY);
		if (a->db == NULL)
			return -1;
	}
	if ((a->flags & APP_REST) && (a->rest = rest_new()) == NULL) {
		log_warnx("%s: cannot set up outbound HTTP", a->name);
		return -1;
	}
	if (a->init != NULL && a->init(a) == -1)
		return -1;
	return 0;
}

static void
worker_fini(void *arg)
{
	struct app	*a = arg;

	if (a->fini != NULL)
		a->fini(a);
	db_close(a->db);
	a->db = NULL;
	rest_free(a->rest);
	a->rest = NULL;
}

static void
handle(struct req *r, void *arg)
{
	struct app	*a = arg;

	a->handle(r, a);
}

int
app_main(int argc, char *argv[], const char *name, unsigned int flags,
    void (*h)(struct req *r, struct app *a))
{
	return app_main_hooks(argc, argv, name, flags, h, NULL, NULL);
}

int
app_main_hooks(int argc, char *argv[], const char *name, unsigned int flags,
    void (*h)(struct req *r, struct app *a), int (*init)(struct app *a),
    void (*fini)(struct app *a))
{
	static const struct http_ops ops = { worker_init, worker_fini,
	    handle };
	struct app	 a;
	struct db	*db;
	char		 err[256];
	int		 rc;

	memset(&a, 0, sizeof(a));
	a.name = name;
	a.flags = flags;
	a.handle = h;
	a.init = init;
	a.fini = fini;
	log_init(name, LOG_LVL_INFO);
	if (conf_load(&a.conf, (flags & APP_JWT) ? CONF_NEED_JWT : 0, err,
	    sizeof(err)) == -1) {
		fprintf(stderr, "%s: configuration: %s\n", name, err);
		return 1;
	}
	log_init(name, (enum log_level)a.conf.log_level);
	/* Refuse to start on a missing database or a schema mismatch. */
	if (flags & (APP_DB | APP_DB_RDONLY)) {
		if ((db = db_open(a.conf.db_path, DB_RDONLY)) == NULL) {
			fprintf(stderr, "%s: database %s unusable (see log)\n",
			    name, a.conf.db_path);
			conf_free(&a.conf);
			return 1;
		}
		db_close(db);
	}
	if ((flags & APP_REST) && rest_global_init() == -1) {
		fprintf(stderr, "%s: cannot initialise libcurl\n", name);
		conf_free(&a.conf);
		return 1;
	}
	rc = http_serve(argc, argv, &ops, &a);
	if (flags & APP_REST)
		rest_global_cleanup();
	conf_free(&a.conf);
	return rc;
}

long long
app_now(void)
{
	return (long long)time(NULL);
}

long long
app_now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void
app_db_error(struct req *r, enum db_res res)
{
	switch (res) {
	case DB_BUSY:
		http_header(r, "Retry-After", "1");
		http_error(r, HTTP_ERR_UNAVAILABLE, "the database is busy, "
		    "retry shortly");
		break;
	case DB_NOTFOUND:
		http_error(r, HTTP_ERR_NOT_FOUND, NULL);
		break;
	default:
		http_error(r, HTTP_ERR_INTERNAL, NULL);
		break;
	}
}

int
app_session(struct app *a, struct req *r, struct session *s)
{
	switch (access_session(&a->conf, r, app_now(), s)) {
	case AUTH_OK:
		return 1;
	case AUTH_NONE:
		return 0;
	case AUTH_EXPIRED:
		http_error(r, HTTP_ERR_UNAUTHENTICATED,
		    "the session has expired or is not yet valid");
		return -1;
	default:
		http_error(r, HTTP_ERR_UNAUTHENTICATED,
		    "the session token is not valid");
		return -1;
	}
}

int
app_json_body(struct req *r, size_t cap)
{
	if (!http_content_type_is(r, "application/json")) {
		http_error(r, HTTP_ERR_MEDIA_TYPE, "send application/json");
		return -1;
	}
	switch (http_body(r, cap)) {
	case HTTP_BODY_OK:
		return 0;
	case HTTP_BODY_TOO_LARGE:
		http_error(r, HTTP_ERR_TOO_LARGE, NULL);
		return -1;
	default:
		http_error(r, HTTP_ERR_INVALID, "the body could not be read");
		return -1;
	}
}
