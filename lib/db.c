/*
 * db.c: SQLite storage for memorials, streams, the ledger, idempotency
 * keys and sign-in tokens.
 *
 * All SQL is in sqls[] below, indexed by enum stmt; statements are
 * prepared on first use and reset after each.  Every value is bound.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "compat.h"
#include "db.h"
#include "log.h"
#include "vlimits.h"

#ifndef SCHEMA_VERSION
#error "SCHEMA_VERSION must be defined by the Makefile"
#endif

#define STREAM_COLS \
	"id, memorial_id, title, status, method, experimental, " \
	"publish_token_hash, whip_url, whep_url, rtmps_url, stream_key, " \
	"cf_input_id, cf_output_id, cf_playback_base, mux_stream_id, " \
	"mux_stream_key, mux_playback_id, mux_rtmps_url, mux_backup, " \
	"simulcast, scheduled_at, created_by, created_at, updated_at, " \
	"started_at, ended_at, deleted_at"

#define REC_COLS \
	"id, stream_id, source, provider_id, state, playback_url, duration, " \
	"started_at, ended_at, created_at, updated_at"

enum stmt {
	STMT_BEGIN = 0,
	STMT_COMMIT,
	STMT_ROLLBACK,
	STMT_MEMORIAL_GET,
	STMT_MEMORIAL_PEOPLE,
	STMT_MEMORIAL_INSERT,
	STMT_MEMORIAL_UPDATE,
	STMT_PEOPLE_DELETE,
	STMT_PERSON_INSERT,
	STMT_STREAM_INSERT,
	STMT_STREAM_GET,
	STMT_STREAM_LIST,
	STMT_STREAM_LIST_AFTER,
	STMT_STREAM_SET_HASH,
	STMT_STREAM_ADVANCE,
	STMT_STREAM_DELETED,
	STMT_RECORDINGS_FOR,
	STMT_IDEM_GET,
	STMT_IDEM_INSERT,
	STMT_IDEM_DELETE_OLD,
	STMT_IDEM_FINISH,
	STMT_IDEM_DELETE,
	STMT_IDEM_TAKEOVER,
	STMT_LOGIN_INSERT,
	STMT_LOGIN_CONSUME,
	STMT_STREAM_BY_CF,
	STMT_STREAM_BY_MUX,
	STMT_STREAMS_UNSETTLED,
	STMT_RECORDING_APPLY,
	STMT_WEBHOOK_SEEN,
	STMT__MAX
};

static const char *const sqls[STMT__MAX] = {
	/* STMT_BEGIN */
	"BEGIN IMMEDIATE",
	/* STMT_COMMIT */
	"COMMIT",
	/* STMT_ROLLBACK */
	"ROLLBACK",
	/* STMT_MEMORIAL_GET */
	"SELECT id, title, owner_uid, visibility, created_at, updated_at "
	"FROM memorials WHERE id = ?",
	/* STMT_MEMORIAL_PEOPLE */
	"SELECT uid, role FROM memorial_people WHERE memorial_id = ? "
	"ORDER BY role, uid LIMIT 32",
	/* STMT_MEMORIAL_INSERT */
	"INSERT INTO memorials (id, title, owner_uid, visibility, "
	"created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
	/* STMT_MEMORIAL_UPDATE */
	"UPDATE memorials SET title = ?, owner_uid = ?, visibility = ?, "
	"updated_at = ? WHERE id = ?",
	/* STMT_PEOPLE_DELETE */
	"DELETE FROM memorial_people WHERE memorial_id = ?",
	/* STMT_PERSON_INSERT */
	"INSERT INTO memorial_people (memorial_id, uid, role) "
	"VALUES (?, ?, ?)",
	/* STMT_STREAM_INSERT */
	"INSERT INTO streams (" STREAM_COLS ") VALUES (?, ?, ?, ?, ?, ?, ?, "
	"?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	/* STMT_STREAM_GET */
	"SELECT " STREAM_COLS " FROM streams WHERE id = ?",
	/* STMT_STREAM_LIST */
	"SELECT " STREAM_COLS " FROM streams WHERE memorial_id = ?1 "
	"AND (?2 IS NULL OR status = ?2) "
	"ORDER BY created_at DESC, id DESC LIMIT ?3",
	/* STMT_STREAM_LIST_AFTER */
	"SELECT " STREAM_COLS " FROM streams WHERE memorial_id = ?1 "
	"AND (?2 IS NULL OR status = ?2) "
	"AND (created_at < ?4 OR (created_at = ?4 AND id < ?5)) "
	"ORDER BY created_at DESC, id DESC LIMIT ?3",
	/* STMT_STREAM_SET_HASH */
	"UPDATE streams SET publish_token_hash = ?, updated_at = ? "
	"WHERE id = ?",
	/* STMT_STREAM_ADVANCE: only forward; times set once. */
	"UPDATE streams SET status = ?1, updated_at = ?2, "
	"started_at = CASE WHEN ?1 IN ('live', 'completed') "
	"    THEN coalesce(started_at, CASE WHEN ?1 = 'live' THEN ?2 END) "
	"    ELSE started_at END, "
	"ended_at = CASE WHEN ?1 = 'completed' THEN coalesce(ended_at, ?2) "
	"    ELSE ended_at END "
	"WHERE id = ?3 AND (CASE status WHEN 'ready' THEN 0 "
	"    WHEN 'live' THEN 1 ELSE 2 END) < "
	"  (CASE ?1 WHEN 'ready' THEN 0 WHEN 'live' THEN 1 ELSE 2 END)",
	/* STMT_STREAM_DELETED */
	"UPDATE streams SET deleted_at = coalesce(deleted_at, ?1), "
	"updated_at = ?1 WHERE id = ?2",
	/* STMT_RECORDINGS_FOR: ids passed as a JSON array. */
	"SELECT " REC_COLS " FROM recordings WHERE stream_id IN "
	"(SELECT value FROM json_each(?)) ORDER BY created_at, id",
	/* STMT_IDEM_GET */
	"SELECT request_hash, stream_id, warnings, created_at "
	"FROM idempotency_keys WHERE user_id = ? AND key = ?",
	/* STMT_IDEM_INSERT */
	"INSERT INTO idempotency_keys (user_id, key, request_hash, "
	"created_at) VALUES (?, ?, ?, ?)",
	/* STMT_IDEM_DELETE_OLD */
	"DELETE FROM idempotency_keys WHERE created_at < ?",
	/* STMT_IDEM_FINISH */
	"UPDATE idempotency_keys SET stream_id = ?, warnings = ? "
	"WHERE user_id = ? AND key = ?",
	/* STMT_IDEM_DELETE */
	"DELETE FROM idempotency_keys WHERE user_id = ? AND key = ? "
	"AND stream_id IS NULL",
	/* STMT_IDEM_TAKEOVER: a pending key whose request died. */
	"UPDATE idempotency_keys SET created_at = ?3 WHERE user_id = ?1 "
	"AND key = ?2 AND stream_id IS NULL",
	/* STMT_LOGIN_INSERT */
	"INSERT INTO login_tokens (token_hash, sub, role, expires_at) "
	"VALUES (?, ?, ?, ?)",
	/* STMT_LOGIN_CONSUME */
	"UPDATE login_tokens SET used_at = ?1 WHERE token_hash = ?2 "
	"AND used_at IS NULL AND expires_at > ?1 RETURNING sub, role",
	/* STMT_STREAM_BY_CF */
	"SELECT " STREAM_COLS " FROM streams WHERE cf_input_id = ? "
	"ORDER BY created_at DESC LIMIT 1",
	/* STMT_STREAM_BY_MUX */
	"SELECT " STREAM_COLS " FROM streams WHERE mux_stream_id = ? "
	"ORDER BY created_at DESC LIMIT 1",
	/* STMT_STREAMS_UNSETTLED */
	"SELECT " STREAM_COLS " FROM streams s WHERE created_at >= ?1 "
	"AND deleted_at IS NULL "
	"AND ((cf_input_id IS NOT NULL AND method != 'cloudflare_whip' "
	"  AND NOT EXISTS (SELECT 1 FROM recordings r WHERE "
	"  r.stream_id = s.id AND r.source = 'cloudflare' AND "
	"  r.state = 'ready')) "
	" OR (mux_stream_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM "
	"  recordings r WHERE r.stream_id = s.id AND r.source = 'mux' AND "
	"  r.state = 'ready')) "
	" OR EXISTS (SELECT 1 FROM recordings r WHERE r.stream_id = s.id "
	"  AND r.source != 'local' AND r.state IN ('pending', 'recording')))"
	"ORDER BY created_at DESC LIMIT ?2",
	/*
	 * STMT_RECORDING_APPLY: ranks pending 0 < recording 1 < failed 2 <
	 * ready 3.  A new row takes what it is given; an existing one moves
	 * up only, and keeps known values over unknown (NULL) ones.  An
	 * event of a lower rank may still fill a value the row lacks.
	 * started_at is the earliest known, whatever order events came in.
	 */
	"INSERT INTO recordings (stream_id, source, provider_id, state, "
	"playback_url, duration, started_at, ended_at, created_at, "
	"updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9) "
	"ON CONFLICT (source, provider_id) DO UPDATE SET "
	"state = CASE WHEN (CASE excluded.state WHEN 'pending' THEN 0 "
	"  WHEN 'recording' THEN 1 WHEN 'failed' THEN 2 ELSE 3 END) > "
	"  (CASE state WHEN 'pending' THEN 0 WHEN 'recording' THEN 1 "
	"  WHEN 'failed' THEN 2 ELSE 3 END) THEN excluded.state "
	"  ELSE state END, "
	"playback_url = coalesce(CASE WHEN excluded.state = 'ready' THEN "
	"  excluded.playback_url END, playback_url, excluded.playback_url), "
	"duration = coalesce(CASE WHEN excluded.state = 'ready' THEN "
	"  excluded.duration END, duration, excluded.duration), "
	"started_at = coalesce(min(started_at, excluded.started_at), "
	"  started_at, excluded.started_at), "
	"ended_at = coalesce(ended_at, excluded.ended_at), "
	"updated_at = excluded.updated_at "
	"WHERE stream_id = excluded.stream_id AND ("
	"  (CASE excluded.state WHEN 'pending' THEN 0 WHEN 'recording' "
	"  THEN 1 WHEN 'failed' THEN 2 ELSE 3 END) > (CASE state WHEN "
	"  'pending' THEN 0 WHEN 'recording' THEN 1 WHEN 'failed' THEN 2 "
	"  ELSE 3 END) OR "
	"  (playback_url IS NULL AND excluded.playback_url IS NOT NULL) OR "
	"  (excluded.state = 'ready' AND excluded.playback_url IS NOT NULL "
	"   AND playback_url IS NOT excluded.playback_url) OR "
	"  (duration IS NULL AND excluded.duration IS NOT NULL) OR "
	"  (excluded.state = 'ready' AND excluded.duration IS NOT NULL AND "
	"   duration IS NOT excluded.duration) OR "
	"  (started_at IS NULL AND excluded.started_at IS NOT NULL) OR "
	"  excluded.started_at < started_at OR "
	"  (ended_at IS NULL AND excluded.ended_at IS NOT NULL))",
	/* STMT_WEBHOOK_SEEN */
	"INSERT INTO webhook_events (provider, event_id, received_at) "
	"VALUES (?, ?, ?)",
};

