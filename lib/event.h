/*
 * event.h: provider webhook bodies, parsed (only after their signature
 * or shared secret checked out) into our own structs.
 */
#ifndef HEADER_VIGIL_EVENT_H
#define HEADER_VIGIL_EVENT_H

#include <stddef.h>

#include "cloudflare.h"
#include "mux.h"

struct cJSON;

/* The Mux event types we act on; anything else is MUX_EVT__MAX. */
enum mux_evt {
	MUX_EVT_LS_CREATED = 0,		/* video.live_stream.created */
	MUX_EVT_LS_CONNECTED,		/* video.live_stream.connected */
	MUX_EVT_LS_RECORDING,		/* video.live_stream.recording */
	MUX_EVT_LS_ACTIVE,		/* video.live_stream.active */
	MUX_EVT_LS_DISCONNECTED,	/* video.live_stream.disconnected */
	MUX_EVT_LS_IDLE,		/* video.live_stream.idle */
	MUX_EVT_ASSET_CREATED,		/* video.asset.created */
	MUX_EVT_ASSET_READY,		/* video.asset.ready */
	MUX_EVT_ASSET_ERRORED,		/* video.asset.errored */
	MUX_EVT_ASSET_LIVE_COMPLETED,	/* video.asset.live_stream_completed */
	MUX_EVT__MAX
};

extern const char *const mux_evt_names[MUX_EVT__MAX];

struct mux_event {
	char			 id[128];	/* top-level id: dedupe key */
	char			 type_name[96];	/* as received, for logs */
	enum mux_evt		 type;		/* MUX_EVT__MAX: unknown */
	long long		 created_at_ms;	/* 0 when absent */
	int			 is_asset;	/* data is an asset */
	struct mux_asset	 asset;
	struct mux_live_stream	 live;
};

/*
 * Parse a Mux webhook body.  0 on success, including unknown types
 * (type == MUX_EVT__MAX, data not parsed); -1 when the body is not a
 * Mux event (no id/type, bad JSON) or a known type's data is unusable.
 */
int	event_mux_parse(const char *body, size_t len, struct mux_event *out);

/* Cloudflare Notifications for live inputs (cf-webhook-auth). */
enum cf_notif {
	CF_NOTIF_TEST = 0,		/* the "Save and Test" message */
	CF_NOTIF_CONNECTED,		/* live_input.connected */
	CF_NOTIF_DISCONNECTED,		/* live_input.disconnected */
	CF_NOTIF_ERRORED,		/* live_input.errored */
	CF_NOTIF_OTHER,			/* another alert: acknowledged */
	CF_NOTIF__MAX
};

struct cf_notification {
	enum cf_notif	 type;
	char		 input_id[LIM_ID + 1];	/* "" for test/other */
	char		 error_code[64];	/* errored only */
};

/* 0, or -1 when the body is not a notification we understand. */
int	event_cf_notification_parse(const char *body, size_t len,
	    struct cf_notification *out);

/* The Stream video webhook: the body is a video object. 0 or -1. */
int	event_cf_video_parse(const char *body, size_t len,
	    struct cf_video *out);

/*
 * A provider timestamp in any of the shapes they use: a number of
 * seconds, a string of digits, an ISO-8601 string, or {seconds, nanos}.
 * Milliseconds since the epoch, or 0 when absent or unusable.
 */
long long event_time_ms(const struct cJSON *v);

#endif /* HEADER_VIGIL_EVENT_H */
