/*
 * stream.c: memorials and streams: names, input validation, JSON views.
 *
 * The JSON views are where secrets are kept from the public: VIEW_PUBLIC
 * is built from an allow-list of fields, so a field added to struct
 * stream stays private until someone decides otherwise here.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cJSON.h>

#include "compat.h"
#include "json.h"
#include "stream.h"
#include "valid.h"

const char *const stream_status_names[STREAM__MAX] = {
	"ready",		/* STREAM_READY */
	"live",			/* STREAM_LIVE */
	"completed",		/* STREAM_COMPLETED */
};

const char *const stream_method_names[METHOD__MAX] = {
	"whip_browser",		/* METHOD_WHIP_BROWSER */
	"obs",			/* METHOD_OBS */
	"cloudflare_whip",	/* METHOD_CLOUDFLARE_WHIP */
	"mux_whip",		/* METHOD_MUX_WHIP */
};

const char *const person_role_names[ROLE__MAX] = {
	"director",		/* ROLE_DIRECTOR */
	"videographer",		/* ROLE_VIDEOGRAPHER */
};

const char *const rec_source_names[SRC__MAX] = {
	"local",		/* SRC_LOCAL */
	"cloudflare",		/* SRC_CLOUDFLARE */
	"mux",			/* SRC_MUX */
};

const char *const rec_state_names[REC__MAX] = {
	"pending",		/* REC_PENDING */
	"recording",		/* REC_RECORDING */
	"ready",		/* REC_READY */
	"failed",		/* REC_FAILED */
};

static int
lookup(const char *const *tab, int n, const char *s)
{
	int	 i;

	if (s == NULL)
		return -1;
	for (i = 0; i < n; i++)
		if (strcmp(tab[i], s) == 0)
			return i;
	return -1;
}

int
stream_status_parse(const char *s)
{
	return lookup(stream_status_names, STREAM__MAX, s);
}

int
stream_method_parse(const char *s)
{
	return lookup(stream_method_names, METHOD__MAX, s);
}

int
person_role_parse(const char *s)
{
	return lookup(person_role_names, ROLE__MAX, s);
}

int
rec_source_parse(const char *s)
{
	return lookup(rec_source_names, SRC__MAX, s);
}

int
rec_state_parse(const char *s)
{
	return lookup(rec_state_names, REC__MAX, s);
}

unsigned int
stream_sources(const struct stream *s)
{
	unsigned int	 m = 0;

	/* The relay records locally whatever reaches it. */
	if (s->method == METHOD_WHIP_BROWSER)
		m |= 1u << SRC_LOCAL;
	/* Cloudflare records RTMPS input only, never WHIP input. */
	if (s->cf_input_id[0] != '\0' && s->method != METHOD_CLOUDFLARE_WHIP)
		m |= 1u << SRC_CLOUDFLARE;
	if (s->mux_stream_id[0] != '\0')
		m |= 1u << SRC_MUX;
	return m;
}

int
stream_create_parse(const char *body, size_t len, struct stream_create *out,
    const char **why)
{
	cJSON		*j = NULL;
	const char	*v;
	int		 b, m, rc = -1;

	memset(out, 0, sizeof(*out));
	out->mux_backup = -1;
	out->method = METHOD_WHIP_BROWSER;
	if ((j = json_parse(body, len)) == NULL || !cJSON_IsObject(j)) {
		*why = "body must be a JSON object";
		goto out;
	}
	if (json_get_id(j, "memorialId", &v) != JSON_OK) {
		*why = "memorialId must be an id ([A-Za-z0-9_-]{1,64})";
		goto out;
	}
	strlcpy(out->memorial_id, v, sizeof(out->memorial_id));
	if (json_get_text(j, "title", LIM_TITLE, &v) != JSON_OK) {
		*why = "title must be text of 1 to 200 bytes";
		goto out;
	}
	strlcpy(out->title, v, sizeof(out->title));
	switch (json_get_str(j, "streamingMethod", 32, &v)) {
	case JSON_OK:
		if ((m = stream_method_parse(v)) == -1) {
			*why = "streamingMethod must be whip_browser, obs, "
			    "cloudflare_whip or mux_whip";
			goto out;
		}
		out->method = (enum stream_method)m;
		break;
	case JSON_MISSING:
		break;
	default:
		*why = "streamingMethod must be a string";
		goto out;
	}
	switch (json_get_bool(j, "muxBackup", &b)) {
	case JSON_OK:
		out->mux_backup = b;
		break;
	case JSON_MISSING:
		break;
	default:
		*why = "muxBackup must be a boolean";
		goto out;
	}
	switch (json_get_str(j, "scheduledAt", sizeof(out->scheduled_at) - 1,
	    &v)) {
	case JSON_OK:
		if (!valid_datetime(v)) {
			*why = "scheduledAt must be an ISO-8601 date-time";
			goto out;
		}
		strlcpy(out->scheduled_at, v, sizeof(out->scheduled_at));
		break;
	case JSON_MISSING:
		break;
	default:
		*why = "scheduledAt must be an ISO-8601 date-time";
		goto out;
	}
	rc = 0;
out:
	json_free(j);
	return rc;
}

