/*
 * test_http.c: unit tests for lib/http.c in CGI mode.
 *
 * The module is included whole (h2o style) so the tests can build a
 * struct req around a struct http_priv whose FastCGI handle is NULL:
 * http_param() then reads the environment, the body comes from stdin
 * and replies go to stdout, exactly as in a one-request CGI run.  Each
 * table sets CGI variables with setenv(3); bodies come from a temporary
 * file put on stdin with dup2(2), and replies are read back from a
 * temporary file put on stdout.
 */
#include "../../lib/http.c"

#include <fcntl.h>
#include <stdlib.h>

#include <cJSON.h>

#include "unit.h"

static char	 tmpdir[64];

/* A fresh CGI-mode request. */
static void
req_init(struct req *r, struct http_priv *p)
{
	memset(p, 0, sizeof(*p));
	memset(r, 0, sizeof(*r));
	p->fr = NULL;
	r->priv = p;
	r->query = "";
	r->path = "/";
	r->method_name = "GET";
}

static void
req_fini(struct req *r)
{
	struct http_priv *p = r->priv;

	free(r->body);
	r->body = NULL;
	buf_free(&p->hdrs);
}

static void
set_or_unset(const char *name, const char *v)
{
	if (v == NULL)
		unsetenv(name);
	else
		setenv(name, v, 1);
}

/* ---- http_query ---------------------------------------------------- */

struct qcase {
	const char	*query;
	const char	*key;
	size_t		 outsz;
	int		 rc;
	const char	*out;		/* when rc == 1 */
};

static void
test_query(void)
{
	static const struct qcase cases[] = {
	{ "memorialId=abc&limit=10", "memorialId", 65, 1, "abc" },
	{ "memorialId=abc&limit=10", "limit", 65, 1, "10" },
	{ "memorialId=abc&limit=10", "cursor", 65, 0, NULL },
	{ "", "a", 65, 0, NULL },
	{ "a=1&b=2&a=3", "a", 65, -1, NULL },		/* repeated */
	{ "a=1&b=2&a=3", "b", 65, 1, "2" },
	{ "a=1&a=1", "a", 65, -1, NULL },		/* even if equal */
	{ "a=1&%61=2", "a", 65, -1, NULL },		/* repeated */
	{ "a&a", "a", 65, -1, NULL },
	{ "q=hello+world", "q", 65, 1, "hello world" },
	{ "q=a%20b%2Bc", "q", 65, 1, "a b+c" },
	{ "q=%41%62%4a%4A", "q", 65, 1, "AbJJ" },
	{ "q=100%25", "q", 65, 1, "100%" },
	{ "q=%2526", "q", 65, 1, "%26" },		/* decoded once */
	{ "q=a=b", "q", 65, 1, "a=b" },
	{ "q=%C3%A9", "q", 65, 1, "\xc3\xa9" },
	{ "q=", "q", 65, 1, "" },
	{ "q", "q", 65, 1, "" },
	{ "q&x=1", "q", 65, 1, "" },
	{ "x=1&&q=2&", "q", 65, 1, "2" },
	{ "&&&", "q", 65, 0, NULL },
	{ "=v&q=1", "q", 65, 1, "1" },
	{ "%71=1", "q", 65, 1, "1" },			/* encoded key */
	{ "q+x=1", "q x", 65, 1, "1" },
	{ "xq=1&q=2", "q", 65, 1, "2" },		/* prefix */
	{ "qq=1", "q", 65, 0, NULL },
	{ "q1=1", "q", 65, 0, NULL },
	{ "Q=1", "q", 65, 0, NULL },			/* case */
	{ "%ZZ=1&q=2", "q", 65, 1, "2" },		/* bad key skipped */
	/* Bad escapes in the value. */
	{ "q=%", "q", 65, -1, NULL },
	{ "q=%4", "q", 65, -1, NULL },
	{ "q=a%4&x=1", "q", 65, -1, NULL },
	{ "q=%G1", "q", 65, -1, NULL },
	{ "q=%4G", "q", 65, -1, NULL },
	{ "q=%%41", "q", 65, -1, NULL },
	{ "q=%00", "q", 65, -1, NULL },			/* no NULs */
	{ "q=a%00b", "q", 65, -1, NULL },
	{ "q=%ZZ&q=1", "q", 65, -1, NULL },
	{ "x=%ZZ&q=1", "q", 65, 1, "1" },		/* not ours */
	/* Output size: outsz - 1 bytes fit, after decoding. */
	{ "q=abcd", "q", 5, 1, "abcd" },
	{ "q=abcd", "q", 4, -1, NULL },
	{ "q=%41%41%41%41", "q", 5, 1, "AAAA" },
	{ "q=%41%41%41%41%41", "q", 5, -1, NULL },
	{ "q=", "q", 1, 1, "" },
	{ "q=a", "q", 1, -1, NULL },
	};
	struct http_priv p;
	struct req	 r;
	char		 out[128], *big;
	size_t		 i;
	int		 rc;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct qcase *t = &cases[i];

		req_init(&r, &p);
		r.query = t->query;
		memset(out, 'Z', sizeof(out));
		rc = http_query(&r, t->key, out, t->outsz);
		if (rc != t->rc)
			fprintf(stderr, "http_query(\"%s\", %s): %d\n",
			    t->query, t->key, rc);
		CHECK(rc == t->rc);
		if (t->rc == 1 && rc == 1)
			CHECK_STR(out, t->out);
		CHECK(out[t->outsz] == 'Z');	/* nothing past outsz */
	}

	/* A query of LIM_QUERY bytes is read; one more byte is refused. */
	if ((big = malloc(LIM_QUERY + 2)) != NULL) {
		memset(big, 'x', LIM_QUERY + 1);
		memcpy(big, "q=1&", 4);
		big[LIM_QUERY] = '\0';
		req_init(&r, &p);
		r.query = big;
		CHECK(http_query(&r, "q", out, sizeof(out)) == 1);
		CHECK_STR(out, "1");
		big[LIM_QUERY] = 'x';
		big[LIM_QUERY + 1] = '\0';
		CHECK(http_query(&r, "q", out, sizeof(out)) == -1);
		free(big);
	}
}

