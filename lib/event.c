/*
 * event.c: webhook bodies → our structs.  Runs only on bodies whose
 * signature or shared secret already checked out, and still trusts
 * nothing: every field goes through the bounded getters.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cJSON.h>

#include "compat.h"
#include "event.h"
#include "json.h"
#include "valid.h"

const char *const mux_evt_names[MUX_EVT__MAX] = {
	"video.live_stream.created",		/* MUX_EVT_LS_CREATED */
	"video.live_stream.connected",		/* MUX_EVT_LS_CONNECTED */
	"video.live_stream.recording",		/* MUX_EVT_LS_RECORDING */
	"video.live_stream.active",		/* MUX_EVT_LS_ACTIVE */
	"video.live_stream.disconnected",	/* MUX_EVT_LS_DISCONNECTED */
	"video.live_stream.idle",		/* MUX_EVT_LS_IDLE */
	"video.asset.created",			/* MUX_EVT_ASSET_CREATED */
	"video.asset.ready",			/* MUX_EVT_ASSET_READY */
	"video.asset.errored",			/* MUX_EVT_ASSET_ERRORED */
	"video.asset.live_stream_completed",	/* MUX_EVT_ASSET_LIVE_COMPLETED */
};

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian). */
static long long
days_from_civil(long long y, unsigned m, unsigned d)
{
	long long	 era;
	unsigned	 yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (long long)doe - 719468;
}

/* An ISO-8601 UTC/offset date-time to ms; 0 when not one. */
static long long
iso_ms(const char *s)
{
	long long	 y, ms = 0, off = 0;
	unsigned	 mo, d, h, mi, se;
	size_t		 i;

	if (!valid_datetime(s))
		return 0;
	y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 +
	    (s[3] - '0');
	mo = (unsigned)((s[5] - '0') * 10 + (s[6] - '0'));
	d = (unsigned)((s[8] - '0') * 10 + (s[9] - '0'));
	h = (unsigned)((s[11] - '0') * 10 + (s[12] - '0'));
	mi = (unsigned)((s[14] - '0') * 10 + (s[15] - '0'));
	se = (unsigned)((s[17] - '0') * 10 + (s[18] - '0'));
	i = 19;
	if (s[i] == '.') {
		long long	 scale = 100;

		for (i++; isdigit((unsigned char)s[i]); i++) {
			ms += (s[i] - '0') * scale;
			scale /= 10;
		}
	}
	if (s[i] == '+' || s[i] == '-') {
		off = ((s[i + 1] - '0') * 10 + (s[i + 2] - '0')) * 3600 +
		    ((s[i + 4] - '0') * 10 + (s[i + 5] - '0')) * 60;
		if (s[i] == '+')
			off = -off;
	}
	return ((days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 +
	    se + off) * 1000) + ms;
}

long long
event_time_ms(const struct cJSON *v)
{
	const cJSON	*sec, *ns;
	const char	*errstr;
	long long	 t;

	if (v == NULL)
		return 0;
	if (cJSON_IsNumber(v))
		return v->valuedouble > 0 && v->valuedouble < 1e11 ?
		    (long long)(v->valuedouble * 1000) : 0;
	if (cJSON_IsString(v) && v->valuestring != NULL) {
		t = strtonum(v->valuestring, 1, 99999999999LL, &errstr);
		if (errstr == NULL)
			return t * 1000;
		/* Before 1970 is as unusable as garbage: 0, never < 0. */
		t = iso_ms(v->valuestring);
		return t > 0 ? t : 0;
	}
	if (cJSON_IsObject(v)) {
		sec = cJSON_GetObjectItemCaseSensitive(v, "seconds");
		ns = cJSON_GetObjectItemCaseSensitive(v, "nanos");
		if (!cJSON_IsNumber(sec) || sec->valuedouble <= 0 ||
		    sec->valuedouble >= 1e11)
			return 0;
		t = (long long)sec->valuedouble * 1000;
		if (cJSON_IsNumber(ns) && ns->valuedouble >= 0 &&
		    ns->valuedouble < 1e9)
			t += (long long)ns->valuedouble / 1000000;
		return t;
	}
	return 0;
}