/* Add people of one role from a JSON array of ids. */
static int
people_parse(const cJSON *arr, enum person_role role, struct memorial *m,
    const char **why)
{
	const cJSON	*e;
	size_t		 i;

	cJSON_ArrayForEach(e, arr) {
		if (!cJSON_IsString(e) || !valid_id(e->valuestring)) {
			*why = "people must be arrays of user ids";
			return -1;
		}
		for (i = 0; i < m->npeople; i++)
			if (strcmp(m->people[i].uid, e->valuestring) == 0)
				break;
		if (i < m->npeople)
			continue;	/* listed twice: once is enough */
		if (m->npeople == LIM_PEOPLE) {
			*why = "too many people (at most 32)";
			return -1;
		}
		strlcpy(m->people[m->npeople].uid, e->valuestring,
		    sizeof(m->people[0].uid));
		m->people[m->npeople++].role = role;
	}
	return 0;
}

int
memorial_parse(const char *body, size_t len, int patch,
    struct memorial_input *out, const char **why)
{
	cJSON		*j = NULL;
	const cJSON	*arr;
	const char	*v;
	enum json_res	 res;
	int		 rc = -1;

	memset(out, 0, sizeof(*out));
	if ((j = json_parse(body, len)) == NULL || !cJSON_IsObject(j)) {
		*why = "body must be a JSON object";
		goto out;
	}
	if (!patch) {
		if ((res = json_get_id(j, "id", &v)) == JSON_BAD) {
			*why = "id must be an id ([A-Za-z0-9_-]{1,64})";
			goto out;
		}
		if (res == JSON_OK) {
			out->has_id = 1;
			strlcpy(out->m.id, v, sizeof(out->m.id));
		}
	} else if (cJSON_GetObjectItemCaseSensitive(j, "id") != NULL) {
		*why = "id cannot be changed";
		goto out;
	}
	if ((res = json_get_text(j, "title", LIM_TITLE, &v)) == JSON_BAD ||
	    (res == JSON_MISSING && !patch)) {
		*why = "title must be text of 1 to 200 bytes";
		goto out;
	}
	if (res == JSON_OK) {
		out->has_title = 1;
		strlcpy(out->m.title, v, sizeof(out->m.title));
	}
	if ((res = json_get_id(j, "ownerUid", &v)) == JSON_BAD ||
	    (res == JSON_MISSING && !patch)) {
		*why = "ownerUid must be a user id";
		goto out;
	}
	if (res == JSON_OK) {
		out->has_owner = 1;
		strlcpy(out->m.owner, v, sizeof(out->m.owner));
	}
	if ((res = json_get_arr(j, "directorUids", &arr)) == JSON_BAD) {
		*why = "directorUids must be an array of user ids";
		goto out;
	}
	if (res == JSON_OK) {
		out->has_people = 1;
		if (people_parse(arr, ROLE_DIRECTOR, &out->m, why) == -1)
			goto out;
	}
	if ((res = json_get_arr(j, "videographerUids", &arr)) == JSON_BAD) {
		*why = "videographerUids must be an array of user ids";
		goto out;
	}
	if (res == JSON_OK) {
		out->has_people = 1;
		if (people_parse(arr, ROLE_VIDEOGRAPHER, &out->m, why) == -1)
			goto out;
	}
	switch (json_get_str(j, "visibility", 16, &v)) {
	case JSON_OK:
		if (strcmp(v, "public") == 0)
			out->m.private_ = 0;
		else if (strcmp(v, "private") == 0)
			out->m.private_ = 1;
		else {
			*why = "visibility must be public or private";
			goto out;
		}
		out->has_visibility = 1;
		break;
	case JSON_MISSING:
		break;
	default:
		*why = "visibility must be public or private";
		goto out;
	}
	rc = 0;
out:
	json_free(j);
	return rc;
}

