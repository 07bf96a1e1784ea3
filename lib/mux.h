/*
 * mux.h: Mux Video calls, turned into our own structs, with the same
 * call and parse pairs as cloudflare.h.
 */
#ifndef HEADER_VIGIL_MUX_H
#define HEADER_VIGIL_MUX_H

#include "vlimits.h"

struct cJSON;
struct conf;
struct rest_call;

/* recent_asset_ids we keep (newest last at Mux; we keep the newest). */
#define MUX_RECENT_MAX		16

/* Seconds Mux waits for a dropped encoder before ending the asset. */
#define MUX_RECONNECT_WINDOW	60

struct mux_live_stream {
	char	id[LIM_ID + 1];
	char	stream_key[256];	/* secret */
	char	playback_id[LIM_ID + 1];/* first public playback id, or "" */
	char	status[16];		/* idle, active, disabled */
	char	passthrough[LIM_ID + 1];/* our stream id, or "" */
	char	active_asset_id[LIM_ID + 1];
	char	recent_asset_ids[MUX_RECENT_MAX][LIM_ID + 1];
	size_t	nrecent;
};

/* A Mux asset (a live stream's recording). */
struct mux_asset {
	char	id[LIM_ID + 1];
	char	live_stream_id[LIM_ID + 1];	/* "" if not from a live stream */
	char	passthrough[LIM_ID + 1];	/* our stream id, or "" */
	char	status[16];			/* preparing, ready, errored */
	int	is_live;
	double	duration;			/* seconds; < 0 unknown */
	char	playback_id[LIM_ID + 1];	/* first public one, or "" */
};

/*
 * Read a live stream or asset object (the webhook's data, or a GET's
 * data); 0, or -1 when the id or status is unusable.  A live stream's
 * stream_key may be absent in webhooks: then it is "".
 */
int	mux_live_stream_from_json(const struct cJSON *o,
	    struct mux_live_stream *out);
int	mux_asset_from_json(const struct cJSON *o, struct mux_asset *out);

/* GET /video/v1/live-streams/{id}; parse with mux_live_stream_parse. */
int	mux_live_stream_get_call(const struct conf *cf, const char *id,
	    struct rest_call *c);

/* GET /video/v1/assets/{id} */
int	mux_asset_get_call(const struct conf *cf, const char *id,
	    struct rest_call *c);
int	mux_asset_parse(const struct rest_call *c, struct mux_asset *out);

/*
 * POST /video/v1/live-streams: playback_policy [public], latency_mode
 * reduced, reconnect_window MUX_RECONNECT_WINDOW, passthrough = our
 * stream id, new_asset_settings {playback_policy [public], passthrough}.
 */
int	mux_live_stream_create_call(const struct conf *cf,
	    const char *stream_id, struct rest_call *c);
int	mux_live_stream_parse(const struct rest_call *c,
	    struct mux_live_stream *out);

/* DELETE /video/v1/live-streams/{id} (204) */
int	mux_live_stream_delete_call(const struct conf *cf, const char *id,
	    struct rest_call *c);

/* PUT /video/v1/live-streams/{id}/complete */
int	mux_live_stream_complete_call(const struct conf *cf, const char *id,
	    struct rest_call *c);

#endif /* HEADER_VIGIL_MUX_H */
