/*
 * http.c: the FastCGI accept loop, requests and replies.
 *
 * Process model: "-s SOCKET" makes the parent create the unix socket and
 * pre-fork workers that each run an accept loop; the parent only
 * supervises (a worker that dies is replaced, so one bad request cannot
 * take an endpoint down) and stops them all on SIGTERM/SIGINT.  Without
 * -s we serve FastCGI on stdin (spawn-fcgi, systemd socket units), or,
 * when stdin is not a socket, one CGI request: that is how tests and
 * valgrind drive a handler without nginx.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <fcgiapp.h>

#include "buf.h"
#include "compat.h"
#include "crypto.h"
#include "http.h"
#include "log.h"
#include "vlimits.h"

#define HTTP_WORKERS_MAX	64
#define HTTP_HEADERS_MAX	4096	/* response headers we add */

struct http_priv {
	FCGX_Request	*fr;		/* NULL in CGI mode */
	struct buf	 hdrs;		/* extra response header lines */
	char		 reqid[40];
	int		 has_cache_control;
};

static const char *const methods[HTTP__MAX] = {
	"GET",		/* HTTP_GET */
	"HEAD",		/* HTTP_HEAD */
	"POST",		/* HTTP_POST */
	"PUT",		/* HTTP_PUT */
	"PATCH",	/* HTTP_PATCH */
	"DELETE",	/* HTTP_DELETE */
	"OPTIONS",	/* HTTP_OPTIONS */
	"",		/* HTTP_OTHER */
};

static const struct {
	int		 status;
	const char	*code;
	const char	*title;
} errs[HTTP_ERR__MAX] = {
	{ 400, "invalid_request", "Invalid request" },	/* HTTP_ERR_INVALID */
	{ 400, "method_unavailable",
	    "Streaming method unavailable" },	/* HTTP_ERR_METHOD_UNAVAILABLE */
	{ 401, "unauthenticated",
	    "Authentication required" },	/* HTTP_ERR_UNAUTHENTICATED */
	{ 403, "forbidden", "Forbidden" },	/* HTTP_ERR_FORBIDDEN */
	{ 404, "not_found", "Not found" },	/* HTTP_ERR_NOT_FOUND */
	{ 405, "method_not_allowed",
	    "Method not allowed" },		/* HTTP_ERR_METHOD */
	{ 409, "conflict", "Conflict" },	/* HTTP_ERR_CONFLICT */
	{ 422, "idempotency_key_reused",
	    "Idempotency-Key reused with a different request" },
						/* HTTP_ERR_IDEMPOTENCY */
	{ 413, "payload_too_large",
	    "Payload too large" },		/* HTTP_ERR_TOO_LARGE */
	{ 415, "unsupported_media_type",
	    "Unsupported media type" },		/* HTTP_ERR_MEDIA_TYPE */
	{ 500, "internal_error",
	    "Internal server error" },		/* HTTP_ERR_INTERNAL */
	{ 502, "provider_unavailable",
	    "Streaming provider unavailable" },	/* HTTP_ERR_PROVIDER */
	{ 503, "unavailable",
	    "Service temporarily unavailable" },/* HTTP_ERR_UNAVAILABLE */
	{ 504, "provider_timeout",
	    "Streaming provider timed out" },	/* HTTP_ERR_PROVIDER_TIMEOUT */
	{ 406, "not_acceptable",
	    "Not acceptable" },			/* HTTP_ERR_NOT_ACCEPTABLE */
	{ 412, "precondition_failed",
	    "Precondition failed" },		/* HTTP_ERR_PRECONDITION */
	{ 422, "unprocessable",
	    "Unprocessable request" },		/* HTTP_ERR_UNPROCESSABLE */
	{ 410, "gone", "Gone" },		/* HTTP_ERR_GONE */
};

/*
 * How much of a path the log may name.  A WHIP session's URL
 * (/whip/{stream}/{session}) is the credential that ends a broadcast:
 * the log keeps "/whip/{stream}/" and drops the session.  (The access
 * log of nginx does the same, nginx/vigil.conf.in.)
 */
static int
log_path_len(const char *path)
{
	const char	*p;
	size_t		 n = strlen(path);

	if (strncmp(path, "/whip/", 6) == 0 &&
	    (p = strchr(path + 6, '/')) != NULL && p[1] != '\0')
		n = (size_t)(p + 1 - path);
	return n > 512 ? 512 : (int)n;
}