/* ---- http_cookie --------------------------------------------------- */

struct ccase {
	const char	*header;	/* NULL: unset */
	const char	*name;
	size_t		 outsz;
	int		 rc;
	const char	*out;
};

static void
test_cookie(void)
{
	static const struct ccase cases[] = {
	{ "session=abc", "session", 64, 1, "abc" },
	{ "a=1; session=abc; b=2", "session", 64, 1, "abc" },
	{ "a=1;session=abc", "session", 64, 1, "abc" },
	{ "  ;; session=abc", "session", 64, 1, "abc" },
	{ "xsession=evil; session=good", "session", 64, 1, "good" },
	{ "xsession=evil", "session", 64, 0, NULL },
	{ "session_x=evil", "session", 64, 0, NULL },
	{ "sessio=x", "session", 64, 0, NULL },
	{ "Session=abc", "session", 64, 0, NULL },
	{ "session =abc", "session", 64, 0, NULL },
	{ "a=session=evil; session=good", "session", 64, 1, "good" },
	{ "a=x session=evil", "session", 64, 0, NULL },
	{ "session=one; session=two", "session", 64, 1, "one" },
	{ "session=\"quoted\"", "session", 64, 1, "quoted" },
	{ "session=\"\"", "session", 64, 1, "" },
	{ "session=\"", "session", 64, 1, "\"" },
	{ "session=\"abc", "session", 64, 1, "\"abc" },
	{ "session=abc   ", "session", 64, 1, "abc" },
	{ "session=abc ; b=1", "session", 64, 1, "abc" },
	{ "session=\"q\"  ; b=1", "session", 64, 1, "q" },
	{ "session=a=b", "session", 64, 1, "a=b" },
	{ "session=", "session", 64, 1, "" },
	{ "session", "session", 64, 0, NULL },
	{ "other=1", "session", 64, 0, NULL },
	{ "", "session", 64, 0, NULL },
	{ NULL, "session", 64, 0, NULL },
	{ "session=abcd", "session", 5, 1, "abcd" },
	{ "session=abcd", "session", 4, -1, NULL },
	{ "session=\"abcd\"", "session", 5, 1, "abcd" },
	{ "sid=x; session=y", "sid", 64, 1, "x" },
	};
	struct http_priv p;
	struct req	 r;
	char		 out[128], *big;
	size_t		 i;
	int		 rc;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct ccase *t = &cases[i];

		req_init(&r, &p);
		set_or_unset("HTTP_COOKIE", t->header);
		memset(out, 'Z', sizeof(out));
		rc = http_cookie(&r, t->name, out, t->outsz);
		if (rc != t->rc)
			fprintf(stderr, "http_cookie(\"%s\", %s): %d\n",
			    t->header ? t->header : "(unset)", t->name, rc);
		CHECK(rc == t->rc);
		if (t->rc == 1 && rc == 1)
			CHECK_STR(out, t->out);
		CHECK(out[t->outsz] == 'Z');
	}

	/* A header of LIM_COOKIE bytes is read; one more is refused. */
	if ((big = malloc(LIM_COOKIE + 2)) != NULL) {
		memset(big, 'x', LIM_COOKIE + 1);
		memcpy(big, "session=abc; pad=", 17);
		big[LIM_COOKIE] = '\0';
		req_init(&r, &p);
		setenv("HTTP_COOKIE", big, 1);
		CHECK(http_cookie(&r, "session", out, sizeof(out)) == 1);
		CHECK_STR(out, "abc");
		big[LIM_COOKIE] = 'x';
		big[LIM_COOKIE + 1] = '\0';
		setenv("HTTP_COOKIE", big, 1);
		CHECK(http_cookie(&r, "session", out, sizeof(out)) == -1);
		free(big);
	}
	unsetenv("HTTP_COOKIE");
}

