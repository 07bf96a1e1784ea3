/*
 * mux.h: Mux Video calls, turned into our own structs, with the same
 * call and parse pairs as cloudflare.h.
 */
#ifndef HEADER_VIGIL_MUX_H
#define HEADER_VIGIL_MUX_H

#include "vlimits.h"

struct conf;
struct rest_call;

/* Seconds Mux waits for a dropped encoder before ending the asset. */
#define MUX_RECONNECT_WINDOW	60

struct mux_live_stream {
	char	id[LIM_ID + 1];
	char	stream_key[256];	/* secret */
	char	playback_id[LIM_ID + 1];/* first public playback id, or "" */
	char	status[16];		/* idle, active, disabled */
};

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