struct db {
	sqlite3		*h;
	sqlite3_stmt	*st[STMT__MAX];
};

static enum db_res
res_of(struct db *db, int rc, enum stmt s)
{
	/*
	 * Extended result codes are on (db_open), so sqlite3_step returns
	 * e.g. SQLITE_CONSTRAINT_PRIMARYKEY: switch on the primary code.
	 */
	switch (rc & 0xff) {
	case SQLITE_OK:
	case SQLITE_DONE:
	case SQLITE_ROW:
		return DB_OK;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		log_warnx("db: busy (%d) in statement %d", rc, (int)s);
		return DB_BUSY;
	case SQLITE_CONSTRAINT:
		if (sqlite3_extended_errcode(db->h) ==
		    SQLITE_CONSTRAINT_PRIMARYKEY ||
		    sqlite3_extended_errcode(db->h) ==
		    SQLITE_CONSTRAINT_UNIQUE)
			return DB_EXISTS;
		/* FALLTHROUGH */
	default:
		log_warnx("db: statement %d: %s", (int)s,
		    sqlite3_errmsg(db->h));
		return DB_ERR;
	}
}

/* The prepared statement s, reset and unbound; NULL on failure. */
static sqlite3_stmt *
stmt(struct db *db, enum stmt s)
{
	if (db->st[s] == NULL) {
		if (sqlite3_prepare_v3(db->h, sqls[s], -1,
		    SQLITE_PREPARE_PERSISTENT, &db->st[s], NULL) !=
		    SQLITE_OK) {
			log_warnx("db: prepare %d: %s", (int)s,
			    sqlite3_errmsg(db->h));
			return NULL;
		}
	} else {
		sqlite3_reset(db->st[s]);
		sqlite3_clear_bindings(db->st[s]);
	}
	return db->st[s];
}