/* ---- http_bearer --------------------------------------------------- */

static void
test_bearer(void)
{
	static const struct {
		const char	*header;
		const char	*token;		/* NULL: none */
	} cases[] = {
	{ "Bearer abc.def.ghi", "abc.def.ghi" },
	{ "bearer abc", "abc" },
	{ "BEARER abc", "abc" },
	{ "BeArEr abc", "abc" },
	{ "Bearer    abc", "abc" },
	{ "Bearer ", NULL },
	{ "Bearer     ", NULL },
	{ "Bearer", NULL },
	{ "Bearerabc", NULL },
	{ "Bearer\tabc", NULL },
	{ " Bearer abc", NULL },
	{ "Basic dXNlcjpwYXNz", NULL },
	{ "Token abc", NULL },
	{ "", NULL },
	{ NULL, NULL },
	};
	struct http_priv p;
	struct req	 r;
	const char	*got;
	size_t		 i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		req_init(&r, &p);
		set_or_unset("HTTP_AUTHORIZATION", cases[i].header);
		got = http_bearer(&r);
		if (cases[i].token == NULL)
			CHECK(got == NULL);
		else
			CHECK_STR(got, cases[i].token);
	}
	unsetenv("HTTP_AUTHORIZATION");
}

/* ---- http_content_type_is ------------------------------------------ */

static void
test_content_type(void)
{
	static const struct {
		const char	*header;
		const char	*type;
		int		 is;
	} cases[] = {
	{ "application/json", "application/json", 1 },
	{ "application/json; charset=utf-8", "application/json", 1 },
	{ "application/json;charset=UTF-8", "application/json", 1 },
	{ "application/json ; charset=utf-8", "application/json", 1 },
	{ "Application/JSON", "application/json", 1 },
	{ "APPLICATION/JSON; CHARSET=UTF-8", "application/json", 1 },
	{ "  application/json  ", "application/json", 1 },
	{ "\tapplication/json\t; charset=utf-8", "application/json", 1 },
	{ "application/json \t", "application/json", 1 },
	{ "application/json\v", "application/json", 0 },
	{ "application/json\n", "application/json", 0 },
	{ "\rapplication/json", "application/json", 0 },
	{ "application/jsonp", "application/json", 0 },
	{ "application/json-patch+json", "application/json", 0 },
	{ "application/json,text/html", "application/json", 0 },
	{ "application/js", "application/json", 0 },
	{ "text/json", "application/json", 0 },
	{ "text/plain", "application/json", 0 },
	{ "json", "application/json", 0 },
	{ "", "application/json", 0 },
	{ NULL, "application/json", 0 },
	{ "application/sdp", "application/sdp", 1 },
	{ "application/sdp", "application/json", 0 },
	{ "application/trickle-ice-sdpfrag",
	    "application/trickle-ice-sdpfrag", 1 },
	};
	struct http_priv p;
	struct req	 r;
	size_t		 i;
	int		 got;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		req_init(&r, &p);
		set_or_unset("CONTENT_TYPE", cases[i].header);
		got = http_content_type_is(&r, cases[i].type);
		if (got != cases[i].is)
			fprintf(stderr, "content type \"%s\" is %s: %d\n",
			    cases[i].header ? cases[i].header : "(unset)",
			    cases[i].type, got);
		CHECK(got == cases[i].is);
	}
	unsetenv("CONTENT_TYPE");
}

/* ---- http_body ----------------------------------------------------- */

