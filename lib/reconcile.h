/*
 * reconcile.h: repair the recording ledger from the providers' own
 * answers, for streams whose webhooks were lost (SPEC §6).
 */
#ifndef HEADER_VIGIL_RECONCILE_H
#define HEADER_VIGIL_RECONCILE_H

#include <stddef.h>

struct conf;
struct db;
struct rest;

struct reconcile_stats {
	size_t	streams;	/* streams looked at */
	size_t	changed;	/* ledger facts that changed something */
	size_t	errors;		/* provider or database failures */
};

/*
 * Ask Cloudflare (a live input's videos) and Mux (the live stream's
 * recent assets, then each asset) about every unsettled stream created
 * in the last since_days, and apply what they say through ledger.c,
 * exactly as the webhooks would have.  Idempotent.  0, or -1 when the
 * database could not be read at all.
 */
int	reconcile_run(const struct conf *cf, struct db *db, struct rest *rest,
	    int since_days, struct reconcile_stats *st);

#endif /* HEADER_VIGIL_RECONCILE_H */
