/*
 * conf.c: read the configuration once, validate it, fail fast.
 *
 * Sources, later wins: built-in defaults, the env file named by
 * VIGIL_CONFIG (KEY=VALUE lines, # comments, optional quotes), the
 * process environment.  Unknown keys in the file are reported so a typo
 * does not silently leave a provider unconfigured.
 */
#include <sys/stat.h>

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "compat.h"
#include "conf.h"
#include "vlimits.h"
#include "log.h"

/* Every key we know, so the file parser can reject typos. */
static const char *const keys[] = {
	"VIGIL_DB", "VIGIL_PUBLIC_URL", "VIGIL_MEDIA_DIR", "VIGIL_LOG_LEVEL",
	"VIGIL_EXPERIMENTAL_MUX_WHIP",
	"SESSION_COOKIE", "JWT_ALG", "JWT_SECRET", "JWT_SECRET_FILE",
	"JWT_PUBLIC_KEY_FILE", "JWT_ISSUER", "JWT_AUDIENCE",
	"CLOUDFLARE_ACCOUNT_ID", "CLOUDFLARE_API_TOKEN", "CLOUDFLARE_API_BASE",
	"CLOUDFLARE_WEBHOOK_SECRET", "CLOUDFLARE_NOTIFICATION_SECRET",
	"MUX_TOKEN_ID", "MUX_TOKEN_SECRET", "MUX_WEBHOOK_SECRET",
	"MUX_API_BASE", "MUX_RTMPS_URL", "MUX_WHIP_BASE",
	"VIGIL_RELAY_ADDRESSES", "VIGIL_RELAY_PORT_MIN", "VIGIL_RELAY_PORT_MAX",
	"VIGIL_RELAY_MAX_SESSIONS", "VIGIL_RELAY_MAX_KBPS",
	"VIGIL_RELAY_MAX_DURATION", "VIGIL_RELAY_MEDIA_TIMEOUT",
	NULL
};

/* Key/value pairs read from the env file. */
struct kv {
	char	*key;
	char	*val;
};

struct file_vals {
	struct kv	*v;
	size_t		 n;
};

static const char *const jwt_algs[CONF_JWT__MAX] = {
	"HS256",	/* CONF_JWT_HS256 */
	"RS256",	/* CONF_JWT_RS256 */
	"ES256",	/* CONF_JWT_ES256 */
};

static int
known_key(const char *k)
{
	size_t	 i;

	for (i = 0; keys[i] != NULL; i++)
		if (strcmp(keys[i], k) == 0)
			return 1;
	return 0;
}

/* Read a whole small file into a NUL-terminated buffer. */
static int
read_file(const char *path, size_t max, struct buf *out)
{
	char	 chunk[4096];
	ssize_t	 n;
	int	 fd;

	buf_init(out, max);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	while ((n = read(fd, chunk, sizeof(chunk))) > 0)
		if (buf_append(out, chunk, (size_t)n) == -1) {
			close(fd);
			errno = EFBIG;
			return -1;
		}
	close(fd);
	if (n < 0) {
		buf_free(out);
		return -1;
	}
	if (out->data == NULL && buf_append(out, "", 0) == -1)
		return -1;
	return 0;
}

static void
file_vals_free(struct file_vals *f)
{
	size_t	 i;

	for (i = 0; i < f->n; i++) {
		free(f->v[i].key);
		if (f->v[i].val != NULL) {
			memset(f->v[i].val, 0, strlen(f->v[i].val));
			free(f->v[i].val);
		}
	}
	free(f->v);
	f->v = NULL;
	f->n = 0;
}