int
event_mux_parse(const char *body, size_t len, struct mux_event *out)
{
	cJSON		*j;
	const cJSON	*data;
	const char	*v;
	int		 i, rc = -1;

	memset(out, 0, sizeof(*out));
	out->type = MUX_EVT__MAX;
	if ((j = json_parse(body, len)) == NULL || !cJSON_IsObject(j))
		goto out;
	/* Event ids are UUIDs; allow any printable token of sane size. */
	if (json_get_str(j, "id", sizeof(out->id) - 1, &v) != JSON_OK ||
	    !valid_token(v, sizeof(out->id) - 1))
		goto out;
	strlcpy(out->id, v, sizeof(out->id));
	if (json_get_str(j, "type", sizeof(out->type_name) - 1, &v) !=
	    JSON_OK || !valid_token(v, sizeof(out->type_name) - 1))
		goto out;
	strlcpy(out->type_name, v, sizeof(out->type_name));
	for (i = 0; i < MUX_EVT__MAX; i++)
		if (strcmp(v, mux_evt_names[i]) == 0)
			out->type = (enum mux_evt)i;
	out->created_at_ms = event_time_ms(cJSON_GetObjectItemCaseSensitive(j,
	    "created_at"));
	if (out->type == MUX_EVT__MAX) {
		rc = 0;		/* acknowledged, not acted on */
		goto out;
	}
	if (json_get_obj(j, "data", &data) != JSON_OK)
		goto out;
	out->is_asset = out->type >= MUX_EVT_ASSET_CREATED;
	if (out->is_asset)
		rc = mux_asset_from_json(data, &out->asset);
	else
		rc = mux_live_stream_from_json(data, &out->live);
out:
	json_free(j);
	return rc;
}

int
event_cf_notification_parse(const char *body, size_t len,
    struct cf_notification *out)
{
	static const struct {
		const char	*name;
		enum cf_notif	 type;
	} types[] = {
		{ "live_input.connected", CF_NOTIF_CONNECTED },
		{ "live_input.disconnected", CF_NOTIF_DISCONNECTED },
		{ "live_input.errored", CF_NOTIF_ERRORED },
	};
	cJSON		*j;
	const cJSON	*data, *e;
	const char	*v;
	size_t		 i;
	int		 rc = -1;

	memset(out, 0, sizeof(*out));
	if ((j = json_parse(body, len)) == NULL || !cJSON_IsObject(j))
		goto out;
	if (json_get_obj(j, "data", &data) != JSON_OK) {
		/*
		 * The "Save and Test" message: only a text.  Alerts' texts
		 * span lines, so any string will do: it is never read.
		 */
		if (cJSON_IsString(cJSON_GetObjectItemCaseSensitive(j,
		    "text"))) {
			out->type = CF_NOTIF_TEST;
			rc = 0;
		}
		goto out;
	}
	out->type = CF_NOTIF_OTHER;
	if (json_get_str(data, "event_type", 64, &v) != JSON_OK) {
		rc = 0;		/* another kind of alert */
		goto out;
	}
	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (strcmp(v, types[i].name) == 0)
			out->type = types[i].type;
	if (out->type == CF_NOTIF_OTHER) {
		rc = 0;
		goto out;
	}
	if (json_get_id(data, "input_id", &v) != JSON_OK)
		goto out;
	strlcpy(out->input_id, v, sizeof(out->input_id));
	e = json_path(data, "live_input_errored", "error", (char *)NULL);
	if (e != NULL && json_get_str(e, "code", sizeof(out->error_code) - 1,
	    &v) == JSON_OK && valid_token(v, sizeof(out->error_code) - 1))
		strlcpy(out->error_code, v, sizeof(out->error_code));
	rc = 0;
out:
	json_free(j);
	return rc;
}

int
event_cf_video_parse(const char *body, size_t len, struct cf_video *out)
{
	cJSON	*j;
	int	 rc = -1;

	memset(out, 0, sizeof(*out));
	if ((j = json_parse(body, len)) != NULL && cJSON_IsObject(j))
		rc = cf_video_from_json(j, out);
	json_free(j);
	return rc;
}
