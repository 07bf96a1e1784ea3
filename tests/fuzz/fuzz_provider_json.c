/*
 * fuzz_provider_json.c: the provider answer parsers of lib/cloudflare.c
 * and lib/mux.c (cf_live_input_parse, cf_output_parse, cf_outputs_find,
 * cf_videos_list_parse, mux_live_stream_parse, mux_asset_parse) on
 * arbitrary answers, filled into a struct rest_call by hand as rest.c
 * would leave it.
 *
 * Input: one byte choosing how the call ended, then the response body.
 * The byte's low three bits pick the HTTP status (200, 201, 204, 400,
 * 404, 429, 500, 0); its top bit makes it a transport error instead.
 * In corpus files it is a digit '0'..'7', so they stay readable.
 *
 * Beyond not crashing: a parser that says 0 filled valid ids and
 * terminated strings; one that says -1 left nothing behind (the live
 * input, which holds secrets, is wiped); a video list is NULL exactly
 * when it is empty.
 */
#include <string.h>

#include "buf.h"
#include "cloudflare.h"
#include "mux.h"
#include "rest.h"
#include "valid.h"
#include "vlimits.h"

#include "fuzz.h"

#define TERMINATED(a)	(memchr((a), '\0', sizeof(a)) != NULL)
#define ID_OR_EMPTY(a)	(TERMINATED(a) && ((a)[0] == '\0' || valid_id(a)))

static const long statuses[8] = { 200, 201, 204, 400, 404, 429, 500, 0 };

/* Is the whole struct zero (a refused parse leaves nothing)? */
static int
zeroed(const void *p, size_t len)
{
	const unsigned char	*b = p;
	size_t			 i;

	for (i = 0; i < len; i++)
		if (b[i] != 0)
			return 0;
	return 1;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_quiet();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rest_call	 c;
	struct cf_live_input	 li;
	struct cf_output	 o;
	struct cf_video		*vs = NULL;
	struct mux_live_stream	 ls;
	struct mux_asset	 a;
	size_t			 n = 99, i;

	if (size == 0 || size - 1 > LIM_PROVIDER_RESP)
		return 0;
	memset(&c, 0, sizeof(c));
	buf_init(&c.resp, LIM_PROVIDER_RESP);
	c.op = "fuzz";
	c.method = "GET";
	c.status = statuses[data[0] & 7];
	c.err = (data[0] & 0x80) ? REST_TRANSPORT : REST_OK;
	c.attempts = 1;
	if (size > 1 && buf_append(&c.resp, data + 1, size - 1) == -1)
		goto out;

	if (cf_live_input_parse(&c, &li) == 0) {
		FUZZ_ASSERT(rest_ok(&c));
		FUZZ_ASSERT(valid_id(li.uid));
		FUZZ_ASSERT(TERMINATED(li.rtmps_url) && li.rtmps_url[0]);
		FUZZ_ASSERT(TERMINATED(li.rtmps_key) && li.rtmps_key[0]);
		FUZZ_ASSERT(TERMINATED(li.whip_url) && li.whip_url[0]);
		FUZZ_ASSERT(TERMINATED(li.whep_url) && li.whep_url[0]);
		FUZZ_ASSERT(TERMINATED(li.playback_base));
	} else
		FUZZ_ASSERT(zeroed(&li, sizeof(li)));

	if (cf_output_parse(&c, &o) == 0)
		FUZZ_ASSERT(valid_id(o.uid));
	else
		FUZZ_ASSERT(zeroed(&o, sizeof(o)));

	switch (cf_outputs_find(&c, "k1", &o)) {
	case 0:
		FUZZ_ASSERT(rest_ok(&c) && valid_id(o.uid));
		break;
	case 1:
		FUZZ_ASSERT(rest_ok(&c));
		/* FALLTHROUGH */
	default:
		FUZZ_ASSERT(zeroed(&o, sizeof(o)));
		break;
	}

	if (cf_videos_list_parse(&c, &vs, &n) == 0) {
		FUZZ_ASSERT(rest_ok(&c));
		FUZZ_ASSERT((vs == NULL) == (n == 0));
		FUZZ_ASSERT(n <= 1000);
		for (i = 0; i < n; i++) {
			FUZZ_ASSERT(valid_id(vs[i].uid));
			FUZZ_ASSERT(TERMINATED(vs[i].state) &&
			    vs[i].state[0] != '\0');
			FUZZ_ASSERT(ID_OR_EMPTY(vs[i].live_input));
			FUZZ_ASSERT(TERMINATED(vs[i].hls));
			FUZZ_ASSERT(TERMINATED(vs[i].error_code));
		}
	} else
		FUZZ_ASSERT(vs == NULL && n == 0);
	free(vs);

	if (mux_live_stream_parse(&c, &ls) == 0) {
		FUZZ_ASSERT(rest_ok(&c));
		FUZZ_ASSERT(valid_id(ls.id));
		FUZZ_ASSERT(TERMINATED(ls.stream_key) && ls.stream_key[0]);
		FUZZ_ASSERT(TERMINATED(ls.status) && ls.status[0]);
		FUZZ_ASSERT(ID_OR_EMPTY(ls.playback_id));
		FUZZ_ASSERT(ID_OR_EMPTY(ls.passthrough));
		FUZZ_ASSERT(ID_OR_EMPTY(ls.active_asset_id));
		FUZZ_ASSERT(ls.nrecent <= MUX_RECENT_MAX);
		for (i = 0; i < ls.nrecent; i++)
			FUZZ_ASSERT(valid_id(ls.recent_asset_ids[i]));
	} else
		FUZZ_ASSERT(zeroed(&ls, sizeof(ls)));

	if (mux_asset_parse(&c, &a) == 0) {
		FUZZ_ASSERT(rest_ok(&c));
		FUZZ_ASSERT(valid_id(a.id));
		FUZZ_ASSERT(TERMINATED(a.status) && a.status[0]);
		FUZZ_ASSERT(ID_OR_EMPTY(a.live_stream_id));
		FUZZ_ASSERT(ID_OR_EMPTY(a.passthrough));
		FUZZ_ASSERT(ID_OR_EMPTY(a.playback_id));
		FUZZ_ASSERT(a.duration == -1 ||
		    (a.duration >= 0 && a.duration < 1e9));
	} else
		FUZZ_ASSERT(zeroed(&a, sizeof(a)));
out:
	buf_free(&c.resp);
	return 0;
}
