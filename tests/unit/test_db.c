/*
 * test_db.c: unit tests for lib/db.c against a temporary database.
 *
 * The database is made the way tools/migrate.sh makes it: every
 * sql/NNN_*.sql file applied in order, each in one transaction.  The
 * test keeps its own SQLite handle next to the module's, to set up what
 * the module has no function for (ledger rows, a wrong user_version)
 * and to look at what it wrote.
 */
#include <sys/stat.h>

#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "db.h"
#include "log.h"
#include "stream.h"
#include "vlimits.h"

#include "unit.h"

static char	 dir[64], path[128];
static sqlite3	*h;		/* the test's own handle */

/* The directory holding the migrations, from this file's path. */
static void
sql_dir(char *out, size_t outsz)
{
	const char	*env = getenv("VIGIL_SQL_DIR"), *f = __FILE__, *p;

	if (env != NULL && *env != '\0') {
		snprintf(out, outsz, "%s", env);
		return;
	}
	/* __FILE__ is tests/unit/test_db.c, maybe with a prefix. */
	if ((p = strstr(f, "tests/unit/test_db.c")) != NULL)
		snprintf(out, outsz, "%.*ssql", (int)(p - f), f);
	else
		snprintf(out, outsz, "sql");
}

static char *
slurp(const char *file)
{
	FILE	*f;
	long	 n;
	char	*s;

	if ((f = fopen(file, "r")) == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	if (n < 0 || (s = malloc((size_t)n + 1)) == NULL) {
		fclose(f);
		return NULL;
	}
	if (fread(s, 1, (size_t)n, f) != (size_t)n) {
		free(s);
		fclose(f);
		return NULL;
	}
	s[n] = '\0';
	fclose(f);
	return s;
}

static int
exec(sqlite3 *db, const char *sql)
{
	char	*err = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) {
		fprintf(stderr, "sql: %s\n", err ? err : "?");
		sqlite3_free(err);
		return -1;
	}
	return 0;
}

/* Apply every migration to a new database at file; 0 or -1. */
static int
make_db(const char *file)
{
	char	 dname[256], pat[300], *text;
	glob_t	 g;
	size_t	 i;
	sqlite3	*db = NULL;
	int	 rc = -1;

	sql_dir(dname, sizeof(dname));
	snprintf(pat, sizeof(pat), "%s/[0-9][0-9][0-9]_*.sql", dname);
	if (glob(pat, 0, NULL, &g) != 0) {
		fprintf(stderr, "no migrations at %s\n", pat);
		return -1;
	}
	if (sqlite3_open_v2(file, &db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE, NULL) != SQLITE_OK)
		goto out;
	if (exec(db, "PRAGMA journal_mode = WAL") == -1)
		goto out;
	for (i = 0; i < g.gl_pathc; i++) {
		if ((text = slurp(g.gl_pathv[i])) == NULL)
			goto out;
		if (exec(db, "BEGIN IMMEDIATE") == -1 || exec(db, text) == -1 ||
		    exec(db, "COMMIT") == -1) {
			free(text);
			goto out;
		}
		free(text);
	}
	rc = 0;
out:
	sqlite3_close(db);
	globfree(&g);
	return rc;
}

static void
rm_db(const char *file)
{
	char	 p[200];

	unlink(file);
	snprintf(p, sizeof(p), "%s-wal", file);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", file);
	unlink(p);
}

/* ---- open ---------------------------------------------------------- */

static void
test_open(void)
{
	struct db	*db;
	char		 other[160];
	sqlite3		*o;
	char		 sql[64];

	/* A missing file is not created. */
	snprintf(other, sizeof(other), "%s/missing.db", dir);
	CHECK(db_open(other, 0) == NULL);
	CHECK(access(other, F_OK) == -1);
	CHECK(db_open(other, DB_RDONLY) == NULL);

	/* An empty database has user_version 0. */
	snprintf(other, sizeof(other), "%s/empty.db", dir);
	CHECK(sqlite3_open(other, &o) == SQLITE_OK);
	CHECK(exec(o, "CREATE TABLE t (x)") == 0);
	sqlite3_close(o);
	CHECK(db_open(other, 0) == NULL);
	CHECK(db_open(other, DB_RDONLY) == NULL);

	/* Another schema version, older or newer, is refused. */
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d",
	    SCHEMA_VERSION + 1);
	CHECK(sqlite3_open(other, &o) == SQLITE_OK);
	CHECK(exec(o, sql) == 0);
	sqlite3_close(o);
	CHECK(db_open(other, 0) == NULL);
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d",
	    SCHEMA_VERSION - 1);
	CHECK(sqlite3_open(other, &o) == SQLITE_OK);
	CHECK(exec(o, sql) == 0);
	sqlite3_close(o);
	CHECK(db_open(other, 0) == NULL);
	rm_db(other);

	/* Not a database at all. */
	snprintf(other, sizeof(other), "%s/junk.db", dir);
	{
		FILE *f = fopen(other, "w");

		CHECK(f != NULL);
		if (f != NULL) {
			fputs("this is not an SQLite database, not at all.\n",
			    f);
			fclose(f);
		}
	}
	CHECK(db_open(other, 0) == NULL);
	unlink(other);

	/* The right version opens, both ways. */
	CHECK((db = db_open(path, 0)) != NULL);
	db_close(db);
	CHECK((db = db_open(path, DB_RDONLY)) != NULL);
	db_close(db);
	db_close(NULL);
}

/* ---- memorials ------------------------------------------------------ */