static const char *
status_text(int status)
{
	switch (status) {
	case 200: return "OK";
	case 201: return "Created";
	case 204: return "No Content";
	case 302: return "Found";
	case 303: return "See Other";
	case 304: return "Not Modified";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 406: return "Not Acceptable";
	case 409: return "Conflict";
	case 410: return "Gone";
	case 412: return "Precondition Failed";
	case 413: return "Content Too Large";
	case 415: return "Unsupported Media Type";
	case 422: return "Unprocessable Content";
	case 429: return "Too Many Requests";
	case 500: return "Internal Server Error";
	case 502: return "Bad Gateway";
	case 503: return "Service Unavailable";
	case 504: return "Gateway Timeout";
	default: return "Status";
	}
}

const char *
http_param(const struct req *r, const char *name)
{
	const struct http_priv	*p = r->priv;

	if (p->fr != NULL)
		return FCGX_GetParam(name, p->fr->envp);
	return getenv(name);
}

int
http_content_type_is(const struct req *r, const char *type)
{
	const char	*ct;
	size_t		 n = strlen(type);

	/* RFC 9110 5.6.3: OWS is spaces and horizontal tabs. */
	if ((ct = http_param(r, "CONTENT_TYPE")) == NULL)
		return 0;
	ct += strspn(ct, " \t");
	if (strncasecmp(ct, type, n) != 0)
		return 0;
	ct += n;
	ct += strspn(ct, " \t");
	return *ct == '\0' || *ct == ';';
}

static ssize_t
body_read(struct req *r, char *dst, size_t len)
{
	struct http_priv	*p = r->priv;
	ssize_t			 n;

	if (p->fr != NULL)
		return FCGX_GetStr(dst, (int)len, p->fr->in);
	do
		n = read(STDIN_FILENO, dst, len);
	while (n == -1 && errno == EINTR);
	return n;
}