/* Parse KEY=VALUE lines.  Returns 0 or -1 with err set. */
static int
parse_env_file(const char *path, struct file_vals *f, char *err,
    size_t errsz)
{
	struct buf	 b;
	char		*line, *next, *eq, *k, *v, *e;
	size_t		 lineno = 0;
	struct kv	*nv;
	int		 rc = -1;

	if (read_file(path, LIM_CONF_FILE, &b) == -1) {
		snprintf(err, errsz, "VIGIL_CONFIG: cannot read %s: %s",
		    path, strerror(errno));
		return -1;
	}
	for (line = b.data; line != NULL && *line != '\0'; line = next) {
		lineno++;
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		if (strlen(line) > LIM_CONF_LINE) {
			snprintf(err, errsz, "VIGIL_CONFIG: line %zu too long",
			    lineno);
			goto out;
		}
		while (isspace((unsigned char)*line))
			line++;
		if (*line == '\0' || *line == '#')
			continue;
		if (strncmp(line, "export ", 7) == 0)
			line += 7;
		if ((eq = strchr(line, '=')) == NULL) {
			snprintf(err, errsz, "VIGIL_CONFIG: line %zu: no '='",
			    lineno);
			goto out;
		}
		*eq = '\0';
		k = line;
		v = eq + 1;
		for (e = eq; e > k && isspace((unsigned char)e[-1]); e--)
			e[-1] = '\0';
		e = v + strlen(v);
		while (e > v && isspace((unsigned char)e[-1]))
			*--e = '\0';
		if (e - v >= 2 && (*v == '"' || *v == '\'') && e[-1] == *v) {
			e[-1] = '\0';
			v++;
		}
		if (!known_key(k)) {
			snprintf(err, errsz, "VIGIL_CONFIG: line %zu: unknown "
			    "key", lineno);
			goto out;
		}
		if ((nv = reallocarray(f->v, f->n + 1, sizeof(*nv))) == NULL)
			goto oom;
		f->v = nv;
		f->v[f->n].key = strdup(k);
		f->v[f->n].val = strdup(v);
		f->n++;
		if (f->v[f->n - 1].key == NULL || f->v[f->n - 1].val == NULL)
			goto oom;
	}
	rc = 0;
	goto out;
oom:
	snprintf(err, errsz, "VIGIL_CONFIG: out of memory");
out:
	if (b.data != NULL)
		memset(b.data, 0, b.len);
	buf_free(&b);
	return rc;
}

/* The value for key: environment first, then the file; NULL if unset. */
static const char *
lookup(const struct file_vals *f, const char *key)
{
	const char	*v;
	size_t		 i;

	if ((v = getenv(key)) != NULL && *v != '\0')
		return v;
	for (i = f->n; i > 0; i--)
		if (strcmp(f->v[i - 1].key, key) == 0 &&
		    f->v[i - 1].val[0] != '\0')
			return f->v[i - 1].val;
	return NULL;
}

static int
set(char **dst, const char *v, const char *def)
{
	if (v == NULL)
		v = def;
	if (v == NULL) {
		*dst = NULL;
		return 0;
	}
	return (*dst = strdup(v)) == NULL ? -1 : 0;
}

/* Is host (up to end) a loopback name or address? */
static int
host_is_loopback(const char *h, size_t len)
{
	struct in_addr	 a4;
	char		 tmp[INET_ADDRSTRLEN];

	if (len == 9 && strncmp(h, "localhost", 9) == 0)
		return 1;
	if (len == 5 && strncmp(h, "[::1]", 5) == 0)
		return 1;
	/*
	 * A dotted quad in 127/8, not a "127." prefix: the name
	 * 127.0.0.1.evil.com resolves wherever its owner likes.
	 */
	if (len >= sizeof(tmp))
		return 0;
	memcpy(tmp, h, len);
	tmp[len] = '\0';
	return inet_pton(AF_INET, tmp, &a4) == 1 &&
	    (ntohl(a4.s_addr) >> 24) == 127;
}

int
conf_url_ok(const char *url, const char *scheme)
{
	size_t		 sl = strlen(scheme), hl, alen;
	const char	*h, *end;
	int		 secure;

	if (url == NULL || strncmp(url, scheme, sl) != 0)
		return 0;
	secure = url[sl] == 's';
	h = url + sl + (secure ? 1 : 0);
	if (strncmp(h, "://", 3) != 0)
		return 0;
	h += 3;
	/* The authority ends at the path, the query or the fragment. */
	alen = strcspn(h, "/?#");
	/*
	 * No user info on the loopback-only schemes:
	 * http://localhost:1@evil.com/ goes to evil.com.
	 */
	if (!secure && memchr(h, '@', alen) != NULL)
		return 0;
	if (*h == '[') {
		/* [v6]: the host ends at its bracket, then a port or nothing. */
		if ((end = memchr(h, ']', alen)) == NULL)
			return 0;
		end++;
		if (end != h + alen && *end != ':')
			return 0;
	} else if ((end = memchr(h, ':', alen)) == NULL)
		end = h + alen;
	if ((hl = (size_t)(end - h)) == 0)
		return 0;
	/* No control characters or spaces anywhere. */
	for (h = url; *h != '\0'; h++)
		if ((unsigned char)*h <= 0x20 || *h == 0x7f)
			return 0;
	return secure || host_is_loopback(url + sl + 3, hl);
}

