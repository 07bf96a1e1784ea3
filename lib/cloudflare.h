/*
 * cloudflare.h: Cloudflare Stream calls, turned into our own structs.
 * Each operation is a pair: *_call() prepares a rest_call (so several
 * can run at once through rest_run()), *_parse() reads its answer.
 * Parsers return 0 on a 2xx answer with the fields we need, else -1
 * (and log once why, without secrets).
 */
#ifndef HEADER_VIGIL_CLOUDFLARE_H
#define HEADER_VIGIL_CLOUDFLARE_H

#include "vlimits.h"

struct cJSON;
struct conf;
struct rest_call;

/* Seconds a live input waits for a dropped RTMPS feed before splitting. */
#define CF_RECONNECT_TIMEOUT	60

struct cf_live_input {
	char	uid[LIM_ID + 1];
	char	rtmps_url[512];
	char	rtmps_key[512];		/* secret */
	char	whip_url[1024];		/* secret: webRTC.url */
	char	whep_url[1024];		/* webRTCPlayback.url */
	char	playback_base[256];	/* https://customer-X.cloudflarestream.com,
					   taken from the WHEP URL; may be "" */
};

struct cf_output {
	char	uid[LIM_ID + 1];
};

/*
 * POST /accounts/{acct}/stream/live_inputs with recording automatic, a
 * non-zero timeoutSeconds, and meta {name: title, vigilStreamId: id}.
 */
int	cf_live_input_create_call(const struct conf *cf, const char *stream_id,
	    const char *title, struct rest_call *c);
int	cf_live_input_parse(const struct rest_call *c, struct cf_live_input *out);

/* DELETE /accounts/{acct}/stream/live_inputs/{uid} */
int	cf_live_input_delete_call(const struct conf *cf, const char *uid,
	    struct rest_call *c);

/* POST .../live_inputs/{uid}/outputs {url, streamKey, enabled: true} */
int	cf_output_create_call(const struct conf *cf, const char *input_uid,
	    const char *url, const char *stream_key, struct rest_call *c);
int	cf_output_parse(const struct rest_call *c, struct cf_output *out);

/*
 * GET .../live_inputs/{uid}/outputs, and find in its answer the Output
 * that forwards with stream_key: 0 (*out filled), 1 when there is none,
 * -1 on a failed or unusable answer (logged).
 */
int	cf_outputs_list_call(const struct conf *cf, const char *input_uid,
	    struct rest_call *c);
int	cf_outputs_find(const struct rest_call *c, const char *stream_key,
	    struct cf_output *out);

/* DELETE .../live_inputs/{uid}/outputs/{output_uid} */
int	cf_output_delete_call(const struct conf *cf, const char *input_uid,
	    const char *output_uid, struct rest_call *c);

/*
 * A Stream video (a live input's recording): the webhook body, or one
 * element of GET .../live_inputs/{uid}/videos.
 */
struct cf_video {
	char	uid[LIM_ID + 1];
	char	live_input[LIM_ID + 1];	/* liveInput, "" when absent */
	char	state[24];		/* status.state, e.g. ready, error,
					   live-inprogress, queued */
	int	ready_to_stream;	/* readyToStream */
	double	duration;		/* seconds; < 0 when unknown (-1) */
	char	hls[1024];		/* playback.hls or "" */
	char	error_code[64];		/* status.errorReasonCode (or the
					   docs' errReasonCode) or "" */
};

/* Read a video object; 0, or -1 when uid or status.state is unusable. */
int	cf_video_from_json(const struct cJSON *o, struct cf_video *out);

/* GET .../live_inputs/{uid}/videos: *out (free(3)) holds *n videos. */
int	cf_videos_list_call(const struct conf *cf, const char *input_uid,
	    struct rest_call *c);
int	cf_videos_list_parse(const struct rest_call *c, struct cf_video **out,
	    size_t *n);

#endif /* HEADER_VIGIL_CLOUDFLARE_H */
