/*
 * ledger.c: provider facts → recording ledger and stream status.
 *
 * The rules, from SPEC §5/§6 and PROVIDERS §1.6/§2.5:
 *  - Mux: live_stream.active means media is flowing (stream live); the
 *    asset being recorded is the live stream's active_asset_id;
 *    asset.ready fires mid-broadcast (is_live true) and does NOT make a
 *    recording available; asset.live_stream_completed does, with the
 *    playback id and duration; asset.errored fails it.
 *  - Cloudflare: a notification live_input.connected means media is
 *    flowing; a video with state ready and readyToStream is an
 *    available recording; state error fails it; live-inprogress is one
 *    being recorded.
 *  - disconnected/idle say only that media stopped: a stream completes
 *    by `end`, never because a provider lost the feed for a while.
 */
#include <stdio.h>
#include <string.h>

#include "compat.h"
#include "db.h"
#include "ledger.h"
#include "log.h"
#include "stream.h"

const char *const ledger_res_names[LEDGER__MAX] = {
	"applied",		/* LEDGER_APPLIED */
	"unchanged",		/* LEDGER_UNCHANGED */
	"unknown stream",	/* LEDGER_UNKNOWN_STREAM */
	"ignored",		/* LEDGER_IGNORED */
	"busy",			/* LEDGER_BUSY */
	"error",		/* LEDGER_ERR */
};

static enum ledger_res
of_db(enum db_res r)
{
	switch (r) {
	case DB_OK:
		return LEDGER_APPLIED;
	case DB_BUSY:
		return LEDGER_BUSY;
	default:
		return LEDGER_ERR;
	}
}

/* Find our stream for a Mux live stream id, or by passthrough. */
static enum db_res
mux_stream(struct db *db, const char *mux_id, const char *passthrough,
    struct stream *s)
{
	enum db_res	 r = DB_NOTFOUND;

	if (mux_id[0] != '\0')
		r = db_stream_by_mux(db, mux_id, s);
	if (r == DB_NOTFOUND && passthrough[0] != '\0')
		r = db_stream_get(db, passthrough, s);
	return r;
}

static enum ledger_res
apply(struct db *db, const struct stream *s, const struct rec_update *u,
    long long now_ms)
{
	enum db_res	 r;
	int		 changed;

	if ((r = db_recording_apply(db, s->id, u, now_ms, &changed)) != DB_OK)
		return of_db(r);
	return changed ? LEDGER_APPLIED : LEDGER_UNCHANGED;
}

/* Mark a stream live when media flows (never backwards). */
static enum ledger_res
went_live(struct db *db, const struct stream *s, long long now_ms)
{
	if (s->status != STREAM_READY)
		return LEDGER_UNCHANGED;
	return of_db(db_stream_advance(db, s->id, STREAM_LIVE, now_ms));
}

enum ledger_res
ledger_mux_asset(struct db *db, const struct mux_asset *a, long long now_ms)
{
	struct rec_update u;
	struct stream	 s;
	char		 url[128];
	enum db_res	 r;

	if ((r = mux_stream(db, a->live_stream_id, a->passthrough, &s)) !=
	    DB_OK)
		return r == DB_NOTFOUND ? LEDGER_UNKNOWN_STREAM : of_db(r);
	memset(&u, 0, sizeof(u));
	u.source = SRC_MUX;
	u.provider_id = a->id;
	u.duration = -1;
	if (strcmp(a->status, "errored") == 0)
		u.state = REC_FAILED;
	else if (strcmp(a->status, "ready") == 0 && !a->is_live &&
	    a->playback_id[0] != '\0') {
		u.state = REC_READY;
		snprintf(url, sizeof(url), "https://stream.mux.com/%s.m3u8",
		    a->playback_id);
		u.playback_url = url;
		u.duration = a->duration;
	} else
		u.state = a->is_live ? REC_RECORDING : REC_PENDING;
	return apply(db, &s, &u, now_ms);
}