static int
load_key_file(struct conf *c, const char *path, int text_secret)
{
	struct buf	 b;

	if (read_file(path, 64 * 1024, &b) == -1)
		return -1;
	if (text_secret)	/* a secret file may end with a newline */
		while (b.len > 0 && (b.data[b.len - 1] == '\n' ||
		    b.data[b.len - 1] == '\r'))
			b.data[--b.len] = '\0';
	c->jwt_key_len = b.len;
	c->jwt_key = (unsigned char *)buf_steal(&b);
	return 0;
}

/*
 * An integer setting in [lo, hi], def when unset.  -1 with err naming
 * the key (never the value) when it is not a number in range.
 */
static int
int_setting(const struct file_vals *f, const char *key, long long lo,
    long long hi, int def, int *out, char *err, size_t errsz)
{
	const char	*v, *errstr;

	*out = def;
	if ((v = lookup(f, key)) == NULL)
		return 0;
	*out = (int)strtonum(v, lo, hi, &errstr);
	if (errstr != NULL) {
		snprintf(err, errsz, "%s: want a whole number from %lld to "
		    "%lld", key, lo, hi);
		return -1;
	}
	return 0;
}

/* The relay's host addresses: 1..8 IPv4/IPv6 literals, commas between. */
static int
addresses_ok(const char *s)
{
	unsigned char	 a[sizeof(struct in6_addr)];
	char		 one[INET6_ADDRSTRLEN];
	size_t		 n, count = 0;

	for (;;) {
		n = strcspn(s, ",");
		if (n == 0 || n >= sizeof(one) || ++count > 8)
			return 0;
		memcpy(one, s, n);
		one[n] = '\0';
		if (inet_pton(AF_INET, one, a) != 1 &&
		    inet_pton(AF_INET6, one, a) != 1)
			return 0;
		if (s[n] == '\0')
			return 1;
		s += n + 1;
	}
}

/* The VIGIL_RELAY_* settings. */
static int
relay_load(struct conf *c, const struct file_vals *f, char *err,
    size_t errsz)
{
	if (set(&c->relay_addresses, lookup(f, "VIGIL_RELAY_ADDRESSES"),
	    "127.0.0.1") == -1) {
		snprintf(err, errsz, "out of memory");
		return -1;
	}
	if (!addresses_ok(c->relay_addresses)) {
		snprintf(err, errsz, "VIGIL_RELAY_ADDRESSES: want up to 8 IP "
		    "addresses separated by commas");
		return -1;
	}
	if (int_setting(f, "VIGIL_RELAY_PORT_MIN", 0, 65535, 0,
	    &c->relay_port_min, err, errsz) == -1 ||
	    int_setting(f, "VIGIL_RELAY_PORT_MAX", 0, 65535, 0,
	    &c->relay_port_max, err, errsz) == -1 ||
	    int_setting(f, "VIGIL_RELAY_MAX_SESSIONS", 1,
	    LIM_RELAY_SESSIONS_CAP, LIM_RELAY_MAX_SESSIONS,
	    &c->relay_max_sessions, err, errsz) == -1 ||
	    int_setting(f, "VIGIL_RELAY_MAX_KBPS", 100, 1000000,
	    LIM_RELAY_MAX_KBPS, &c->relay_max_kbps, err, errsz) == -1 ||
	    int_setting(f, "VIGIL_RELAY_MAX_DURATION", 10, 7 * 24 * 3600,
	    LIM_RELAY_MAX_DURATION, &c->relay_max_duration, err,
	    errsz) == -1 ||
	    int_setting(f, "VIGIL_RELAY_MEDIA_TIMEOUT", 2, 600,
	    LIM_RELAY_MEDIA_TIMEOUT, &c->relay_media_timeout, err,
	    errsz) == -1)
		return -1;
	/* Both or neither; a range, not an inverted one. */
	if ((c->relay_port_min == 0) != (c->relay_port_max == 0) ||
	    c->relay_port_min > c->relay_port_max ||
	    (c->relay_port_min != 0 && c->relay_port_min < 1024)) {
		snprintf(err, errsz, "VIGIL_RELAY_PORT_MIN and "
		    "VIGIL_RELAY_PORT_MAX: set both (1024-65535, min <= max) "
		    "or neither");
		return -1;
	}
	return 0;
}