static void
mk_memorial(struct memorial *m, const char *id, int npeople)
{
	int	 i;

	memset(m, 0, sizeof(*m));
	snprintf(m->id, sizeof(m->id), "%s", id);
	snprintf(m->title, sizeof(m->title), "Service for %s \xc3\xa9", id);
	snprintf(m->owner, sizeof(m->owner), "owner-%s", id);
	m->private_ = 1;
	for (i = 0; i < npeople; i++) {
		snprintf(m->people[i].uid, sizeof(m->people[i].uid), "p%02d",
		    i);
		m->people[i].role = i % 2 ? ROLE_VIDEOGRAPHER : ROLE_DIRECTOR;
	}
	m->npeople = (size_t)npeople;
	m->created_at = 1700000000;
	m->updated_at = 1700000001;
}

/* Does got hold the same people as want, in any order? */
static int
same_people(const struct memorial *want, const struct memorial *got)
{
	size_t	 i, k;

	if (want->npeople != got->npeople)
		return 0;
	for (i = 0; i < want->npeople; i++) {
		for (k = 0; k < got->npeople; k++)
			if (strcmp(want->people[i].uid, got->people[k].uid) ==
			    0 && want->people[i].role == got->people[k].role)
				break;
		if (k == got->npeople)
			return 0;
	}
	return 1;
}