/* Put len bytes on stdin from a temporary file; returns 0 or -1. */
static int
stdin_from(const char *data, size_t len)
{
	char	 path[128];
	int	 fd;

	snprintf(path, sizeof(path), "%s/stdin", tmpdir);
	if ((fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600)) == -1)
		return -1;
	if (len > 0 && write(fd, data, len) != (ssize_t)len) {
		close(fd);
		return -1;
	}
	if (lseek(fd, 0, SEEK_SET) == -1 || dup2(fd, STDIN_FILENO) == -1) {
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

/* How many bytes of stdin have been consumed. */
static long
stdin_consumed(void)
{
	return (long)lseek(STDIN_FILENO, 0, SEEK_CUR);
}

struct bcase {
	const char	*name;
	const char	*cl;		/* CONTENT_LENGTH, NULL: unset */
	const char	*data;		/* what stdin holds */
	size_t		 datalen;
	size_t		 cap;
	enum http_body_res res;
	const char	*body;		/* when OK */
	size_t		 bodylen;
	long		 consumed;	/* bytes read from stdin */
};

static void
test_body(void)
{
	static const struct bcase cases[] = {
	{ "no length: empty body", NULL, "ignored", 7, 100, HTTP_BODY_OK, "",
	    0, 0 },
	{ "empty length: empty body", "", "ignored", 7, 100, HTTP_BODY_OK,
	    "", 0, 0 },
	{ "zero", "0", "ignored", 7, 100, HTTP_BODY_OK, "", 0, 0 },
	{ "exact", "5", "hello", 5, 100, HTTP_BODY_OK, "hello", 5, 5 },
	{ "more on stdin than declared", "5", "hello world", 11, 100,
	    HTTP_BODY_OK, "hello", 5, 5 },
	{ "NULs inside", "3", "a\0b", 3, 100, HTTP_BODY_OK, "a\0b", 3, 3 },
	{ "exactly the cap", "10", "0123456789", 10, 10, HTTP_BODY_OK,
	    "0123456789", 10, 10 },
	{ "one over the cap: not read", "11", "0123456789A", 11, 10,
	    HTTP_BODY_TOO_LARGE, NULL, 0, 0 },
	{ "far over the cap: not read", "1000000", "0123456789", 10, 10,
	    HTTP_BODY_TOO_LARGE, NULL, 0, 0 },
	{ "cap 0, length 1", "1", "x", 1, 0, HTTP_BODY_TOO_LARGE, NULL, 0,
	    0 },
	{ "short body", "10", "hello", 5, 100, HTTP_BODY_BAD, NULL, 0, 5 },
	{ "nothing on stdin", "4", "", 0, 100, HTTP_BODY_BAD, NULL, 0, 0 },
	{ "negative", "-1", "x", 1, 100, HTTP_BODY_BAD, NULL, 0, 0 },
	{ "letters", "abc", "x", 1, 100, HTTP_BODY_BAD, NULL, 0, 0 },
	{ "plus sign", "+5", "hello", 5, 100, HTTP_BODY_BAD, NULL, 0, 0 },
	{ "leading space", " 5", "hello", 5, 100, HTTP_BODY_BAD, NULL, 0, 0 },
	{ "leading vertical tab", "\v5", "hello", 5, 100, HTTP_BODY_BAD, NULL,
	    0, 0 },
	{ "leading newline", "\n5", "hello", 5, 100, HTTP_BODY_BAD, NULL, 0,
	    0 },
	{ "minus zero", "-0", "", 0, 100, HTTP_BODY_BAD, NULL, 0, 0 },
	{ "trailing space", "5 ", "hello", 5, 100, HTTP_BODY_BAD, NULL, 0, 0 },
	{ "trailing space", "5 ", "hello", 5, 100, HTTP_BODY_BAD, NULL, 0, 0 },
	{ "hex", "0x5", "hello", 5, 100, HTTP_BODY_BAD, NULL, 0, 0 },
	{ "two numbers", "5, 5", "hello", 5, 100, HTTP_BODY_BAD, NULL, 0, 0 },
	{ "beyond 2^40", "1099511627777", "x", 1, 100, HTTP_BODY_BAD, NULL,
	    0, 0 },
	{ "beyond long long", "99999999999999999999999", "x", 1, 100,
	    HTTP_BODY_BAD, NULL, 0, 0 },
	};
	struct http_priv p;
	struct req	 r;
	size_t		 i;
	enum http_body_res res;
	char		*big;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct bcase *t = &cases[i];

		req_init(&r, &p);
		set_or_unset("CONTENT_LENGTH", t->cl);
		if (stdin_from(t->data, t->datalen) == -1) {
			CHECK(!"stdin_from");
			continue;
		}
		res = http_body(&r, t->cap);
		if (res != t->res)
			fprintf(stderr, "http_body \"%s\": %d\n", t->name,
			    (int)res);
		CHECK(res == t->res);
		CHECK(stdin_consumed() == t->consumed);
		if (t->res == HTTP_BODY_OK) {
			CHECK(r.body != NULL && r.bodylen == t->bodylen);
			if (r.body != NULL) {
				CHECK(memcmp(r.body, t->body, t->bodylen) == 0);
				CHECK(r.body[r.bodylen] == '\0');
			}
			/* A second call answers from memory. */
			CHECK(http_body(&r, t->cap) == HTTP_BODY_OK);
			CHECK(stdin_consumed() == t->consumed);
		} else {
			CHECK(r.body == NULL && r.bodylen == 0);
			/* Asking again never turns it into a good body. */
			CHECK(http_body(&r, t->cap) != HTTP_BODY_OK);
		}
		req_fini(&r);
	}

	/* A webhook-sized body from a file, in several reads. */
	if ((big = malloc(LIM_BODY_WEBHOOK)) != NULL) {
		char cl[32];

		for (i = 0; i < LIM_BODY_WEBHOOK; i++)
			big[i] = (char)('a' + i % 23);
		snprintf(cl, sizeof(cl), "%d", LIM_BODY_WEBHOOK);
		setenv("CONTENT_LENGTH", cl, 1);
		req_init(&r, &p);
		CHECK(stdin_from(big, LIM_BODY_WEBHOOK) == 0);
		CHECK(http_body(&r, LIM_BODY_WEBHOOK) == HTTP_BODY_OK);
		CHECK(r.bodylen == LIM_BODY_WEBHOOK);
		CHECK(r.body != NULL &&
		    memcmp(r.body, big, LIM_BODY_WEBHOOK) == 0);
		req_fini(&r);
		/* The same body against the API cap: refused unread. */
		req_init(&r, &p);
		CHECK(stdin_from(big, LIM_BODY_WEBHOOK) == 0);
		CHECK(http_body(&r, LIM_BODY_API) == HTTP_BODY_TOO_LARGE);
		CHECK(stdin_consumed() == 0);
		CHECK(r.body == NULL);
		req_fini(&r);
		free(big);
	}
	unsetenv("CONTENT_LENGTH");
}