int
conf_load(struct conf *c, unsigned int need, char *err, size_t errsz)
{
	struct file_vals f = { NULL, 0 };
	const char	*v, *errstr;
	size_t		 i;
	int		 lvl;

	memset(c, 0, sizeof(*c));
	err[0] = '\0';
	if ((v = getenv("VIGIL_CONFIG")) != NULL && *v != '\0' &&
	    parse_env_file(v, &f, err, errsz) == -1)
		goto fail;

#define SET(field, key, def) do {					\
	if (set(&c->field, lookup(&f, key), def) == -1) {		\
		snprintf(err, errsz, "out of memory");			\
		goto fail;						\
	}								\
} while (0)

	SET(db_path, "VIGIL_DB", "var/vigil.db");
	SET(public_url, "VIGIL_PUBLIC_URL", "http://127.0.0.1:8080");
	SET(media_dir, "VIGIL_MEDIA_DIR", "var/media");
	SET(cookie_name, "SESSION_COOKIE", "session");
	SET(jwt_issuer, "JWT_ISSUER", NULL);
	SET(jwt_audience, "JWT_AUDIENCE", NULL);
	SET(cf_account_id, "CLOUDFLARE_ACCOUNT_ID", NULL);
	SET(cf_api_token, "CLOUDFLARE_API_TOKEN", NULL);
	SET(cf_api_base, "CLOUDFLARE_API_BASE",
	    "https://api.cloudflare.com/client/v4");
	SET(cf_webhook_secret, "CLOUDFLARE_WEBHOOK_SECRET", NULL);
	SET(cf_notification_secret, "CLOUDFLARE_NOTIFICATION_SECRET", NULL);
	SET(mux_token_id, "MUX_TOKEN_ID", NULL);
	SET(mux_token_secret, "MUX_TOKEN_SECRET", NULL);
	SET(mux_webhook_secret, "MUX_WEBHOOK_SECRET", NULL);
	SET(mux_api_base, "MUX_API_BASE", "https://api.mux.com");
	SET(mux_rtmps_url, "MUX_RTMPS_URL",
	    "rtmps://global-live.mux.com:443/app");
	SET(mux_whip_base, "MUX_WHIP_BASE", "https://global-live.mux.com/app");
