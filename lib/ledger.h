/*
 * ledger.h: what provider events mean for a stream and its recordings.
 *
 * Webhook handlers and `vigil reconcile` go through the same functions,
 * so a recording repaired by reconciliation ends exactly where the lost
 * webhook would have put it.  Each function applies one fact in the
 * caller's transaction; all of them are idempotent and order-tolerant
 * (db_recording_apply and db_stream_advance only move forward).
 */
#ifndef HEADER_VIGIL_LEDGER_H
#define HEADER_VIGIL_LEDGER_H

#include "cloudflare.h"
#include "event.h"
#include "mux.h"

struct db;

enum ledger_res {
	LEDGER_APPLIED = 0,	/* the ledger or the stream changed */
	LEDGER_UNCHANGED,	/* known already: nothing to do */
	LEDGER_UNKNOWN_STREAM,	/* not one of ours: log and acknowledge */
	LEDGER_IGNORED,		/* an event we do not act on */
	LEDGER_BUSY,		/* the database is busy: answer 503 */
	LEDGER_ERR,		/* the database failed: answer 500 */
	LEDGER__MAX
};

extern const char *const ledger_res_names[LEDGER__MAX];

/* A Mux webhook event (live stream or asset). */
enum ledger_res	ledger_mux_event(struct db *db, const struct mux_event *ev,
		    long long now_ms);

/*
 * A Mux asset as reconciliation reads it: ready once the asset is ready
 * and no longer live (the same as live_stream_completed).
 */
enum ledger_res	ledger_mux_asset(struct db *db, const struct mux_asset *a,
		    long long now_ms);

/* A Cloudflare video (the video webhook, or the videos list). */
enum ledger_res	ledger_cf_video(struct db *db, const struct cf_video *v,
		    long long now_ms);

/* A Cloudflare live-input notification. */
enum ledger_res	ledger_cf_notification(struct db *db,
		    const struct cf_notification *n, long long now_ms);

#endif /* HEADER_VIGIL_LEDGER_H */
