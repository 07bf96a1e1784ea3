/*
 * provision.h: create (and, on failure, remove) what a stream needs at
 * the providers, concurrently, within a time budget.
 *
 * Rules (SPEC §5): the Cloudflare live input and the Mux live stream are
 * created at the same time; for obs with Mux the Cloudflare Output to
 * Mux follows.  Cloudflare failing fails the whole creation (after the
 * Mux stream just made is deleted); Mux failing only adds a warning,
 * unless the method is mux_whip.  Nothing is left behind on failure.
 */
#ifndef HEADER_VIGIL_PROVISION_H
#define HEADER_VIGIL_PROVISION_H

#include "cloudflare.h"
#include "mux.h"
#include "stream.h"

struct conf;
struct rest;

#define PROVISION_WARNINGS	4

enum prov_res {
	PROV_OK = 0,
	PROV_FAILED,		/* a required provider failed: 502 */
	PROV_TIMEOUT,		/* a required provider timed out: 504 */
	PROV_UNAVAILABLE,	/* the method needs a provider we lack: 400 */
	PROV__MAX
};

struct provision {
	int			 have_cf;
	int			 have_mux;
	int			 have_output;
	struct cf_live_input	 cf;
	struct mux_live_stream	 mux;
	struct cf_output	 out;
	const char		*warnings[PROVISION_WARNINGS];	/* static text */
	size_t			 nwarnings;
	const char		*why;	/* for PROV_UNAVAILABLE */
};

/*
 * Create what stream s (id, title, method set) needs; want_mux is the
 * request's muxBackup (-1 when absent: on when Mux is configured).
 */
enum prov_res	provision_create(const struct conf *cf, struct rest *rest,
		    const struct stream *s, int want_mux, long budget_ms,
		    struct provision *p);

/* Delete whatever p holds at the providers (best effort, logged). */
void		provision_rollback(const struct conf *cf, struct rest *rest,
		    struct provision *p);

/* Copy what was created into the stream's fields. */
void		provision_fill(const struct conf *cf, const struct provision *p,
		    struct stream *s);

/*
 * End a stream at the providers: complete the Mux live stream so its
 * recording is finalised now instead of after the reconnect window.
 * 0, or -1 when a provider call failed (logged).
 */
int		provision_end(const struct conf *cf, struct rest *rest,
		    const struct stream *s);

/*
 * Remove a stream's live resources (Cloudflare live input and Output,
 * Mux live stream).  Recordings stay.  0, or -1 when one failed.
 */
int		provision_teardown(const struct conf *cf, struct rest *rest,
		    const struct stream *s);

/* The warnings as a JSON array text to free(3); NULL on OOM. */
char		*provision_warnings_json(const struct provision *p);

#endif /* HEADER_VIGIL_PROVISION_H */
