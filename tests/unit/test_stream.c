/*
 * test_stream.c: unit tests for lib/stream.c (names, input parsing,
 * JSON views).
 *
 * The view tests fill every secret field of struct stream with a
 * distinctive marker and search the whole printed text: a public view
 * must not hold any of them anywhere, whatever the method, while the
 * full view holds what SPEC.md says controllers get.  Recording-source
 * rows check which recording a player is pointed at.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "stream.h"
#include "vlimits.h"

#include "unit.h"

/* ---- names ---------------------------------------------------------- */

static void
test_names(void)
{
	size_t	 i;

	for (i = 0; i < STREAM__MAX; i++)
		CHECK(stream_status_parse(stream_status_names[i]) == (int)i);
	for (i = 0; i < METHOD__MAX; i++)
		CHECK(stream_method_parse(stream_method_names[i]) == (int)i);
	for (i = 0; i < ROLE__MAX; i++)
		CHECK(person_role_parse(person_role_names[i]) == (int)i);
	for (i = 0; i < SRC__MAX; i++)
		CHECK(rec_source_parse(rec_source_names[i]) == (int)i);
	for (i = 0; i < REC__MAX; i++)
		CHECK(rec_state_parse(rec_state_names[i]) == (int)i);
	CHECK_STR(stream_status_names[STREAM_LIVE], "live");
	CHECK_STR(stream_method_names[METHOD_CLOUDFLARE_WHIP],
	    "cloudflare_whip");
	CHECK_STR(rec_source_names[SRC_MUX], "mux");
	CHECK_STR(rec_state_names[REC_FAILED], "failed");
	CHECK(stream_status_parse("READY") == -1);
	CHECK(stream_status_parse("") == -1);
	CHECK(stream_status_parse(NULL) == -1);
	CHECK(stream_status_parse("ready ") == -1);
	CHECK(stream_method_parse("rtmp") == -1);
	CHECK(stream_method_parse("whip") == -1);
	CHECK(person_role_parse("owner") == -1);
	CHECK(rec_source_parse("youtube") == -1);
	CHECK(rec_state_parse("done") == -1);
}

/* ---- stream_create_parse -------------------------------------------- */

struct ccase {
	const char	*name;
	const char	*body;
	int		 rc;
	const char	*why;		/* in *why when rc == -1 */
	const char	*memorial_id;
	const char	*title;
	enum stream_method method;
	int		 mux_backup;
	const char	*scheduled_at;
};

#define T200 \
    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" \
    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" \
    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" \
    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
#define ID64 \
    "iiiiiiiiiiiiiiiiiiiiiiiiiiiiiiii" \
    "iiiiiiiiiiiiiiiiiiiiiiiiiiiiiiii"