/* Done with a statement: reset so it holds no lock. */
static void
done(struct db *db, enum stmt s)
{
	if (db->st[s] != NULL)
		sqlite3_reset(db->st[s]);
}

/* Bind text, with "" and NULL both stored as NULL. */
static int
bind_text(sqlite3_stmt *st, int i, const char *v)
{
	if (v == NULL || *v == '\0')
		return sqlite3_bind_null(st, i);
	return sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT);
}

static int
bind_time(sqlite3_stmt *st, int i, long long v)
{
	if (v <= 0)
		return sqlite3_bind_null(st, i);
	return sqlite3_bind_int64(st, i, v);
}

/* Copy a text column into dst; "" for NULL.  -1 if it does not fit. */
static int
col_copy(sqlite3_stmt *st, int i, char *dst, size_t dsz)
{
	const unsigned char	*t = sqlite3_column_text(st, i);

	if (t == NULL) {
		dst[0] = '\0';
		return 0;
	}
	if (strlcpy(dst, (const char *)t, dsz) >= dsz) {
		log_warnx("db: column %d longer than %zu bytes", i, dsz);
		return -1;
	}
	return 0;
}

struct db *
db_open(const char *path, int flags)
{
	struct db	*db;
	sqlite3_stmt	*st = NULL;
	int		 ver = -1;
	int		 oflags = (flags & DB_RDONLY) ? SQLITE_OPEN_READONLY :
			    SQLITE_OPEN_READWRITE;

	if ((db = calloc(1, sizeof(*db))) == NULL)
		return NULL;
	if (sqlite3_open_v2(path, &db->h, oflags | SQLITE_OPEN_NOMUTEX,
	    NULL) != SQLITE_OK) {
		log_warnx("db: open %s: %s", path, db->h ?
		    sqlite3_errmsg(db->h) : "out of memory");
		goto fail;
	}
	sqlite3_extended_result_codes(db->h, 1);
	sqlite3_busy_timeout(db->h, LIM_DB_BUSY_MS);
	if (sqlite3_exec(db->h, "PRAGMA foreign_keys = ON", NULL, NULL,
	    NULL) != SQLITE_OK)
		goto sqlfail;
	if (!(flags & DB_RDONLY) && sqlite3_exec(db->h,
	    "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL",
	    NULL, NULL, NULL) != SQLITE_OK)
		goto sqlfail;
	if (sqlite3_prepare_v2(db->h, "PRAGMA user_version", -1, &st,
	    NULL) != SQLITE_OK)
		goto sqlfail;
	if (sqlite3_step(st) == SQLITE_ROW)
		ver = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (ver != SCHEMA_VERSION) {
		log_warnx("db: %s has schema %d, this build needs %d "
		    "(run tools/migrate.sh)", path, ver, SCHEMA_VERSION);
		goto fail;
	}
	return db;
sqlfail:
	log_warnx("db: %s: %s", path, sqlite3_errmsg(db->h));
fail:
	db_close(db);
	return NULL;
}

void
db_close(struct db *db)
{
	size_t	 i;

	if (db == NULL)
		return;
	for (i = 0; i < STMT__MAX; i++)
		sqlite3_finalize(db->st[i]);
	sqlite3_close(db->h);
	free(db);
}

