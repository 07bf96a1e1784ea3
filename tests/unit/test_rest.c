/*
 * test_rest.c: lib/rest.c against a tiny HTTP/1.1 server started by
 * the test itself on 127.0.0.1 (a forked process, one child per
 * connection, so slow answers overlap like a real provider's).
 *
 * Paths the server knows (the query is ignored):
 *   /ok          200 {"ok":true}
 *   /delay       200 after 300 ms
 *   /conn        200 {"conn":N}, N numbering the TCP connection
 *   /echo        200 with the request head and body as the body
 *   /429         429 Retry-After: 1 the first time, then 200
 *   /429long     429 Retry-After: 100, always
 *   /503         503 twice, then 200
 *   /always503   503, always
 *   /big         200 with Content-Length one byte over the cap
 *   /bigstream   200 without Content-Length, one byte over the cap
 *   /hang        reads the request and never answers
 *   /reset       reads the request and closes without answering
 *   /redirect    302 to /ok
 *   /404         404
 */
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "compat.h"
#include "log.h"
#include "rest.h"
#include "vlimits.h"

#include "unit.h"

#define DELAY_MS	300

/* Counters shared with the server process (MAP_SHARED). */
enum srv_path {
	P_OK, P_DELAY, P_CONN, P_ECHO, P_429, P_429LONG, P_503, P_ALWAYS503,
	P_BIG, P_BIGSTREAM, P_HANG, P_RESET, P_REDIRECT, P_404, P__MAX
};

static const char *const srv_paths[P__MAX] = {
	"/ok",		/* P_OK */
	"/delay",	/* P_DELAY */
	"/conn",	/* P_CONN */
	"/echo",	/* P_ECHO */
	"/429",		/* P_429 */
	"/429long",	/* P_429LONG */
	"/503",		/* P_503 */
	"/always503",	/* P_ALWAYS503 */
	"/big",		/* P_BIG */
	"/bigstream",	/* P_BIGSTREAM */
	"/hang",	/* P_HANG */
	"/reset",	/* P_RESET */
	"/redirect",	/* P_REDIRECT */
	"/404",		/* P_404 */
};

struct shared {
	int	accepts;
	int	hits[P__MAX];
};

static struct shared	*sh;
static pid_t		 srv_pid = -1;
static int		 srv_port;