/* ---- http_path_after ----------------------------------------------- */

static void
test_path_after(void)
{
	static const struct {
		const char	*path;
		const char	*prefix;
		const char	*rest;		/* NULL: no match */
	} cases[] = {
	{ "/api/streams/x/end", "/api/streams/", "x/end" },
	{ "/api/streams/x/end", "/api/streams", "/x/end" },
	{ "/api/streams/x", "/api/streams/x", "" },
	{ "/api/streams/x", "", "/api/streams/x" },
	{ "/api/streams/x", "/api/memorials/", NULL },
	{ "/api/streams", "/api/streams/", NULL },
	{ "/api/stream", "/api/streams", NULL },
	{ "/API/streams/x", "/api/streams/", NULL },
	{ "/", "/api/", NULL },
	};
	struct http_priv p;
	struct req	 r;
	const char	*got;
	size_t		 i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		req_init(&r, &p);
		r.path = cases[i].path;
		got = http_path_after(&r, cases[i].prefix);
		if (cases[i].rest == NULL)
			CHECK(got == NULL);
		else
			CHECK_STR(got, cases[i].rest);
	}
}

/* ---- serve_one and replies ----------------------------------------- */

/* stdout into a file for the length of one request. */
static int	 saved_stdout = -1;

static int
capture_begin(void)
{
	char	 path[128];
	int	 fd;

	fflush(stdout);
	snprintf(path, sizeof(path), "%s/stdout", tmpdir);
	if ((fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600)) == -1)
		return -1;
	saved_stdout = dup(STDOUT_FILENO);
	dup2(fd, STDOUT_FILENO);
	close(fd);
	return 0;
}