static enum db_res
exec_simple(struct db *db, enum stmt s)
{
	sqlite3_stmt	*st;
	enum db_res	 r;

	if ((st = stmt(db, s)) == NULL)
		return DB_ERR;
	r = res_of(db, sqlite3_step(st), s);
	done(db, s);
	return r;
}

enum db_res
db_begin(struct db *db)
{
	return exec_simple(db, STMT_BEGIN);
}

enum db_res
db_commit(struct db *db)
{
	enum db_res	 r;

	if ((r = exec_simple(db, STMT_COMMIT)) != DB_OK)
		db_rollback(db);
	return r;
}

void
db_rollback(struct db *db)
{
	if (sqlite3_get_autocommit(db->h) == 0)
		(void)exec_simple(db, STMT_ROLLBACK);
}

enum db_res
db_memorial_get(struct db *db, const char *id, struct memorial *out)
{
	sqlite3_stmt	*st;
	enum db_res	 r = DB_ERR;
	int		 rc, role;

	memset(out, 0, sizeof(*out));
	if ((st = stmt(db, STMT_MEMORIAL_GET)) == NULL)
		return DB_ERR;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
	if ((rc = sqlite3_step(st)) == SQLITE_DONE) {
		r = DB_NOTFOUND;
		goto out;
	}
	if (rc != SQLITE_ROW) {
		r = res_of(db, rc, STMT_MEMORIAL_GET);
		goto out;
	}
	if (col_copy(st, 0, out->id, sizeof(out->id)) == -1 ||
	    col_copy(st, 1, out->title, sizeof(out->title)) == -1 ||
	    col_copy(st, 2, out->owner, sizeof(out->owner)) == -1)
		goto out;
	out->private_ = strcmp((const char *)sqlite3_column_text(st, 3),
	    "private") == 0;
	out->created_at = sqlite3_column_int64(st, 4);
	out->updated_at = sqlite3_column_int64(st, 5);
	done(db, STMT_MEMORIAL_GET);

	if ((st = stmt(db, STMT_MEMORIAL_PEOPLE)) == NULL)
		return DB_ERR;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW &&
	    out->npeople < LIM_PEOPLE) {
		if (col_copy(st, 0, out->people[out->npeople].uid,
		    sizeof(out->people[0].uid)) == -1)
			goto outp;
		role = person_role_parse((const char *)
		    sqlite3_column_text(st, 1));
		out->people[out->npeople++].role = role < 0 ? ROLE_DIRECTOR :
		    (enum person_role)role;
	}
	r = rc == SQLITE_ROW || rc == SQLITE_DONE ? DB_OK :
	    res_of(db, rc, STMT_MEMORIAL_PEOPLE);
outp:
	done(db, STMT_MEMORIAL_PEOPLE);
	return r;
out:
	done(db, STMT_MEMORIAL_GET);
	return r;
}

static enum db_res
people_write(struct db *db, const struct memorial *m)
{
	sqlite3_stmt	*st;
	enum db_res	 r;
	size_t		 i;

	if ((st = stmt(db, STMT_PEOPLE_DELETE)) == NULL)
		return DB_ERR;
	sqlite3_bind_text(st, 1, m->id, -1, SQLITE_TRANSIENT);
	r = res_of(db, sqlite3_step(st), STMT_PEOPLE_DELETE);
	done(db, STMT_PEOPLE_DELETE);
	for (i = 0; r == DB_OK && i < m->npeople; i++) {
		if ((st = stmt(db, STMT_PERSON_INSERT)) == NULL)
			return DB_ERR;
		sqlite3_bind_text(st, 1, m->id, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 2, m->people[i].uid, -1,
		    SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 3, person_role_names[m->people[i].role],
		    -1, SQLITE_STATIC);
		r = res_of(db, sqlite3_step(st), STMT_PERSON_INSERT);
		done(db, STMT_PERSON_INSERT);
	}
	return r;
}

enum db_res
db_memorial_insert(struct db *db, const struct memorial *m)
{
	sqlite3_stmt	*st;
	enum db_res	 r;

	if ((r = db_begin(db)) != DB_OK)
		return r;
	if ((st = stmt(db, STMT_MEMORIAL_INSERT)) == NULL) {
		db_rollback(db);
		return DB_ERR;
	}
	sqlite3_bind_text(st, 1, m->id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, m->title, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, m->owner, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 4, m->private_ ? "private" : "public", -1,
	    SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, m->created_at);
	sqlite3_bind_int64(st, 6, m->updated_at);
	r = res_of(db, sqlite3_step(st), STMT_MEMORIAL_INSERT);
	done(db, STMT_MEMORIAL_INSERT);
	if (r == DB_OK)
		r = people_write(db, m);
	if (r != DB_OK) {
		db_rollback(db);
		return r;
	}
	return db_commit(db);
}

enum db_res
db_memorial_update(struct db *db, const struct memorial *m)
{
	sqlite3_stmt	*st;
	enum db_res	 r;

	if ((r = db_begin(db)) != DB_OK)
		return r;
	if ((st = stmt(db, STMT_MEMORIAL_UPDATE)) == NULL) {
		db_rollback(db);
		return DB_ERR;
	}
	sqlite3_bind_text(st, 1, m->title, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, m->owner, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, m->private_ ? "private" : "public", -1,
	    SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, m->updated_at);
	sqlite3_bind_text(st, 5, m->id, -1, SQLITE_TRANSIENT);
	r = res_of(db, sqlite3_step(st), STMT_MEMORIAL_UPDATE);
	if (r == DB_OK && sqlite3_changes(db->h) == 0)
		r = DB_NOTFOUND;
	done(db, STMT_MEMORIAL_UPDATE);
	if (r == DB_OK)
		r = people_write(db, m);
	if (r != DB_OK) {
		db_rollback(db);
		return r;
	}
	return db_commit(db);
}