#undef SET

	/* Strip trailing slashes so we can append paths. */
	for (i = strlen(c->public_url); i > 0 && c->public_url[i - 1] == '/';)
		c->public_url[--i] = '\0';
	for (i = strlen(c->cf_api_base); i > 0 && c->cf_api_base[i - 1] == '/';)
		c->cf_api_base[--i] = '\0';
	for (i = strlen(c->mux_api_base);
	    i > 0 && c->mux_api_base[i - 1] == '/';)
		c->mux_api_base[--i] = '\0';

	c->log_level = LOG_LVL_INFO;
	if ((v = lookup(&f, "VIGIL_LOG_LEVEL")) != NULL) {
		if ((lvl = log_level_parse(v)) == -1) {
			snprintf(err, errsz, "VIGIL_LOG_LEVEL: want warn, "
			    "info or debug");
			goto fail;
		}
		c->log_level = lvl;
	}
	if ((v = lookup(&f, "VIGIL_EXPERIMENTAL_MUX_WHIP")) != NULL) {
		c->experimental_mux_whip = (int)strtonum(v, 0, 1, &errstr);
		if (errstr != NULL) {
			snprintf(err, errsz, "VIGIL_EXPERIMENTAL_MUX_WHIP: "
			    "want 0 or 1");
			goto fail;
		}
	}

	/* conf_url_ok takes https anywhere; it also refuses CR/LF. */
	if (!conf_url_ok(c->public_url, "http")) {
		snprintf(err, errsz, "VIGIL_PUBLIC_URL: want https:// "
		    "(http:// only for a loopback host)");
		goto fail;
	}
	for (v = c->cookie_name; *v != '\0'; v++)
		if (!isalnum((unsigned char)*v) && *v != '_' && *v != '-')
			break;
	if (*v != '\0' || c->cookie_name[0] == '\0' ||
	    strlen(c->cookie_name) > 64) {
		snprintf(err, errsz, "SESSION_COOKIE: want [A-Za-z0-9_-]{1,64}");
		goto fail;
	}

	/* Sessions: the algorithm is pinned here, never taken from a token. */
	c->jwt_alg = CONF_JWT_HS256;
	if ((v = lookup(&f, "JWT_ALG")) != NULL) {
		for (i = 0; i < CONF_JWT__MAX; i++)
			if (strcmp(v, jwt_algs[i]) == 0)
				break;
		if (i == CONF_JWT__MAX) {
			snprintf(err, errsz, "JWT_ALG: want HS256, RS256 "
			    "or ES256");
			goto fail;
		}
		c->jwt_alg = (enum conf_jwt_alg)i;
	}
	if (c->jwt_alg == CONF_JWT_HS256) {
		if ((v = lookup(&f, "JWT_SECRET")) != NULL) {
			if ((c->jwt_key = (unsigned char *)strdup(v)) == NULL)
				goto oom;
			c->jwt_key_len = strlen(v);
		} else if ((v = lookup(&f, "JWT_SECRET_FILE")) != NULL) {
			if (load_key_file(c, v, 1) == -1) {
				snprintf(err, errsz, "JWT_SECRET_FILE: cannot "
				    "read: %s", strerror(errno));
				goto fail;
			}
		}
		/* A short HMAC key is brute-forceable offline. */
		if (c->jwt_key != NULL && c->jwt_key_len < 32) {
			snprintf(err, errsz, "JWT_SECRET: need at least 32 "
			    "bytes for HS256");
			goto fail;
		}
		if ((need & CONF_NEED_JWT) && c->jwt_key == NULL) {
			snprintf(err, errsz, "JWT_SECRET or JWT_SECRET_FILE: "
			    "need a secret of at least 32 bytes for HS256");
			goto fail;
		}
	} else {
		if ((v = lookup(&f, "JWT_PUBLIC_KEY_FILE")) == NULL) {
			if (need & CONF_NEED_JWT) {
				snprintf(err, errsz, "JWT_PUBLIC_KEY_FILE: "
				    "needed for %s", jwt_algs[c->jwt_alg]);
				goto fail;
			}
		} else if (load_key_file(c, v, 0) == -1) {
			snprintf(err, errsz, "JWT_PUBLIC_KEY_FILE: need a "
			    "readable PEM public key for %s",
			    jwt_algs[c->jwt_alg]);
			goto fail;
		}
	}

	/* Providers: configured when their credentials are set. */
	if ((c->cf_account_id == NULL) != (c->cf_api_token == NULL)) {
		snprintf(err, errsz, "CLOUDFLARE_ACCOUNT_ID and "
		    "CLOUDFLARE_API_TOKEN: set both or neither");
		goto fail;
	}
	c->cf_enabled = c->cf_account_id != NULL;
	if (c->cf_enabled) {
		for (v = c->cf_account_id; *v != '\0'; v++)
			if (!isxdigit((unsigned char)*v))
				break;
		if (*v != '\0' || strlen(c->cf_account_id) > LIM_ID) {
			snprintf(err, errsz, "CLOUDFLARE_ACCOUNT_ID: want "
			    "hex digits");
			goto fail;
		}
	}
	if (!conf_url_ok(c->cf_api_base, "http")) {
		snprintf(err, errsz, "CLOUDFLARE_API_BASE: want https:// "
		    "(http:// only to loopback)");
		goto fail;
	}
	if ((c->mux_token_id == NULL) != (c->mux_token_secret == NULL)) {
		snprintf(err, errsz, "MUX_TOKEN_ID and MUX_TOKEN_SECRET: "
		    "set both or neither");
		goto fail;
	}
	c->mux_enabled = c->mux_token_id != NULL;
	if (!conf_url_ok(c->mux_api_base, "http")) {
		snprintf(err, errsz, "MUX_API_BASE: want https:// "
		    "(http:// only to loopback)");
		goto fail;
	}
	if (!conf_url_ok(c->mux_rtmps_url, "rtmp")) {
		snprintf(err, errsz, "MUX_RTMPS_URL: want rtmps:// "
		    "(rtmp:// only to loopback)");
		goto fail;
	}
	if (!conf_url_ok(c->mux_whip_base, "http")) {
		snprintf(err, errsz, "MUX_WHIP_BASE: want https://");
		goto fail;
	}
	if (relay_load(c, &f, err, errsz) == -1)
		goto fail;
	file_vals_free(&f);
	return 0;
oom:
	snprintf(err, errsz, "out of memory");
fail:
	file_vals_free(&f);
	conf_free(c);
	return -1;
}

static void
free_secret(char *s)
{
	if (s != NULL) {
		memset(s, 0, strlen(s));
		free(s);
	}
}

void
conf_free(struct conf *c)
{
	free(c->db_path);
	free(c->public_url);
	free(c->media_dir);
	free(c->cookie_name);
	if (c->jwt_key != NULL) {
		memset(c->jwt_key, 0, c->jwt_key_len);
		free(c->jwt_key);
	}
	free(c->jwt_issuer);
	free(c->jwt_audience);
	free(c->cf_account_id);
	free_secret(c->cf_api_token);
	free(c->cf_api_base);
	free_secret(c->cf_webhook_secret);
	free_secret(c->cf_notification_secret);
	free(c->mux_token_id);
	free_secret(c->mux_token_secret);
	free_secret(c->mux_webhook_secret);
	free(c->mux_api_base);
	free(c->mux_rtmps_url);
	free(c->mux_whip_base);
	free(c->relay_addresses);
	memset(c, 0, sizeof(*c));
}