/* Restore stdout; the captured text (free it), NUL-terminated. */
static char *
capture_end(size_t *lenp)
{
	char	 path[128], *s;
	FILE	*f;
	long	 n;

	fflush(stdout);
	dup2(saved_stdout, STDOUT_FILENO);
	close(saved_stdout);
	snprintf(path, sizeof(path), "%s/stdout", tmpdir);
	if ((f = fopen(path, "r")) == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	if (n < 0 || (s = malloc((size_t)n + 1)) == NULL) {
		fclose(f);
		return NULL;
	}
	if (fread(s, 1, (size_t)n, f) != (size_t)n)
		n = 0;
	s[n] = '\0';
	fclose(f);
	if (lenp != NULL)
		*lenp = (size_t)n;
	return s;
}

/* What the handler saw, and what it should do. */
static struct {
	enum http_method method;
	char		 method_name[32];
	char		 path[128];
	char		 query[128];
	char		 reqid[64];
	int		 action;
} seen;

enum action {
	ACT_NOTHING = 0,	/* return without replying */
	ACT_JSON,		/* 200 JSON with an extra header */
	ACT_TWICE,		/* reply twice */
	ACT_BAD_HEADER,		/* try a header with CR/LF, then reply */
	ACT_CACHE,		/* set Cache-Control, then reply */
	ACT_BODY,		/* read the body and echo it */
};

static void
handler(struct req *r, void *arg)
{
	char	 n[32];

	seen.method = r->method;
	snprintf(seen.method_name, sizeof(seen.method_name), "%s",
	    r->method_name);
	snprintf(seen.path, sizeof(seen.path), "%s", r->path);
	snprintf(seen.query, sizeof(seen.query), "%s", r->query);
	snprintf(seen.reqid, sizeof(seen.reqid), "%s", r->reqid);
	switch (seen.action) {
	case ACT_JSON:
		CHECK(http_header(r, "X-Test", "one") == 0);
		http_reply_json(r, 200, "{\"ok\":true}");
		break;
	case ACT_TWICE:
		http_reply_json(r, 201, "{\"first\":1}");
		http_reply_json(r, 500, "{\"second\":2}");
		CHECK(r->status == 201);
		break;
	case ACT_BAD_HEADER:
		CHECK(http_header(r, "X-Evil", "a\r\nSet-Cookie: x=1") == -1);
		CHECK(http_header(r, "X-Evil", "a\nb") == -1);
		CHECK(http_header(r, "X-Evil\r\nSet-Cookie", "x") == -1);
		CHECK(http_header(r, "X:Evil", "x") == -1);
		http_reply_empty(r, 204);
		break;
	case ACT_CACHE:
		CHECK(http_header(r, "cache-control", "max-age=60") == 0);
		http_reply(r, 200, "text/plain", "hi", 2);
		break;
	case ACT_BODY:
		if (http_body(r, 100) != HTTP_BODY_OK) {
			http_error(r, HTTP_ERR_TOO_LARGE, NULL);
			break;
		}
		snprintf(n, sizeof(n), "%zu", r->bodylen);
		http_header(r, "X-Len", n);
		http_reply(r, 200, "application/octet-stream", r->body,
		    r->bodylen);
		break;
	default:
		break;
	}
}

static void
clear_cgi(void)
{
	static const char *const vars[] = { "REQUEST_METHOD", "DOCUMENT_URI",
	    "REQUEST_URI", "QUERY_STRING", "REQUEST_ID", "REMOTE_ADDR",
	    "CONTENT_LENGTH", "CONTENT_TYPE", "HTTP_COOKIE",
	    "HTTP_AUTHORIZATION", NULL };
	size_t	 i;

	for (i = 0; vars[i] != NULL; i++)
		unsetenv(vars[i]);
}

struct scase {
	const char	*name;
	const char	*method;	/* REQUEST_METHOD, NULL: unset */
	const char	*doc_uri;
	const char	*req_uri;
	const char	*query;
	const char	*reqid;
	const char	*cl;
	const char	*stdin_data;
	int		 action;
	enum http_method want_method;
	const char	*want_path;
	const char	*want_query;
	const char	*want_reqid;	/* NULL: a generated one */
	const char	*want_out[6];	/* substrings of the reply */
	const char	*not_out[4];	/* never in the reply */
};

static const struct scase serve_cases[] = {
{ "handler without a reply gets a 500", "GET", "/api/x", NULL, NULL, NULL,
    NULL, NULL, ACT_NOTHING, HTTP_GET, "/api/x", "", NULL,
    { "Status: 500 Internal Server Error\r\n",
      "Content-Type: application/problem+json\r\n",
      "\"code\":\"internal_error\"", "Cache-Control: no-store\r\n", NULL },
    { NULL } },
{ "JSON reply with an extra header", "POST", "/api/y", NULL, "a=1",
    "req-123", NULL, NULL, ACT_JSON, HTTP_POST, "/api/y", "a=1", "req-123",
    { "Status: 200 OK\r\n", "Content-Type: application/json\r\n",
      "Content-Length: 11\r\n", "X-Test: one\r\n",
      "\r\n\r\n{\"ok\":true}", NULL },
    { NULL } },
{ "a second reply is suppressed", "PUT", "/p", NULL, NULL, NULL, NULL,
    NULL, ACT_TWICE, HTTP_PUT, "/p", "", NULL,
    { "Status: 201 Created\r\n", "{\"first\":1}", NULL },
    { "Status: 500", "second", NULL } },
{ "headers with CR/LF are dropped", "DELETE", "/d", NULL, NULL, NULL, NULL,
    NULL, ACT_BAD_HEADER, HTTP_DELETE, "/d", "", NULL,
    { "Status: 204 No Content\r\n", NULL },
    { "Set-Cookie", "X-Evil", "Content-Type", NULL } },
{ "a handler's Cache-Control replaces no-store", "GET", "/c", NULL, NULL,
    NULL, NULL, NULL, ACT_CACHE, HTTP_GET, "/c", "", NULL,
    { "cache-control: max-age=60\r\n", "\r\n\r\nhi", NULL },
    { "no-store", NULL } },
{ "HEAD: headers and length, no body", "HEAD", "/h", NULL, NULL, NULL,
    NULL, NULL, ACT_JSON, HTTP_HEAD, "/h", "", NULL,
    { "Status: 200 OK\r\n", "Content-Length: 11\r\n", NULL },
    { "{\"ok\":true}", NULL } },
{ "REQUEST_URI without its query when DOCUMENT_URI is absent", "PATCH",
    NULL, "/api/z?x=1&y=2", "x=1&y=2", NULL, NULL, NULL, ACT_JSON,
    HTTP_PATCH, "/api/z", "x=1&y=2", NULL, { NULL }, { NULL } },
{ "DOCUMENT_URI wins over REQUEST_URI", "GET", "/doc", "/req?x", NULL,
    NULL, NULL, NULL, ACT_JSON, HTTP_GET, "/doc", "", NULL, { NULL },
    { NULL } },
{ "relative URIs are not paths", "GET", "doc", "req", NULL, NULL, NULL,
    NULL, ACT_JSON, HTTP_GET, "/", "", NULL, { NULL }, { NULL } },
{ "no method at all", NULL, "/x", NULL, NULL, NULL, NULL, NULL, ACT_JSON,
    HTTP_OTHER, "/x", "", NULL, { NULL }, { NULL } },
{ "unknown method", "BREW", "/x", NULL, NULL, NULL, NULL, NULL, ACT_JSON,
    HTTP_OTHER, "/x", "", NULL, { NULL }, { NULL } },
{ "lower-case method is not GET", "get", "/x", NULL, NULL, NULL, NULL,
    NULL, ACT_JSON, HTTP_OTHER, "/x", "", NULL, { NULL }, { NULL } },
{ "OPTIONS", "OPTIONS", "/x", NULL, NULL, NULL, NULL, NULL, ACT_JSON,
    HTTP_OPTIONS, "/x", "", NULL, { NULL }, { NULL } },
{ "a request id too long is replaced", "GET", "/x", NULL, NULL,
    "0123456789012345678901234567890123456789", NULL, NULL, ACT_JSON,
    HTTP_GET, "/x", "", NULL, { NULL }, { NULL } },
{ "body echoed, then freed by serve_one", "POST", "/b", NULL, NULL, NULL,
    "5", "hello", ACT_BODY, HTTP_POST, "/b", "", NULL,
    { "X-Len: 5\r\n", "Content-Length: 5\r\n", "\r\n\r\nhello", NULL },
    { NULL } },
{ "body over the handler's cap: 413", "POST", "/b", NULL, NULL, NULL,
    "101", "x", ACT_BODY, HTTP_POST, "/b", "", NULL,
    { "Status: 413 Content Too Large\r\n",
      "\"code\":\"payload_too_large\"", NULL },
    { NULL } },
};

static void
test_serve(void)
{
	size_t	 i, k;
	char	*out;

	for (i = 0; i < sizeof(serve_cases) / sizeof(serve_cases[0]); i++) {
		const struct scase *t = &serve_cases[i];

		clear_cgi();
		set_or_unset("REQUEST_METHOD", t->method);
		set_or_unset("DOCUMENT_URI", t->doc_uri);
		set_or_unset("REQUEST_URI", t->req_uri);
		set_or_unset("QUERY_STRING", t->query);
		set_or_unset("REQUEST_ID", t->reqid);
		set_or_unset("CONTENT_LENGTH", t->cl);
		if (t->stdin_data != NULL)
			CHECK(stdin_from(t->stdin_data,
			    strlen(t->stdin_data)) == 0);
		memset(&seen, 0, sizeof(seen));
		seen.action = t->action;
		if (capture_begin() == -1) {
			CHECK(!"capture");
			continue;
		}
		serve_one(NULL, &(struct http_ops){ NULL, NULL, handler },
		    NULL);
		out = capture_end(NULL);
		CHECK(out != NULL);
		if (out == NULL)
			continue;
		if (seen.method != t->want_method)
			fprintf(stderr, "serve \"%s\": method %d\n", t->name,
			    (int)seen.method);
		CHECK(seen.method == t->want_method);
		CHECK_STR(seen.method_name, t->method ? t->method : "");
		CHECK_STR(seen.path, t->want_path);
		CHECK_STR(seen.query, t->want_query);
		if (t->want_reqid != NULL)
			CHECK_STR(seen.reqid, t->want_reqid);
		else {
			/* Generated: 12 random bytes, base64url. */
			CHECK(strlen(seen.reqid) == 16);
			CHECK(strspn(seen.reqid, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
			    "abcdefghijklmnopqrstuvwxyz0123456789-_") == 16);
		}
		/* One status line, first. */
		CHECK(strncmp(out, "Status: ", 8) == 0);
		CHECK(strstr(out + 1, "Status: ") == NULL);
		CHECK(strstr(out, "\r\n\r\n") != NULL);
		for (k = 0; t->want_out[k] != NULL; k++) {
			if (strstr(out, t->want_out[k]) == NULL)
				fprintf(stderr, "serve \"%s\": no \"%s\" in "
				    "\"%s\"\n", t->name, t->want_out[k], out);
			CHECK(strstr(out, t->want_out[k]) != NULL);
		}
		for (k = 0; t->not_out[k] != NULL; k++)
			CHECK(strstr(out, t->not_out[k]) == NULL);
		free(out);
	}
	clear_cgi();
}

/* ---- supervise ------------------------------------------------------ */

static int
init_fails(void *arg)
{
	return -1;
}

/*
 * Workers that cannot even start: the supervisor gives up, and says so
 * with exit status 1 (a service manager restarts on failure, not on 0).
 */
static void
test_supervise(void)
{
	int	 sv[2], st = 0;
	pid_t	 pid;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == -1) {
		CHECK(!"socketpair");
		return;
	}
	if ((pid = fork()) == 0) {
		alarm(20);	/* a supervisor that never gives up fails */
		_exit(supervise(sv[0], 2,
		    &(struct http_ops){ init_fails, NULL, handler }, NULL));
	}
	CHECK(pid > 0);
	close(sv[0]);
	close(sv[1]);
	if (pid > 0) {
		CHECK(waitpid(pid, &st, 0) == pid);
		CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 1);
	}
}