enum db_res
db_stream_insert(struct db *db, const struct stream *s)
{
	sqlite3_stmt	*st;
	enum db_res	 r;

	if ((st = stmt(db, STMT_STREAM_INSERT)) == NULL)
		return DB_ERR;
	bind_text(st, 1, s->id);
	bind_text(st, 2, s->memorial_id);
	bind_text(st, 3, s->title);
	bind_text(st, 4, stream_status_names[s->status]);
	bind_text(st, 5, stream_method_names[s->method]);
	sqlite3_bind_int(st, 6, s->experimental);
	bind_text(st, 7, s->publish_hash);
	bind_text(st, 8, s->whip_url);
	bind_text(st, 9, s->whep_url);
	bind_text(st, 10, s->rtmps_url);
	bind_text(st, 11, s->stream_key);
	bind_text(st, 12, s->cf_input_id);
	bind_text(st, 13, s->cf_output_id);
	bind_text(st, 14, s->cf_playback_base);
	bind_text(st, 15, s->mux_stream_id);
	bind_text(st, 16, s->mux_stream_key);
	bind_text(st, 17, s->mux_playback_id);
	bind_text(st, 18, s->mux_rtmps_url);
	sqlite3_bind_int(st, 19, s->mux_backup);
	sqlite3_bind_int(st, 20, s->simulcast);
	bind_text(st, 21, s->scheduled_at);
	bind_text(st, 22, s->created_by);
	sqlite3_bind_int64(st, 23, s->created_at);
	sqlite3_bind_int64(st, 24, s->updated_at);
	bind_time(st, 25, s->started_at);
	bind_time(st, 26, s->ended_at);
	bind_time(st, 27, s->deleted_at);
	r = res_of(db, sqlite3_step(st), STMT_STREAM_INSERT);
	done(db, STMT_STREAM_INSERT);
	return r;
}

/* Fill a stream from a row selected with STREAM_COLS. */
static int
stream_row(sqlite3_stmt *st, struct stream *s)
{
	int	 v;

	memset(s, 0, sizeof(*s));
	if (col_copy(st, 0, s->id, sizeof(s->id)) == -1 ||
	    col_copy(st, 1, s->memorial_id, sizeof(s->memorial_id)) == -1 ||
	    col_copy(st, 2, s->title, sizeof(s->title)) == -1)
		return -1;
	if ((v = stream_status_parse((const char *)
	    sqlite3_column_text(st, 3))) < 0)
		return -1;
	s->status = (enum stream_status)v;
	if ((v = stream_method_parse((const char *)
	    sqlite3_column_text(st, 4))) < 0)
		return -1;
	s->method = (enum stream_method)v;
	s->experimental = sqlite3_column_int(st, 5);
	if (col_copy(st, 6, s->publish_hash, sizeof(s->publish_hash)) == -1 ||
	    col_copy(st, 7, s->whip_url, sizeof(s->whip_url)) == -1 ||
	    col_copy(st, 8, s->whep_url, sizeof(s->whep_url)) == -1 ||
	    col_copy(st, 9, s->rtmps_url, sizeof(s->rtmps_url)) == -1 ||
	    col_copy(st, 10, s->stream_key, sizeof(s->stream_key)) == -1 ||
	    col_copy(st, 11, s->cf_input_id, sizeof(s->cf_input_id)) == -1 ||
	    col_copy(st, 12, s->cf_output_id, sizeof(s->cf_output_id)) == -1 ||
	    col_copy(st, 13, s->cf_playback_base,
	    sizeof(s->cf_playback_base)) == -1 ||
	    col_copy(st, 14, s->mux_stream_id,
	    sizeof(s->mux_stream_id)) == -1 ||
	    col_copy(st, 15, s->mux_stream_key,
	    sizeof(s->mux_stream_key)) == -1 ||
	    col_copy(st, 16, s->mux_playback_id,
	    sizeof(s->mux_playback_id)) == -1 ||
	    col_copy(st, 17, s->mux_rtmps_url,
	    sizeof(s->mux_rtmps_url)) == -1)
		return -1;
	s->mux_backup = sqlite3_column_int(st, 18);
	s->simulcast = sqlite3_column_int(st, 19);
	if (col_copy(st, 20, s->scheduled_at, sizeof(s->scheduled_at)) == -1 ||
	    col_copy(st, 21, s->created_by, sizeof(s->created_by)) == -1)
		return -1;
	s->created_at = sqlite3_column_int64(st, 22);
	s->updated_at = sqlite3_column_int64(st, 23);
	s->started_at = sqlite3_column_int64(st, 24);
	s->ended_at = sqlite3_column_int64(st, 25);
	s->deleted_at = sqlite3_column_int64(st, 26);
	return 0;
}

/* A stream selected by one text key with STREAM_COLS. */
static enum db_res
stream_by(struct db *db, enum stmt which, const char *key,
    struct stream *out)
{
	sqlite3_stmt	*st;
	enum db_res	 r;
	int		 rc;

	if ((st = stmt(db, which)) == NULL)
		return DB_ERR;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE)
		r = DB_NOTFOUND;
	else if (rc != SQLITE_ROW)
		r = res_of(db, rc, which);
	else
		r = stream_row(st, out) == 0 ? DB_OK : DB_ERR;
	done(db, which);
	return r;
}

enum db_res
db_stream_get(struct db *db, const char *id, struct stream *out)
{
	return stream_by(db, STMT_STREAM_GET, id, out);
}