static long
now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
sleep_ms(long ms)
{
	struct timespec	 ts;

	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (ms % 1000) * 1000000;
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

static int
send_all(int fd, const void *p, size_t len)
{
	const char	*c = p;
	ssize_t		 n;

	while (len > 0) {
		if ((n = send(fd, c, len, MSG_NOSIGNAL)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		c += n;
		len -= (size_t)n;
	}
	return 0;
}

static int
send_reply(int fd, int status, const char *extra, const char *body,
    size_t len)
{
	char	 head[512];
	int	 n;

	n = snprintf(head, sizeof(head), "HTTP/1.1 %d X\r\n"
	    "Content-Type: application/json\r\nContent-Length: %zu\r\n"
	    "%s\r\n", status, len, extra != NULL ? extra : "");
	if (n < 0 || (size_t)n >= sizeof(head))
		return -1;
	if (send_all(fd, head, (size_t)n) == -1)
		return -1;
	return len > 0 ? send_all(fd, body, len) : 0;
}

/* Send one byte more than the cap; 0 or -1. */
static int
send_big(int fd, int with_length)
{
	char	 chunk[8192], head[256];
	size_t	 left = LIM_PROVIDER_RESP + 1, n;
	int	 hn;

	hn = with_length ?
	    snprintf(head, sizeof(head), "HTTP/1.1 200 OK\r\n"
	    "Content-Length: %d\r\n\r\n", LIM_PROVIDER_RESP + 1) :
	    snprintf(head, sizeof(head), "HTTP/1.1 200 OK\r\n"
	    "Connection: close\r\n\r\n");
	if (send_all(fd, head, (size_t)hn) == -1)
		return -1;
	memset(chunk, 'x', sizeof(chunk));
	while (left > 0) {
		n = left < sizeof(chunk) ? left : sizeof(chunk);
		if (send_all(fd, chunk, n) == -1)
			return -1;
		left -= n;
	}
	return 0;
}

/*
 * Serve requests on one connection until the peer closes it.  The
 * request head is at most 16 KiB, the body at most 64 KiB.
 */
static void
srv_conn(int fd, int connid)
{
	static char	 in[96 * 1024];
	char		 body[128], path[256], *eoh, *sp, *q, *cl;
	const char	*errstr;
	size_t		 have = 0, headlen, need, plen;
	ssize_t		 n;
	long long	 blen;
	int		 p, k;

	for (;;) {
		while ((eoh = memmem(in, have, "\r\n\r\n", 4)) == NULL) {
			if (have >= 16 * 1024)
				return;
			if ((n = read(fd, in + have, sizeof(in) - 1 - have))
			    <= 0)
				return;
			have += (size_t)n;
		}
		headlen = (size_t)(eoh - in) + 4;
		in[have] = '\0';
		blen = 0;
		if ((cl = strcasestr(in, "\r\ncontent-length:")) != NULL &&
		    cl < eoh) {
			cl += 17;
			while (*cl == ' ')
				cl++;
			plen = strcspn(cl, "\r");
			if (plen >= sizeof(body))
				return;
			memcpy(body, cl, plen);
			body[plen] = '\0';
			blen = strtonum(body, 0, 64 * 1024, &errstr);
			if (errstr != NULL)
				return;
		}
		need = headlen + (size_t)blen;
		while (have < need) {
			if ((n = read(fd, in + have, sizeof(in) - 1 - have))
			    <= 0)
				return;
			have += (size_t)n;
		}

		/* "METHOD /path?query HTTP/1.1" */
		if ((sp = memchr(in, ' ', headlen)) == NULL)
			return;
		sp++;
		plen = strcspn(sp, " ?\r");
		if (plen >= sizeof(path))
			return;
		memcpy(path, sp, plen);
		path[plen] = '\0';
		for (p = 0; p < P__MAX; p++)
			if (strcmp(path, srv_paths[p]) == 0)
				break;
		k = p < P__MAX ? __atomic_add_fetch(&sh->hits[p], 1,
		    __ATOMIC_SEQ_CST) : 0;

		switch (p) {
		case P_OK:
			if (send_reply(fd, 200, NULL, "{\"ok\":true}", 11))
				return;
			break;
		case P_DELAY:
			sleep_ms(DELAY_MS);
			if (send_reply(fd, 200, NULL, "{\"ok\":true}", 11))
				return;
			break;
		case P_CONN:
			snprintf(body, sizeof(body), "{\"conn\":%d}", connid);
			if (send_reply(fd, 200, NULL, body, strlen(body)))
				return;
			break;
		case P_ECHO:
			if (send_reply(fd, 200, NULL, in, need))
				return;
			break;
		case P_429:
			if (send_reply(fd, k == 1 ? 429 : 200, k == 1 ?
			    "Retry-After: 1\r\n" : NULL, "{}", 2))
				return;
			break;
		case P_429LONG:
			if (send_reply(fd, 429, "Retry-After: 100\r\n",
			    "{}", 2))
				return;
			break;
		case P_503:
			if (send_reply(fd, k <= 2 ? 503 : 200, NULL, "{}", 2))
				return;
			break;
		case P_ALWAYS503:
			if (send_reply(fd, 503, NULL, "{}", 2))
				return;
			break;
		case P_BIG:
			if (send_big(fd, 1) == -1)
				return;
			break;
		case P_BIGSTREAM:
			send_big(fd, 0);
			return;
		case P_HANG:
			sleep_ms(60 * 1000);
			return;
		case P_RESET:
			return;
		case P_REDIRECT:
			if (send_reply(fd, 302, "Location: /ok\r\n", "", 0))
				return;
			break;
		default:
			if (send_reply(fd, 404, NULL, "{}", 2))
				return;
			break;
		}
		/* Keep what follows (a pipelined request) for next time. */
		q = in + need;
		memmove(in, q, have - need);
		have -= need;
	}
}

/* The server process: one child per connection. */
static void
srv_loop(int lfd)
{
	int	 fd, id, one = 1;
	pid_t	 pid;

	signal(SIGCHLD, SIG_IGN);	/* children reap themselves */
	for (;;) {
		if ((fd = accept(lfd, NULL, NULL)) == -1) {
			if (errno == EINTR)
				continue;
			_exit(1);
		}
		/* Head and body go out in two writes: no Nagle delay. */
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		id = __atomic_add_fetch(&sh->accepts, 1, __ATOMIC_SEQ_CST);
		if ((pid = fork()) == 0) {
			close(lfd);
			srv_conn(fd, id);
			close(fd);
			_exit(0);
		}
		close(fd);
	}
}

/* Start the server before anything allocates; 0 or -1. */
static int
srv_start(void)
{
	struct sockaddr_in	 sin;
	socklen_t		 slen = sizeof(sin);
	int			 lfd, one = 1;

	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		return -1;
	memset(sh, 0, sizeof(*sh));
	if ((lfd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		return -1;
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = 0;
	if (bind(lfd, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    listen(lfd, 64) == -1 ||
	    getsockname(lfd, (struct sockaddr *)&sin, &slen) == -1) {
		close(lfd);
		return -1;
	}
	srv_port = ntohs(sin.sin_port);
	fflush(stdout);
	fflush(stderr);
	if ((srv_pid = fork()) == -1) {
		close(lfd);
		return -1;
	}
	if (srv_pid == 0) {
		setpgid(0, 0);
		srv_loop(lfd);
		_exit(0);
	}
	setpgid(srv_pid, srv_pid);
	close(lfd);
	return 0;
}

static void
srv_stop(void)
{
	if (srv_pid > 0) {
		kill(-srv_pid, SIGKILL);
		kill(srv_pid, SIGKILL);
		waitpid(srv_pid, NULL, 0);
	}
	if (sh != NULL && sh != MAP_FAILED)
		munmap(sh, sizeof(*sh));
}

/* A loopback port with nothing listening on it. */
static int
closed_port(void)
{
	struct sockaddr_in	 sin;
	socklen_t		 slen = sizeof(sin);
	int			 fd, port = 1;

	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		return port;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == 0 &&
	    getsockname(fd, (struct sockaddr *)&sin, &slen) == 0)
		port = ntohs(sin.sin_port);
	close(fd);
	return port;
}

/* "http://127.0.0.1:PORT" + path, or path itself when it has a scheme. */
static const char *
url(const char *path)
{
	static char	 u[512];

	if (strstr(path, "://") != NULL)
		return path;
	snprintf(u, sizeof(u), "http://127.0.0.1:%d%s", srv_port, path);
	return u;
}

/* Single-call outcomes. */
struct tcase {
	const char	*name;
	const char	*method;
	const char	*path;		/* or a whole URL */
	long		 budget_ms;
	enum rest_err	 err;
	long		 status;
	int		 attempts;
	long		 min_ms;	/* elapsed bounds */
	long		 max_ms;
};

static void
test_table(struct rest *r)
{
	static char	 refused_port[128], ftp[128];
	const struct tcase cases[] = {
	{ "200", "GET", "/ok", 5000, REST_OK, 200, 1, 0, 2000 },
	{ "503 twice then 200", "GET", "/503", 5000, REST_OK, 200, 3,
	    550, 3000 },
	{ "429 honours Retry-After 1", "GET", "/429", 5000, REST_OK, 200,
	    2, 950, 3500 },
	{ "Retry-After beyond the budget: no retry", "GET", "/429long",
	    2000, REST_OK, 429, 1, 0, 1000 },
	{ "always 503: retries end inside the budget", "GET",
	    "/always503", 1500, REST_OK, 503, 3, 550, 1500 },
	{ "hang: budget exhausted", "GET", "/hang", 600, REST_TIMEOUT, 0,
	    1, 550, 1500 },
	{ "oversize with Content-Length", "GET", "/big", 5000,
	    REST_TOOBIG, 200, 1, 0, 3000 },
	{ "oversize streamed", "GET", "/bigstream", 5000, REST_TOOBIG,
	    200, 1, 0, 3000 },
	{ "redirect not followed", "GET", "/redirect", 5000, REST_OK,
	    302, 1, 0, 2000 },
	{ "404 not retried", "GET", "/404", 5000, REST_OK, 404, 1, 0,
	    2000 },
	{ "GET retried after the connection drops", "GET", "/reset",
	    1500, REST_TRANSPORT, 0, 3, 550, 1500 },
	{ "POST not retried once the request was sent", "POST", "/reset",
	    1500, REST_TRANSPORT, 0, 1, 0, 1000 },
	{ "POST retried when nothing was sent", "POST", refused_port,
	    1500, REST_TRANSPORT, 0, 3, 550, 1500 },
	{ "http to a public host", "GET", "http://example.com/x", 5000,
	    REST_REFUSED, 0, 0, 0, 100 },
	{ "loopback-looking user info", "GET",
	    "http://127.0.0.1@example.com/x", 5000, REST_REFUSED, 0, 0, 0,
	    100 },
	{ "loopback-looking host name", "GET",
	    "http://127.0.0.1.example.com/x", 5000, REST_REFUSED, 0, 0, 0,
	    100 },
	{ "not http(s)", "GET", ftp, 5000, REST_REFUSED, 0, 0, 0, 100 },
	{ "unknown method", "TRACE", "/ok", 5000, REST_REFUSED, 0, 0, 0,
	    100 },
	};
	struct rest_call	 c;
	size_t			 i;
	int			 before;

	snprintf(refused_port, sizeof(refused_port),
	    "http://127.0.0.1:%d/x", closed_port());
	snprintf(ftp, sizeof(ftp), "ftp://127.0.0.1:%d/ok", srv_port);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct tcase *t = &cases[i];

		before = __atomic_load_n(&sh->accepts, __ATOMIC_SEQ_CST);
		CHECK(rest_call_init(&c, "test", t->method, url(t->path),
		    strcmp(t->method, "POST") == 0 ? "{}" : NULL) == 0);
		CHECK(rest_run(r, &c, 1, t->budget_ms) == 0);
		if (c.err != t->err || c.status != t->status ||
		    c.attempts != t->attempts || c.elapsed_ms < t->min_ms ||
		    c.elapsed_ms > t->max_ms)
			fprintf(stderr, "case \"%s\": err %d status %ld "
			    "attempts %d elapsed %ld\n", t->name, c.err,
			    c.status, c.attempts, c.elapsed_ms);
		CHECK(c.err == t->err);
		CHECK(c.status == t->status);
		CHECK(c.attempts == t->attempts);
		CHECK(c.elapsed_ms >= t->min_ms && c.elapsed_ms <= t->max_ms);
		CHECK(rest_ok(&c) == (t->err == REST_OK &&
		    t->status / 100 == 2));
		if (t->err == REST_TOOBIG)
			CHECK(c.resp.len == 0);
		if (t->err == REST_REFUSED)	/* no network I/O at all */
			CHECK(__atomic_load_n(&sh->accepts,
			    __ATOMIC_SEQ_CST) == before);
		rest_call_free(&c);
	}
	CHECK(sh->hits[P_503] == 3);
	CHECK(sh->hits[P_429] == 2);
	CHECK(sh->hits[P_HANG] == 1);
	CHECK(sh->hits[P_REDIRECT] == 1);
}

/*
 * A call's own budget ends its retries early while the run goes on:
 * an optional provider failing must not hold up the required one.
 */
static void
test_call_budget(struct rest *r)
{
	struct rest_call	 c[2];
	int			 i;

	CHECK(rest_call_init(&c[0], "backup", "GET", url("/always503"),
	    NULL) == 0);
	c[0].budget_ms = 700;
	CHECK(rest_call_init(&c[1], "main", "GET", url("/ok"), NULL) == 0);
	CHECK(rest_run(r, c, 2, 5000) == 0);
	CHECK(c[0].status == 503);
	CHECK(c[0].attempts >= 2);		/* it did retry... */
	CHECK(c[0].elapsed_ms < 1500);		/* ...but not for 5 s */
	CHECK(rest_ok(&c[1]));
	for (i = 0; i < 2; i++)
		rest_call_free(&c[i]);
}

/* Two slow calls together take about one delay, not two. */
static void
test_concurrency(struct rest *r)
{
	struct rest_call	 c[2];
	long			 t0, serial, parallel;
	int			 i;

	t0 = now_ms();
	for (i = 0; i < 2; i++) {
		CHECK(rest_call_init(&c[i], "delay", "GET", url("/delay"),
		    NULL) == 0);
		CHECK(rest_run(r, &c[i], 1, 5000) == 0);
		CHECK(rest_ok(&c[i]));
		rest_call_free(&c[i]);
	}
	serial = now_ms() - t0;

	for (i = 0; i < 2; i++)
		CHECK(rest_call_init(&c[i], "delay", "GET", url("/delay"),
		    NULL) == 0);
	t0 = now_ms();
	CHECK(rest_run(r, c, 2, 5000) == 0);
	parallel = now_ms() - t0;
	for (i = 0; i < 2; i++) {
		CHECK(rest_ok(&c[i]));
		CHECK(c[i].attempts == 1);
		CHECK(c[i].elapsed_ms >= DELAY_MS);
		rest_call_free(&c[i]);
	}
	if (parallel >= serial * 3 / 4 || parallel >= DELAY_MS * 3 / 2)
		fprintf(stderr, "concurrency: serial %ld ms, parallel %ld "
		    "ms\n", serial, parallel);
	CHECK(serial >= 2 * DELAY_MS);
	CHECK(parallel < serial * 3 / 4);
	CHECK(parallel < DELAY_MS * 3 / 2);
}

/* Two calls in a row on a fresh handle share one connection. */
static void
test_reuse(void)
{
	struct rest		*r2;
	struct rest_call	 c;
	char			 first[64] = "";
	int			 i, before;

	if ((r2 = rest_new()) == NULL) {
		CHECK(r2 != NULL);
		return;
	}
	before = __atomic_load_n(&sh->accepts, __ATOMIC_SEQ_CST);
	for (i = 0; i < 3; i++) {
		CHECK(rest_call_init(&c, "conn", "GET", url("/conn"),
		    NULL) == 0);
		CHECK(rest_run(r2, &c, 1, 5000) == 0);
		CHECK(rest_ok(&c));
		if (i == 0)
			strlcpy(first, buf_cstr(&c.resp), sizeof(first));
		else
			CHECK_STR(buf_cstr(&c.resp), first);
		rest_call_free(&c);
	}
	CHECK(__atomic_load_n(&sh->accepts, __ATOMIC_SEQ_CST) == before + 1);
	rest_free(r2);
}

/* What goes on the wire: method, headers, auth, body. */
static void
test_headers(struct rest *r)
{
	struct rest_call	 c[4];
	const char		*s;
	int			 i;

	CHECK(rest_call_init(&c[0], "echo", "GET", url("/echo"), NULL) == 0);
	c[0].auth = REST_AUTH_BEARER;
	c[0].user = "tok-123";
	CHECK(rest_call_init(&c[1], "echo", "POST", url("/echo"),
	    "{\"a\":1}") == 0);
	c[1].auth = REST_AUTH_BASIC;
	c[1].user = "user";
	c[1].pass = "pass";
	CHECK(rest_call_init(&c[2], "echo", "PUT", url("/echo"), NULL) == 0);
	CHECK(rest_call_init(&c[3], "echo", "DELETE", url("/echo"),
	    NULL) == 0);
	CHECK(rest_run(r, c, 4, 5000) == 0);
	for (i = 0; i < 4; i++) {
		CHECK(rest_ok(&c[i]));
		CHECK(strstr(buf_cstr(&c[i].resp),
		    "\r\nAccept: application/json\r\n") != NULL);
		CHECK(strstr(buf_cstr(&c[i].resp), "Expect:") == NULL);
	}

	s = buf_cstr(&c[0].resp);
	CHECK(strncmp(s, "GET /echo HTTP/1.1\r\n", 20) == 0);
	CHECK(strstr(s, "\r\nAuthorization: Bearer tok-123\r\n") != NULL);
	CHECK(strcasestr(s, "Content-Type") == NULL);

	s = buf_cstr(&c[1].resp);
	CHECK(strncmp(s, "POST /echo HTTP/1.1\r\n", 21) == 0);
	/* base64("user:pass") */
	CHECK(strstr(s, "\r\nAuthorization: Basic dXNlcjpwYXNz\r\n") != NULL);
	CHECK(strstr(s, "\r\nContent-Type: application/json\r\n") != NULL);
	CHECK(strstr(s, "\r\nContent-Length: 7\r\n") != NULL);
	CHECK(strstr(s, "\r\n\r\n{\"a\":1}") != NULL);

	s = buf_cstr(&c[2].resp);
	CHECK(strncmp(s, "PUT /echo HTTP/1.1\r\n", 20) == 0);
	CHECK(strstr(s, "\r\nContent-Length: 0\r\n") != NULL);
	CHECK(strcasestr(s, "Content-Type") == NULL);
	CHECK(strstr(s, "Authorization") == NULL);

	s = buf_cstr(&c[3].resp);
	CHECK(strncmp(s, "DELETE /echo HTTP/1.1\r\n", 23) == 0);
	for (i = 0; i < 4; i++)
		rest_call_free(&c[i]);

	/* A token that could split a header is refused outright. */
	CHECK(rest_call_init(&c[0], "echo", "GET", url("/echo"), NULL) == 0);
	c[0].auth = REST_AUTH_BEARER;
	c[0].user = "tok\r\nX-Evil: 1";
	CHECK(rest_run(r, c, 1, 5000) == 0);
	CHECK(c[0].err == REST_REFUSED && c[0].attempts == 0);
	rest_call_free(&c[0]);
	CHECK(rest_call_init(&c[0], "echo", "GET", url("/echo"), NULL) == 0);
	c[0].auth = REST_AUTH_BASIC;
	c[0].user = "u";	/* no password */
	CHECK(rest_run(r, c, 1, 5000) == 0);
	CHECK(c[0].err == REST_REFUSED && c[0].attempts == 0);
	rest_call_free(&c[0]);
}

/* Log lines name the operation, never the query, token or body. */
static void
test_log_hygiene(struct rest *r)
{
	struct rest_call	 c[2];
	char			 path[] = "/tmp/test_rest_log.XXXXXX";
	char			 log[8192];
	ssize_t			 n;
	int			 fd, saved;

	if ((fd = mkstemp(path)) == -1) {
		CHECK(fd != -1);
		return;
	}
	unlink(path);
	fflush(stderr);
	saved = dup(STDERR_FILENO);
	dup2(fd, STDERR_FILENO);

	rest_call_init(&c[0], "hygiene.get", "GET",
	    url("/404?key=QUERYSECRET"), NULL);
	c[0].auth = REST_AUTH_BEARER;
	c[0].user = "TOKENSECRET";
	rest_call_init(&c[1], "hygiene.post", "POST", url("/ok"),
	    "{\"streamKey\":\"BODYSECRET\"}");
	c[1].auth = REST_AUTH_BASIC;
	c[1].user = "USERSECRET";
	c[1].pass = "PASSSECRET";
	CHECK(rest_run(r, c, 2, 5000) == 0);
	rest_call_free(&c[0]);
	rest_call_free(&c[1]);

	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	n = pread(fd, log, sizeof(log) - 1, 0);
	close(fd);
	CHECK(n > 0);
	log[n > 0 ? n : 0] = '\0';
	CHECK(strstr(log, "hygiene.get GET: ok, status 404") != NULL);
	CHECK(strstr(log, "hygiene.post POST: 200, 1 attempt") != NULL);
	CHECK(strstr(log, "SECRET") == NULL);
	CHECK(strstr(log, "127.0.0.1") == NULL);
}

/* Many calls through one handle: run under valgrind for leaks. */
static void
test_many(struct rest *r)
{
	struct rest_call	 c[3];
	int			 i, j, ok = 0;

	for (i = 0; i < 30; i++) {
		for (j = 0; j < 3; j++)
			rest_call_init(&c[j], "many", j == 1 ? "POST" : "GET",
			    url("/ok"), j == 1 ? "{}" : NULL);
		c[2].auth = REST_AUTH_BEARER;
		c[2].user = "t";
		if (rest_run(r, c, 3, 5000) == 0)
			for (j = 0; j < 3; j++)
				ok += rest_ok(&c[j]);
		for (j = 0; j < 3; j++)
			rest_call_free(&c[j]);
	}
	CHECK(ok == 90);
}

static void
test_api(struct rest *r)
{
	struct rest_call	 c;

	CHECK(rest_run(r, NULL, 0, 1000) == 0);
	CHECK(rest_call_init(&c, "x", "GET", NULL, NULL) == -1);
	CHECK(c.url == NULL && c.body == NULL);
	rest_call_free(&c);
	rest_call_free(NULL);
	rest_free(NULL);
	CHECK(rest_call_init(&c, "x", "GET", url("/ok"), NULL) == 0);
	CHECK(rest_run(NULL, &c, 1, 1000) == -1);
	CHECK(rest_run(r, &c, 1, 0) == -1);
	c.err = REST_TOOBIG;
	c.status = 200;
	CHECK(!rest_ok(&c));
	rest_call_free(&c);
}

int
main(void)
{
	struct rest	*r;

	if (srv_start() == -1) {
		perror("srv_start");
		return 1;
	}
	log_init("test_rest", LOG_LVL_INFO);
	if (rest_global_init() == -1 || (r = rest_new()) == NULL) {
		srv_stop();
		return 1;
	}
	test_api(r);
	test_concurrency(r);
	test_call_budget(r);
	test_table(r);
	test_reuse();
	test_headers(r);
	test_log_hygiene(r);
	test_many(r);
	rest_free(r);
	rest_global_cleanup();
	srv_stop();
	return unit_done();
}