/* ISO-8601 UTC with milliseconds, into a cJSON string (or null at 0). */
static void
add_time(cJSON *o, const char *key, long long ms)
{
	char		 s[40];
	struct tm	 tm;
	time_t		 t;
	long long	 days, y, doe, yoe, doy, mp, sod;
	int		 f[7], i, k;

	if (ms <= 0) {
		cJSON_AddNullToObject(o, key);
		return;
	}
	if (ms >= 253402300800000LL) {		/* 10000-01-01: %Y grows */
		t = (time_t)(ms / 1000);
		gmtime_r(&t, &tm);
		strftime(s, sizeof(s), "%Y-%m-%dT%H:%M:%S", &tm);
		snprintf(s + strlen(s), sizeof(s) - strlen(s), ".%03lldZ",
		    ms % 1000);
		cJSON_AddStringToObject(o, key, s);
		return;
	}
	/*
	 * A listing formats a few hundred of these: by hand, not with
	 * gmtime_r + strftime + snprintf (bench/README.md).  Days to civil
	 * date after H. Hinnant's civil_from_days, for days >= 0.
	 */
	days = ms / 86400000;
	sod = ms / 1000 % 86400;
	days += 719468;
	doe = days % 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + days / 146097 * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	f[2] = (int)(doy - (153 * mp + 2) / 5 + 1);	/* day */
	f[1] = (int)(mp < 10 ? mp + 3 : mp - 9);	/* month */
	f[0] = (int)(y + (f[1] <= 2));			/* year */
	f[3] = (int)(sod / 3600);
	f[4] = (int)(sod / 60 % 60);
	f[5] = (int)(sod % 60);
	f[6] = (int)(ms % 1000);
	/* "YYYY-MM-DDTHH:MM:SS.mmmZ" */
	k = 0;
	for (i = 0; i < 7; i++) {
		int	 w = i == 0 ? 4 : i == 6 ? 3 : 2, d;

		for (d = w - 1; d >= 0; d--) {
			s[k + d] = (char)('0' + f[i] % 10);
			f[i] /= 10;
		}
		k += w;
		s[k++] = "--T::.Z"[i];
	}
	s[k] = '\0';
	cJSON_AddStringToObject(o, key, s);
}

/* A string field, or null when empty. */
static void
add_str(cJSON *o, const char *key, const char *v)
{
	if (v == NULL || *v == '\0')
		cJSON_AddNullToObject(o, key);
	else
		cJSON_AddStringToObject(o, key, v);
}

static cJSON *
recording_json(const struct recording *r, enum stream_view view)
{
	cJSON	*o;

	if ((o = cJSON_CreateObject()) == NULL)
		return NULL;
	if (view == VIEW_FULL)
		cJSON_AddStringToObject(o, "providerId", r->provider_id);
	cJSON_AddStringToObject(o, "state", rec_state_names[r->state]);
	add_str(o, "playbackUrl", r->state == REC_READY ? r->playback_url :
	    NULL);
	if (r->duration >= 0)
		cJSON_AddNumberToObject(o, "duration", r->duration);
	else
		cJSON_AddNullToObject(o, "duration");
	add_time(o, "startedAt", r->started_at);
	add_time(o, "endedAt", r->ended_at);
	add_time(o, "updatedAt", r->updated_at);
	return o;
}

/*
 * recordingSources: one object per source the stream was set up with,
 * in the seeds' shape ({available, playbackUrl, duration}) plus the
 * state of its newest recording and the list.  Returns the preferred
 * source (the best ready one: cloudflare, mux, local) or -1.
 */
static int
add_sources(cJSON *o, const struct stream *s, enum stream_view view,
    const struct recording *recs, size_t nrecs)
{
	static const enum rec_source order[] = {
	    SRC_CLOUDFLARE, SRC_MUX, SRC_LOCAL };
	cJSON			*srcs, *so, *list;
	const struct recording	*best, *newest;
	unsigned int		 mask = stream_sources(s);
	size_t			 i, k;
	int			 pref = -1;

	if ((srcs = cJSON_AddObjectToObject(o, "recordingSources")) == NULL)
		return -1;
	for (k = 0; k < SRC__MAX; k++) {
		enum rec_source	 src = (enum rec_source)k;

		best = newest = NULL;
		for (i = 0; i < nrecs; i++) {
			if (recs[i].source != src)
				continue;
			mask |= 1u << src;	/* a recording came anyway */
			if (newest == NULL ||
			    recs[i].created_at >= newest->created_at)
				newest = &recs[i];
			/* The longest ready recording plays best. */
			if (recs[i].state == REC_READY && (best == NULL ||
			    recs[i].duration > best->duration))
				best = &recs[i];
		}
		if (!(mask & (1u << src)))
			continue;
		if ((so = cJSON_AddObjectToObject(srcs,
		    rec_source_names[src])) == NULL)
			return -1;
		cJSON_AddBoolToObject(so, "available", best != NULL);
		if (best != NULL) {
			cJSON_AddStringToObject(so, "playbackUrl",
			    best->playback_url);
			if (best->duration >= 0)
				cJSON_AddNumberToObject(so, "duration",
				    best->duration);
		}
		if (newest != NULL)
			cJSON_AddStringToObject(so, "state",
			    rec_state_names[newest->state]);
		if ((list = cJSON_AddArrayToObject(so, "recordings")) == NULL)
			return -1;
		for (i = 0; i < nrecs; i++)
			if (recs[i].source == src)
				cJSON_AddItemToArray(list,
				    recording_json(&recs[i], view));
	}
	for (k = 0; k < sizeof(order) / sizeof(order[0]); k++) {
		so = cJSON_GetObjectItemCaseSensitive(srcs,
		    rec_source_names[order[k]]);
		if (so != NULL && cJSON_IsTrue(
		    cJSON_GetObjectItemCaseSensitive(so, "available"))) {
			pref = (int)order[k];
			break;
		}
	}
	return pref;
}