enum db_res
db_stream_list(struct db *db, const char *memorial_id, int status,
    long long after_created, const char *after_id, size_t limit,
    struct stream **out, size_t *n)
{
	enum stmt	 which = after_id != NULL ? STMT_STREAM_LIST_AFTER :
			    STMT_STREAM_LIST;
	sqlite3_stmt	*st;
	struct stream	*ss = NULL;
	enum db_res	 r = DB_ERR;
	int		 rc;

	*out = NULL;
	*n = 0;
	if (limit == 0 || limit > LIM_PAGE_MAX + 1)
		return DB_ERR;
	/*
	 * Not calloc: stream_row clears each row it fills, and a row is
	 * ~5 KB, so clearing the whole page twice showed (bench/README.md).
	 */
	if ((ss = reallocarray(NULL, limit, sizeof(*ss))) == NULL)
		return DB_ERR;
	if ((st = stmt(db, which)) == NULL)
		goto fail;
	sqlite3_bind_text(st, 1, memorial_id, -1, SQLITE_TRANSIENT);
	if (status >= 0)
		sqlite3_bind_text(st, 2, stream_status_names[status], -1,
		    SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)limit);
	if (after_id != NULL) {
		sqlite3_bind_int64(st, 4, after_created);
		sqlite3_bind_text(st, 5, after_id, -1, SQLITE_TRANSIENT);
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && *n < limit)
		if (stream_row(st, &ss[(*n)++]) == -1) {
			done(db, which);
			goto fail;
		}
	r = rc == SQLITE_DONE || rc == SQLITE_ROW ? DB_OK :
	    res_of(db, rc, which);
	done(db, which);
	if (r != DB_OK)
		goto fail;
	*out = ss;
	return DB_OK;
fail:
	free(ss);
	*n = 0;
	return r;
}

enum db_res
db_stream_set_publish_hash(struct db *db, const char *id, const char *hash,
    long long now_ms)
{
	sqlite3_stmt	*st;
	enum db_res	 r;

	if ((st = stmt(db, STMT_STREAM_SET_HASH)) == NULL)
		return DB_ERR;
	bind_text(st, 1, hash);
	sqlite3_bind_int64(st, 2, now_ms);
	sqlite3_bind_text(st, 3, id, -1, SQLITE_TRANSIENT);
	r = res_of(db, sqlite3_step(st), STMT_STREAM_SET_HASH);
	if (r == DB_OK && sqlite3_changes(db->h) == 0)
		r = DB_NOTFOUND;
	done(db, STMT_STREAM_SET_HASH);
	return r;
}

enum db_res
db_stream_advance(struct db *db, const char *id, enum stream_status to,
    long long now_ms)
{
	sqlite3_stmt	*st;
	enum db_res	 r;

	if ((st = stmt(db, STMT_STREAM_ADVANCE)) == NULL)
		return DB_ERR;
	sqlite3_bind_text(st, 1, stream_status_names[to], -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, now_ms);
	sqlite3_bind_text(st, 3, id, -1, SQLITE_TRANSIENT);
	r = res_of(db, sqlite3_step(st), STMT_STREAM_ADVANCE);
	done(db, STMT_STREAM_ADVANCE);
	return r;
}

enum db_res
db_stream_mark_deleted(struct db *db, const char *id, long long now_ms)
{
	sqlite3_stmt	*st;
	enum db_res	 r;

	if ((st = stmt(db, STMT_STREAM_DELETED)) == NULL)
		return DB_ERR;
	sqlite3_bind_int64(st, 1, now_ms);
	sqlite3_bind_text(st, 2, id, -1, SQLITE_TRANSIENT);
	r = res_of(db, sqlite3_step(st), STMT_STREAM_DELETED);
	done(db, STMT_STREAM_DELETED);
	return r;
}

enum db_res
db_recordings_for(struct db *db, const struct stream *ss, size_t n,
    struct recording **out, size_t *nout)
{
	sqlite3_stmt		*st;
	struct recording	*rs = NULL, *nr, *r;
	size_t			 i, cap = 0, len = 0;
	char			*ids = NULL, *p;
	enum db_res		 res = DB_ERR;
	int			 rc, v;

	*out = NULL;
	*nout = 0;
	if (n == 0)
		return DB_OK;
	/* ["id1","id2",...]: ids are [A-Za-z0-9_-], no escaping needed. */
	if ((ids = malloc(n * (LIM_ID + 3) + 3)) == NULL)
		return DB_ERR;
	p = ids;
	*p++ = '[';
	for (i = 0; i < n; i++) {
		p += snprintf(p, LIM_ID + 4, "%s\"%s\"", i ? "," : "",
		    ss[i].id);
	}
	*p++ = ']';
	*p = '\0';
	if ((st = stmt(db, STMT_RECORDINGS_FOR)) == NULL)
		goto out;
	sqlite3_bind_text(st, 1, ids, -1, SQLITE_TRANSIENT);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (len == cap) {
			cap = cap ? cap * 2 : 16;
			if ((nr = reallocarray(rs, cap, sizeof(*rs))) == NULL)
				goto outd;
			rs = nr;
		}
		r = &rs[len];
		memset(r, 0, sizeof(*r));
		r->id = sqlite3_column_int64(st, 0);
		if (col_copy(st, 1, r->stream_id, sizeof(r->stream_id)) == -1 ||
		    col_copy(st, 3, r->provider_id,
		    sizeof(r->provider_id)) == -1 ||
		    col_copy(st, 5, r->playback_url,
		    sizeof(r->playback_url)) == -1)
			goto outd;
		if ((v = rec_source_parse((const char *)
		    sqlite3_column_text(st, 2))) < 0)
			goto outd;
		r->source = (enum rec_source)v;
		if ((v = rec_state_parse((const char *)
		    sqlite3_column_text(st, 4))) < 0)
			goto outd;
		r->state = (enum rec_state)v;
		r->duration = sqlite3_column_type(st, 6) == SQLITE_NULL ? -1 :
		    sqlite3_column_double(st, 6);
		r->started_at = sqlite3_column_int64(st, 7);
		r->ended_at = sqlite3_column_int64(st, 8);
		r->created_at = sqlite3_column_int64(st, 9);
		r->updated_at = sqlite3_column_int64(st, 10);
		len++;
	}
	if (rc != SQLITE_DONE) {
		res = res_of(db, rc, STMT_RECORDINGS_FOR);
		goto outd;
	}
	*out = rs;
	*nout = len;
	rs = NULL;
	res = DB_OK;