static void
test_memorials(struct db *db)
{
	struct memorial	 m, got;
	size_t		 i;

	mk_memorial(&m, "m1", 2);
	CHECK(db_memorial_insert(db, &m) == DB_OK);
	memset(&got, 0x5a, sizeof(got));
	CHECK(db_memorial_get(db, "m1", &got) == DB_OK);
	CHECK_STR(got.id, "m1");
	CHECK_STR(got.title, m.title);
	CHECK_STR(got.owner, "owner-m1");
	CHECK(got.private_ == 1);
	CHECK(got.created_at == 1700000000 && got.updated_at == 1700000001);
	CHECK(got.npeople == 2 && same_people(&m, &got));
	/* Ordered by role, then uid: directors first. */
	CHECK(got.npeople == 2 && got.people[0].role == ROLE_DIRECTOR &&
	    got.people[1].role == ROLE_VIDEOGRAPHER);

	/* The same id again: DB_EXISTS, nothing changed. */
	m.private_ = 0;
	snprintf(m.title, sizeof(m.title), "changed");
	CHECK(db_memorial_insert(db, &m) == DB_EXISTS);
	CHECK(db_memorial_get(db, "m1", &got) == DB_OK);
	CHECK(got.private_ == 1 && strcmp(got.title, "changed") != 0);

	/* Missing. */
	memset(&got, 0x5a, sizeof(got));
	CHECK(db_memorial_get(db, "nope", &got) == DB_NOTFOUND);
	CHECK(db_memorial_get(db, "", &got) == DB_NOTFOUND);

	/* Update: title, owner, visibility and people replaced. */
	mk_memorial(&m, "m1", 0);
	snprintf(m.title, sizeof(m.title), "New title");
	snprintf(m.owner, sizeof(m.owner), "new-owner");
	m.private_ = 0;
	snprintf(m.people[0].uid, sizeof(m.people[0].uid), "v9");
	m.people[0].role = ROLE_VIDEOGRAPHER;
	m.npeople = 1;
	m.updated_at = 1700000500;
	CHECK(db_memorial_update(db, &m) == DB_OK);
	CHECK(db_memorial_get(db, "m1", &got) == DB_OK);
	CHECK_STR(got.title, "New title");
	CHECK_STR(got.owner, "new-owner");
	CHECK(got.private_ == 0);
	CHECK(got.created_at == 1700000000);	/* kept */
	CHECK(got.updated_at == 1700000500);
	CHECK(got.npeople == 1 && same_people(&m, &got));

	/* Update to nobody. */
	m.npeople = 0;
	CHECK(db_memorial_update(db, &m) == DB_OK);
	CHECK(db_memorial_get(db, "m1", &got) == DB_OK && got.npeople == 0);

	/* Update of a memorial that does not exist. */
	mk_memorial(&m, "ghost", 1);
	CHECK(db_memorial_update(db, &m) == DB_NOTFOUND);
	CHECK(db_memorial_get(db, "ghost", &got) == DB_NOTFOUND);

	/* LIM_PEOPLE people survive the round trip. */
	mk_memorial(&m, "m-full", LIM_PEOPLE);
	CHECK(db_memorial_insert(db, &m) == DB_OK);
	CHECK(db_memorial_get(db, "m-full", &got) == DB_OK);
	CHECK(got.npeople == LIM_PEOPLE && same_people(&m, &got));

	/* A person twice: the whole insert is rolled back. */
	mk_memorial(&m, "m-dup", 2);
	snprintf(m.people[1].uid, sizeof(m.people[1].uid), "%s",
	    m.people[0].uid);
	CHECK(db_memorial_insert(db, &m) == DB_EXISTS);
	CHECK(db_memorial_get(db, "m-dup", &got) == DB_NOTFOUND);

	/* The same for an update: the old people stay. */
	mk_memorial(&m, "m-full", 2);
	snprintf(m.title, sizeof(m.title), "should not stick");
	snprintf(m.people[1].uid, sizeof(m.people[1].uid), "%s",
	    m.people[0].uid);
	CHECK(db_memorial_update(db, &m) == DB_EXISTS);
	CHECK(db_memorial_get(db, "m-full", &got) == DB_OK);
	CHECK(got.npeople == LIM_PEOPLE);
	CHECK(strcmp(got.title, "should not stick") != 0);

	/* No transaction is left open by any of the above. */
	CHECK(db_begin(db) == DB_OK);
	db_rollback(db);

	/* Stored people ids are exactly ours, no stray rows. */
	{
		sqlite3_stmt *st;
		int n = -1;

		if (sqlite3_prepare_v2(h, "SELECT count(*) FROM "
		    "memorial_people WHERE memorial_id = 'm-dup'", -1, &st,
		    NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
			n = sqlite3_column_int(st, 0);
		sqlite3_finalize(st);
		CHECK(n == 0);
	}
	for (i = 0; i < 3; i++) {
		char id[16];

		snprintf(id, sizeof(id), "mem%zu", i);
		mk_memorial(&m, id, 0);
		CHECK(db_memorial_insert(db, &m) == DB_OK);
	}
}

/* ---- streams ---------------------------------------------------------- */

/* Every field set, each to something of its own. */
static void
mk_stream(struct stream *s, const char *id, const char *mem,
    long long created)
{
	memset(s, 0, sizeof(*s));
	snprintf(s->id, sizeof(s->id), "%s", id);
	snprintf(s->memorial_id, sizeof(s->memorial_id), "%s", mem);
	snprintf(s->title, sizeof(s->title), "Title of %s \xe2\x82\xac", id);
	s->status = STREAM_READY;
	s->method = METHOD_OBS;
	s->experimental = 1;
	snprintf(s->publish_hash, sizeof(s->publish_hash), "%064d", 7);
	snprintf(s->whip_url, sizeof(s->whip_url), "https://v/whip/%s", id);
	snprintf(s->whep_url, sizeof(s->whep_url), "https://cf/%s/play", id);
	snprintf(s->rtmps_url, sizeof(s->rtmps_url), "rtmps://cf:443/live/");
	snprintf(s->stream_key, sizeof(s->stream_key), "key-%s", id);
	snprintf(s->cf_input_id, sizeof(s->cf_input_id), "cfin-%s", id);
	snprintf(s->cf_output_id, sizeof(s->cf_output_id), "cfout-%s", id);
	snprintf(s->cf_playback_base, sizeof(s->cf_playback_base),
	    "https://customer-x.cloudflarestream.com");
	snprintf(s->mux_stream_id, sizeof(s->mux_stream_id), "mux-%s", id);
	snprintf(s->mux_stream_key, sizeof(s->mux_stream_key), "muxkey-%s",
	    id);
	snprintf(s->mux_playback_id, sizeof(s->mux_playback_id), "muxplay-%s",
	    id);
	snprintf(s->mux_rtmps_url, sizeof(s->mux_rtmps_url),
	    "rtmps://global-live.mux.com:443/app");
	s->mux_backup = 1;
	s->simulcast = 1;
	snprintf(s->scheduled_at, sizeof(s->scheduled_at),
	    "2026-05-01T12:00:00+02:00");
	snprintf(s->created_by, sizeof(s->created_by), "user-%s", id);
	s->created_at = created;
	s->updated_at = created + 1;
	s->started_at = created + 2;
	s->ended_at = created + 3;
	s->deleted_at = created + 4;
}

static int
same_stream(const struct stream *a, const struct stream *b)
{
	return strcmp(a->id, b->id) == 0 &&
	    strcmp(a->memorial_id, b->memorial_id) == 0 &&
	    strcmp(a->title, b->title) == 0 && a->status == b->status &&
	    a->method == b->method && a->experimental == b->experimental &&
	    strcmp(a->publish_hash, b->publish_hash) == 0 &&
	    strcmp(a->whip_url, b->whip_url) == 0 &&
	    strcmp(a->whep_url, b->whep_url) == 0 &&
	    strcmp(a->rtmps_url, b->rtmps_url) == 0 &&
	    strcmp(a->stream_key, b->stream_key) == 0 &&
	    strcmp(a->cf_input_id, b->cf_input_id) == 0 &&
	    strcmp(a->cf_output_id, b->cf_output_id) == 0 &&
	    strcmp(a->cf_playback_base, b->cf_playback_base) == 0 &&
	    strcmp(a->mux_stream_id, b->mux_stream_id) == 0 &&
	    strcmp(a->mux_stream_key, b->mux_stream_key) == 0 &&
	    strcmp(a->mux_playback_id, b->mux_playback_id) == 0 &&
	    strcmp(a->mux_rtmps_url, b->mux_rtmps_url) == 0 &&
	    a->mux_backup == b->mux_backup && a->simulcast == b->simulcast &&
	    strcmp(a->scheduled_at, b->scheduled_at) == 0 &&
	    strcmp(a->created_by, b->created_by) == 0 &&
	    a->created_at == b->created_at && a->updated_at == b->updated_at &&
	    a->started_at == b->started_at && a->ended_at == b->ended_at &&
	    a->deleted_at == b->deleted_at;
}

static void
test_streams(struct db *db)
{
	struct stream	 s, got, bare;
	int		 i;

	/* Every field round-trips, for every status and method. */
	for (i = 0; i < STREAM__MAX * METHOD__MAX; i++) {
		char id[16];

		snprintf(id, sizeof(id), "rt%d", i);
		mk_stream(&s, id, "mem0", 1700000000000LL + i);
		s.status = (enum stream_status)(i % STREAM__MAX);
		s.method = (enum stream_method)(i / STREAM__MAX);
		s.experimental = i % 2;
		s.mux_backup = (i / 2) % 2;
		s.simulcast = (i / 3) % 2;
		CHECK(db_stream_insert(db, &s) == DB_OK);
		memset(&got, 0x5a, sizeof(got));
		CHECK(db_stream_get(db, id, &got) == DB_OK);
		if (!same_stream(&s, &got))
			fprintf(stderr, "stream %s did not round-trip\n", id);
		CHECK(same_stream(&s, &got));
	}

	/* Only what is required: optional text empty, times 0. */
	memset(&bare, 0, sizeof(bare));
	snprintf(bare.id, sizeof(bare.id), "bare");
	snprintf(bare.memorial_id, sizeof(bare.memorial_id), "mem0");
	snprintf(bare.title, sizeof(bare.title), "t");
	bare.method = METHOD_WHIP_BROWSER;
	snprintf(bare.created_by, sizeof(bare.created_by), "u");
	bare.created_at = 5;
	bare.updated_at = 5;
	CHECK(db_stream_insert(db, &bare) == DB_OK);
	memset(&got, 0x5a, sizeof(got));
	CHECK(db_stream_get(db, "bare", &got) == DB_OK);
	CHECK(same_stream(&bare, &got));
	/* Empty strings are stored as NULL, not "". */
	{
		sqlite3_stmt *st;
		int nulls = -1;

		if (sqlite3_prepare_v2(h, "SELECT (whip_url IS NULL) + "
		    "(stream_key IS NULL) + (scheduled_at IS NULL) + "
		    "(started_at IS NULL) + (deleted_at IS NULL) FROM streams "
		    "WHERE id = 'bare'", -1, &st, NULL) == SQLITE_OK &&
		    sqlite3_step(st) == SQLITE_ROW)
			nulls = sqlite3_column_int(st, 0);
		sqlite3_finalize(st);
		CHECK(nulls == 5);
	}

	/* Longest values the struct holds. */
	mk_stream(&s, "long", "mem0", 10);
	memset(s.title, 'T', LIM_TITLE);
	s.title[LIM_TITLE] = '\0';
	memset(s.whip_url, 'w', sizeof(s.whip_url) - 1);
	memset(s.stream_key, 'k', sizeof(s.stream_key) - 1);
	CHECK(db_stream_insert(db, &s) == DB_OK);
	CHECK(db_stream_get(db, "long", &got) == DB_OK);
	CHECK(same_stream(&s, &got));

	/* Duplicate id. */
	mk_stream(&s, "rt0", "mem0", 1);
	CHECK(db_stream_insert(db, &s) == DB_EXISTS);
	/* A memorial that does not exist: a foreign key error. */
	mk_stream(&s, "orphan", "no-such-memorial", 1);
	CHECK(db_stream_insert(db, &s) == DB_ERR);
	CHECK(db_stream_get(db, "orphan", &got) == DB_NOTFOUND);
	/* Missing. */
	CHECK(db_stream_get(db, "nope", &got) == DB_NOTFOUND);

	/* The publish hash. */
	CHECK(db_stream_set_publish_hash(db, "bare", "abcdef", 99) == DB_OK);
	CHECK(db_stream_get(db, "bare", &got) == DB_OK);
	CHECK_STR(got.publish_hash, "abcdef");
	CHECK(got.updated_at == 99);
	CHECK(db_stream_set_publish_hash(db, "bare", "", 100) == DB_OK);
	CHECK(db_stream_get(db, "bare", &got) == DB_OK);
	CHECK_STR(got.publish_hash, "");
	CHECK(db_stream_set_publish_hash(db, "nope", "abc", 1) ==
	    DB_NOTFOUND);

	/* Marked deleted once; later marks keep the first time. */
	CHECK(db_stream_mark_deleted(db, "bare", 200) == DB_OK);
	CHECK(db_stream_get(db, "bare", &got) == DB_OK);
	CHECK(got.deleted_at == 200 && got.updated_at == 200);
	CHECK(db_stream_mark_deleted(db, "bare", 300) == DB_OK);
	CHECK(db_stream_get(db, "bare", &got) == DB_OK);
	CHECK(got.deleted_at == 200 && got.updated_at == 300);

	/* Transactions: rollback forgets, commit keeps. */
	CHECK(db_begin(db) == DB_OK);
	mk_stream(&s, "tx-rolled-back", "mem0", 1);
	CHECK(db_stream_insert(db, &s) == DB_OK);
	db_rollback(db);
	CHECK(db_stream_get(db, "tx-rolled-back", &got) == DB_NOTFOUND);
	CHECK(db_begin(db) == DB_OK);
	mk_stream(&s, "tx-committed", "mem0", 1);
	CHECK(db_stream_insert(db, &s) == DB_OK);
	CHECK(db_commit(db) == DB_OK);
	CHECK(db_stream_get(db, "tx-committed", &got) == DB_OK);
	db_rollback(db);	/* harmless outside a transaction */
	CHECK(db_commit(db) == DB_ERR);	/* nothing to commit */
}

/* ---- listing ---------------------------------------------------------- */

static int
list_ids(struct db *db, const char *mem, int status, long long ac,
    const char *aid, size_t limit, char *out, size_t outsz, size_t *n)
{
	struct stream	*ss = NULL;
	size_t		 i, o = 0;
	enum db_res	 r;

	out[0] = '\0';
	r = db_stream_list(db, mem, status, ac, aid, limit, &ss, n);
	if (r != DB_OK) {
		CHECK(ss == NULL && *n == 0);
		return (int)r;
	}
	for (i = 0; i < *n && o < outsz; i++)
		o += (size_t)snprintf(out + o, outsz - o, "%s%s",
		    i ? " " : "", ss[i].id);
	free(ss);
	return DB_OK;
}

struct lcase {
	const char	*name;
	const char	*memorial;
	int		 status;
	long long	 after_created;
	const char	*after_id;
	size_t		 limit;
	int		 res;
	const char	*ids;
};

static void
test_list(struct db *db)
{
	static const struct {
		const char	*id;
		const char	*mem;
		long long	 created;
		enum stream_status status;
	} rows[] = {
	{ "a", "ml", 1000, STREAM_READY },
	{ "b", "ml", 2000, STREAM_READY },
	{ "c", "ml", 2000, STREAM_LIVE },
	{ "d", "ml", 2000, STREAM_READY },
	{ "e", "ml", 3000, STREAM_COMPLETED },
	{ "B", "ml", 2000, STREAM_READY },	/* ids compare as bytes */
	{ "f", "ml-other", 2500, STREAM_READY },
	};
	static const struct lcase cases[] = {
	{ "everything, newest first, ties by id", "ml", -1, 0, NULL, 100,
	    DB_OK, "e d c b B a" },
	{ "page 1", "ml", -1, 0, NULL, 2, DB_OK, "e d" },
	{ "page 2", "ml", -1, 2000, "d", 2, DB_OK, "c b" },
	{ "page 3", "ml", -1, 2000, "b", 2, DB_OK, "B a" },
	{ "page 4", "ml", -1, 1000, "a", 2, DB_OK, "" },
	{ "after the newest", "ml", -1, 3000, "e", 100, DB_OK, "d c b B a" },
	{ "cursor id not in the table", "ml", -1, 2000, "ca", 100, DB_OK,
	    "c b B a" },
	{ "cursor between times", "ml", -1, 2500, "zzz", 100, DB_OK,
	    "d c b B a" },
	{ "status ready", "ml", STREAM_READY, 0, NULL, 100, DB_OK,
	    "d b B a" },
	{ "status ready, page 2", "ml", STREAM_READY, 2000, "d", 2, DB_OK,
	    "b B" },
	{ "status live", "ml", STREAM_LIVE, 0, NULL, 100, DB_OK, "c" },
	{ "status completed", "ml", STREAM_COMPLETED, 0, NULL, 100, DB_OK,
	    "e" },
	{ "status live after it", "ml", STREAM_LIVE, 2000, "c", 100, DB_OK,
	    "" },
	{ "other memorial", "ml-other", -1, 0, NULL, 100, DB_OK, "f" },
	{ "memorial without streams", "mem1", -1, 0, NULL, 100, DB_OK, "" },
	{ "unknown memorial", "nope", -1, 0, NULL, 100, DB_OK, "" },
	{ "limit 1", "ml", -1, 0, NULL, 1, DB_OK, "e" },
	{ "limit LIM_PAGE_MAX + 1 is allowed", "ml", -1, 0, NULL,
	    LIM_PAGE_MAX + 1, DB_OK, "e d c b B a" },
	{ "limit 0", "ml", -1, 0, NULL, 0, DB_ERR, "" },
	{ "limit LIM_PAGE_MAX + 2", "ml", -1, 0, NULL, LIM_PAGE_MAX + 2,
	    DB_ERR, "" },
	};
	struct stream	 s;
	char		 ids[256], walk[256], cur[LIM_ID + 1];
	size_t		 i, n, o;
	long long	 cc;
	int		 r;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct memorial m;

		if (i == 0 || strcmp(rows[i].mem, rows[i - 1].mem) != 0) {
			mk_memorial(&m, rows[i].mem, 0);
			CHECK(db_memorial_insert(db, &m) == DB_OK);
		}
		mk_stream(&s, rows[i].id, rows[i].mem, rows[i].created);
		s.status = rows[i].status;
		CHECK(db_stream_insert(db, &s) == DB_OK);
	}
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct lcase *t = &cases[i];

		r = list_ids(db, t->memorial, t->status, t->after_created,
		    t->after_id, t->limit, ids, sizeof(ids), &n);
		if (r != t->res || strcmp(ids, t->ids) != 0)
			fprintf(stderr, "list \"%s\": %d \"%s\"\n", t->name, r,
			    ids);
		CHECK(r == t->res);
		CHECK_STR(ids, t->ids);
	}

	/* Walking one by one with the cursor gives the same order. */
	o = 0;
	walk[0] = '\0';
	cur[0] = '\0';
	cc = 0;
	for (i = 0; i < 20; i++) {
		struct stream *ss = NULL;

		if (db_stream_list(db, "ml", -1, cc, cur[0] ? cur : NULL, 1,
		    &ss, &n) != DB_OK) {
			CHECK(!"list failed");
			break;
		}
		if (n == 0) {
			free(ss);
			break;
		}
		o += (size_t)snprintf(walk + o, sizeof(walk) - o, "%s%s",
		    o ? " " : "", ss[0].id);
		cc = ss[0].created_at;
		snprintf(cur, sizeof(cur), "%s", ss[0].id);
		/* Full rows, not just ids. */
		CHECK(ss[0].mux_backup == 1 && ss[0].cf_input_id[0] != '\0');
		free(ss);
	}
	CHECK_STR(walk, "e d c b B a");
}