static const struct ccase create_cases[] = {
{ "minimal", "{\"memorialId\":\"m1\",\"title\":\"Service\"}", 0, NULL,
    "m1", "Service", METHOD_WHIP_BROWSER, -1, "" },
{ "every field", "{\"memorialId\":\"mem-1_A\",\"title\":\"Ann \xc3\xa9\","
    "\"streamingMethod\":\"obs\",\"muxBackup\":false,"
    "\"scheduledAt\":\"2026-05-01T12:00:00Z\"}", 0, NULL,
    "mem-1_A", "Ann \xc3\xa9", METHOD_OBS, 0, "2026-05-01T12:00:00Z" },
{ "whip_browser, muxBackup true", "{\"memorialId\":\"m\",\"title\":\"t\","
    "\"streamingMethod\":\"whip_browser\",\"muxBackup\":true}", 0, NULL,
    "m", "t", METHOD_WHIP_BROWSER, 1, "" },
{ "cloudflare_whip", "{\"memorialId\":\"m\",\"title\":\"t\","
    "\"streamingMethod\":\"cloudflare_whip\"}", 0, NULL, "m", "t",
    METHOD_CLOUDFLARE_WHIP, -1, "" },
{ "mux_whip parses (availability is decided elsewhere)",
    "{\"memorialId\":\"m\",\"title\":\"t\",\"streamingMethod\":\"mux_whip\"}",
    0, NULL, "m", "t", METHOD_MUX_WHIP, -1, "" },
{ "nulls count as absent", "{\"memorialId\":\"m\",\"title\":\"t\","
    "\"streamingMethod\":null,\"muxBackup\":null,\"scheduledAt\":null}", 0,
    NULL, "m", "t", METHOD_WHIP_BROWSER, -1, "" },
{ "unknown fields are ignored", "{\"memorialId\":\"m\",\"title\":\"t\","
    "\"extra\":{\"a\":[1,2]},\"whipUrl\":\"x\"}", 0, NULL, "m", "t",
    METHOD_WHIP_BROWSER, -1, "" },
{ "offset and fraction in scheduledAt", "{\"memorialId\":\"m\","
    "\"title\":\"t\",\"scheduledAt\":\"2026-05-01T12:00:00.250+02:00\"}", 0,
    NULL, "m", "t", METHOD_WHIP_BROWSER, -1,
    "2026-05-01T12:00:00.250+02:00" },
{ "title of 200 bytes", "{\"memorialId\":\"m\",\"title\":\"" T200 "\"}", 0,
    NULL, "m", T200, METHOD_WHIP_BROWSER, -1, "" },
{ "memorialId of 64", "{\"memorialId\":\"" ID64 "\",\"title\":\"t\"}", 0,
    NULL, ID64, "t", METHOD_WHIP_BROWSER, -1, "" },
/* Not an object. */
{ "not JSON", "EVILMARK", -1, "JSON object", NULL, NULL, 0, 0, NULL },
{ "an array", "[\"EVILMARK\"]", -1, "JSON object", NULL, NULL, 0, 0, NULL },
{ "a string", "\"EVILMARK\"", -1, "JSON object", NULL, NULL, 0, 0, NULL },
{ "trailing garbage", "{\"memorialId\":\"m\",\"title\":\"t\"} EVILMARK", -1,
    "JSON object", NULL, NULL, 0, 0, NULL },
{ "escaped NUL in the title", "{\"memorialId\":\"m\",\"title\":"
    "\"t\\u0000EVILMARK\"}", -1, "JSON object", NULL, NULL, 0, 0, NULL },
/* memorialId. */
{ "memorialId missing", "{\"title\":\"EVILMARK\"}", -1, "memorialId", NULL,
    NULL, 0, 0, NULL },
{ "memorialId a number", "{\"memorialId\":5,\"title\":\"t\"}", -1,
    "memorialId", NULL, NULL, 0, 0, NULL },
{ "memorialId empty", "{\"memorialId\":\"\",\"title\":\"t\"}", -1,
    "memorialId", NULL, NULL, 0, 0, NULL },
{ "memorialId with a space", "{\"memorialId\":\"EVIL MARK\",\"title\":\"t\"}",
    -1, "memorialId", NULL, NULL, 0, 0, NULL },
{ "memorialId with a slash", "{\"memorialId\":\"../EVILMARK\","
    "\"title\":\"t\"}", -1, "memorialId", NULL, NULL, 0, 0, NULL },
{ "memorialId non-ASCII", "{\"memorialId\":\"m\xc3\xa9\",\"title\":\"t\"}",
    -1, "memorialId", NULL, NULL, 0, 0, NULL },
{ "memorialId of 65", "{\"memorialId\":\"" ID64 "i\",\"title\":\"t\"}", -1,
    "memorialId", NULL, NULL, 0, 0, NULL },
{ "memorialId an object", "{\"memorialId\":{},\"title\":\"t\"}", -1,
    "memorialId", NULL, NULL, 0, 0, NULL },
/* title. */
{ "title missing", "{\"memorialId\":\"m\"}", -1, "title", NULL, NULL, 0, 0,
    NULL },
{ "title a number", "{\"memorialId\":\"m\",\"title\":7}", -1, "title",
    NULL, NULL, 0, 0, NULL },
{ "title empty", "{\"memorialId\":\"m\",\"title\":\"\"}", -1, "title",
    NULL, NULL, 0, 0, NULL },
{ "title only spaces", "{\"memorialId\":\"m\",\"title\":\"   \"}", -1,
    "title", NULL, NULL, 0, 0, NULL },
{ "title of 201 bytes", "{\"memorialId\":\"m\",\"title\":\"" T200 "x\"}", -1,
    "title", NULL, NULL, 0, 0, NULL },
{ "title with a newline", "{\"memorialId\":\"m\",\"title\":\"EVIL\\nMARK\"}",
    -1, "title", NULL, NULL, 0, 0, NULL },
{ "title with U+2028", "{\"memorialId\":\"m\",\"title\":"
    "\"EVILMARK\\u2028\"}", -1, "title", NULL, NULL, 0, 0, NULL },
{ "title with bad UTF-8",
    "{\"memorialId\":\"m\",\"title\":\"EVILMARK\xc0\xaf\"}",
    -1, "title", NULL, NULL, 0, 0, NULL },
/* streamingMethod. */
{ "unknown method", "{\"memorialId\":\"m\",\"title\":\"t\","
    "\"streamingMethod\":\"EVILMARK\"}", -1, "streamingMethod must be "
    "whip_browser", NULL, NULL, 0, 0, NULL },
{ "method in upper case", "{\"memorialId\":\"m\",\"title\":\"t\","
    "\"streamingMethod\":\"OBS\"}", -1, "streamingMethod", NULL, NULL, 0, 0,
    NULL },
{ "method a number", "{\"memorialId\":\"m\",\"title\":\"t\","
    "\"streamingMethod\":1}", -1, "streamingMethod must be a string", NULL,
    NULL, 0, 0, NULL },
{ "method too long", "{\"memorialId\":\"m\",\"title\":\"t\","
    "\"streamingMethod\":\"whip_browser_whip_browser_whip_bro\"}", -1,
    "streamingMethod", NULL, NULL, 0, 0, NULL },
/* muxBackup. */
{ "muxBackup a string", "{\"memorialId\":\"m\",\"title\":\"t\","
    "\"muxBackup\":\"true\"}", -1, "muxBackup must be a boolean", NULL,
    NULL, 0, 0, NULL },
{ "muxBackup a number", "{\"memorialId\":\"m\",\"title\":\"t\","
    "\"muxBackup\":1}", -1, "muxBackup", NULL, NULL, 0, 0, NULL },
/* scheduledAt. */
{ "scheduledAt words", "{\"memorialId\":\"m\",\"title\":\"t\","
    "\"scheduledAt\":\"EVILMARK\"}", -1, "scheduledAt", NULL, NULL, 0, 0,
    NULL },
{ "scheduledAt a number", "{\"memorialId\":\"m\",\"title\":\"t\","
    "\"scheduledAt\":1714564800}", -1, "scheduledAt", NULL, NULL, 0, 0,
    NULL },
{ "scheduledAt month 13", "{\"memorialId\":\"m\",\"title\":\"t\","
    "\"scheduledAt\":\"2026-13-01T12:00:00Z\"}", -1, "scheduledAt", NULL,
    NULL, 0, 0, NULL },
{ "scheduledAt without a zone", "{\"memorialId\":\"m\",\"title\":\"t\","
    "\"scheduledAt\":\"2026-05-01T12:00:00\"}", -1, "scheduledAt", NULL,
    NULL, 0, 0, NULL },
{ "scheduledAt too long", "{\"memorialId\":\"m\",\"title\":\"t\","
    "\"scheduledAt\":\"2026-05-01T12:00:00.12345678901234567890123Z\"}",
    -1, "scheduledAt", NULL, NULL, 0, 0, NULL },
};

static void
test_create_parse(void)
{
	struct stream_create	 sc;
	const char		*why;
	size_t			 i;
	int			 rc;

	for (i = 0; i < sizeof(create_cases) / sizeof(create_cases[0]); i++) {
		const struct ccase *t = &create_cases[i];

		why = NULL;
		memset(&sc, 0x5a, sizeof(sc));
		rc = stream_create_parse(t->body, strlen(t->body), &sc, &why);
		if (rc != t->rc)
			fprintf(stderr, "create \"%s\": rc %d (%s)\n", t->name,
			    rc, why ? why : "");
		CHECK(rc == t->rc);
		if (rc == 0 && t->rc == 0) {
			CHECK_STR(sc.memorial_id, t->memorial_id);
			CHECK_STR(sc.title, t->title);
			CHECK(sc.method == t->method);
			CHECK(sc.mux_backup == t->mux_backup);
			CHECK_STR(sc.scheduled_at, t->scheduled_at);
		} else if (rc == -1) {
			CHECK(why != NULL);
			if (why != NULL && t->why != NULL) {
				if (strstr(why, t->why) == NULL)
					fprintf(stderr, "create \"%s\": why "
					    "\"%s\"\n", t->name, why);
				CHECK(strstr(why, t->why) != NULL);
			}
			/* A fixed message, never the input. */
			CHECK(why == NULL || (strstr(why, "EVIL") == NULL &&
			    strstr(why, "MARK") == NULL));
		}
	}
	/* Length is honoured: a prefix of a good body is not a body. */
	why = NULL;
	CHECK(stream_create_parse("{\"memorialId\":\"m\",\"title\":\"t\"}", 10,
	    &sc, &why) == -1 && why != NULL);
	CHECK(stream_create_parse("", 0, &sc, &why) == -1);
}