outd:
	done(db, STMT_RECORDINGS_FOR);
out:
	free(rs);
	free(ids);
	return res;
}

enum db_res
db_idem_begin(struct db *db, const char *user, const char *key,
    const char *body_hash, long long now, enum idem_res *res,
    char *stream_id, size_t idsz, char **warnings)
{
	sqlite3_stmt	*st;
	enum db_res	 r;
	int		 rc;
	const char	*h, *w;

	*warnings = NULL;
	stream_id[0] = '\0';
	if ((r = db_begin(db)) != DB_OK)
		return r;
	/* Forget keys older than a day, as payment APIs do. */
	if ((st = stmt(db, STMT_IDEM_DELETE_OLD)) == NULL)
		goto err;
	sqlite3_bind_int64(st, 1, now - LIM_IDEMPOTENCY_TTL);
	if ((r = res_of(db, sqlite3_step(st), STMT_IDEM_DELETE_OLD)) !=
	    DB_OK) {
		done(db, STMT_IDEM_DELETE_OLD);
		goto fail;
	}
	done(db, STMT_IDEM_DELETE_OLD);

	if ((st = stmt(db, STMT_IDEM_GET)) == NULL)
		goto err;
	sqlite3_bind_text(st, 1, user, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, key, -1, SQLITE_TRANSIENT);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		h = (const char *)sqlite3_column_text(st, 0);
		if (h == NULL || strcmp(h, body_hash) != 0)
			*res = IDEM_MISMATCH;
		else if (sqlite3_column_type(st, 1) == SQLITE_NULL &&
		    sqlite3_column_int64(st, 3) < now - LIM_IDEM_STALE) {
			/*
			 * Pending for longer than any create can run: its
			 * request died (a killed worker) and would hold the
			 * key for a day.  This request takes it over.
			 */
			done(db, STMT_IDEM_GET);
			if ((st = stmt(db, STMT_IDEM_TAKEOVER)) == NULL)
				goto err;
			sqlite3_bind_text(st, 1, user, -1, SQLITE_TRANSIENT);
			sqlite3_bind_text(st, 2, key, -1, SQLITE_TRANSIENT);
			sqlite3_bind_int64(st, 3, now);
			r = res_of(db, sqlite3_step(st), STMT_IDEM_TAKEOVER);
			done(db, STMT_IDEM_TAKEOVER);
			if (r != DB_OK)
				goto fail;
			log_warnx("db: idempotency key of a request that never "
			    "finished taken over");
			*res = IDEM_NEW;
			return db_commit(db);
		} else if (sqlite3_column_type(st, 1) == SQLITE_NULL)
			*res = IDEM_PENDING;
		else {
			*res = IDEM_DONE;
			if (col_copy(st, 1, stream_id, idsz) == -1) {
				done(db, STMT_IDEM_GET);
				goto err;
			}
			w = (const char *)sqlite3_column_text(st, 2);
			if (w != NULL && (*warnings = strdup(w)) == NULL) {
				done(db, STMT_IDEM_GET);
				goto err;
			}
		}
		done(db, STMT_IDEM_GET);
		db_rollback(db);
		return DB_OK;
	}
	done(db, STMT_IDEM_GET);
	if (rc != SQLITE_DONE) {
		r = res_of(db, rc, STMT_IDEM_GET);
		goto fail;
	}
	if ((st = stmt(db, STMT_IDEM_INSERT)) == NULL)
		goto err;
	sqlite3_bind_text(st, 1, user, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, key, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, body_hash, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 4, now);
	r = res_of(db, sqlite3_step(st), STMT_IDEM_INSERT);
	done(db, STMT_IDEM_INSERT);
	if (r != DB_OK)
		goto fail;
	*res = IDEM_NEW;
	return db_commit(db);
err:
	r = DB_ERR;
fail:
	free(*warnings);
	*warnings = NULL;
	db_rollback(db);
	return r;
}

enum db_res
db_idem_finish(struct db *db, const char *user, const char *key,
    const char *stream_id, const char *warnings)
{
	sqlite3_stmt	*st;
	enum db_res	 r;

	if ((st = stmt(db, STMT_IDEM_FINISH)) == NULL)
		return DB_ERR;
	sqlite3_bind_text(st, 1, stream_id, -1, SQLITE_TRANSIENT);
	bind_text(st, 2, warnings);
	sqlite3_bind_text(st, 3, user, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 4, key, -1, SQLITE_TRANSIENT);
	r = res_of(db, sqlite3_step(st), STMT_IDEM_FINISH);
	done(db, STMT_IDEM_FINISH);
	return r;
}

