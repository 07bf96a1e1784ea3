/*
 * relay.h: the WHIP relay, GStreamer webrtcbin sessions and their
 * outputs (local MP4 parts, local HLS, RTMP(S) pushes to Cloudflare and
 * Mux).  lib/relay.c is the only file that includes GStreamer headers.
 *
 * One relay per process (cgi-bin/whip runs one worker): a thread of its
 * own runs the GLib main loop that owns every session, its pipelines,
 * its timers and its own database handle.  The functions below are
 * called from the FastCGI thread; each hands its work to the relay
 * thread and waits for the answer on a condition variable with a
 * deadline, so no HTTP request ever waits on GStreamer unbounded.
 */
#ifndef HEADER_VIGIL_RELAY_H
#define HEADER_VIGIL_RELAY_H

#include <stddef.h>

#include "sdp.h"

struct conf;
struct relay;

enum relay_res {
	RELAY_OK = 0,
	RELAY_BAD,		/* a PATCH body we cannot read: 400 */
	RELAY_NOT_FOUND,	/* no such session for this stream: 404 */
	RELAY_CONFLICT,		/* the stream's publisher still sends: 409 */
	RELAY_PRECONDITION,	/* If-Match does not match the ETag: 412 */
	RELAY_RESTART,		/* an ICE restart, which we do not do: 422 */
	RELAY_FULL,		/* VIGIL_RELAY_MAX_SESSIONS reached: 503 */
	RELAY_TIMEOUT,		/* the relay thread did not answer in time */
	RELAY_ERR,		/* GStreamer or we failed: 500 */
	RELAY__MAX
};

extern const char *const relay_res_names[RELAY__MAX];

/* Room for a session id (22 base64url characters) and an ETag. */
#define RELAY_SESSION_ID_MAX	32
#define RELAY_ETAG_MAX		32

/* What a publish needs: the stream, the checked offer, the pushes. */
struct relay_publish {
	const char		*stream_id;
	const char		*offer;		/* the SDP text, NUL-terminated */
	const struct sdp_offer	*policy;	/* sdp_offer_check()'s verdict */
	/*
	 * RTMP(S) locations with their stream keys (secrets: never logged),
	 * or NULL: the Cloudflare live input's and the Mux live stream's.
	 */
	const char		*cf_url;
	const char		*mux_url;
};

struct relay_answer {
	char	*sdp;				/* to free(3) */
	char	 session_id[RELAY_SESSION_ID_MAX + 1];
	char	 etag[RELAY_ETAG_MAX + 1];	/* with its quotes */
};

/*
 * Start the relay thread: GStreamer, the warm-up (plugins, the DTLS
 * key), the repair of recordings a killed process left unfinished.
 * Call after fork.  NULL on failure (logged).
 */
struct relay	*relay_new(const struct conf *c);

/*
 * Finalize every session (EOS to every output, ledger updated), stop
 * the thread and free.  Bounded: sessions that do not finish in time
 * are stopped anyway.  Accepts NULL.
 */
void		 relay_free(struct relay *r);

/*
 * Start a session for in: RELAY_OK fills out (out->sdp to free(3)).
 * A session of the same stream whose media stopped is ended first; one
 * whose media still flows gives RELAY_CONFLICT.
 */
enum relay_res	 relay_publish(struct relay *r, const struct relay_publish *in,
		    struct relay_answer *out);

/*
 * Trickle ICE for a session: frag is the PATCH body (len bytes).
 * if_match is the If-Match header or NULL.
 */
enum relay_res	 relay_trickle(struct relay *r, const char *stream_id,
		    const char *session_id, const char *frag, size_t len,
		    const char *if_match);

/* End a session (DELETE): waits, bounded, for its files to be final. */
enum relay_res	 relay_end(struct relay *r, const char *stream_id,
		    const char *session_id);

/*
 * The statistics of a stream's live session and its recent ended ones,
 * as JSON text to free(3): {"streamId","live","sessions":[...]}.
 * RELAY_OK or RELAY_TIMEOUT/RELAY_ERR with *out NULL.
 */
enum relay_res	 relay_stats(struct relay *r, const char *stream_id,
		    char **out);

#endif /* HEADER_VIGIL_RELAY_H */