/* ---- memorial_parse ------------------------------------------------- */

struct mcase {
	const char	*name;
	int		 patch;
	const char	*body;
	int		 rc;
	const char	*why;
	int		 has_id, has_title, has_owner, has_people,
			 has_visibility;
	int		 private_;
	const char	*people;	/* "d:uid v:uid ..." in order */
};

/* The fields a refused body leaves unchecked. */
#define NOPE	0, 0, 0, 0, 0, 0, NULL

static const struct mcase memorial_cases[] = {
{ "create, minimal", 0, "{\"title\":\"T\",\"ownerUid\":\"u1\"}", 0, NULL,
    0, 1, 1, 0, 0, 0, "" },
{ "create, every field", 0, "{\"id\":\"mem-1\",\"title\":\"T\","
    "\"ownerUid\":\"u1\",\"directorUids\":[\"d1\",\"d2\"],"
    "\"videographerUids\":[\"v1\"],\"visibility\":\"private\"}", 0, NULL,
    1, 1, 1, 1, 1, 1, "d:d1 d:d2 v:v1" },
{ "create, public", 0, "{\"title\":\"T\",\"ownerUid\":\"u1\","
    "\"visibility\":\"public\"}", 0, NULL, 0, 1, 1, 0, 1, 0, "" },
{ "a person listed twice counts once", 0, "{\"title\":\"T\","
    "\"ownerUid\":\"u\",\"directorUids\":[\"a\",\"a\",\"b\"]}", 0, NULL,
    0, 1, 1, 1, 0, 0, "d:a d:b" },
{ "director and videographer: the first role stays", 0, "{\"title\":\"T\","
    "\"ownerUid\":\"u\",\"directorUids\":[\"a\"],"
    "\"videographerUids\":[\"a\",\"b\"]}", 0, NULL, 0, 1, 1, 1, 0, 0,
    "d:a v:b" },
{ "empty people lists", 0, "{\"title\":\"T\",\"ownerUid\":\"u\","
    "\"directorUids\":[],\"videographerUids\":[]}", 0, NULL, 0, 1, 1, 1,
    0, 0, "" },
{ "create, no title", 0, "{\"ownerUid\":\"u\"}", -1, "title", NOPE },
{ "create, no owner", 0, "{\"title\":\"T\"}", -1, "ownerUid", NOPE },
{ "create, bad owner", 0, "{\"title\":\"T\",\"ownerUid\":\"EVIL MARK\"}",
    -1, "ownerUid", NOPE },
{ "create, bad id", 0, "{\"id\":\"EVIL/MARK\",\"title\":\"T\","
    "\"ownerUid\":\"u\"}", -1, "id must be", NOPE },
{ "create, id a number", 0, "{\"id\":1,\"title\":\"T\",\"ownerUid\":\"u\"}",
    -1, "id must be", NOPE },
{ "create, title only spaces", 0, "{\"title\":\"  \",\"ownerUid\":\"u\"}",
    -1, "title", NOPE },
{ "directorUids not an array", 0, "{\"title\":\"T\",\"ownerUid\":\"u\","
    "\"directorUids\":\"EVILMARK\"}", -1, "directorUids", NOPE },
{ "directorUids holding a number", 0, "{\"title\":\"T\",\"ownerUid\":\"u\","
    "\"directorUids\":[1]}", -1, "user ids", NOPE },
{ "directorUids holding a bad id", 0, "{\"title\":\"T\",\"ownerUid\":\"u\","
    "\"directorUids\":[\"ok\",\"EVIL MARK\"]}", -1, "user ids", NOPE },
{ "videographerUids an object", 0, "{\"title\":\"T\",\"ownerUid\":\"u\","
    "\"videographerUids\":{}}", -1, "videographerUids", NOPE },
{ "visibility unknown", 0, "{\"title\":\"T\",\"ownerUid\":\"u\","
    "\"visibility\":\"EVILMARK\"}", -1, "visibility", NOPE },
{ "visibility capitalised", 0, "{\"title\":\"T\",\"ownerUid\":\"u\","
    "\"visibility\":\"Private\"}", -1, "visibility", NOPE },
{ "visibility a bool", 0, "{\"title\":\"T\",\"ownerUid\":\"u\","
    "\"visibility\":true}", -1, "visibility", NOPE },
{ "not an object", 0, "[]", -1, "JSON object", NOPE },
{ "not JSON", 1, "EVILMARK", -1, "JSON object", NOPE },
{ "patch, nothing", 1, "{}", 0, NULL, 0, 0, 0, 0, 0, 0, "" },
{ "patch, title", 1, "{\"title\":\"New\"}", 0, NULL, 0, 1, 0, 0, 0, 0,
    "" },
{ "patch, null owner is no change", 1, "{\"ownerUid\":null}", 0, NULL,
    0, 0, 0, 0, 0, 0, "" },
{ "patch, people and visibility", 1, "{\"videographerUids\":[\"v\"],"
    "\"visibility\":\"private\"}", 0, NULL, 0, 0, 0, 1, 1, 1, "v:v" },
{ "patch, id", 1, "{\"id\":\"other\"}", -1, "id cannot be changed", NOPE },
{ "patch, id null", 1, "{\"id\":null}", -1, "id cannot be changed", NOPE },
{ "patch, bad title", 1, "{\"title\":\"\"}", -1, "title", NOPE },
{ "patch, bad owner", 1, "{\"ownerUid\":\"a b\"}", -1, "ownerUid", NOPE },
};

static void
people_text(const struct memorial *m, char *out, size_t outsz)
{
	size_t	 i, o = 0;

	out[0] = '\0';
	for (i = 0; i < m->npeople && o < outsz; i++)
		o += (size_t)snprintf(out + o, outsz - o, "%s%c:%s",
		    i ? " " : "", m->people[i].role == ROLE_DIRECTOR ? 'd' :
		    'v', m->people[i].uid);
}

