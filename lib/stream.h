/*
 * stream.h: the domain objects (memorials, streams), their names, the
 * create request, and their JSON views.  Plain data; no I/O.
 */
#ifndef HEADER_VIGIL_STREAM_H
#define HEADER_VIGIL_STREAM_H

#include <stddef.h>

#include "vlimits.h"

enum stream_status {
	STREAM_READY = 0,
	STREAM_LIVE,
	STREAM_COMPLETED,
	STREAM__MAX
};

enum stream_method {
	METHOD_WHIP_BROWSER = 0,
	METHOD_OBS,
	METHOD_CLOUDFLARE_WHIP,
	METHOD_MUX_WHIP,
	METHOD__MAX
};

enum person_role {
	ROLE_DIRECTOR = 0,
	ROLE_VIDEOGRAPHER,
	ROLE__MAX
};

extern const char *const stream_status_names[STREAM__MAX];
extern const char *const stream_method_names[METHOD__MAX];
extern const char *const person_role_names[ROLE__MAX];

/* Look a name up in one of the tables above; -1 when unknown. */
int	stream_status_parse(const char *s);
int	stream_method_parse(const char *s);
int	person_role_parse(const char *s);

struct person {
	char		 uid[LIM_ID + 1];
	enum person_role role;
};

struct memorial {
	char		 id[LIM_ID + 1];
	char		 title[LIM_TITLE + 1];
	char		 owner[LIM_ID + 1];
	int		 private_;		/* visibility == private */
	struct person	 people[LIM_PEOPLE];
	size_t		 npeople;
	long long	 created_at;		/* Unix s */
	long long	 updated_at;
};

struct stream {
	char		 id[LIM_ID + 1];
	char		 memorial_id[LIM_ID + 1];
	char		 title[LIM_TITLE + 1];
	enum stream_status status;
	enum stream_method method;
	int		 experimental;
	char		 publish_hash[65];	/* SHA-256 hex or "" */
	char		 whip_url[1024];	/* secret */
	char		 whep_url[1024];
	char		 rtmps_url[512];
	char		 stream_key[512];	/* secret */
	char		 cf_input_id[LIM_ID + 1];
	char		 cf_output_id[LIM_ID + 1];
	char		 cf_playback_base[256];
	char		 mux_stream_id[LIM_ID + 1];
	char		 mux_stream_key[256];	/* secret */
	char		 mux_playback_id[LIM_ID + 1];
	char		 mux_rtmps_url[512];
	int		 mux_backup;
	int		 simulcast;
	char		 scheduled_at[40];
	char		 created_by[LIM_ID + 1];
	long long	 created_at;		/* Unix ms */
	long long	 updated_at;
	long long	 started_at;		/* 0 when not yet */
	long long	 ended_at;
	long long	 deleted_at;
};

/* POST /api/streams/create-whip, validated. */
struct stream_create {
	char		 memorial_id[LIM_ID + 1];
	char		 title[LIM_TITLE + 1];
	enum stream_method method;
	int		 mux_backup;		/* -1 when not given */
	char		 scheduled_at[40];
};

/*
 * Parse and validate a create body.  On failure returns -1 and points
 * *why at a fixed message naming the field (never the input).
 */
int	stream_create_parse(const char *body, size_t len,
	    struct stream_create *out, const char **why);

/* POST /api/memorials and PATCH /api/memorials/{id}. */
struct memorial_input {
	int		 has_id, has_title, has_owner, has_people,
			 has_visibility;
	struct memorial	 m;
};

/* Parse a memorial body; patch=1 makes every field optional. */
int	memorial_parse(const char *body, size_t len, int patch,
	    struct memorial_input *out, const char **why);

/* How much of a stream a caller may see. */
enum stream_view {
	VIEW_PUBLIC = 0,	/* anonymous or not a controller: no secrets */
	VIEW_FULL,		/* controllers: credentials and provider ids */
	VIEW__MAX
};

enum rec_source {
	SRC_LOCAL = 0,
	SRC_CLOUDFLARE,
	SRC_MUX,
	SRC__MAX
};

enum rec_state {
	REC_PENDING = 0,
	REC_RECORDING,
	REC_READY,
	REC_FAILED,
	REC__MAX
};

extern const char *const rec_source_names[SRC__MAX];
extern const char *const rec_state_names[REC__MAX];

int	rec_source_parse(const char *s);
int	rec_state_parse(const char *s);

/* One row of the recording ledger. */
struct recording {
	long long	 id;
	char		 stream_id[LIM_ID + 1];
	enum rec_source	 source;
	char		 provider_id[128];	/* video uid, asset id, file */
	enum rec_state	 state;
	char		 playback_url[1024];
	double		 duration;		/* seconds; < 0 unknown */
	long long	 started_at;		/* Unix ms, 0 unknown */
	long long	 ended_at;
	long long	 created_at;
	long long	 updated_at;
};

/* Which recording sources a stream was set up with (bit per source). */
unsigned int stream_sources(const struct stream *s);

/*
 * The JSON texts we answer, each to free(3), NULL on OOM.  recs/nrecs
 * are ledger rows; rows of other streams are ignored, so a listing can
 * pass one array for the whole page.
 *
 * stream_create_reply: {"success":true,"stream":{...},"warnings":[...]}
 * with the full view and publish_token (NULL if none); warnings_json is
 * a JSON array text.
 * stream_one_json: {"stream":{...}}.
 * stream_list_json: {"streams":[...],"nextCursor":...}; views[i] is the
 * view of ss[i].
 */
char	*stream_create_reply(const struct stream *s, const char *publish_token,
	    const char *warnings_json);
char	*stream_one_json(const struct stream *s, enum stream_view view,
	    const struct recording *recs, size_t nrecs);
char	*stream_list_json(const struct stream *ss, const enum stream_view
	    *views, size_t n, const struct recording *recs, size_t nrecs,
	    const char *next_cursor);

/* A memorial as JSON text to free(3); people only for VIEW_FULL. */
char	*memorial_json(const struct memorial *m, enum stream_view view);

#endif /* HEADER_VIGIL_STREAM_H */