/* ---- advance ---------------------------------------------------------- */

static void
test_advance(struct db *db)
{
	static const struct {
		enum stream_status to;
		long long	 now;
		enum stream_status status;
		long long	 started, ended, updated;
	} steps[] = {
	/* to, now: status, started_at, ended_at, updated_at after */
	{ STREAM_READY, 50, STREAM_READY, 0, 0, 2 },	/* as inserted */
	{ STREAM_LIVE, 100, STREAM_LIVE, 100, 0, 100 },
	{ STREAM_LIVE, 200, STREAM_LIVE, 100, 0, 100 },	/* again */
	{ STREAM_READY, 300, STREAM_LIVE, 100, 0, 100 },	/* back */
	{ STREAM_COMPLETED, 400, STREAM_COMPLETED, 100, 400, 400 },
	{ STREAM_LIVE, 500, STREAM_COMPLETED, 100, 400, 400 },
	{ STREAM_READY, 550, STREAM_COMPLETED, 100, 400, 400 },
	{ STREAM_COMPLETED, 600, STREAM_COMPLETED, 100, 400, 400 },
	};
	struct stream	 s, got;
	size_t		 i;

	mk_stream(&s, "adv", "mem0", 1);
	s.status = STREAM_READY;
	s.started_at = s.ended_at = s.deleted_at = 0;
	CHECK(db_stream_insert(db, &s) == DB_OK);
	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		CHECK(db_stream_advance(db, "adv", steps[i].to, steps[i].now) ==
		    DB_OK);
		CHECK(db_stream_get(db, "adv", &got) == DB_OK);
		if (got.status != steps[i].status ||
		    got.started_at != steps[i].started ||
		    got.ended_at != steps[i].ended ||
		    got.updated_at != steps[i].updated)
			fprintf(stderr, "advance step %zu: %d %lld %lld %lld\n",
			    i, (int)got.status, got.started_at, got.ended_at,
			    got.updated_at);
		CHECK(got.status == steps[i].status);
		CHECK(got.started_at == steps[i].started);
		CHECK(got.ended_at == steps[i].ended);
		CHECK(got.updated_at == steps[i].updated);
	}

	/* Straight from ready to completed: it never went live. */
	mk_stream(&s, "adv2", "mem0", 1);
	s.status = STREAM_READY;
	s.started_at = s.ended_at = 0;
	CHECK(db_stream_insert(db, &s) == DB_OK);
	CHECK(db_stream_advance(db, "adv2", STREAM_COMPLETED, 700) == DB_OK);
	CHECK(db_stream_get(db, "adv2", &got) == DB_OK);
	CHECK(got.status == STREAM_COMPLETED && got.started_at == 0 &&
	    got.ended_at == 700);
	CHECK(db_stream_advance(db, "adv2", STREAM_LIVE, 800) == DB_OK);
	CHECK(db_stream_get(db, "adv2", &got) == DB_OK);
	CHECK(got.status == STREAM_COMPLETED && got.started_at == 0);

	/* A stream inserted live keeps its own started_at. */
	mk_stream(&s, "adv3", "mem0", 1);
	s.status = STREAM_LIVE;
	s.started_at = 42;
	s.ended_at = 0;
	CHECK(db_stream_insert(db, &s) == DB_OK);
	CHECK(db_stream_advance(db, "adv3", STREAM_COMPLETED, 900) == DB_OK);
	CHECK(db_stream_get(db, "adv3", &got) == DB_OK);
	CHECK(got.started_at == 42 && got.ended_at == 900);
}

