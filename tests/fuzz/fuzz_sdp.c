/*
 * fuzz_sdp.c: the WHIP offer policy and trickle fragments (lib/sdp.c)
 * on arbitrary bytes.
 *
 * The whole input is handed to sdp_offer_check() and to
 * sdp_frag_parse() as (pointer, length), without a NUL: the parsers
 * must never read past len.  When the input is text without NULs it
 * also goes through sdp_answer_bandwidth().
 *
 * Beyond not crashing, the target checks:
 *  - a result is one of enum sdp_res, with a reason exactly when it is
 *    not SDP_OK;
 *  - an accepted offer receives something, each track's payload type is
 *    an RTP one (0..127) on an m= line that exists, the video's
 *    profile-level-id is six lower-case hex digits, a transport-cc id
 *    is 0..255;
 *  - a parsed fragment holds at most LIM_SDP_CANDIDATES candidates,
 *    each a "candidate:" line;
 *  - the bandwidth edit only ever adds to the answer.
 */
#include <ctype.h>
#include <string.h>

#include "sdp.h"
#include "vlimits.h"

#include "fuzz.h"

static struct sdp_frag	 frag;	/* large: not on the stack */

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_quiet();
	return 0;
}

static void
check_track(const struct sdp_offer *o, const struct sdp_track *t,
    int video)
{
	size_t	 i;

	if (!t->present)
		return;
	FUZZ_ASSERT(t->pt >= 0 && t->pt < 128);
	FUZZ_ASSERT(t->mline >= 0 && (size_t)t->mline < o->nmedia);
	FUZZ_ASSERT(t->twcc_id >= 0 && t->twcc_id <= 255);
	if (video) {
		FUZZ_ASSERT(strlen(t->plid) == SDP_PLID_LEN);
		for (i = 0; i < SDP_PLID_LEN; i++)
			FUZZ_ASSERT(isxdigit((unsigned char)t->plid[i]) &&
			    !isupper((unsigned char)t->plid[i]));
		FUZZ_ASSERT(t->profile >= 0 && t->profile < SDP_H264__MAX);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sdp_offer	 o;
	const char		*why;
	enum sdp_res		 r;
	char			*text, *out;
	size_t			 i;

	r = sdp_offer_check((const char *)data, size, &o, &why);
	FUZZ_ASSERT(r == SDP_OK || r == SDP_BAD || r == SDP_UNACCEPTABLE);
	FUZZ_ASSERT((r == SDP_OK) == (why == NULL));
	if (r == SDP_OK) {
		FUZZ_ASSERT(o.video.present || o.audio.present);
		FUZZ_ASSERT(o.nmedia > 0 && o.nmedia <= LIM_SDP_MEDIA);
		check_track(&o, &o.video, 1);
		check_track(&o, &o.audio, 0);
	}
	r = sdp_frag_parse((const char *)data, size, r == SDP_OK ? &o : NULL,
	    &frag, &why);
	FUZZ_ASSERT(r == SDP_OK || r == SDP_BAD);
	FUZZ_ASSERT((r == SDP_OK) == (why == NULL));
	FUZZ_ASSERT(frag.ncands <= LIM_SDP_CANDIDATES);
	for (i = 0; i < frag.ncands; i++)
		FUZZ_ASSERT(strncmp(frag.cands[i].line, "candidate:", 10) ==
		    0 && frag.cands[i].mline >= 0);

	if (memchr(data, '\0', size) != NULL || (text = malloc(size + 1)) ==
	    NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if ((out = sdp_answer_bandwidth(text, 6000)) != NULL) {
		FUZZ_ASSERT(strlen(out) >= size);
		free(out);
	}
	free(text);
	return 0;
}
