/*
 * rest.c: outbound HTTP(S) calls to the providers, several at once.
 * The only file that includes curl.h.
 *
 * One libcurl multi handle lives as long as the process (struct rest),
 * so its connection cache keeps TLS connections to the providers open
 * from one FastCGI request to the next.  Easy handles are pooled too:
 * a finished call's handle is reset (which keeps its DNS and TLS session
 * caches) and handed to the next call.
 *
 * rest_run() drives n calls together.  Each call is retried on a
 * transport error, a 429 or a 5xx, after an exponential backoff (or
 * the provider's Retry-After, never sooner), as long as the retry can
 * still finish inside the caller's budget.  A POST whose request already
 * reached the provider is not retried after a transport error: the
 * provider may have created the resource, and a second create would
 * leave an orphan nobody deletes.
 *
 * Every URL is checked before any network I/O: https:// anywhere,
 * http:// only to a loopback address (the test fakes), never with
 * credentials in the URL, never a redirect.  Logs carry the operation
 * name, method, status, attempts and time: never the URL (its path and
 * query may hold ids or keys), a token or a body.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>

#include "buf.h"
#include "conf.h"
#include "log.h"
#include "rest.h"
#include "valid.h"
#include "vlimits.h"

/*
 * A retry is only started when at least this much of the budget is
 * left once its wait is over.  A TLS handshake to a provider takes
 * 100-300 ms before the request is even sent, so an attempt with less
 * time than this would almost surely time out and only add load on a
 * provider that is already failing.  (The first attempt is always
 * started: a small budget is then the caller's explicit choice.)
 * Belongs in vlimits.h next to LIM_RETRY_*.
 */
#define REST_MIN_ATTEMPT_MS	250

/*
 * Easy handles kept for reuse.  A create-whip request runs at most
 * three calls at once; keeping a few more costs little memory.
 */
#define REST_POOL_MAX		8

/* Longest URL and bearer token we accept: far above real ones. */
#define REST_URL_MAX		4096
#define REST_TOKEN_MAX		4096

/* Methods we send; anything else is a programmer error. */
enum rest_method {
	REST_METHOD_GET = 0,
	REST_METHOD_POST,
	REST_METHOD_PUT,
	REST_METHOD_PATCH,
	REST_METHOD_DELETE,
	REST_METHOD__MAX
};

static const char *const rest_methods[REST_METHOD__MAX] = {
	"GET",		/* REST_METHOD_GET */
	"POST",		/* REST_METHOD_POST */
	"PUT",		/* REST_METHOD_PUT */
	"PATCH",	/* REST_METHOD_PATCH */
	"DELETE",	/* REST_METHOD_DELETE */
};

/* Names for log lines, indexed by enum rest_err. */
static const char *const rest_errs[REST_ERR__MAX] = {
	"ok",		/* REST_OK */
	"timeout",	/* REST_TIMEOUT */
	"transport",	/* REST_TRANSPORT */
	"too big",	/* REST_TOOBIG */
	"refused",	/* REST_REFUSED */
};

struct rest {
	CURLM	*multi;
	CURL	*pool[REST_POOL_MAX];
	size_t	 npool;
};

/* One call's state during rest_run(); hangs off rest_call.priv. */
struct rest_state {
	CURL			*easy;
	struct curl_slist	*hdrs;
	enum rest_method	 method;
	long			 next_ms;	/* earliest start of next try */
	long			 backoff_ms;	/* wait before the next retry */
	long			 deadline;	/* this call's end of budget */
	CURLcode		 cc;		/* last transport result */
	const char		*why;		/* reason for REST_REFUSED */
	int			 running;	/* in the multi handle */
	int			 done;
	int			 toobig;	/* write callback hit the cap */
};

/* Milliseconds on a clock that never jumps. */
static long
rest_now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int
rest_method_parse(const char *s, enum rest_method *out)
{
	size_t	 i;

	if (s == NULL)
		return -1;
	for (i = 0; i < REST_METHOD__MAX; i++)
		if (strcmp(s, rest_methods[i]) == 0) {
			*out = (enum rest_method)i;
			return 0;
		}
	return -1;
}