enum db_res
db_idem_abort(struct db *db, const char *user, const char *key)
{
	sqlite3_stmt	*st;
	enum db_res	 r;

	if ((st = stmt(db, STMT_IDEM_DELETE)) == NULL)
		return DB_ERR;
	sqlite3_bind_text(st, 1, user, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, key, -1, SQLITE_TRANSIENT);
	r = res_of(db, sqlite3_step(st), STMT_IDEM_DELETE);
	done(db, STMT_IDEM_DELETE);
	return r;
}

enum db_res
db_login_insert(struct db *db, const char *hash, const char *sub, int admin,
    long long expires)
{
	sqlite3_stmt	*st;
	enum db_res	 r;

	if ((st = stmt(db, STMT_LOGIN_INSERT)) == NULL)
		return DB_ERR;
	sqlite3_bind_text(st, 1, hash, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, sub, -1, SQLITE_TRANSIENT);
	if (admin)
		sqlite3_bind_text(st, 3, "admin", -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, expires);
	r = res_of(db, sqlite3_step(st), STMT_LOGIN_INSERT);
	done(db, STMT_LOGIN_INSERT);
	return r;
}

enum db_res
db_login_consume(struct db *db, const char *hash, long long now, char *sub,
    size_t subsz, int *admin)
{
	sqlite3_stmt	*st;
	const char	*role;
	enum db_res	 r;
	int		 rc;

	*admin = 0;
	if ((st = stmt(db, STMT_LOGIN_CONSUME)) == NULL)
		return DB_ERR;
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_text(st, 2, hash, -1, SQLITE_TRANSIENT);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		r = col_copy(st, 0, sub, subsz) == 0 ? DB_OK : DB_ERR;
		role = (const char *)sqlite3_column_text(st, 1);
		*admin = role != NULL && strcmp(role, "admin") == 0;
		/* Step to the end so the UPDATE completes. */
		while ((rc = sqlite3_step(st)) == SQLITE_ROW)
			;
		if (rc != SQLITE_DONE)
			r = res_of(db, rc, STMT_LOGIN_CONSUME);
	} else if (rc == SQLITE_DONE)
		r = DB_NOTFOUND;
	else
		r = res_of(db, rc, STMT_LOGIN_CONSUME);
	done(db, STMT_LOGIN_CONSUME);
	return r;
}


enum db_res
db_stream_by_cf_input(struct db *db, const char *uid, struct stream *out)
{
	return stream_by(db, STMT_STREAM_BY_CF, uid, out);
}

enum db_res
db_stream_by_mux(struct db *db, const char *mux_id, struct stream *out)
{
	return stream_by(db, STMT_STREAM_BY_MUX, mux_id, out);
}

enum db_res
db_streams_unsettled(struct db *db, long long since_ms, size_t limit,
    struct stream **out, size_t *n)
{
	sqlite3_stmt	*st;
	struct stream	*ss;
	enum db_res	 r;
	int		 rc;

	*out = NULL;
	*n = 0;
	if (limit == 0 || (ss = calloc(limit, sizeof(*ss))) == NULL)
		return DB_ERR;
	if ((st = stmt(db, STMT_STREAMS_UNSETTLED)) == NULL) {
		free(ss);
		return DB_ERR;
	}
	sqlite3_bind_int64(st, 1, since_ms);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)limit);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && *n < limit)
		if (stream_row(st, &ss[(*n)++]) == -1) {
			rc = SQLITE_ERROR;
			break;
		}
	r = rc == SQLITE_DONE || rc == SQLITE_ROW ? DB_OK :
	    rc == SQLITE_ERROR ? DB_ERR : res_of(db, rc, STMT_STREAMS_UNSETTLED);
	done(db, STMT_STREAMS_UNSETTLED);
	if (r != DB_OK) {
		free(ss);
		*n = 0;
		return r;
	}
	*out = ss;
	return DB_OK;
}

enum db_res
db_recording_apply(struct db *db, const char *stream_id,
    const struct rec_update *u, long long now_ms, int *changed)
{
	sqlite3_stmt	*st;
	enum db_res	 r;

	*changed = 0;
	if ((st = stmt(db, STMT_RECORDING_APPLY)) == NULL)
		return DB_ERR;
	sqlite3_bind_text(st, 1, stream_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, rec_source_names[u->source], -1,
	    SQLITE_STATIC);
	sqlite3_bind_text(st, 3, u->provider_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 4, rec_state_names[u->state], -1,
	    SQLITE_STATIC);
	bind_text(st, 5, u->playback_url);
	if (u->duration >= 0)
		sqlite3_bind_double(st, 6, u->duration);
	bind_time(st, 7, u->started_at);
	bind_time(st, 8, u->ended_at);
	sqlite3_bind_int64(st, 9, now_ms);
	r = res_of(db, sqlite3_step(st), STMT_RECORDING_APPLY);
	if (r == DB_OK)
		*changed = sqlite3_changes(db->h) > 0;
	done(db, STMT_RECORDING_APPLY);
	return r;
}

enum db_res
db_webhook_seen(struct db *db, const char *provider, const char *event_id,
    long long now)
{
	sqlite3_stmt	*st;
	enum db_res	 r;

	if ((st = stmt(db, STMT_WEBHOOK_SEEN)) == NULL)
		return DB_ERR;
	sqlite3_bind_text(st, 1, provider, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, event_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 3, now);
	r = res_of(db, sqlite3_step(st), STMT_WEBHOOK_SEEN);
	done(db, STMT_WEBHOOK_SEEN);
	return r;
}