enum ledger_res
ledger_mux_event(struct db *db, const struct mux_event *ev, long long now_ms)
{
	struct rec_update u;
	struct mux_asset a;
	struct stream	 s;
	enum ledger_res	 lr;
	enum db_res	 r;

	switch (ev->type) {
	case MUX_EVT_ASSET_CREATED:
	case MUX_EVT_ASSET_READY:
		/* Mid-broadcast: being recorded, not available yet. */
		a = ev->asset;
		if (a.is_live || ev->type == MUX_EVT_ASSET_CREATED)
			strlcpy(a.status, "preparing", sizeof(a.status));
		return ledger_mux_asset(db, &a, now_ms);
	case MUX_EVT_ASSET_LIVE_COMPLETED:
		/* The recording is final, whatever is_live said. */
		a = ev->asset;
		a.is_live = 0;
		if (strcmp(a.status, "errored") != 0)
			strlcpy(a.status, "ready", sizeof(a.status));
		return ledger_mux_asset(db, &a, now_ms);
	case MUX_EVT_ASSET_ERRORED:
		a = ev->asset;
		strlcpy(a.status, "errored", sizeof(a.status));
		return ledger_mux_asset(db, &a, now_ms);
	case MUX_EVT_LS_CONNECTED:
	case MUX_EVT_LS_RECORDING:
	case MUX_EVT_LS_ACTIVE:
		break;
	case MUX_EVT_LS_DISCONNECTED:
	case MUX_EVT_LS_IDLE:
	case MUX_EVT_LS_CREATED:
	default:
		return LEDGER_IGNORED;
	}
	if ((r = mux_stream(db, ev->live.id, ev->live.passthrough, &s)) !=
	    DB_OK)
		return r == DB_NOTFOUND ? LEDGER_UNKNOWN_STREAM : of_db(r);
	lr = LEDGER_UNCHANGED;
	if (ev->live.active_asset_id[0] != '\0') {
		memset(&u, 0, sizeof(u));
		u.source = SRC_MUX;
		u.provider_id = ev->live.active_asset_id;
		u.state = REC_RECORDING;
		u.duration = -1;
		u.started_at = ev->created_at_ms;
		if ((lr = apply(db, &s, &u, now_ms)) >= LEDGER_BUSY)
			return lr;
	}
	if (ev->type == MUX_EVT_LS_ACTIVE) {
		enum ledger_res	 l2 = went_live(db, &s, now_ms);

		if (l2 != LEDGER_UNCHANGED)
			lr = l2;
	}
	return lr;
}

enum ledger_res
ledger_cf_video(struct db *db, const struct cf_video *v, long long now_ms)
{
	struct rec_update u;
	struct stream	 s;
	enum db_res	 r;

	if (v->live_input[0] == '\0')
		return LEDGER_IGNORED;	/* an upload, not a live recording */
	if ((r = db_stream_by_cf_input(db, v->live_input, &s)) != DB_OK)
		return r == DB_NOTFOUND ? LEDGER_UNKNOWN_STREAM : of_db(r);
	memset(&u, 0, sizeof(u));
	u.source = SRC_CLOUDFLARE;
	u.provider_id = v->uid;
	u.duration = -1;
	if (strcmp(v->state, "ready") == 0 && v->ready_to_stream &&
	    v->hls[0] != '\0') {
		u.state = REC_READY;
		u.playback_url = v->hls;
		u.duration = v->duration;
	} else if (strcmp(v->state, "error") == 0)
		u.state = REC_FAILED;
	else if (strcmp(v->state, "live-inprogress") == 0)
		u.state = REC_RECORDING;
	else
		u.state = REC_PENDING;
	return apply(db, &s, &u, now_ms);
}

enum ledger_res
ledger_cf_notification(struct db *db, const struct cf_notification *n,
    long long now_ms)
{
	struct stream	 s;
	enum db_res	 r;

	if (n->type == CF_NOTIF_TEST || n->type == CF_NOTIF_OTHER)
		return LEDGER_IGNORED;
	if ((r = db_stream_by_cf_input(db, n->input_id, &s)) != DB_OK)
		return r == DB_NOTFOUND ? LEDGER_UNKNOWN_STREAM : of_db(r);
	switch (n->type) {
	case CF_NOTIF_CONNECTED:
		return went_live(db, &s, now_ms);
	case CF_NOTIF_ERRORED:
		log_warnx("ledger: stream %s: Cloudflare input error %s",
		    s.id, n->error_code[0] ? n->error_code : "(none)");
		return LEDGER_UNCHANGED;
	default:
		return LEDGER_UNCHANGED;
	}
}