static void
test_memorial_parse(void)
{
	struct memorial_input	 in;
	const char		*why;
	char			 ppl[512], body[4096];
	size_t			 i, o;
	int			 rc, variant;

	for (i = 0; i < sizeof(memorial_cases) / sizeof(memorial_cases[0]);
	    i++) {
		const struct mcase *t = &memorial_cases[i];

		why = NULL;
		rc = memorial_parse(t->body, strlen(t->body), t->patch, &in,
		    &why);
		if (rc != t->rc)
			fprintf(stderr, "memorial \"%s\": rc %d (%s)\n",
			    t->name, rc, why ? why : "");
		CHECK(rc == t->rc);
		if (rc == 0 && t->rc == 0) {
			CHECK(in.has_id == t->has_id);
			CHECK(in.has_title == t->has_title);
			CHECK(in.has_owner == t->has_owner);
			CHECK(in.has_people == t->has_people);
			CHECK(in.has_visibility == t->has_visibility);
			CHECK(in.m.private_ == t->private_);
			people_text(&in.m, ppl, sizeof(ppl));
			CHECK_STR(ppl, t->people);
		} else if (rc == -1) {
			CHECK(why != NULL && strstr(why, t->why) != NULL);
			CHECK(why == NULL || strstr(why, "EVIL") == NULL);
		}
	}
	{
		static const char b[] =
		    "{\"title\":\"T\",\"ownerUid\":\"u1\",\"id\":\"x\"}";

		CHECK(memorial_parse(b, sizeof(b) - 1, 0, &in, &why) == 0 &&
		    in.has_id == 1);
	}
	CHECK_STR(in.m.id, "x");
	CHECK_STR(in.m.title, "T");
	CHECK_STR(in.m.owner, "u1");

	/* LIM_PEOPLE people fit; one more does not; a repeat is free. */
	for (variant = 0; variant < 3; variant++) {
		int n = LIM_PEOPLE + (variant == 1 ? 1 : 0), k;

		o = (size_t)snprintf(body, sizeof(body), "{\"title\":\"T\","
		    "\"ownerUid\":\"u\",\"directorUids\":[");
		for (k = 0; k < n; k++)
			o += (size_t)snprintf(body + o, sizeof(body) - o,
			    "%s\"p%d\"", k ? "," : "", k);
		if (variant == 2)	/* 32 unique plus a repeat */
			o += (size_t)snprintf(body + o, sizeof(body) - o,
			    ",\"p0\"");
		o += (size_t)snprintf(body + o, sizeof(body) - o, "]}");
		why = NULL;
		if (variant == 1) {
			CHECK(memorial_parse(body, o, 0, &in, &why) == -1);
			CHECK(why != NULL && strstr(why, "too many") != NULL);
		} else {
			CHECK(memorial_parse(body, o, 0, &in, &why) == 0);
			CHECK(in.m.npeople == LIM_PEOPLE);
		}
	}
}

/* ---- stream_sources -------------------------------------------------- */

static void
test_sources(void)
{
	static const struct {
		enum stream_method method;
		int		 cf, mux;
		unsigned int	 mask;
	} cases[] = {
	{ METHOD_WHIP_BROWSER, 0, 0, 1u << SRC_LOCAL },
	{ METHOD_WHIP_BROWSER, 1, 0, 1u << SRC_LOCAL | 1u << SRC_CLOUDFLARE },
	{ METHOD_WHIP_BROWSER, 1, 1,
	    1u << SRC_LOCAL | 1u << SRC_CLOUDFLARE | 1u << SRC_MUX },
	{ METHOD_WHIP_BROWSER, 0, 1, 1u << SRC_LOCAL | 1u << SRC_MUX },
	{ METHOD_OBS, 1, 0, 1u << SRC_CLOUDFLARE },
	{ METHOD_OBS, 1, 1, 1u << SRC_CLOUDFLARE | 1u << SRC_MUX },
	{ METHOD_CLOUDFLARE_WHIP, 1, 0, 0 },	/* WHIP: not recorded */
	{ METHOD_CLOUDFLARE_WHIP, 0, 0, 0 },
	{ METHOD_MUX_WHIP, 0, 1, 1u << SRC_MUX },
	};
	struct stream	 s;
	size_t		 i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(&s, 0, sizeof(s));
		s.method = cases[i].method;
		if (cases[i].cf)
			snprintf(s.cf_input_id, sizeof(s.cf_input_id), "cf1");
		if (cases[i].mux)
			snprintf(s.mux_stream_id, sizeof(s.mux_stream_id),
			    "mx1");
		CHECK(stream_sources(&s) == cases[i].mask);
	}
}

/* ---- views ------------------------------------------------------------ */

/* A stream with every field set to something recognisable. */
static void
marked_stream(struct stream *s, const char *id, const char *sfx,
    enum stream_method method)
{
	memset(s, 0, sizeof(*s));
#define M(f, fmt) snprintf(s->f, sizeof(s->f), fmt, sfx)
	snprintf(s->id, sizeof(s->id), "%s", id);
	snprintf(s->memorial_id, sizeof(s->memorial_id), "mem1");
	snprintf(s->title, sizeof(s->title), "Service for Ann");
	s->status = STREAM_LIVE;
	s->method = method;
	M(publish_hash, "PUBHASHMARK%s");
	M(whip_url, "https://vigil.example/whip/WHIPURLMARK%s");
	M(whep_url, "https://customer-x.cloudflarestream.com/CFINPUTMARK%s/"
	    "webRTC/play");
	M(rtmps_url, "rtmps://RTMPSURLMARK%s.example:443/live/");
	M(stream_key, "STREAMKEYMARK%s");
	M(cf_input_id, "CFINPUTMARK%s");
	M(cf_output_id, "CFOUTPUTMARK%s");
	snprintf(s->cf_playback_base, sizeof(s->cf_playback_base),
	    "https://customer-x.cloudflarestream.com");
	M(mux_stream_id, "MUXSTREAMMARK%s");
	M(mux_stream_key, "MUXKEYMARK%s");
	M(mux_playback_id, "MUXPLAYMARK%s");
	M(mux_rtmps_url, "rtmps://MUXRTMPSMARK%s.example/app");
	M(created_by, "CREATORMARK%s");
#undef M
	s->mux_backup = 1;
	s->simulcast = 1;
	snprintf(s->scheduled_at, sizeof(s->scheduled_at),
	    "2026-05-01T12:00:00Z");
	s->created_at = 1700000000123LL;
	s->updated_at = 1700000001000LL;
	s->started_at = 1700000002000LL;
}

/* Secrets no public view may hold, anywhere in the text. */
static const char *const public_never[] = {
	"PUBHASHMARK", "WHIPURLMARK", "RTMPSURLMARK", "STREAMKEYMARK",
	"CFOUTPUTMARK", "MUXSTREAMMARK", "MUXKEYMARK", "MUXRTMPSMARK",
	"CREATORMARK", "RECPROVMARK", "PUBTOKENMARK", NULL
};