/* ---- idempotency ------------------------------------------------------- */

static void
test_idem(struct db *db)
{
	enum idem_res	 res;
	char		 sid[LIM_ID + 1], tiny[2];
	char		*w;
	const long long	 now = 1700000000;

	res = IDEM__MAX;
	w = (char *)1;
	CHECK(db_idem_begin(db, "alice", "k1", "h1", now, &res, sid,
	    sizeof(sid), &w) == DB_OK);
	CHECK(res == IDEM_NEW && w == NULL && sid[0] == '\0');

	/* The same request while the first is in flight. */
	CHECK(db_idem_begin(db, "alice", "k1", "h1", now + 1, &res, sid,
	    sizeof(sid), &w) == DB_OK);
	CHECK(res == IDEM_PENDING && w == NULL);
	/* Same key, another body. */
	CHECK(db_idem_begin(db, "alice", "k1", "h2", now + 1, &res, sid,
	    sizeof(sid), &w) == DB_OK);
	CHECK(res == IDEM_MISMATCH && w == NULL);
	/* Keys are per user. */
	CHECK(db_idem_begin(db, "bob", "k1", "h2", now + 1, &res, sid,
	    sizeof(sid), &w) == DB_OK);
	CHECK(res == IDEM_NEW);

	/* Finished: the first result comes back. */
	CHECK(db_idem_finish(db, "alice", "k1", "rt0", "[\"mux down\"]") ==
	    DB_OK);
	CHECK(db_idem_begin(db, "alice", "k1", "h1", now + 2, &res, sid,
	    sizeof(sid), &w) == DB_OK);
	CHECK(res == IDEM_DONE);
	CHECK_STR(sid, "rt0");
	CHECK_STR(w, "[\"mux down\"]");
	free(w);
	w = NULL;
	CHECK(db_idem_begin(db, "alice", "k1", "h2", now + 2, &res, sid,
	    sizeof(sid), &w) == DB_OK);
	CHECK(res == IDEM_MISMATCH && w == NULL);

	/* Abort does not forget a finished key. */
	CHECK(db_idem_abort(db, "alice", "k1") == DB_OK);
	CHECK(db_idem_begin(db, "alice", "k1", "h1", now + 3, &res, sid,
	    sizeof(sid), &w) == DB_OK);
	CHECK(res == IDEM_DONE);
	free(w);
	w = NULL;

	/* A stream id that does not fit the caller's buffer. */
	CHECK(db_idem_begin(db, "alice", "k1", "h1", now + 4, &res, tiny,
	    sizeof(tiny), &w) == DB_ERR);
	CHECK(w == NULL);
	/* ... and the database is not left inside a transaction. */
	CHECK(db_begin(db) == DB_OK);
	db_rollback(db);

	/* Abort of one in flight: a retry starts over. */
	CHECK(db_idem_begin(db, "alice", "k2", "h1", now, &res, sid,
	    sizeof(sid), &w) == DB_OK && res == IDEM_NEW);
	CHECK(db_idem_abort(db, "alice", "k2") == DB_OK);
	CHECK(db_idem_begin(db, "alice", "k2", "h9", now, &res, sid,
	    sizeof(sid), &w) == DB_OK && res == IDEM_NEW);
	/* Abort of another user's key changes nothing. */
	CHECK(db_idem_abort(db, "bob", "k2") == DB_OK);
	CHECK(db_idem_begin(db, "alice", "k2", "h9", now, &res, sid,
	    sizeof(sid), &w) == DB_OK && res == IDEM_PENDING);

	/* Finished without warnings. */
	CHECK(db_idem_finish(db, "alice", "k2", "rt1", NULL) == DB_OK);
	CHECK(db_idem_begin(db, "alice", "k2", "h9", now, &res, sid,
	    sizeof(sid), &w) == DB_OK);
	CHECK(res == IDEM_DONE && w == NULL);
	CHECK_STR(sid, "rt1");

	/* Keys older than a day are forgotten. */
	CHECK(db_idem_begin(db, "alice", "k3", "h1", now, &res, sid,
	    sizeof(sid), &w) == DB_OK && res == IDEM_NEW);
	CHECK(db_idem_begin(db, "alice", "k3", "h2",
	    now + LIM_IDEMPOTENCY_TTL, &res, sid, sizeof(sid), &w) == DB_OK);
	CHECK(res == IDEM_MISMATCH);		/* exactly a day: kept */
	CHECK(db_idem_begin(db, "alice", "k3", "h2",
	    now + LIM_IDEMPOTENCY_TTL + 1, &res, sid, sizeof(sid), &w) ==
	    DB_OK);
	CHECK(res == IDEM_NEW);

	/*
	 * In progress longer than any create runs: its request died (a
	 * killed worker).  The same request takes the key over; another
	 * body is still refused, and a finished key is never taken.
	 */
	CHECK(db_idem_begin(db, "alice", "k4", "h1", now, &res, sid,
	    sizeof(sid), &w) == DB_OK && res == IDEM_NEW);
	CHECK(db_idem_begin(db, "alice", "k4", "h1", now + LIM_IDEM_STALE,
	    &res, sid, sizeof(sid), &w) == DB_OK && res == IDEM_PENDING);
	CHECK(db_idem_begin(db, "alice", "k4", "h2",
	    now + LIM_IDEM_STALE + 1, &res, sid, sizeof(sid), &w) == DB_OK &&
	    res == IDEM_MISMATCH);
	CHECK(db_idem_begin(db, "alice", "k4", "h1",
	    now + LIM_IDEM_STALE + 1, &res, sid, sizeof(sid), &w) == DB_OK &&
	    res == IDEM_NEW && w == NULL);
	/* Taken over: in progress again, from now on. */
	CHECK(db_idem_begin(db, "alice", "k4", "h1",
	    now + LIM_IDEM_STALE + 2, &res, sid, sizeof(sid), &w) == DB_OK &&
	    res == IDEM_PENDING);
	CHECK(db_idem_finish(db, "alice", "k4", "rt4", NULL) == DB_OK);
	CHECK(db_idem_begin(db, "alice", "k4", "h1",
	    now + 10 * LIM_IDEM_STALE, &res, sid, sizeof(sid), &w) == DB_OK &&
	    res == IDEM_DONE);
	CHECK_STR(sid, "rt4");
	/* ... and the database is not left inside a transaction. */
	CHECK(db_begin(db) == DB_OK);
	db_rollback(db);
}