enum http_body_res
http_body(struct req *r, size_t cap)
{
	const char	*cl, *errstr;
	long long	 declared;
	size_t		 got = 0;
	ssize_t		 n;

	if (r->body != NULL)
		return HTTP_BODY_OK;
	cl = http_param(r, "CONTENT_LENGTH");
	if (cl == NULL || *cl == '\0')
		declared = 0;
	else if (cl[strspn(cl, "0123456789")] != '\0')
		return HTTP_BODY_BAD;	/* Content-Length = 1*DIGIT */
	else {
		declared = strtonum(cl, 0, 1LL << 40, &errstr);
		if (errstr != NULL)
			return HTTP_BODY_BAD;
	}
	if ((unsigned long long)declared > cap)
		return HTTP_BODY_TOO_LARGE;
	if ((r->body = malloc((size_t)declared + 1)) == NULL)
		return HTTP_BODY_BAD;
	while (got < (size_t)declared) {
		n = body_read(r, r->body + got, (size_t)declared - got);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	r->body[got] = '\0';
	r->bodylen = got;
	if (got != (size_t)declared) {
		log_warnx("http: short body: %zu of %lld bytes", got, declared);
		/* Not kept: a second call must not see it as complete. */
		free(r->body);
		r->body = NULL;
		r->bodylen = 0;
		return HTTP_BODY_BAD;
	}
	return HTTP_BODY_OK;
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Percent-decode [s, s+len) into out; -1 on bad escapes or overflow. */
static int
pct_decode(const char *s, size_t len, char *out, size_t outsz)
{
	size_t	 i, o = 0;
	int	 h, l;

	for (i = 0; i < len; i++) {
		if (o + 1 >= outsz)
			return -1;
		if (s[i] == '+')
			out[o++] = ' ';
		else if (s[i] == '%') {
			if (i + 2 >= len)
				return -1;
			if ((h = hexval((unsigned char)s[i + 1])) < 0 ||
			    (l = hexval((unsigned char)s[i + 2])) < 0)
				return -1;
			if (h == 0 && l == 0)
				return -1;	/* no NULs */
			out[o++] = (char)(h << 4 | l);
			i += 2;
		} else
			out[o++] = s[i];
	}
	out[o] = '\0';
	return 0;
}

int
http_query(const struct req *r, const char *key, char *out, size_t outsz)
{
	const char	*q = r->query, *amp, *eq;
	char		 name[64];
	size_t		 plen;
	int		 found = 0;

	if (strlen(q) > LIM_QUERY)
		return -1;
	while (*q != '\0') {
		if ((amp = strchr(q, '&')) == NULL)
			amp = q + strlen(q);
		plen = (size_t)(amp - q);
		if ((eq = memchr(q, '=', plen)) == NULL)
			eq = amp;
		if (pct_decode(q, (size_t)(eq - q), name, sizeof(name)) == 0 &&
		    strcmp(name, key) == 0) {
			if (found)
				return -1;	/* repeated: ambiguous */
			if (eq == amp)
				out[0] = '\0';
			else if (pct_decode(eq + 1, (size_t)(amp - eq - 1),
			    out, outsz) == -1)
				return -1;
			found = 1;
		}
		q = *amp == '&' ? amp + 1 : amp;
	}
	return found;
}

int
http_cookie(const struct req *r, const char *name, char *out, size_t outsz)
{
	const char	*c, *end, *eq;
	size_t		 nlen = strlen(name), vlen;

	if ((c = http_param(r, "HTTP_COOKIE")) == NULL)
		return 0;
	if (strlen(c) > LIM_COOKIE)
		return -1;
	while (*c != '\0') {
		while (*c == ' ' || *c == ';')
			c++;
		if ((end = strchr(c, ';')) == NULL)
			end = c + strlen(c);
		if ((eq = memchr(c, '=', (size_t)(end - c))) != NULL &&
		    (size_t)(eq - c) == nlen && strncmp(c, name, nlen) == 0) {
			vlen = (size_t)(end - eq - 1);
			while (vlen > 0 && eq[vlen] == ' ')
				vlen--;
			if (vlen >= 2 && eq[1] == '"' && eq[vlen] == '"') {
				eq++;
				vlen -= 2;
			}
			if (vlen >= outsz)
				return -1;
			memcpy(out, eq + 1, vlen);
			out[vlen] = '\0';
			return 1;
		}
		c = end;
	}
	return 0;
}

const char *
http_bearer(const struct req *r)
{
	const char	*a;

	if ((a = http_param(r, "HTTP_AUTHORIZATION")) == NULL)
		return NULL;
	if (strncasecmp(a, "Bearer ", 7) != 0)
		return NULL;
	a += 7;
	while (*a == ' ')
		a++;
	return *a == '\0' ? NULL : a;
}

int
http_header(struct req *r, const char *name, const char *value)
{
	struct http_priv	*p = r->priv;

	if (strpbrk(name, "\r\n:") != NULL || strpbrk(value, "\r\n") != NULL) {
		log_warnx("http: refused a header with CR/LF");
		return -1;
	}
	if (strcasecmp(name, "Cache-Control") == 0)
		p->has_cache_control = 1;
	if (p->hdrs.max == 0)
		buf_init(&p->hdrs, HTTP_HEADERS_MAX);
	return buf_printf(&p->hdrs, "%s: %s\r\n", name, value);
}

static void
out_write(struct req *r, const char *s, size_t len)
{
	struct http_priv	*p = r->priv;

	if (len == 0)
		return;
	if (p->fr != NULL)
		FCGX_PutStr(s, (int)len, p->fr->out);
	else
		fwrite(s, 1, len, stdout);
}

void
http_reply(struct req *r, int status, const char *ctype, const char *body,
    size_t len)
{
	struct http_priv	*p = r->priv;
	char			 head[512];
	int			 n;

	if (r->replied) {
		log_warnx("http: second reply suppressed");
		return;
	}
	r->replied = 1;
	r->status = status;
	n = snprintf(head, sizeof(head), "Status: %d %s\r\n", status,
	    status_text(status));
	out_write(r, head, (size_t)n);
	if (ctype != NULL) {
		n = snprintf(head, sizeof(head), "Content-Type: %s\r\n"
		    "Content-Length: %zu\r\n", ctype, body ? len : 0);
		out_write(r, head, (size_t)n);
	}
	if (!p->has_cache_control)
		out_write(r, "Cache-Control: no-store\r\n", 25);
	out_write(r, buf_cstr(&p->hdrs), p->hdrs.len);
	out_write(r, "\r\n", 2);
	if (body != NULL && r->method != HTTP_HEAD)
		out_write(r, body, len);
	if (p->fr == NULL)
		fflush(stdout);
	log_info("%s %.*s %d", r->method_name, log_path_len(r->path), r->path,
	    status);
}

void
http_reply_json(struct req *r, int status, const char *json)
{
	http_reply(r, status, "application/json", json, strlen(json));
}

void
http_reply_empty(struct req *r, int status)
{
	http_reply(r, status, NULL, NULL, 0);
}

void
http_error(struct req *r, enum http_err err, const char *detail)
{
	struct buf	 b;

	if (err < 0 || err >= HTTP_ERR__MAX)
		err = HTTP_ERR_INTERNAL;
	if (detail == NULL)
		detail = errs[err].title;
	/*
	 * Every string here is ours (the table or a handler literal), so it
	 * needs no escaping beyond what we never put in: quotes, backslash.
	 */
	buf_init(&b, 1024);
	if (strpbrk(detail, "\"\\") != NULL)
		detail = errs[err].title;
	buf_printf(&b, "{\"type\":\"about:blank\",\"title\":\"%s\","
	    "\"status\":%d,\"detail\":\"%s\",\"code\":\"%s\"}",
	    errs[err].title, errs[err].status, detail, errs[err].code);
	if (errs[err].status == 401)
		http_header(r, "WWW-Authenticate", "Bearer");
	http_reply(r, errs[err].status, "application/problem+json",
	    buf_cstr(&b), b.len);
	buf_free(&b);
}

const char *
http_path_after(const struct req *r, const char *prefix)
{
	size_t	 n = strlen(prefix);

	if (strncmp(r->path, prefix, n) != 0)
		return NULL;
	return r->path + n;
}

static enum http_method
method_parse(const char *m)
{
	int	 i;

	for (i = 0; i < HTTP_OTHER; i++)
		if (strcmp(m, methods[i]) == 0)
			return (enum http_method)i;
	return HTTP_OTHER;
}

/* Build the request from the parameters and run the handler. */
static void
serve_one(FCGX_Request *fr, const struct http_ops *ops, void *arg)
{
	struct http_priv	 p;
	struct req		 r;
	const char		*v;
	char			*uri = NULL, *q;

	memset(&p, 0, sizeof(p));
	memset(&r, 0, sizeof(r));
	p.fr = fr;
	r.priv = &p;

	if ((v = http_param(&r, "REQUEST_ID")) != NULL && *v != '\0' &&
	    strlen(v) < sizeof(p.reqid))
		strlcpy(p.reqid, v, sizeof(p.reqid));
	else if (crypto_token(p.reqid, sizeof(p.reqid), 12) == -1)
		strlcpy(p.reqid, "-", sizeof(p.reqid));
	r.reqid = p.reqid;
	r.remote = http_param(&r, "REMOTE_ADDR");
	log_request(r.remote, r.reqid);

	v = http_param(&r, "REQUEST_METHOD");
	r.method_name = v != NULL ? v : "";
	r.method = method_parse(r.method_name);
	r.query = (v = http_param(&r, "QUERY_STRING")) != NULL ? v : "";
	if ((v = http_param(&r, "DOCUMENT_URI")) != NULL && *v == '/')
		r.path = v;
	else if ((v = http_param(&r, "REQUEST_URI")) != NULL && *v == '/' &&
	    (uri = strdup(v)) != NULL) {
		if ((q = strchr(uri, '?')) != NULL)
			*q = '\0';
		r.path = uri;
	} else
		r.path = "/";

	ops->handle(&r, arg);
	if (!r.replied) {
		log_warnx("http: handler did not reply");
		http_error(&r, HTTP_ERR_INTERNAL, NULL);
	}
	free(r.body);
	free(uri);
	buf_free(&p.hdrs);
	log_request(NULL, NULL);
}

/*
 * A worker's SIGTERM/SIGINT: finish the request in hand, then leave the
 * accept loop so worker_fini runs (the relay finalizes its recordings
 * there).  Installed without SA_RESTART, so a blocked accept() returns
 * with EINTR and libfcgi sees the pending shutdown.
 */
static void
on_worker_stop(int sig)
{
	(void)sig;
	FCGX_ShutdownPending();
}

static int
worker_loop(int fd, const struct http_ops *ops, void *arg)
{
	FCGX_Request	 fr;
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_worker_stop;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	if (ops->worker_init != NULL && ops->worker_init(arg) == -1)
		return 1;
	if (FCGX_InitRequest(&fr, fd, 0) != 0) {
		log_warnx("http: FCGX_InitRequest failed");
		return 1;
	}
	while (FCGX_Accept_r(&fr) >= 0) {
		serve_one(&fr, ops, arg);
		FCGX_Finish_r(&fr);
	}
	FCGX_Free(&fr, 1);
	if (ops->worker_fini != NULL)
		ops->worker_fini(arg);
	return 0;
}

static volatile sig_atomic_t	stopping;

static void
on_stop(int sig)
{
	(void)sig;
	stopping = 1;
}

static pid_t
spawn(int fd, const struct http_ops *ops, void *arg)
{
	pid_t	 pid;

	if ((pid = fork()) == -1) {
		log_warn("http: fork");
		return -1;
	}
	if (pid == 0) {
		signal(SIGTERM, SIG_DFL);
		signal(SIGINT, SIG_DFL);
		_exit(worker_loop(fd, ops, arg));
	}
	return pid;
}

/*
 * Parent: keep nworkers alive until SIGTERM/SIGINT (0).  Workers that
 * die faster than they can be replaced, or a failure here, end it with
 * 1, so that the service manager (Restart=on-failure) starts it again.
 */
static int
supervise(int fd, int nworkers, const struct http_ops *ops, void *arg)
{
	pid_t		 pids[HTTP_WORKERS_MAX];
	struct sigaction sa;
	time_t		 window = 0;
	int		 i, st, respawns = 0, alive, rc = 0;
	pid_t		 pid;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);

	for (i = 0; i < nworkers; i++)
		if ((pids[i] = spawn(fd, ops, arg)) == -1)
			return 1;
	while (!stopping) {
		if ((pid = waitpid(-1, &st, 0)) == -1) {
			if (errno == EINTR)
				continue;
			log_warn("http: waitpid");
			rc = 1;
			break;
		}
		for (i = 0; i < nworkers; i++)
			if (pids[i] == pid)
				break;
		if (i == nworkers || stopping)
			continue;
		if (WIFSIGNALED(st))
			log_warnx("http: worker %d killed by signal %d",
			    (int)pid, WTERMSIG(st));
		else
			log_warnx("http: worker %d exited with %d", (int)pid,
			    WEXITSTATUS(st));
		/* A worker that cannot even start must not spin forever. */
		if (time(NULL) != window) {
			window = time(NULL);
			respawns = 0;
		}
		if (++respawns > nworkers * 4) {
			log_warnx("http: workers die too fast, giving up");
			rc = 1;
			break;
		}
		pids[i] = spawn(fd, ops, arg);
	}
	for (i = 0; i < nworkers; i++)
		if (pids[i] > 0)
			kill(pids[i], SIGTERM);
	/*
	 * Bounded wait, then SIGKILL: 10 s lets a worker finish its
	 * request and its worker_fini (the relay closes its files).
	 */
	for (i = 0; i < 100; i++) {
		alive = 0;
		while ((pid = waitpid(-1, &st, WNOHANG)) > 0)
			;
		for (st = 0; st < nworkers; st++)
			if (pids[st] > 0 && kill(pids[st], 0) == 0)
				alive++;
		if (alive == 0)
			break;
		usleep(100 * 1000);
	}
	for (i = 0; i < nworkers; i++)
		if (pids[i] > 0 && kill(pids[i], 0) == 0)
			kill(pids[i], SIGKILL);
	while (waitpid(-1, &st, WNOHANG) > 0)
		;
	return rc;
}

int
http_serve(int argc, char *argv[], const struct http_ops *ops, void *arg)
{
	const char	*sock = NULL, *errstr;
	int		 ch, nworkers = 2, fd, rc;

	signal(SIGPIPE, SIG_IGN);
	optind = 1;
	while ((ch = getopt(argc, argv, "s:w:")) != -1) {
		switch (ch) {
		case 's':
			sock = optarg;
			break;
		case 'w':
			nworkers = (int)strtonum(optarg, 1, HTTP_WORKERS_MAX,
			    &errstr);
			if (errstr != NULL) {
				fprintf(stderr, "-w: %s\n", errstr);
				return 2;
			}
			break;
		default:
			fprintf(stderr, "usage: %s [-s socket] [-w workers]\n",
			    argv[0]);
			return 2;
		}
	}
	if (FCGX_Init() != 0) {
		log_warnx("http: FCGX_Init failed");
		return 1;
	}
	if (sock == NULL) {
		if (FCGX_IsCGI()) {
			/* One CGI request from the environment and stdin. */
			if (ops->worker_init != NULL &&
			    ops->worker_init(arg) == -1)
				return 1;
			serve_one(NULL, ops, arg);
			if (ops->worker_fini != NULL)
				ops->worker_fini(arg);
			return 0;
		}
		return worker_loop(0, ops, arg);
	}
	if (strlen(sock) >= 100) {
		log_warnx("http: socket path too long");
		return 1;
	}
	if (unlink(sock) == -1 && errno != ENOENT) {
		log_warn("http: unlink %s", sock);
		return 1;
	}
	if ((fd = FCGX_OpenSocket(sock, 128)) < 0) {
		log_warn("http: cannot listen on %s", sock);
		return 1;
	}
	if (chmod(sock, 0660) == -1)
		log_warn("http: chmod %s", sock);
	log_info("listening on %s with %d workers", sock, nworkers);
	rc = supervise(fd, nworkers, ops, arg);
	close(fd);
	unlink(sock);
	return rc;
}