/* Keys only controllers get. */
static const char *const full_keys[] = {
	"whipUrl", "publishToken", "rtmpsUrl", "streamKey",
	"cloudflareInputId", "muxLiveStreamId", "muxPlaybackId", "muxBackup",
	"createdBy", "providerId", NULL
};

static size_t
count(const char *hay, const char *needle)
{
	size_t	 n = 0;

	while ((hay = strstr(hay, needle)) != NULL) {
		n++;
		hay++;
	}
	return n;
}

static int
has_key_anywhere(const cJSON *o, const char *key)
{
	const cJSON	*c;

	if (o == NULL)
		return 0;
	if (o->string != NULL && strcmp(o->string, key) == 0)
		return 1;
	for (c = o->child; c != NULL; c = c->next)
		if (has_key_anywhere(c, key))
			return 1;
	return 0;
}

/* Follow "a.b.c" through objects. */
static const cJSON *
jget(const cJSON *o, const char *path)
{
	char	 tmp[256], *p, *dot;

	snprintf(tmp, sizeof(tmp), "%s", path);
	for (p = tmp; o != NULL && p != NULL; p = dot) {
		if ((dot = strchr(p, '.')) != NULL)
			*dot++ = '\0';
		o = cJSON_GetObjectItemCaseSensitive(o, p);
	}
	return o;
}