/* Live playback: what a viewer's player should open while live. */
static void
add_playback(cJSON *o, const struct stream *s, int pref, cJSON *srcs)
{
	cJSON	*p, *so;
	char	 url[1024];

	if ((p = cJSON_AddObjectToObject(o, "playback")) == NULL)
		return;
	url[0] = '\0';
	if (s->method == METHOD_MUX_WHIP && s->mux_playback_id[0] != '\0')
		snprintf(url, sizeof(url), "https://stream.mux.com/%s.m3u8",
		    s->mux_playback_id);
	else if (s->method != METHOD_CLOUDFLARE_WHIP &&
	    s->cf_input_id[0] != '\0' && s->cf_playback_base[0] != '\0')
		snprintf(url, sizeof(url), "%s/%s/manifest/video.m3u8",
		    s->cf_playback_base, s->cf_input_id);
	else if (s->method == METHOD_WHIP_BROWSER)
		snprintf(url, sizeof(url), "/media/%s/live.m3u8", s->id);
	add_str(p, "liveHls", url);
	add_str(p, "whep", s->method == METHOD_CLOUDFLARE_WHIP ? s->whep_url :
	    NULL);
	so = pref >= 0 ? cJSON_GetObjectItemCaseSensitive(srcs,
	    rec_source_names[pref]) : NULL;
	if (so != NULL)
		cJSON_AddItemToObject(p, "replay", cJSON_Duplicate(
		    cJSON_GetObjectItemCaseSensitive(so, "playbackUrl"), 1));
	else
		cJSON_AddNullToObject(p, "replay");
}

static cJSON *
stream_json(const struct stream *s, enum stream_view view,
    const char *publish_token, const struct recording *all, size_t nall)
{
	struct recording	*recs = NULL;
	size_t			 i, nrecs = 0;
	cJSON			*o;
	int			 pref;

	/*
	 * This stream's rows only.  Counted first: a listing passes the
	 * whole page's rows, and room for all of them per stream was a
	 * page of memset for every stream (bench/README.md).
	 */
	for (i = 0; i < nall; i++)
		if (strcmp(all[i].stream_id, s->id) == 0)
			nrecs++;
	if (nrecs > 0 && (recs = calloc(nrecs, sizeof(*recs))) == NULL)
		return NULL;
	nrecs = 0;
	for (i = 0; i < nall; i++)
		if (strcmp(all[i].stream_id, s->id) == 0)
			recs[nrecs++] = all[i];

	if ((o = cJSON_CreateObject()) == NULL) {
		free(recs);
		return NULL;
	}
	cJSON_AddStringToObject(o, "id", s->id);
	cJSON_AddStringToObject(o, "memorialId", s->memorial_id);
	cJSON_AddStringToObject(o, "title", s->title);
	cJSON_AddStringToObject(o, "status", stream_status_names[s->status]);
	cJSON_AddStringToObject(o, "streamingMethod",
	    stream_method_names[s->method]);
	if (s->experimental)
		cJSON_AddBoolToObject(o, "experimental", 1);
	cJSON_AddBoolToObject(o, "simulcastEnabled", s->simulcast);
	add_str(o, "scheduledAt", s->scheduled_at);
	add_time(o, "createdAt", s->created_at);
	add_time(o, "updatedAt", s->updated_at);
	add_time(o, "startedAt", s->started_at);
	add_time(o, "endedAt", s->ended_at);
	if (s->method == METHOD_CLOUDFLARE_WHIP)
		add_str(o, "whepUrl", s->whep_url);

	if (view == VIEW_FULL) {
		add_str(o, "whipUrl", s->whip_url);
		if (publish_token != NULL)
			cJSON_AddStringToObject(o, "publishToken",
			    publish_token);
		if (s->method == METHOD_OBS) {
			add_str(o, "rtmpsUrl", s->rtmps_url);
			add_str(o, "streamKey", s->stream_key);
		}
		add_str(o, "cloudflareInputId", s->cf_input_id);
		add_str(o, "muxLiveStreamId", s->mux_stream_id);
		add_str(o, "muxPlaybackId", s->mux_playback_id);
		cJSON_AddBoolToObject(o, "muxBackup", s->mux_backup);
		cJSON_AddStringToObject(o, "createdBy", s->created_by);
	}
	pref = add_sources(o, s, view, recs, nrecs);
	if (pref >= 0)
		cJSON_AddStringToObject(o, "preferredRecordingSource",
		    rec_source_names[pref]);
	else
		cJSON_AddNullToObject(o, "preferredRecordingSource");
	add_playback(o, s, pref,
	    cJSON_GetObjectItemCaseSensitive(o, "recordingSources"));
	free(recs);
	return o;
}

