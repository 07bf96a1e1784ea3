/*
 * reconcile.c: the ledger's safety net when webhooks never come.
 *
 * For each unsettled stream: Cloudflare's GET live_inputs/{uid}/videos
 * and Mux's GET live-streams/{id} run concurrently; then every asset the
 * Mux stream names (recent_asset_ids and the active one) is fetched,
 * concurrently too.  Each answer goes through the same ledger functions
 * the webhooks use, one transaction per fact.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "compat.h"
#include "conf.h"
#include "db.h"
#include "ledger.h"
#include "log.h"
#include "reconcile.h"
#include "rest.h"
#include "stream.h"

#define RECONCILE_STREAMS_MAX	500	/* per run; the timer runs again */
#define RECONCILE_BUDGET_MS	15000	/* per stream and step */

static long long
now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Apply one ledger result in its own transaction; count it. */
static void
tally(struct db *db, enum ledger_res lr, struct reconcile_stats *st)
{
	if (lr == LEDGER_BUSY || lr == LEDGER_ERR) {
		db_rollback(db);
		st->errors++;
		return;
	}
	if (db_commit(db) != DB_OK) {
		st->errors++;
		return;
	}
	if (lr == LEDGER_APPLIED)
		st->changed++;
}

static void
apply_videos(struct db *db, const struct stream *s, struct cf_video *v,
    size_t n, struct reconcile_stats *st)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		/* The list is per input: the link is implied. */
		if (v[i].live_input[0] == '\0')
			strlcpy(v[i].live_input, s->cf_input_id,
			    sizeof(v[i].live_input));
		if (db_begin(db) != DB_OK) {
			st->errors++;
			continue;
		}
		tally(db, ledger_cf_video(db, &v[i], now_ms()), st);
	}
}

static void
apply_assets(const struct conf *cf, struct db *db, struct rest *rest,
    const struct stream *s, const struct mux_live_stream *ls,
    struct reconcile_stats *st)
{
	struct rest_call calls[MUX_RECENT_MAX + 1];
	struct mux_asset a;
	const char	*ids[MUX_RECENT_MAX + 1];
	size_t		 n = 0, i, k;

	memset(calls, 0, sizeof(calls));
	for (i = 0; i < ls->nrecent; i++)
		ids[n++] = ls->recent_asset_ids[i];
	if (ls->active_asset_id[0] != '\0') {
		for (k = 0; k < n; k++)
			if (strcmp(ids[k], ls->active_asset_id) == 0)
				break;
		if (k == n)
			ids[n++] = ls->active_asset_id;
	}
	for (i = 0; i < n; i++)
		if (mux_asset_get_call(cf, ids[i], &calls[i]) == -1) {
			st->errors++;
			n = i;
			break;
		}
	if (n > 0 && rest_run(rest, calls, n, RECONCILE_BUDGET_MS) == -1)
		st->errors++;
	else
		for (i = 0; i < n; i++) {
			if (mux_asset_parse(&calls[i], &a) == -1) {
				st->errors++;
				continue;
			}
			/* Assets of our live stream belong to our stream. */
			if (a.live_stream_id[0] == '\0')
				strlcpy(a.live_stream_id, s->mux_stream_id,
				    sizeof(a.live_stream_id));
			if (db_begin(db) != DB_OK) {
				st->errors++;
				continue;
			}
			tally(db, ledger_mux_asset(db, &a, now_ms()), st);
		}
	for (i = 0; i < n; i++)
		rest_call_free(&calls[i]);
}

static void
reconcile_one(const struct conf *cf, struct db *db, struct rest *rest,
    const struct stream *s, struct reconcile_stats *st)
{
	struct rest_call calls[2], *cfc = NULL, *muxc = NULL;
	struct mux_live_stream ls;
	struct cf_video	*videos = NULL;
	size_t		 n = 0, nv = 0, i;

	memset(calls, 0, sizeof(calls));
	if (cf->cf_enabled && s->cf_input_id[0] != '\0' &&
	    s->method != METHOD_CLOUDFLARE_WHIP) {
		cfc = &calls[n++];
		if (cf_videos_list_call(cf, s->cf_input_id, cfc) == -1)
			goto fail;
	}
	if (cf->mux_enabled && s->mux_stream_id[0] != '\0') {
		muxc = &calls[n++];
		if (mux_live_stream_get_call(cf, s->mux_stream_id, muxc) == -1)
			goto fail;
	}
	if (n == 0)
		goto out;
	if (rest_run(rest, calls, n, RECONCILE_BUDGET_MS) == -1)
		goto fail;
	if (cfc != NULL) {
		if (cf_videos_list_parse(cfc, &videos, &nv) == 0)
			apply_videos(db, s, videos, nv, st);
		else
			st->errors++;
	}
	if (muxc != NULL) {
		if (mux_live_stream_parse(muxc, &ls) == 0)
			apply_assets(cf, db, rest, s, &ls, st);
		else
			st->errors++;
	}
	goto out;
fail:
	st->errors++;
out:
	for (i = 0; i < n; i++)
		rest_call_free(&calls[i]);
	free(videos);
}

int
reconcile_run(const struct conf *cf, struct db *db, struct rest *rest,
    int since_days, struct reconcile_stats *st)
{
	struct stream	*ss = NULL;
	size_t		 n = 0, i;

	memset(st, 0, sizeof(*st));
	if (db_streams_unsettled(db, now_ms() - (long long)since_days *
	    86400 * 1000, RECONCILE_STREAMS_MAX, &ss, &n) != DB_OK)
		return -1;
	for (i = 0; i < n; i++) {
		st->streams++;
		reconcile_one(cf, db, rest, &ss[i], st);
	}
	free(ss);
	log_info("reconcile: %zu streams, %zu changes, %zu errors",
	    st->streams, st->changed, st->errors);
	return 0;
}