static const char *
jstr(const cJSON *o, const char *path)
{
	const cJSON	*v = jget(o, path);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static int
jnull(const cJSON *o, const char *path)
{
	return cJSON_IsNull(jget(o, path));
}

/*
 * The public text may show the Cloudflare input id and the Mux playback
 * id only inside the viewer URLs built from them (that is how players
 * open a live input), never as fields of their own.
 */
static void
check_public_text(const char *text, const char *sfx, int method)
{
	char	 m[64], url[256];
	size_t	 i, n;

	for (i = 0; public_never[i] != NULL; i++) {
		if (strstr(text, public_never[i]) != NULL)
			fprintf(stderr, "public view (method %d) holds %s\n",
			    method, public_never[i]);
		CHECK(strstr(text, public_never[i]) == NULL);
	}
	snprintf(m, sizeof(m), "CFINPUTMARK%s", sfx);
	n = count(text, m);
	snprintf(url, sizeof(url), "cloudflarestream.com/CFINPUTMARK%s/", sfx);
	CHECK(n == count(text, url));
	snprintf(m, sizeof(m), "MUXPLAYMARK%s", sfx);
	snprintf(url, sizeof(url), "https://stream.mux.com/MUXPLAYMARK%s.m3u8",
	    sfx);
	CHECK(count(text, m) == count(text, url));
}

static void
test_views_secrets(void)
{
	struct stream		 ss[2];
	struct recording	 recs[2];
	enum stream_view	 views[2];
	cJSON			*j;
	char			*text;
	size_t			 i, k;
	int			 method;

	for (method = 0; method < METHOD__MAX; method++) {
		marked_stream(&ss[0], "s1", "", (enum stream_method)method);
		memset(recs, 0, sizeof(recs));
		snprintf(recs[0].stream_id, sizeof(recs[0].stream_id), "s1");
		recs[0].source = SRC_CLOUDFLARE;
		snprintf(recs[0].provider_id, sizeof(recs[0].provider_id),
		    "RECPROVMARK1");
		recs[0].state = REC_READY;
		snprintf(recs[0].playback_url, sizeof(recs[0].playback_url),
		    "https://customer-x.cloudflarestream.com/vid/manifest/"
		    "video.m3u8");
		recs[0].duration = 60;
		recs[1] = recs[0];
		recs[1].source = SRC_LOCAL;
		recs[1].state = REC_PENDING;
		snprintf(recs[1].provider_id, sizeof(recs[1].provider_id),
		    "RECPROVMARK2");

		/* Public, through the list and the one-stream view. */
		views[0] = VIEW_PUBLIC;
		text = stream_list_json(ss, views, 1, recs, 2, "cur");
		CHECK(text != NULL);
		if (text != NULL) {
			check_public_text(text, "", method);
			j = cJSON_Parse(text);
			CHECK(j != NULL);
			for (k = 0; full_keys[k] != NULL; k++)
				CHECK(!has_key_anywhere(j, full_keys[k]));
			cJSON_Delete(j);
			free(text);
		}
		text = stream_one_json(&ss[0], VIEW_PUBLIC, recs, 2);
		CHECK(text != NULL);
		if (text != NULL) {
			check_public_text(text, "", method);
			free(text);
		}

		/* Full: what SPEC.md gives controllers. */
		text = stream_one_json(&ss[0], VIEW_FULL, recs, 2);
		CHECK(text != NULL);
		if (text == NULL)
			continue;
		j = cJSON_Parse(text);
		CHECK(j != NULL);
		CHECK_STR(jstr(j, "stream.whipUrl"),
		    "https://vigil.example/whip/WHIPURLMARK");
		CHECK_STR(jstr(j, "stream.cloudflareInputId"), "CFINPUTMARK");
		CHECK_STR(jstr(j, "stream.muxLiveStreamId"), "MUXSTREAMMARK");
		CHECK_STR(jstr(j, "stream.muxPlaybackId"), "MUXPLAYMARK");
		CHECK_STR(jstr(j, "stream.createdBy"), "CREATORMARK");
		CHECK(cJSON_IsTrue(jget(j, "stream.muxBackup")));
		CHECK(cJSON_IsTrue(jget(j, "stream.simulcastEnabled")));
		CHECK(strstr(text, "RECPROVMARK1") != NULL);
		if (method == METHOD_OBS) {
			CHECK_STR(jstr(j, "stream.rtmpsUrl"),
			    "rtmps://RTMPSURLMARK.example:443/live/");
			CHECK_STR(jstr(j, "stream.streamKey"),
			    "STREAMKEYMARK");
		}
		/* Not even controllers see the hash or the Mux key. */
		CHECK(strstr(text, "PUBHASHMARK") == NULL);
		CHECK(strstr(text, "MUXKEYMARK") == NULL);
		/* No token outside the create reply. */
		CHECK(jget(j, "stream.publishToken") == NULL);
		cJSON_Delete(j);
		free(text);
	}

	/*
	 * One page, two streams, different views: the public one's secrets
	 * appear nowhere, the controlled one's do.
	 */
	for (i = 0; i < 2; i++) {
		const char *pub = i == 0 ? "A" : "B";
		const char *full = i == 0 ? "B" : "A";
		char m[64];

		marked_stream(&ss[0], "sa", "A", METHOD_OBS);
		marked_stream(&ss[1], "sb", "B", METHOD_OBS);
		views[0] = i == 0 ? VIEW_PUBLIC : VIEW_FULL;
		views[1] = i == 0 ? VIEW_FULL : VIEW_PUBLIC;
		text = stream_list_json(ss, views, 2, NULL, 0, NULL);
		CHECK(text != NULL);
		if (text == NULL)
			continue;
		for (k = 0; public_never[k] != NULL; k++) {
			snprintf(m, sizeof(m), "%s%s", public_never[k], pub);
			CHECK(strstr(text, m) == NULL);
		}
		snprintf(m, sizeof(m), "STREAMKEYMARK%s", full);
		CHECK(strstr(text, m) != NULL);
		snprintf(m, sizeof(m), "WHIPURLMARK%s", full);
		CHECK(strstr(text, m) != NULL);
		j = cJSON_Parse(text);
		CHECK(j != NULL && cJSON_GetArraySize(jget(j, "streams")) == 2);
		CHECK(jnull(j, "nextCursor"));
		cJSON_Delete(j);
		free(text);
	}

	/* The create reply: full view plus the publish token, once. */
	marked_stream(&ss[0], "s1", "", METHOD_WHIP_BROWSER);
	text = stream_create_reply(&ss[0], "PUBTOKENMARK",
	    "[\"mux unavailable\"]");
	CHECK(text != NULL);
	if (text != NULL) {
		j = cJSON_Parse(text);
		CHECK(cJSON_IsTrue(jget(j, "success")));
		CHECK_STR(jstr(j, "stream.publishToken"), "PUBTOKENMARK");
		CHECK(count(text, "PUBTOKENMARK") == 1);
		CHECK_STR(jstr(j, "stream.whipUrl"),
		    "https://vigil.example/whip/WHIPURLMARK");
		CHECK_STR(jstr(j, "stream.status"), "live");
		CHECK(cJSON_GetArraySize(jget(j, "warnings")) == 1);
		CHECK(strstr(text, "PUBHASHMARK") == NULL);
		cJSON_Delete(j);
		free(text);
	}
	/* Bad or missing warnings become an empty array. */
	{
		static const char *const ws[] = { NULL, "not json", "{}",
		    "\"x\"", "[] x" };

		for (i = 0; i < sizeof(ws) / sizeof(ws[0]); i++) {
			text = stream_create_reply(&ss[0], NULL, ws[i]);
			CHECK(text != NULL);
			j = text != NULL ? cJSON_Parse(text) : NULL;
			CHECK(cJSON_IsArray(jget(j, "warnings")) &&
			    cJSON_GetArraySize(jget(j, "warnings")) == 0);
			CHECK(jget(j, "stream.publishToken") == NULL);
			cJSON_Delete(j);
			free(text);
		}
	}
}

/* ---- fields, times, playback ------------------------------------------ */

static void
test_view_fields(void)
{
	struct stream	 s;
	cJSON		*j;
	char		*text;

	marked_stream(&s, "s1", "", METHOD_WHIP_BROWSER);
	text = stream_one_json(&s, VIEW_PUBLIC, NULL, 0);
	j = text != NULL ? cJSON_Parse(text) : NULL;
	CHECK(j != NULL);
	CHECK_STR(jstr(j, "stream.id"), "s1");
	CHECK_STR(jstr(j, "stream.memorialId"), "mem1");
	CHECK_STR(jstr(j, "stream.title"), "Service for Ann");
	CHECK_STR(jstr(j, "stream.status"), "live");
	CHECK_STR(jstr(j, "stream.streamingMethod"), "whip_browser");
	CHECK_STR(jstr(j, "stream.scheduledAt"), "2026-05-01T12:00:00Z");
	CHECK_STR(jstr(j, "stream.createdAt"), "2023-11-14T22:13:20.123Z");
	CHECK_STR(jstr(j, "stream.updatedAt"), "2023-11-14T22:13:21.000Z");
	CHECK_STR(jstr(j, "stream.startedAt"), "2023-11-14T22:13:22.000Z");
	CHECK(jnull(j, "stream.endedAt"));
	CHECK(jget(j, "stream.experimental") == NULL);
	CHECK(jget(j, "stream.whepUrl") == NULL);	/* not CF WHIP */
	CHECK_STR(jstr(j, "stream.playback.liveHls"),
	    "https://customer-x.cloudflarestream.com/CFINPUTMARK/manifest/"
	    "video.m3u8");
	CHECK(jnull(j, "stream.playback.whep"));
	CHECK(jnull(j, "stream.playback.replay"));
	CHECK(jnull(j, "stream.preferredRecordingSource"));
	cJSON_Delete(j);
	free(text);

	/* No Cloudflare: the relay's own HLS. */
	s.cf_input_id[0] = '\0';
	s.scheduled_at[0] = '\0';
	s.experimental = 1;
	text = stream_one_json(&s, VIEW_PUBLIC, NULL, 0);
	j = text != NULL ? cJSON_Parse(text) : NULL;
	CHECK_STR(jstr(j, "stream.playback.liveHls"), "/media/s1/live.m3u8");
	CHECK(jnull(j, "stream.scheduledAt"));
	CHECK(cJSON_IsTrue(jget(j, "stream.experimental")));
	cJSON_Delete(j);
	free(text);

	/* cloudflare_whip: WHEP only, public; no HLS, no sources. */
	marked_stream(&s, "s2", "", METHOD_CLOUDFLARE_WHIP);
	s.mux_stream_id[0] = '\0';
	text = stream_one_json(&s, VIEW_PUBLIC, NULL, 0);
	j = text != NULL ? cJSON_Parse(text) : NULL;
	CHECK_STR(jstr(j, "stream.whepUrl"),
	    "https://customer-x.cloudflarestream.com/CFINPUTMARK/webRTC/play");
	CHECK_STR(jstr(j, "stream.playback.whep"),
	    "https://customer-x.cloudflarestream.com/CFINPUTMARK/webRTC/play");
	CHECK(jnull(j, "stream.playback.liveHls"));
	CHECK(jget(j, "stream.recordingSources") != NULL &&
	    jget(j, "stream.recordingSources")->child == NULL);
	CHECK(jnull(j, "stream.preferredRecordingSource"));
	cJSON_Delete(j);
	free(text);

	/* mux_whip: Mux HLS from the playback id. */
	marked_stream(&s, "s3", "", METHOD_MUX_WHIP);
	text = stream_one_json(&s, VIEW_PUBLIC, NULL, 0);
	j = text != NULL ? cJSON_Parse(text) : NULL;
	CHECK_STR(jstr(j, "stream.playback.liveHls"),
	    "https://stream.mux.com/MUXPLAYMARK.m3u8");
	CHECK(jget(j, "stream.recordingSources.mux") != NULL);
	CHECK(jget(j, "stream.recordingSources.local") == NULL);
	cJSON_Delete(j);
	free(text);

	/* obs without a playback base: no live HLS to offer. */
	marked_stream(&s, "s4", "", METHOD_OBS);
	s.cf_playback_base[0] = '\0';
	text = stream_one_json(&s, VIEW_PUBLIC, NULL, 0);
	j = text != NULL ? cJSON_Parse(text) : NULL;
	CHECK(jnull(j, "stream.playback.liveHls"));
	cJSON_Delete(j);
	free(text);

	/* An empty page. */
	text = stream_list_json(NULL, NULL, 0, NULL, 0, NULL);
	CHECK_STR(text, "{\"streams\":[],\"nextCursor\":null}");
	free(text);
	text = stream_list_json(NULL, NULL, 0, NULL, 0, "c1");
	CHECK_STR(text, "{\"streams\":[],\"nextCursor\":\"c1\"}");
	free(text);
}

/* ---- recording sources ------------------------------------------------- */

struct rrow {
	const char	*stream;
	enum rec_source	 src;
	enum rec_state	 state;
	const char	*url;
	double		 duration;
	long long	 created;
};

struct rcase {
	const char	*name;
	enum stream_method method;
	int		 cf, mux;
	struct rrow	 rows[6];
	size_t		 nrows;
	const char	*preferred;	/* NULL: null */
	const char	*replay;	/* NULL: null */
	/* The arrays below are indexed local, cloudflare, mux. */
	int		 avail[SRC__MAX];	/* -1: source absent */
	const char	*state[SRC__MAX];	/* newest state or NULL */
	int		 nlisted[SRC__MAX];
};

#define L SRC_LOCAL
#define C SRC_CLOUDFLARE
#define X SRC_MUX

static const struct rcase rec_cases[] = {
{ "nothing recorded yet", METHOD_WHIP_BROWSER, 1, 1, { { 0 } }, 0,
    NULL, NULL, { 0, 0, 0 }, { NULL, NULL, NULL }, { 0, 0, 0 } },
{ "only local ready; cloudflare pending, mux failed",
    METHOD_WHIP_BROWSER, 1, 1, {
    { "s1", L, REC_READY, "/media/s1/a.mp4", 100, 1 },
    { "s1", C, REC_PENDING, "https://cf/pending", -1, 2 },
    { "s1", X, REC_FAILED, "https://mux/failed", 5, 3 } }, 3,
    "local", "/media/s1/a.mp4", { 1, 0, 0 },
    { "ready", "pending", "failed" }, { 1, 1, 1 } },
{ "all ready: cloudflare first", METHOD_WHIP_BROWSER, 1, 1, {
    { "s1", L, REC_READY, "/media/s1/a.mp4", 100, 1 },
    { "s1", X, REC_READY, "https://stream.mux.com/p.m3u8", 99, 2 },
    { "s1", C, REC_READY, "https://cf/v.m3u8", 98, 3 } }, 3,
    "cloudflare", "https://cf/v.m3u8", { 1, 1, 1 },
    { "ready", "ready", "ready" }, { 1, 1, 1 } },
{ "cloudflare failed: mux next", METHOD_WHIP_BROWSER, 1, 1, {
    { "s1", L, REC_READY, "/media/s1/a.mp4", 100, 1 },
    { "s1", X, REC_READY, "https://stream.mux.com/p.m3u8", 99, 2 },
    { "s1", C, REC_FAILED, "https://cf/v.m3u8", 98, 3 } }, 3,
    "mux", "https://stream.mux.com/p.m3u8", { 1, 0, 1 },
    { "ready", "failed", "ready" }, { 1, 1, 1 } },
{ "recording is not ready", METHOD_WHIP_BROWSER, 1, 1, {
    { "s1", C, REC_RECORDING, "https://cf/live", -1, 1 },
    { "s1", X, REC_RECORDING, "https://mux/live", -1, 2 },
    { "s1", L, REC_RECORDING, "/media/s1/part", -1, 3 } }, 3,
    NULL, NULL, { 0, 0, 0 }, { "recording", "recording", "recording" },
    { 1, 1, 1 } },
{ "other streams' rows are ignored", METHOD_WHIP_BROWSER, 1, 1, {
    { "s2", C, REC_READY, "https://cf/OTHER", 500, 1 },
    { "s2", X, REC_READY, "https://mux/OTHER", 500, 2 },
    { "s10", L, REC_READY, "/media/OTHER", 500, 3 },
    { "s", L, REC_READY, "/media/OTHER", 500, 4 },
    { "s1", L, REC_PENDING, "/media/s1/a.mp4", -1, 5 } }, 5,
    NULL, NULL, { 0, 0, 0 }, { "pending", NULL, NULL }, { 1, 0, 0 } },
{ "the longest ready recording of a source plays", METHOD_OBS, 1, 0, {
    { "s1", C, REC_READY, "https://cf/short", 10, 1 },
    { "s1", C, REC_READY, "https://cf/long", 50, 2 },
    { "s1", C, REC_FAILED, "https://cf/failed-longer", 90, 3 } }, 3,
    "cloudflare", "https://cf/long", { -1, 1, -1 },
    { NULL, "failed", NULL }, { 0, 3, 0 } },
{ "newest state shown, an older ready one still plays", METHOD_OBS, 1, 0, {
    { "s1", C, REC_READY, "https://cf/part1", 30, 1 },
    { "s1", C, REC_RECORDING, "https://cf/part2", -1, 2 } }, 2,
    "cloudflare", "https://cf/part1", { -1, 1, -1 },
    { NULL, "recording", NULL }, { 0, 2, 0 } },
{ "a recording from a source not set up still counts", METHOD_OBS, 1, 0, {
    { "s1", L, REC_READY, "/media/s1/a.mp4", 20, 1 },
    { "s1", C, REC_PENDING, "https://cf/x", -1, 2 } }, 2,
    "local", "/media/s1/a.mp4", { 1, 0, -1 }, { "ready", "pending", NULL },
    { 1, 1, 0 } },
{ "cloudflare_whip with Mux: only Mux", METHOD_CLOUDFLARE_WHIP, 1, 1, {
    { "s1", X, REC_READY, "https://stream.mux.com/p.m3u8", 9, 1 } }, 1,
    "mux", "https://stream.mux.com/p.m3u8", { -1, -1, 1 },
    { NULL, NULL, "ready" }, { 0, 0, 1 } },
};

#undef L
#undef C
#undef X

static void
test_recording_sources(void)
{
	struct recording	 recs[6];
	struct stream		 s;
	const cJSON		*so, *list, *e;
	cJSON			*j;
	char			*text, path[128];
	size_t			 i, k;

	for (i = 0; i < sizeof(rec_cases) / sizeof(rec_cases[0]); i++) {
		const struct rcase *t = &rec_cases[i];

		marked_stream(&s, "s1", "", t->method);
		if (!t->cf)
			s.cf_input_id[0] = '\0';
		if (!t->mux)
			s.mux_stream_id[0] = '\0';
		memset(recs, 0, sizeof(recs));
		for (k = 0; k < t->nrows; k++) {
			snprintf(recs[k].stream_id, sizeof(recs[k].stream_id),
			    "%s", t->rows[k].stream);
			recs[k].id = (long long)k + 1;
			recs[k].source = t->rows[k].src;
			recs[k].state = t->rows[k].state;
			snprintf(recs[k].provider_id,
			    sizeof(recs[k].provider_id), "prov%zu", k);
			snprintf(recs[k].playback_url,
			    sizeof(recs[k].playback_url), "%s", t->rows[k].url);
			recs[k].duration = t->rows[k].duration;
			recs[k].created_at = t->rows[k].created;
		}
		text = stream_one_json(&s, VIEW_PUBLIC, recs, t->nrows);
		j = text != NULL ? cJSON_Parse(text) : NULL;
		CHECK(j != NULL);
		if (j == NULL) {
			free(text);
			continue;
		}
		if (t->preferred == NULL)
			CHECK(jnull(j, "stream.preferredRecordingSource"));
		else
			CHECK_STR(jstr(j, "stream.preferredRecordingSource"),
			    t->preferred);
		if (t->replay == NULL)
			CHECK(jnull(j, "stream.playback.replay"));
		else
			CHECK_STR(jstr(j, "stream.playback.replay"), t->replay);
		CHECK(strstr(text, "OTHER") == NULL);
		for (k = 0; k < SRC__MAX; k++) {
			snprintf(path, sizeof(path), "stream.recordingSources."
			    "%s", rec_source_names[k]);
			so = jget(j, path);
			if (t->avail[k] == -1) {
				if (so != NULL)
					fprintf(stderr, "rec \"%s\": %s "
					    "present\n", t->name,
					    rec_source_names[k]);
				CHECK(so == NULL);
				continue;
			}
			CHECK(so != NULL);
			if (so == NULL)
				continue;
			if (cJSON_IsTrue(jget(so, "available")) !=
			    t->avail[k])
				fprintf(stderr, "rec \"%s\": %s available "
				    "wrong\n", t->name, rec_source_names[k]);
			CHECK(cJSON_IsBool(jget(so, "available")) &&
			    cJSON_IsTrue(jget(so, "available")) ==
			    t->avail[k]);
			/* A playback URL only with a ready recording. */
			CHECK((jget(so, "playbackUrl") != NULL) ==
			    (t->avail[k] == 1));
			if (t->state[k] == NULL)
				CHECK(jget(so, "state") == NULL);
			else
				CHECK_STR(jstr(so, "state"), t->state[k]);
			list = jget(so, "recordings");
			CHECK(cJSON_IsArray(list) &&
			    cJSON_GetArraySize(list) == t->nlisted[k]);
			/* Public rows: no provider id; a URL only if ready. */
			cJSON_ArrayForEach(e, list) {
				const char *st = jstr(e, "state");

				CHECK(jget(e, "providerId") == NULL);
				CHECK(st != NULL);
				if (st != NULL && strcmp(st, "ready") != 0)
					CHECK(jnull(e, "playbackUrl"));
				else
					CHECK(jstr(e, "playbackUrl") != NULL);
			}
		}
		cJSON_Delete(j);
		free(text);
	}
}

/* ---- memorial_json ------------------------------------------------------ */

static void
test_memorial_json(void)
{
	struct memorial	 m;
	cJSON		*j;
	char		*text;

	memset(&m, 0, sizeof(m));
	snprintf(m.id, sizeof(m.id), "mem1");
	snprintf(m.title, sizeof(m.title), "Ann");
	snprintf(m.owner, sizeof(m.owner), "OWNERMARK");
	m.private_ = 1;
	snprintf(m.people[0].uid, sizeof(m.people[0].uid), "DIRMARK");
	m.people[0].role = ROLE_DIRECTOR;
	snprintf(m.people[1].uid, sizeof(m.people[1].uid), "VIDMARK");
	m.people[1].role = ROLE_VIDEOGRAPHER;
	m.npeople = 2;
	m.created_at = 1700000000;
	m.updated_at = 0;

	text = memorial_json(&m, VIEW_PUBLIC);
	CHECK(text != NULL);
	CHECK(text != NULL && strstr(text, "OWNERMARK") == NULL &&
	    strstr(text, "DIRMARK") == NULL && strstr(text, "VIDMARK") == NULL);
	j = text != NULL ? cJSON_Parse(text) : NULL;
	CHECK_STR(jstr(j, "id"), "mem1");
	CHECK_STR(jstr(j, "title"), "Ann");
	CHECK_STR(jstr(j, "visibility"), "private");
	CHECK_STR(jstr(j, "createdAt"), "2023-11-14T22:13:20.000Z");
	CHECK(jnull(j, "updatedAt"));
	cJSON_Delete(j);
	free(text);

	text = memorial_json(&m, VIEW_FULL);
	j = text != NULL ? cJSON_Parse(text) : NULL;
	CHECK_STR(jstr(j, "ownerUid"), "OWNERMARK");
	CHECK(cJSON_GetArraySize(jget(j, "directorUids")) == 1);
	CHECK_STR(cJSON_GetStringValue(cJSON_GetArrayItem(jget(j,
	    "directorUids"), 0)), "DIRMARK");
	CHECK(cJSON_GetArraySize(jget(j, "videographerUids")) == 1);
	CHECK_STR(cJSON_GetStringValue(cJSON_GetArrayItem(jget(j,
	    "videographerUids"), 0)), "VIDMARK");
	cJSON_Delete(j);
	free(text);

	m.private_ = 0;
	text = memorial_json(&m, VIEW_PUBLIC);
	j = text != NULL ? cJSON_Parse(text) : NULL;
	CHECK_STR(jstr(j, "visibility"), "public");
	cJSON_Delete(j);
	free(text);
}

int
main(void)
{
	test_names();
	test_create_parse();
	test_memorial_parse();
	test_sources();
	test_views_secrets();
	test_view_fields();
	test_recording_sources();
	test_memorial_json();
	return unit_done();
}