/* Print and free o; NULL when o is NULL or printing fails. */
static char *
print_free(cJSON *o)
{
	char	*out = NULL;

	if (o != NULL)
		out = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	return out;
}

char *
stream_create_reply(const struct stream *s, const char *publish_token,
    const char *warnings_json)
{
	cJSON	*o, *st, *w;

	if ((o = cJSON_CreateObject()) == NULL)
		return NULL;
	cJSON_AddBoolToObject(o, "success", 1);
	if ((st = stream_json(s, VIEW_FULL, publish_token, NULL, 0)) == NULL) {
		cJSON_Delete(o);
		return NULL;
	}
	cJSON_AddItemToObject(o, "stream", st);
	if ((w = cJSON_Parse(warnings_json != NULL ? warnings_json : "[]")) ==
	    NULL || !cJSON_IsArray(w)) {
		cJSON_Delete(w);
		w = cJSON_CreateArray();
	}
	cJSON_AddItemToObject(o, "warnings", w);
	return print_free(o);
}

char *
stream_one_json(const struct stream *s, enum stream_view view,
    const struct recording *recs, size_t nrecs)
{
	cJSON	*o, *st;

	if ((o = cJSON_CreateObject()) == NULL)
		return NULL;
	if ((st = stream_json(s, view, NULL, recs, nrecs)) != NULL)
		cJSON_AddItemToObject(o, "stream", st);
	else {
		cJSON_Delete(o);
		return NULL;
	}
	return print_free(o);
}

char *
stream_list_json(const struct stream *ss, const enum stream_view *views,
    size_t n, const struct recording *recs, size_t nrecs,
    const char *next_cursor)
{
	cJSON	*o, *arr, *st;
	size_t	 i;

	if ((o = cJSON_CreateObject()) == NULL)
		return NULL;
	if ((arr = cJSON_AddArrayToObject(o, "streams")) == NULL)
		goto fail;
	for (i = 0; i < n; i++) {
		if ((st = stream_json(&ss[i], views[i], NULL, recs, nrecs)) ==
		    NULL)
			goto fail;
		cJSON_AddItemToArray(arr, st);
	}
	add_str(o, "nextCursor", next_cursor);
	return print_free(o);
fail:
	cJSON_Delete(o);
	return NULL;
}

char *
memorial_json(const struct memorial *m, enum stream_view view)
{
	cJSON	*o, *d, *v;
	char	*out;
	size_t	 i;

	if ((o = cJSON_CreateObject()) == NULL)
		return NULL;
	cJSON_AddStringToObject(o, "id", m->id);
	cJSON_AddStringToObject(o, "title", m->title);
	cJSON_AddStringToObject(o, "visibility", m->private_ ? "private" :
	    "public");
	if (view == VIEW_FULL) {
		cJSON_AddStringToObject(o, "ownerUid", m->owner);
		d = cJSON_AddArrayToObject(o, "directorUids");
		v = cJSON_AddArrayToObject(o, "videographerUids");
		for (i = 0; i < m->npeople; i++)
			cJSON_AddItemToArray(m->people[i].role ==
			    ROLE_DIRECTOR ? d : v,
			    cJSON_CreateString(m->people[i].uid));
	}
	add_time(o, "createdAt", m->created_at * 1000);
	add_time(o, "updatedAt", m->updated_at * 1000);
	out = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	return out;
}