/* ---- sign-in tokens ---------------------------------------------------- */

static void
test_login(struct db *db)
{
	char	 sub[LIM_ID + 1];
	int	 admin;

	CHECK(db_login_insert(db, "hash-a", "alice", 1, 2000) == DB_OK);
	CHECK(db_login_insert(db, "hash-b", "bob", 0, 2000) == DB_OK);
	CHECK(db_login_insert(db, "hash-a", "mallory", 1, 9999) == DB_EXISTS);

	/* Once. */
	admin = -1;
	CHECK(db_login_consume(db, "hash-a", 1000, sub, sizeof(sub), &admin) ==
	    DB_OK);
	CHECK_STR(sub, "alice");
	CHECK(admin == 1);
	admin = -1;
	CHECK(db_login_consume(db, "hash-a", 1001, sub, sizeof(sub), &admin) ==
	    DB_NOTFOUND);
	CHECK(admin == 0);

	/* Expiry is strict: at expires_at it is too late. */
	CHECK(db_login_consume(db, "hash-b", 2000, sub, sizeof(sub), &admin) ==
	    DB_NOTFOUND);
	CHECK(db_login_consume(db, "hash-b", 5000, sub, sizeof(sub), &admin) ==
	    DB_NOTFOUND);
	/* A refused attempt did not use it up. */
	CHECK(db_login_consume(db, "hash-b", 1999, sub, sizeof(sub), &admin) ==
	    DB_OK);
	CHECK_STR(sub, "bob");
	CHECK(admin == 0);
	CHECK(db_login_consume(db, "hash-b", 1999, sub, sizeof(sub), &admin) ==
	    DB_NOTFOUND);

	/* Unknown. */
	CHECK(db_login_consume(db, "hash-z", 1, sub, sizeof(sub), &admin) ==
	    DB_NOTFOUND);
	CHECK(db_login_consume(db, "", 1, sub, sizeof(sub), &admin) ==
	    DB_NOTFOUND);

	/* used_at was recorded. */
	{
		sqlite3_stmt *st;
		long long used = -1;

		if (sqlite3_prepare_v2(h, "SELECT used_at FROM login_tokens "
		    "WHERE token_hash = 'hash-a'", -1, &st, NULL) ==
		    SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
			used = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
		CHECK(used == 1000);
	}
}

/* ---- the ledger ---------------------------------------------------------- */

static void
test_recordings(struct db *db)
{
	struct stream		 ss[3], s;
	struct recording	*rs = NULL;
	size_t			 n = 99, i;
	char			 sql[512];
	int			 ok;

	for (i = 0; i < 3; i++) {
		char id[8];

		snprintf(id, sizeof(id), "r%zu", i + 1);
		mk_stream(&ss[i], id, "mem0", 1);
		CHECK(db_stream_insert(db, &ss[i]) == DB_OK);
	}
	CHECK(exec(h, "INSERT INTO recordings (stream_id, source, provider_id, "
	    "state, playback_url, duration, started_at, ended_at, created_at, "
	    "updated_at) VALUES "
	    "('r1', 'local', 'f1.mp4', 'ready', '/media/r1/f1.mp4', 12.5, 10, "
	    "20, 5, 6), "
	    "('r1', 'cloudflare', 'vid1', 'pending', NULL, NULL, NULL, NULL, "
	    "7, 7), "
	    "('r2', 'mux', 'asset1', 'failed', NULL, 0, NULL, NULL, 3, 4), "
	    "('r3', 'mux', 'asset3', 'ready', 'https://stream.mux.com/p.m3u8',"
	    " 60, 1, 2, 1, 2), "
	    "('r1', 'mux', 'asset-r1', 'recording', NULL, NULL, 8, NULL, 7, 8)")
	    == 0);

	/* r1 and r2: four rows, ordered by created_at, then id. */
	CHECK(db_recordings_for(db, ss, 2, &rs, &n) == DB_OK);
	CHECK(n == 4);
	if (n == 4 && rs != NULL) {
		CHECK_STR(rs[0].stream_id, "r2");
		CHECK(rs[0].source == SRC_MUX && rs[0].state == REC_FAILED);
		CHECK(rs[0].duration == 0);	/* 0 is known, not unknown */
		CHECK_STR(rs[0].playback_url, "");
		CHECK_STR(rs[1].stream_id, "r1");
		CHECK(rs[1].source == SRC_LOCAL && rs[1].state == REC_READY);
		CHECK_STR(rs[1].provider_id, "f1.mp4");
		CHECK_STR(rs[1].playback_url, "/media/r1/f1.mp4");
		CHECK(rs[1].duration == 12.5);
		CHECK(rs[1].started_at == 10 && rs[1].ended_at == 20);
		CHECK(rs[1].created_at == 5 && rs[1].updated_at == 6);
		CHECK(rs[1].id > 0);
		/* Same created_at: by id, so the cloudflare row first. */
		CHECK(rs[2].source == SRC_CLOUDFLARE &&
		    rs[2].state == REC_PENDING);
		CHECK(rs[2].duration < 0);	/* NULL: unknown */
		CHECK(rs[2].started_at == 0 && rs[2].ended_at == 0);
		CHECK(rs[3].source == SRC_MUX && rs[3].state == REC_RECORDING);
		CHECK(rs[2].id < rs[3].id);
	}
	free(rs);

	/* One stream; the order of the array given does not matter. */
	rs = NULL;
	CHECK(db_recordings_for(db, &ss[2], 1, &rs, &n) == DB_OK);
	CHECK(n == 1 && rs != NULL && strcmp(rs[0].provider_id,
	    "asset3") == 0 && rs[0].duration == 60);
	free(rs);

	/* No streams: nothing, no allocation. */
	rs = (struct recording *)1;
	CHECK(db_recordings_for(db, ss, 0, &rs, &n) == DB_OK);
	CHECK(rs == NULL && n == 0);

	/* A stream without recordings. */
	mk_stream(&s, "r-none", "mem0", 1);
	CHECK(db_stream_insert(db, &s) == DB_OK);
	CHECK(db_recordings_for(db, &s, 1, &rs, &n) == DB_OK);
	CHECK(n == 0);
	free(rs);

	/* Many rows: the array grows. */
	for (i = 0; i < 40; i++) {
		snprintf(sql, sizeof(sql), "INSERT INTO recordings (stream_id, "
		    "source, provider_id, state, created_at, updated_at) "
		    "VALUES ('r-none', 'local', 'part%02zu', 'ready', %zu, "
		    "%zu)", i, 100 - i, 100 - i);
		CHECK(exec(h, sql) == 0);
	}
	rs = NULL;
	CHECK(db_recordings_for(db, &s, 1, &rs, &n) == DB_OK);
	CHECK(n == 40);
	ok = rs != NULL;
	for (i = 0; ok && i < n; i++) {
		char want[16];

		snprintf(want, sizeof(want), "part%02zu", 39 - i);
		if (strcmp(rs[i].provider_id, want) != 0)
			ok = 0;
	}
	CHECK(ok);
	free(rs);

	/* Many streams at once, including ids of the full length. */
	{
		struct stream	*many;
		size_t		 k, nmany = LIM_PAGE_MAX + 1;

		if ((many = calloc(nmany, sizeof(*many))) != NULL) {
			for (k = 0; k < nmany; k++)
				memset(many[k].id, 'z', LIM_ID);
			many[0] = ss[0];
			many[nmany - 1] = ss[2];
			rs = NULL;
			CHECK(db_recordings_for(db, many, nmany, &rs, &n) ==
			    DB_OK);
			CHECK(n == 4);	/* r1's three and r3's one */
			free(rs);
			free(many);
		}
	}
}

/* ---- read-only ---------------------------------------------------- */

static void
test_readonly(void)
{
	struct db	*ro;
	struct stream	 s, got;

	if ((ro = db_open(path, DB_RDONLY)) == NULL) {
		CHECK(ro != NULL);
		return;
	}
	CHECK(db_stream_get(ro, "rt0", &got) == DB_OK);
	mk_stream(&s, "ro-insert", "mem0", 1);
	CHECK(db_stream_insert(ro, &s) != DB_OK);
	CHECK(db_stream_get(ro, "ro-insert", &got) == DB_NOTFOUND);
	db_close(ro);
}

int
main(void)
{
	struct db	*db;

	log_init("test_db", LOG_LVL_WARN);
	snprintf(dir, sizeof(dir), "/tmp/vigil-test-db.XXXXXX");
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(path, sizeof(path), "%s/vigil.db", dir);
	if (make_db(path) == -1) {
		CHECK(!"make_db");
		rmdir(dir);
		return unit_done();
	}
	if (sqlite3_open(path, &h) != SQLITE_OK) {
		CHECK(!"sqlite3_open");
		return unit_done();
	}
	test_open();
	if ((db = db_open(path, 0)) == NULL) {
		CHECK(db != NULL);
	} else {
		test_memorials(db);
		test_streams(db);
		test_list(db);
		test_advance(db);
		test_idem(db);
		test_login(db);
		test_recordings(db);
		test_readonly();
		db_close(db);
	}
	sqlite3_close(h);
	rm_db(path);
	rmdir(dir);
	return unit_done();
}
