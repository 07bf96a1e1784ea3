/*
 * sdp.h: our own offer policy for WHIP publishes, in plain C.
 *
 * webrtcbin 1.22 answers almost any offer (RELAY-NOTES pitfall 8): it
 * ignores profile-level-id, takes the first H.264 payload type it likes
 * and answers VP8 when nothing matches.  So the relay never hands an
 * offer to GStreamer before this module has read it and decided what to
 * receive: which payload type of which m= line, with which profile and
 * which transport-wide-cc header extension id.  The same module parses
 * trickle ICE fragments (RFC 8840) for PATCH, and adds the bandwidth
 * limit to an answer.  No GStreamer here, so it is unit tested and
 * fuzzed like any other parser.
 */
#ifndef HEADER_VIGIL_SDP_H
#define HEADER_VIGIL_SDP_H

#include <stddef.h>

#include "vlimits.h"

enum sdp_res {
	SDP_OK = 0,
	SDP_BAD,		/* not an SDP offer we can read: 400 */
	SDP_UNACCEPTABLE,	/* readable, but nothing we can take: 406 */
	SDP__MAX
};

/* Room for a mid, an ICE ufrag/pwd, an H.264 profile-level-id. */
#define SDP_MID_MAX	32
#define SDP_ICE_MAX	256
#define SDP_PLID_LEN	6

/* What we will receive of one kind (audio or video). */
struct sdp_track {
	int	 present;		/* the publisher sends this kind */
	int	 mline;			/* index of its m= line (0-based) */
	int	 pt;			/* the payload type we answer */
	int	 twcc_id;		/* transport-wide-cc extmap id, 0: none */
	char	 mid[SDP_MID_MAX + 1];	/* "" when the section has none */
	/* Video: the offered profile-level-id of pt, lower case. */
	char	 plid[SDP_PLID_LEN + 1];
	int	 profile;		/* video: enum sdp_h264_profile */
};

/* H.264 profiles in our order of preference (RFC 6184 profile-level-id). */
enum sdp_h264_profile {
	SDP_H264_CONSTRAINED_BASELINE = 0,	/* 42e0xx, 42c0xx, 4240xx */
	SDP_H264_BASELINE,			/* 4200xx */
	SDP_H264_MAIN,				/* 4dxxxx */
	SDP_H264_HIGH,				/* 64xxxx */
	SDP_H264_OTHER,				/* any other profile_idc */
	SDP_H264__MAX
};

extern const char *const sdp_h264_profile_names[SDP_H264__MAX];

struct sdp_offer {
	struct sdp_track video;
	struct sdp_track audio;
	size_t		 nmedia;	/* m= lines in the offer */
	/* Every m= line's mid, by index, to map trickled candidates. */
	char		 mids[LIM_SDP_MEDIA][SDP_MID_MAX + 1];
	/* The ICE credentials of the first media section. */
	char		 ice_ufrag[SDP_ICE_MAX + 1];
	char		 ice_pwd[SDP_ICE_MAX + 1];
};

/*
 * Read an offer of len bytes (no NUL needed) and decide what to receive.
 * SDP_OK fills out; otherwise *why points at a fixed sentence for the
 * client (never input).  The policy:
 *  - video: H.264 with packetization-mode=1; among several payload
 *    types, constrained baseline, then baseline, then main, then high,
 *    then any other profile, each in offer order;
 *  - audio: opus/48000/2;
 *  - at most one sending audio and one sending video section; a section
 *    the publisher does not send from (recvonly, inactive, port 0) is
 *    ignored; simulcast and non-RTP sections (data channels) are 406;
 *  - a sending section with none of our codecs is 406 (we would record
 *    it silently without that track otherwise);
 *  - ICE credentials and a DTLS fingerprint are required (400 without).
 */
enum sdp_res	 sdp_offer_check(const char *sdp, size_t len,
		    struct sdp_offer *out, const char **why);

/* One trickled candidate. */
struct sdp_cand {
	int	 mline;			/* index in the offer; 0 if unknown */
	char	 mid[SDP_MID_MAX + 1];	/* "" when the fragment had none */
	char	 line[LIM_SDP_LINE + 1]; /* "candidate:..." */
};

struct sdp_frag {
	char		 ice_ufrag[SDP_ICE_MAX + 1];	/* "" if absent */
	char		 ice_pwd[SDP_ICE_MAX + 1];
	struct sdp_cand	 cands[LIM_SDP_CANDIDATES];
	size_t		 ncands;
	int		 end_of_candidates;
};

/*
 * Parse an application/trickle-ice-sdpfrag body (RFC 8840) of len
 * bytes.  Candidates are mapped to the offer's m= lines by mid when
 * offer is not NULL.  SDP_OK or SDP_BAD with *why set.  out is large:
 * allocate it, do not put it on a small stack.
 */
enum sdp_res	 sdp_frag_parse(const char *frag, size_t len,
		    const struct sdp_offer *offer, struct sdp_frag *out,
		    const char **why);

/* Is the fragment an ICE restart (credentials other than the offer's)? */
int		 sdp_frag_is_restart(const struct sdp_frag *f,
		    const struct sdp_offer *offer);

/*
 * A copy of answer with "b=AS:kbps" and "b=TIAS:bps" in its video
 * section (RFC 4566 5.8, RFC 3890), so the browser caps what it sends;
 * the answer unchanged when it has no video.  To free(3); NULL on
 * allocation failure.
 */
char		*sdp_answer_bandwidth(const char *answer, unsigned int kbps);

#endif /* HEADER_VIGIL_SDP_H */