/*
 * Is host (as libcurl's URL parser returns it) a loopback literal or
 * "localhost" (which libcurl resolves to loopback without DNS)?
 */
static int
rest_host_loopback(const char *host)
{
	struct in_addr	 a4;
	struct in6_addr	 a6;
	char		 tmp[INET6_ADDRSTRLEN + 2];
	size_t		 len;

	if (strcmp(host, "localhost") == 0)
		return 1;
	if (inet_pton(AF_INET, host, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	len = strlen(host);
	if (len < 3 || len >= sizeof(tmp) || host[0] != '[' ||
	    host[len - 1] != ']')
		return 0;
	memcpy(tmp, host + 1, len - 2);
	tmp[len - 2] = '\0';
	return inet_pton(AF_INET6, tmp, &a6) == 1 &&
	    IN6_IS_ADDR_LOOPBACK(&a6);
}

/*
 * May we send anything to this URL?  conf_url_ok() is the product-wide
 * rule; libcurl's own parser then has the last word, because it is the
 * parser that decides where we connect: no user info (so
 * "http://127.0.0.1@example.com/" cannot pass as loopback), and plain
 * http only to a loopback address.
 */
static int
rest_url_allowed(const char *url)
{
	CURLU	*u = NULL;
	char	*scheme = NULL, *host = NULL, *user = NULL;
	int	 ok = 0;

	if (url == NULL || strlen(url) > REST_URL_MAX ||
	    !conf_url_ok(url, "http"))
		return 0;
	if ((u = curl_url()) == NULL)
		return 0;
	if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK)
		goto out;
	if (curl_url_get(u, CURLUPART_USER, &user, 0) != CURLUE_NO_USER)
		goto out;
	if (strcmp(scheme, "https") == 0)
		ok = host[0] != '\0';
	else if (strcmp(scheme, "http") == 0)
		ok = rest_host_loopback(host);
out:
	curl_free(scheme);
	curl_free(host);
	curl_free(user);
	curl_url_cleanup(u);
	return ok;
}

/* Transport failures worth another attempt; the rest will not change. */
static int
rest_cc_retryable(CURLcode cc)
{
	switch (cc) {
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_CONNECT:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_PARTIAL_FILE:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
		return 1;
	default:
		return 0;
	}
}

/* Wipe a header list (it may hold a bearer token) and free it. */
static void
rest_hdrs_free(struct curl_slist *h)
{
	struct curl_slist	*p;

	for (p = h; p != NULL; p = p->next)
		if (p->data != NULL)
			explicit_bzero(p->data, strlen(p->data));
	curl_slist_free_all(h);
}

/* libcurl write callback: append to the call's capped buffer. */
static size_t
rest_write(char *p, size_t size, size_t nmemb, void *arg)
{
	struct rest_call	*c = arg;
	struct rest_state	*st = c->priv;
	size_t			 len = size * nmemb;

	if (buf_append(&c->resp, p, len) == -1) {
		/* A short count makes libcurl abort the transfer. */
		st->toobig = c->resp.full;
		return 0;
	}
	return len;
}

static CURL *
rest_easy_get(struct rest *r)
{
	if (r->npool > 0)
		return r->pool[--r->npool];
	return curl_easy_init();
}

static void
rest_easy_put(struct rest *r, CURL *e)
{
	if (e == NULL)
		return;
	if (r->npool < REST_POOL_MAX) {
		/* Keeps live connections and the TLS session cache. */
		curl_easy_reset(e);
		r->pool[r->npool++] = e;
	} else
		curl_easy_cleanup(e);
}

/* The request headers of one call; NULL on allocation failure. */
static struct curl_slist *
rest_hdrs_new(const struct rest_call *c, enum rest_method m)
{
	struct curl_slist	*h = NULL, *t;
	struct buf		 auth;

	buf_init(&auth, REST_TOKEN_MAX + 64);
	if ((h = curl_slist_append(NULL, "Accept: application/json")) == NULL)
		goto fail;
	/* libcurl would ask "Expect: 100-continue" on larger bodies. */
	if ((t = curl_slist_append(h, "Expect:")) == NULL)
		goto fail;
	h = t;
	if (c->body != NULL)
		t = curl_slist_append(h, "Content-Type: application/json");
	else if (m == REST_METHOD_POST || m == REST_METHOD_PUT ||
	    m == REST_METHOD_PATCH)
		/* An empty body: drop libcurl's form content type. */
		t = curl_slist_append(h, "Content-Type:");
	else
		t = h;
	if (t == NULL)
		goto fail;
	h = t;
	if (c->auth == REST_AUTH_BEARER) {
		if (buf_printf(&auth, "Authorization: Bearer %s",
		    c->user) == -1 ||
		    (t = curl_slist_append(h, buf_cstr(&auth))) == NULL)
			goto fail;
		h = t;
	}
	if (auth.data != NULL)
		explicit_bzero(auth.data, auth.len);
	buf_free(&auth);
	return h;
fail:
	if (auth.data != NULL)
		explicit_bzero(auth.data, auth.len);
	buf_free(&auth);
	rest_hdrs_free(h);
	return NULL;
}

/* Set every option of a call's easy handle once; 0 or -1. */
static int
rest_easy_setup(struct rest_call *c, struct rest_state *st)
{
	CURL		*e = st->easy;
	CURLcode	 cc = CURLE_OK;
	int		 loopback_http;

	loopback_http = strncmp(c->url, "http://", 7) == 0;

#define SET(opt, val) do {						\
	if (cc == CURLE_OK)						\
		cc = curl_easy_setopt(e, opt, val);			\
} while (0)

	SET(CURLOPT_URL, c->url);
	SET(CURLOPT_PRIVATE, c);
	SET(CURLOPT_NOSIGNAL, 1L);
#if LIBCURL_VERSION_NUM >= 0x075500
	SET(CURLOPT_PROTOCOLS_STR, "http,https");
	SET(CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
#else
	SET(CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
	SET(CURLOPT_REDIR_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
	SET(CURLOPT_FOLLOWLOCATION, 0L);
	SET(CURLOPT_SSL_VERIFYPEER, 1L);
	SET(CURLOPT_SSL_VERIFYHOST, 2L);
	/* A loopback fake must never be reached through a proxy. */
	if (loopback_http)
		SET(CURLOPT_PROXY, "");
	SET(CURLOPT_USERAGENT, "vigil/1");
	SET(CURLOPT_WRITEFUNCTION, rest_write);
	SET(CURLOPT_WRITEDATA, c);
	/* Refuse early when the provider announces too large a body. */
	SET(CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)LIM_PROVIDER_RESP);
	SET(CURLOPT_HTTPHEADER, st->hdrs);

	switch (st->method) {
	case REST_METHOD_GET:
		SET(CURLOPT_HTTPGET, 1L);
		break;
	case REST_METHOD_POST:
		SET(CURLOPT_POST, 1L);
		break;
	default:
		SET(CURLOPT_CUSTOMREQUEST, rest_methods[st->method]);
		break;
	}
	if (c->body != NULL || st->method == REST_METHOD_POST ||
	    st->method == REST_METHOD_PUT || st->method == REST_METHOD_PATCH) {
		/* libcurl does not copy: c->body outlives the transfer. */
		SET(CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)(c->body != NULL ?
		    strlen(c->body) : 0));
		SET(CURLOPT_POSTFIELDS, c->body != NULL ? c->body : "");
	}
	if (c->auth == REST_AUTH_BASIC) {
		SET(CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
		SET(CURLOPT_USERNAME, c->user);
		SET(CURLOPT_PASSWORD, c->pass);
	}
#undef SET
	if (cc != CURLE_OK) {
		log_warnx("rest: %s: setup: %s", c->op, curl_easy_strerror(cc));
		return -1;
	}
	return 0;
}

/* The call has its final result: record it and log one line. */
static void
rest_done(struct rest_call *c, struct rest_state *st, enum rest_err err,
    long start)
{
	st->done = 1;
	c->err = err;
	c->elapsed_ms = rest_now_ms() - start;
	if (err == REST_OK && c->status >= 200 && c->status < 300)
		log_info("rest: %s %s: %ld, %d attempt%s, %ld ms", c->op,
		    c->method, c->status, c->attempts,
		    c->attempts == 1 ? "" : "s", c->elapsed_ms);
	else
		log_warnx("rest: %s %s: %s, status %ld, %d attempt%s, "
		    "%ld ms%s%s", c->op, c->method != NULL ? c->method : "-",
		    rest_errs[err], c->status, c->attempts,
		    c->attempts == 1 ? "" : "s", c->elapsed_ms,
		    st->cc != CURLE_OK || st->why != NULL ? ": " : "",
		    st->cc != CURLE_OK ? curl_easy_strerror(st->cc) :
		    st->why != NULL ? st->why : "");
}

/*
 * Start one attempt of a call: 0, or -1 when it could not be set up
 * (the caller ends the call).
 */
static int
rest_start(struct rest *r, struct rest_call *c, struct rest_state *st,
    long deadline, long now)
{
	long	 remain = deadline - now, tmo, ctmo;

	if (st->easy == NULL) {
		if ((st->hdrs = rest_hdrs_new(c, st->method)) == NULL ||
		    (st->easy = rest_easy_get(r)) == NULL) {
			log_warnx("rest: %s: out of memory", c->op);
			return -1;
		}
		if (rest_easy_setup(c, st) == -1)
			return -1;
	}
	tmo = remain < LIM_TOTAL_TIMEOUT_MS ? remain : LIM_TOTAL_TIMEOUT_MS;
	ctmo = tmo < LIM_CONNECT_TIMEOUT_MS ? tmo : LIM_CONNECT_TIMEOUT_MS;
	if (curl_easy_setopt(st->easy, CURLOPT_TIMEOUT_MS, tmo) != CURLE_OK ||
	    curl_easy_setopt(st->easy, CURLOPT_CONNECTTIMEOUT_MS, ctmo) !=
	    CURLE_OK)
		return -1;
	buf_reset(&c->resp);
	st->toobig = 0;
	st->cc = CURLE_OK;
	c->status = 0;
	if (curl_multi_add_handle(r->multi, st->easy) != CURLM_OK) {
		log_warnx("rest: %s: cannot add transfer", c->op);
		return -1;
	}
	st->running = 1;
	c->attempts++;
	return 0;
}

/*
 * An attempt has ended with libcurl result cc.  Either schedule the
 * next attempt (return 0) or record the final result (return 1).
 */
static int
rest_attempt_end(struct rest_call *c, struct rest_state *st, CURLcode cc,
    long start, long deadline)
{
	curl_off_t	 ra = 0;
	long		 status = 0, sent = 0, wait, now;
	enum rest_err	 err;
	int		 retry = 0;

	st->running = 0;
	curl_easy_getinfo(st->easy, CURLINFO_RESPONSE_CODE, &status);
	c->status = status;
	if (st->toobig || cc == CURLE_FILESIZE_EXCEEDED) {
		/* Never retried: the same request gets the same answer. */
		buf_free(&c->resp);
		rest_done(c, st, REST_TOOBIG, start);
		return 1;
	}
	if (cc == CURLE_OK) {
		err = REST_OK;
		retry = status == 429 || (status >= 500 && status <= 599);
	} else {
		st->cc = cc;
		c->status = 0;
		err = cc == CURLE_OPERATION_TIMEDOUT ? REST_TIMEOUT :
		    REST_TRANSPORT;
		curl_easy_getinfo(st->easy, CURLINFO_REQUEST_SIZE, &sent);
		retry = rest_cc_retryable(cc) &&
		    (st->method != REST_METHOD_POST || sent == 0);
	}
	if (retry) {
		wait = st->backoff_ms;
		st->backoff_ms = st->backoff_ms * 2 > LIM_RETRY_MAX_MS ?
		    LIM_RETRY_MAX_MS : st->backoff_ms * 2;
		/*
		 * Retry-After: seconds or a date; libcurl gives seconds.
		 * Never sooner than the provider asked: a wait that does
		 * not fit the budget ends the call here, with this answer.
		 */
		if (cc == CURLE_OK && curl_easy_getinfo(st->easy,
		    CURLINFO_RETRY_AFTER, &ra) == CURLE_OK && ra > 0)
			wait = ra > 86400 ? 86400 * 1000L : (long)ra * 1000;
		now = rest_now_ms();
		if (deadline - (now + wait) >= REST_MIN_ATTEMPT_MS) {
			st->next_ms = now + wait;
			return 0;
		}
	}
	rest_done(c, st, err, start);
	return 1;
}

/*
 * The process-wide handle: one multi handle (and so one connection
 * cache) plus a pool of easy handles.  Returns NULL on failure; free
 * with rest_free().  rest_global_init() must have run.
 */
struct rest *
rest_new(void)
{
	struct rest	*r;

	if ((r = calloc(1, sizeof(*r))) == NULL) {
		log_warn("rest_new");
		return NULL;
	}
	if ((r->multi = curl_multi_init()) == NULL) {
		log_warnx("rest_new: curl_multi_init failed");
		free(r);
		return NULL;
	}
	return r;
}

/* Free the handle, its pooled easy handles and connections; NULL is ok. */
void
rest_free(struct rest *r)
{
	if (r == NULL)
		return;
	while (r->npool > 0)
		curl_easy_cleanup(r->pool[--r->npool]);
	curl_multi_cleanup(r->multi);
	free(r);
}

/*
 * Initialise libcurl once, in main, before any thread starts.
 * Returns 0, or -1 (logged).
 */
int
rest_global_init(void)
{
	CURLcode	 cc;

	if ((cc = curl_global_init(CURL_GLOBAL_DEFAULT)) != CURLE_OK) {
		log_warnx("curl_global_init: %s", curl_easy_strerror(cc));
		return -1;
	}
	return 0;
}

/* Undo rest_global_init() at exit, after rest_free(). */
void
rest_global_cleanup(void)
{
	curl_global_cleanup();
}

/*
 * Prepare a call: url and body (may be NULL) are copied, the response
 * buffer is capped at LIM_PROVIDER_RESP, auth is REST_AUTH_NONE.
 * Returns 0, or -1 on allocation failure with c left empty; either way
 * rest_call_free(c) is safe.
 */
int
rest_call_init(struct rest_call *c, const char *op, const char *method,
    const char *url, const char *body)
{
	int	 rc = -1;

	memset(c, 0, sizeof(*c));
	buf_init(&c->resp, LIM_PROVIDER_RESP);
	c->op = op != NULL ? op : "rest";
	c->method = method;
	if (url == NULL || (c->url = strdup(url)) == NULL)
		goto out;
	if (body != NULL && (c->body = strdup(body)) == NULL)
		goto out;
	rc = 0;
out:
	if (rc == -1)
		rest_call_free(c);
	return rc;
}

/*
 * Free what a call owns (url, body, response), wiping body and
 * response, which may hold stream keys.  The struct is left empty and
 * may be passed to rest_call_init() again.  NULL is ok.
 */
void
rest_call_free(struct rest_call *c)
{
	if (c == NULL)
		return;
	free(c->url);
	/* Bodies and replies may carry stream keys. */
	if (c->body != NULL) {
		explicit_bzero(c->body, strlen(c->body));
		free(c->body);
	}
	if (c->resp.data != NULL)
		explicit_bzero(c->resp.data, c->resp.len);
	buf_free(&c->resp);
	memset(c, 0, sizeof(*c));
	buf_init(&c->resp, LIM_PROVIDER_RESP);
}

/*
 * Run n calls concurrently within budget_ms in all, retrying each on
 * transport errors, 429 and 5xx.  URLs are checked first: a call that
 * may not be sent ends with REST_REFUSED and no network I/O.  Sets each
 * call's status, err, attempts, elapsed_ms and resp.  Returns 0 once
 * every call has ended, or -1 on an internal failure (then the calls
 * still running end with REST_TRANSPORT).  Logs one line per call.
 */
int
rest_run(struct rest *r, struct rest_call *calls, size_t n, long budget_ms)
{
	struct rest_state	*st = NULL, *s;
	struct rest_call	*c;
	CURLMsg			*m;
	CURL			*e;
	CURLcode		 cc;
	char			*cp;
	long			 start, deadline, now, wait;
	size_t			 i, left;
	int			 rc = -1, still, q;

	if (n == 0)
		return 0;
	if (r == NULL || calls == NULL || budget_ms <= 0)
		return -1;
	if ((st = calloc(n, sizeof(*st))) == NULL) {
		log_warn("rest_run");
		return -1;
	}
	start = rest_now_ms();
	deadline = start + budget_ms;
	left = n;

	/* Refuse what we must not send before touching the network. */
	for (i = 0; i < n; i++) {
		c = &calls[i];
		s = &st[i];
		c->priv = s;
		c->status = 0;
		c->err = REST_OK;
		c->attempts = 0;
		c->elapsed_ms = 0;
		s->next_ms = start;
		s->backoff_ms = LIM_RETRY_FIRST_MS;
		/* A call may have a shorter budget than the run. */
		s->deadline = c->budget_ms > 0 && c->budget_ms < budget_ms ?
		    start + c->budget_ms : deadline;
		if (c->op == NULL)
			c->op = "rest";
		if (rest_method_parse(c->method, &s->method) == -1)
			s->why = "unknown method";
		else if (!rest_url_allowed(c->url))
			s->why = "URL not allowed";
		else if ((unsigned int)c->auth >= REST_AUTH__MAX ||
		    (c->auth == REST_AUTH_BEARER &&
		    !valid_token(c->user, REST_TOKEN_MAX)) ||
		    (c->auth == REST_AUTH_BASIC &&
		    (c->user == NULL || c->pass == NULL)))
			s->why = "bad credentials";
		if (s->why != NULL) {
			rest_done(c, s, REST_REFUSED, start);
			left--;
		}
	}

	while (left > 0) {
		/* Start whatever is due. */
		now = rest_now_ms();
		for (i = 0; i < n; i++) {
			s = &st[i];
			if (s->done || s->running || s->next_ms > now)
				continue;
			if (rest_start(r, &calls[i], s, s->deadline,
			    now) == -1) {
				rest_done(&calls[i], s, REST_TRANSPORT, start);
				left--;
			}
		}
		if (curl_multi_perform(r->multi, &still) != CURLM_OK) {
			log_warnx("rest: curl_multi_perform failed");
			goto out;
		}
		while ((m = curl_multi_info_read(r->multi, &q)) != NULL) {
			if (m->msg != CURLMSG_DONE)
				continue;
			/* m is invalid once its handle is removed. */
			e = m->easy_handle;
			cc = m->data.result;
			cp = NULL;
			curl_easy_getinfo(e, CURLINFO_PRIVATE, &cp);
			curl_multi_remove_handle(r->multi, e);
			if ((c = (struct rest_call *)(void *)cp) == NULL)
				continue;
			s = c->priv;
			if (rest_attempt_end(c, s, cc, start, s->deadline))
				left--;
		}
		if (left == 0)
			break;

		/* Sleep until a socket wakes us, libcurl or a retry is due. */
		wait = 1000;
		now = rest_now_ms();
		for (i = 0; i < n; i++) {
			s = &st[i];
			if (s->done || s->running)
				continue;
			if (s->next_ms - now < wait)
				wait = s->next_ms > now ? s->next_ms - now : 0;
		}
		if (curl_multi_poll(r->multi, NULL, 0, (int)wait, NULL) !=
		    CURLM_OK) {
			log_warnx("rest: curl_multi_poll failed");
			goto out;
		}
	}
	rc = 0;
out:
	for (i = 0; i < n; i++) {
		s = &st[i];
		if (s->running)
			curl_multi_remove_handle(r->multi, s->easy);
		s->running = 0;
		if (!s->done)
			rest_done(&calls[i], s, REST_TRANSPORT, start);
		rest_easy_put(r, s->easy);
		rest_hdrs_free(s->hdrs);
		calls[i].priv = NULL;
	}
	free(st);
	return rc;
}

/* 1 if the call got an answer with a 2xx status, else 0. */
int
rest_ok(const struct rest_call *c)
{
	return c->err == REST_OK && c->status >= 200 && c->status <= 299;
}