/* Every error: its status, its code, a problem+json body. */
static void
test_errors(void)
{
	static const struct {
		enum http_err	 err;
		int		 status;
		const char	*code;
	} cases[] = {
	{ HTTP_ERR_INVALID, 400, "invalid_request" },
	{ HTTP_ERR_METHOD_UNAVAILABLE, 400, "method_unavailable" },
	{ HTTP_ERR_UNAUTHENTICATED, 401, "unauthenticated" },
	{ HTTP_ERR_FORBIDDEN, 403, "forbidden" },
	{ HTTP_ERR_NOT_FOUND, 404, "not_found" },
	{ HTTP_ERR_METHOD, 405, "method_not_allowed" },
	{ HTTP_ERR_CONFLICT, 409, "conflict" },
	{ HTTP_ERR_IDEMPOTENCY, 422, "idempotency_key_reused" },
	{ HTTP_ERR_TOO_LARGE, 413, "payload_too_large" },
	{ HTTP_ERR_MEDIA_TYPE, 415, "unsupported_media_type" },
	{ HTTP_ERR_INTERNAL, 500, "internal_error" },
	{ HTTP_ERR_PROVIDER, 502, "provider_unavailable" },
	{ HTTP_ERR_UNAVAILABLE, 503, "unavailable" },
	{ HTTP_ERR_PROVIDER_TIMEOUT, 504, "provider_timeout" },
	{ HTTP_ERR_GONE, 410, "gone" },
	{ HTTP_ERR__MAX, 500, "internal_error" },	/* out of range */
	{ (enum http_err)-1, 500, "internal_error" },
	};
	static const char *const details[] = {
		NULL,			/* the title */
		"send application/json",
		"has \"quotes\"",	/* replaced by the title */
		"back\\slash",		/* replaced by the title */
	};
	struct http_priv p;
	struct req	 r;
	char		*out, *body, line[64];
	const char	*d;
	cJSON		*j;
	size_t		 i, k;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		for (k = 0; k < sizeof(details) / sizeof(details[0]); k++) {
			req_init(&r, &p);
			r.method = HTTP_POST;
			if (capture_begin() == -1)
				continue;
			http_error(&r, cases[i].err, details[k]);
			out = capture_end(NULL);
			CHECK(out != NULL);
			if (out == NULL) {
				req_fini(&r);
				continue;
			}
			CHECK(r.replied == 1 && r.status == cases[i].status);
			snprintf(line, sizeof(line), "Status: %d ",
			    cases[i].status);
			CHECK(strncmp(out, line, strlen(line)) == 0);
			CHECK(strstr(out, "Content-Type: application/"
			    "problem+json\r\n") != NULL);
			CHECK((strstr(out, "WWW-Authenticate: Bearer\r\n") !=
			    NULL) == (cases[i].status == 401));
			body = strstr(out, "\r\n\r\n");
			j = body != NULL ? cJSON_Parse(body + 4) : NULL;
			CHECK(j != NULL);
			if (j != NULL) {
				const cJSON *st = cJSON_GetObjectItem(j,
				    "status");

				CHECK(st != NULL && st->valueint ==
				    cases[i].status);
				CHECK_STR(cJSON_GetStringValue(
				    cJSON_GetObjectItem(j, "code")),
				    cases[i].code);
				CHECK_STR(cJSON_GetStringValue(
				    cJSON_GetObjectItem(j, "type")),
				    "about:blank");
				d = cJSON_GetStringValue(cJSON_GetObjectItem(j,
				    "detail"));
				if (k == 1)
					CHECK_STR(d, details[k]);
				else
					CHECK_STR(d, cJSON_GetStringValue(
					    cJSON_GetObjectItem(j, "title")));
				cJSON_Delete(j);
			}
			free(out);
			req_fini(&r);
		}
	}
}

int
main(void)
{
	int	 saved_stdin;

	snprintf(tmpdir, sizeof(tmpdir), "/tmp/vigil-test-http.XXXXXX");
	if (mkdtemp(tmpdir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	log_init("test_http", LOG_LVL_WARN);
	saved_stdin = dup(STDIN_FILENO);
	clear_cgi();

	test_query();
	test_cookie();
	test_bearer();
	test_content_type();
	test_body();
	test_path_after();
	test_serve();
	test_supervise();
	test_errors();

	dup2(saved_stdin, STDIN_FILENO);
	close(saved_stdin);
	{
		char path[128];

		snprintf(path, sizeof(path), "%s/stdin", tmpdir);
		unlink(path);
		snprintf(path, sizeof(path), "%s/stdout", tmpdir);
		unlink(path);
		rmdir(tmpdir);
	}
	return unit_done();
}
