/*
 * db.h: Vigil's storage.  The only module that includes sqlite3.h.
 *
 * Every statement lives in one table in db.c and every value is bound.
 * Functions return enum db_res; DB_BUSY means the bounded busy timeout
 * ran out (answer 503, the client may retry).
 */
#ifndef HEADER_VIGIL_DB_H
#define HEADER_VIGIL_DB_H

#include <stddef.h>

#include "stream.h"

struct db;

enum db_res {
	DB_OK = 0,
	DB_NOTFOUND,
	DB_EXISTS,	/* a unique key is taken */
	DB_BUSY,	/* locked past LIM_DB_BUSY_MS */
	DB_ERR,
	DB__MAX
};

#define DB_RDONLY	0x01

/*
 * Open path, set WAL, foreign keys and the busy timeout, and check that
 * PRAGMA user_version equals SCHEMA_VERSION.  NULL on failure (logged).
 */
struct db	*db_open(const char *path, int flags);
void		 db_close(struct db *db);

/* Transactions: BEGIN IMMEDIATE (takes the write lock up front). */
enum db_res	 db_begin(struct db *db);
enum db_res	 db_commit(struct db *db);
void		 db_rollback(struct db *db);

/* Memorials (with their people). */
enum db_res	 db_memorial_get(struct db *db, const char *id,
		    struct memorial *out);
enum db_res	 db_memorial_insert(struct db *db, const struct memorial *m);
enum db_res	 db_memorial_update(struct db *db, const struct memorial *m);

/* Streams. */
enum db_res	 db_stream_insert(struct db *db, const struct stream *s);
enum db_res	 db_stream_get(struct db *db, const char *id,
		    struct stream *out);

/*
 * A page of a memorial's streams, newest first, optionally of one status
 * (-1 for any), after the cursor (created_at, id) when after_id is
 * non-NULL.  *out (free(3)) holds *n streams, at most limit.
 */
enum db_res	 db_stream_list(struct db *db, const char *memorial_id,
		    int status, long long after_created, const char *after_id,
		    size_t limit, struct stream **out, size_t *n);

enum db_res	 db_stream_set_publish_hash(struct db *db, const char *id,
		    const char *hash, long long now_ms);

/*
 * Move a stream's status forward only (ready → live → completed);
 * started_at/ended_at are set the first time.  DB_OK also when it was
 * already there or beyond.
 */
enum db_res	 db_stream_advance(struct db *db, const char *id,
		    enum stream_status to, long long now_ms);
enum db_res	 db_stream_mark_deleted(struct db *db, const char *id,
		    long long now_ms);

/* All ledger rows of the given streams; *out to free(3). */
enum db_res	 db_recordings_for(struct db *db, const struct stream *ss,
		    size_t n, struct recording **out, size_t *nout);

/* Streams by a provider's id for them (webhooks, reconciliation). */
enum db_res	 db_stream_by_cf_input(struct db *db, const char *uid,
		    struct stream *out);
enum db_res	 db_stream_by_mux(struct db *db, const char *mux_id,
		    struct stream *out);

/*
 * Streams whose recordings may still change: created since since_ms,
 * not deleted (their provider resources are gone: only webhooks can
 * still tell), with a provider source, and not every configured
 * provider source holding a ready recording.  At most limit; *out to
 * free(3).
 */
enum db_res	 db_streams_unsettled(struct db *db, long long since_ms,
		    size_t limit, struct stream **out, size_t *n);

/* What an event or a reconciliation says about one recording. */
struct rec_update {
	enum rec_source	 source;
	const char	*provider_id;
	enum rec_state	 state;
	const char	*playback_url;	/* NULL: unknown */
	double		 duration;	/* < 0: unknown */
	long long	 started_at;	/* Unix ms, 0: unknown */
	long long	 ended_at;
};

/*
 * Record what u says about a recording of stream_id, monotonically: the
 * state only moves up pending < recording < failed < ready (a ready
 * recording stays ready), and known values are never replaced by
 * unknown ones.  *changed is set when the row changed.
 */
enum db_res	 db_recording_apply(struct db *db, const char *stream_id,
		    const struct rec_update *u, long long now_ms,
		    int *changed);

/*
 * Note a webhook event id as processed.  DB_EXISTS when it was already:
 * the caller acknowledges and does nothing.  Call inside the
 * transaction that applies the event, so both commit or neither.
 */
enum db_res	 db_webhook_seen(struct db *db, const char *provider,
		    const char *event_id, long long now);

/* Idempotency keys. */
enum idem_res {
	IDEM_NEW = 0,	/* recorded as in flight: go on and create */
	IDEM_DONE,	/* done before: stream_id and warnings filled */
	IDEM_PENDING,	/* the first request is still running */
	IDEM_MISMATCH,	/* same key, different body */
	IDEM__MAX
};

enum db_res	 db_idem_begin(struct db *db, const char *user,
		    const char *key, const char *body_hash, long long now,
		    enum idem_res *res, char *stream_id, size_t idsz,
		    char **warnings);
enum db_res	 db_idem_finish(struct db *db, const char *user,
		    const char *key, const char *stream_id,
		    const char *warnings);
enum db_res	 db_idem_abort(struct db *db, const char *user,
		    const char *key);

/* One-time sign-in tokens (hash only). */
enum db_res	 db_login_insert(struct db *db, const char *hash,
		    const char *sub, int admin, long long expires);

/*
 * Use a sign-in token once: DB_OK fills sub/admin and marks it used;
 * DB_NOTFOUND for unknown, used or expired tokens.
 */
enum db_res	 db_login_consume(struct db *db, const char *hash,
		    long long now, char *sub, size_t subsz, int *admin);

#endif /* HEADER_VIGIL_DB_H */
