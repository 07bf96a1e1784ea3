/*
 * fuzz_event_json.c: the webhook body parsers of lib/event.c on
 * arbitrary bytes: event_mux_parse(), event_cf_notification_parse(),
 * event_cf_video_parse(), and event_time_ms() on every value of the
 * document (as json_parse() reads it), nested or not.
 *
 * Beyond not crashing, the target checks what callers rely on: every
 * string in the output structs is terminated inside its array, ids
 * that are set pass valid_id(), enums are in range, and times are
 * never negative.
 */
#include <string.h>

#include <cJSON.h>

#include "event.h"
#include "json.h"
#include "valid.h"

#include "fuzz.h"

#define TERMINATED(a)	(memchr((a), '\0', sizeof(a)) != NULL)
#define ID_OR_EMPTY(a)	(TERMINATED(a) && ((a)[0] == '\0' || valid_id(a)))

/* Values visited per document, and how deep: bounds the work. */
#define WALK_MAX	4096
#define DEPTH_MAX	64

static void
walk(const cJSON *v, int depth, size_t *n)
{
	const cJSON	*c;

	if (v == NULL || depth > DEPTH_MAX || ++*n > WALK_MAX)
		return;
	FUZZ_ASSERT(event_time_ms(v) >= 0);
	for (c = v->child; c != NULL; c = c->next)
		walk(c, depth + 1, n);
}

static void
check_mux(const struct mux_event *ev)
{
	size_t	 i;

	FUZZ_ASSERT(TERMINATED(ev->id) && TERMINATED(ev->type_name));
	FUZZ_ASSERT(ev->type <= MUX_EVT__MAX);
	FUZZ_ASSERT(ev->created_at_ms >= 0);
	FUZZ_ASSERT(ev->id[0] != '\0' && ev->type_name[0] != '\0');
	if (ev->type != MUX_EVT__MAX)
		FUZZ_ASSERT(strcmp(ev->type_name, mux_evt_names[ev->type]) ==
		    0);
	if (ev->type == MUX_EVT__MAX)
		return;
	if (ev->is_asset) {
		FUZZ_ASSERT(valid_id(ev->asset.id));
		FUZZ_ASSERT(TERMINATED(ev->asset.status) &&
		    ev->asset.status[0] != '\0');
		FUZZ_ASSERT(ID_OR_EMPTY(ev->asset.live_stream_id));
		FUZZ_ASSERT(ID_OR_EMPTY(ev->asset.passthrough));
		FUZZ_ASSERT(ID_OR_EMPTY(ev->asset.playback_id));
		FUZZ_ASSERT(ev->asset.is_live == 0 || ev->asset.is_live == 1);
		FUZZ_ASSERT(ev->asset.duration == -1 ||
		    (ev->asset.duration >= 0 && ev->asset.duration < 1e9));
	} else {
		FUZZ_ASSERT(valid_id(ev->live.id));
		FUZZ_ASSERT(TERMINATED(ev->live.status) &&
		    ev->live.status[0] != '\0');
		FUZZ_ASSERT(TERMINATED(ev->live.stream_key));
		FUZZ_ASSERT(ID_OR_EMPTY(ev->live.playback_id));
		FUZZ_ASSERT(ID_OR_EMPTY(ev->live.passthrough));
		FUZZ_ASSERT(ID_OR_EMPTY(ev->live.active_asset_id));
		FUZZ_ASSERT(ev->live.nrecent <= MUX_RECENT_MAX);
		for (i = 0; i < ev->live.nrecent; i++)
			FUZZ_ASSERT(valid_id(ev->live.recent_asset_ids[i]));
	}
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
	struct mux_event	 ev;
	struct cf_notification	 n;
	struct cf_video		 v;
	const char		*body = (const char *)data;
	cJSON			*doc;
	size_t			 visited = 0;

	if (event_mux_parse(body, size, &ev) == 0)
		check_mux(&ev);

	if (event_cf_notification_parse(body, size, &n) == 0) {
		FUZZ_ASSERT(n.type < CF_NOTIF__MAX);
		FUZZ_ASSERT(TERMINATED(n.input_id) &&
		    TERMINATED(n.error_code));
		if (n.type == CF_NOTIF_CONNECTED ||
		    n.type == CF_NOTIF_DISCONNECTED ||
		    n.type == CF_NOTIF_ERRORED)
			FUZZ_ASSERT(valid_id(n.input_id));
		else
			FUZZ_ASSERT(n.input_id[0] == '\0');
	}

	if (event_cf_video_parse(body, size, &v) == 0) {
		FUZZ_ASSERT(valid_id(v.uid));
		FUZZ_ASSERT(TERMINATED(v.state) && v.state[0] != '\0');
		FUZZ_ASSERT(ID_OR_EMPTY(v.live_input));
		FUZZ_ASSERT(TERMINATED(v.hls) && TERMINATED(v.error_code));
		FUZZ_ASSERT(v.ready_to_stream == 0 || v.ready_to_stream == 1);
		FUZZ_ASSERT(v.duration == -1 ||
		    (v.duration >= 0 && v.duration < 1e9));
	} else
		FUZZ_ASSERT(v.uid[0] == '\0' && v.state[0] == '\0');

	/* event_time_ms() on every value, as the parsers would meet it. */
	if ((doc = json_parse(body, size)) != NULL) {
		walk(doc, 0, &visited);
		json_free(doc);
	}
	FUZZ_ASSERT(event_time_ms(NULL) == 0);
	return 0;
}
