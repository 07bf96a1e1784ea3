/*
 * test_conf.c: unit tests for lib/conf.c (configuration).
 *
 * Each conf_load row starts from an environment with every Vigil
 * variable removed, sets its own variables (setenv), optionally writes
 * an env file named by VIGIL_CONFIG, and checks the result: the fields
 * on success, the variable named in the error on failure, and that the
 * error never carries a secret value.  "$DIR" in a row is replaced by
 * the test's temporary directory.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "log.h"
#include "vlimits.h"

#include "unit.h"

/* Every variable conf.c reads, so each row starts clean. */
static const char *const allkeys[] = {
	"VIGIL_CONFIG",
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

static char	 dir[64];

/* 39 bytes: a good HS256 secret. */
#define SECRET39	"0123456789abcdef0123456789abcdef-SECRET"
#define SECRET32	"0123456789abcdef0123456789abcdef"
#define SECRET31	"0123456789abcdef0123456789abcde"
#define PEM	\
    "-----BEGIN PUBLIC KEY-----\nMFkw\n-----END PUBLIC KEY-----\n"

/* Replace "$DIR" with the temporary directory. */
static void
expand(const char *in, char *out, size_t outsz)
{
	const char	*p;
	size_t		 o = 0;

	for (p = in; *p != '\0' && o + 1 < outsz; p++) {
		if (strncmp(p, "$DIR", 4) == 0) {
			o += (size_t)snprintf(out + o, outsz - o, "%s", dir);
			p += 3;
		} else
			out[o++] = *p;
	}
	out[o < outsz ? o : outsz - 1] = '\0';
}

static int
write_file(const char *name, const char *text, size_t len)
{
	char	 path[128];
	FILE	*f;
	int	 ok;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((f = fopen(path, "w")) == NULL)
		return -1;
	ok = fwrite(text, 1, len, f) == len;
	return fclose(f) == 0 && ok ? 0 : -1;
}

static void
clear_env(void)
{
	size_t	 i;

	for (i = 0; allkeys[i] != NULL; i++)
		unsetenv(allkeys[i]);
}

/* One field of struct conf as text; "(null)" for NULL. */
static const char *
field(const struct conf *c, const char *name, char *tmp, size_t tmpsz)
{
#define S(f)	if (strcmp(name, #f) == 0) return c->f ? c->f : "(null)"
#define I(f)	if (strcmp(name, #f) == 0) {			\
		snprintf(tmp, tmpsz, "%lld", (long long)c->f);		\
		return tmp;						\
	}
	S(db_path); S(public_url); S(media_dir); S(cookie_name);
	S(jwt_issuer); S(jwt_audience); S(cf_account_id); S(cf_api_token);
	S(cf_api_base); S(cf_webhook_secret); S(cf_notification_secret);
	S(mux_token_id); S(mux_token_secret); S(mux_webhook_secret);
	S(mux_api_base); S(mux_rtmps_url); S(mux_whip_base);
	I(log_level); I(experimental_mux_whip); I(jwt_alg); I(jwt_key_len);
	I(cf_enabled); I(mux_enabled);
	S(relay_addresses); I(relay_port_min); I(relay_port_max);
	I(relay_max_sessions); I(relay_max_kbps); I(relay_max_duration);
	I(relay_media_timeout);
	if (strcmp(name, "jwt_key") == 0) {
		if (c->jwt_key == NULL)
			return "(null)";
		snprintf(tmp, tmpsz, "%.*s", (int)c->jwt_key_len,
		    (const char *)c->jwt_key);
		return tmp;
	}
#undef S
#undef I
	return "(no such field)";
}

struct ccase {
	const char	*name;
	const char	*env[8];	/* "KEY=VALUE" */
	const char	*file;		/* env file text, or NULL */
	unsigned int	 need;
	int		 rc;
	const char	*err;		/* in the error when rc == -1 */
	const char	*secret;	/* never in the error */
	const char	*want[12];	/* "field=value" when rc == 0 */
};

#define LONGLINE_LEN	(LIM_CONF_LINE + 10)

static const struct ccase load_cases[] = {
{ "defaults", { NULL }, NULL, 0, 0, NULL, NULL,
    { "db_path=var/vigil.db", "public_url=http://127.0.0.1:8080",
      "media_dir=var/media", "cookie_name=session", "jwt_key=(null)",
      "jwt_alg=0", "cf_enabled=0", "mux_enabled=0", "log_level=1",
      "experimental_mux_whip=0", "jwt_issuer=(null)", NULL } },
{ "default provider URLs", { NULL }, NULL, 0, 0, NULL, NULL,
    { "cf_api_base=https://api.cloudflare.com/client/v4",
      "mux_api_base=https://api.mux.com",
      "mux_rtmps_url=rtmps://global-live.mux.com:443/app",
      "mux_whip_base=https://global-live.mux.com/app",
      "cf_account_id=(null)", "cf_api_token=(null)",
      "mux_token_id=(null)", "mux_webhook_secret=(null)", NULL } },
{ "defaults, but a program that needs a JWT key", { NULL }, NULL,
    CONF_NEED_JWT, -1, "JWT_SECRET", NULL, { NULL } },
{ "environment values, trailing slashes stripped",
    { "VIGIL_DB=/tmp/x.db", "VIGIL_PUBLIC_URL=https://vigil.example.org///",
      "CLOUDFLARE_API_BASE=http://127.0.0.1:9000/",
      "MUX_API_BASE=http://localhost:9001//", "SESSION_COOKIE=__Host-sid",
      "VIGIL_LOG_LEVEL=debug", "VIGIL_MEDIA_DIR=/srv/m", NULL },
    NULL, 0, 0, NULL, NULL,
    { "db_path=/tmp/x.db", "public_url=https://vigil.example.org",
      "cf_api_base=http://127.0.0.1:9000",
      "mux_api_base=http://localhost:9001", "cookie_name=__Host-sid",
      "log_level=2", "media_dir=/srv/m", NULL } },
{ "env file: comments, export, quotes, CRLF", { NULL },
    "# a comment\n"
    "   # an indented comment\n"
    "\n"
    "   \t\n"
    "VIGIL_DB=/srv/vigil.db\n"
    "export VIGIL_MEDIA_DIR=/srv/media\n"
    "JWT_ISSUER=\"https://id.example.org\"\n"
    "JWT_AUDIENCE='vigil'\n"
    "CLOUDFLARE_WEBHOOK_SECRET=\"with # hash and 'quote'\"\n"
    "MUX_WEBHOOK_SECRET=trailing-space   \n"
    "VIGIL_LOG_LEVEL=warn\r\n"
    "  SESSION_COOKIE=sid\n"
    "JWT_SECRET=" SECRET39,		/* no final newline */
    CONF_NEED_JWT, 0, NULL, NULL,
    { "db_path=/srv/vigil.db", "media_dir=/srv/media",
      "jwt_issuer=https://id.example.org", "jwt_audience=vigil",
      "cf_webhook_secret=with # hash and 'quote'",
      "mux_webhook_secret=trailing-space", "log_level=0",
      "cookie_name=sid", "jwt_key=" SECRET39, "jwt_key_len=39", NULL } },
{ "env file: unbalanced and lone quotes are kept", { NULL },
    "JWT_ISSUER=\"abc\nJWT_AUDIENCE=\"\n", 0, 0, NULL, NULL,
    { "jwt_issuer=\"abc", "jwt_audience=\"", NULL } },
{ "env file: mixed quotes are kept", { NULL },
    "JWT_ISSUER=\"abc'\n", 0, 0, NULL, NULL,
    { "jwt_issuer=\"abc'", NULL } },
{ "env file: empty quotes leave the value unset", { NULL },
    "JWT_ISSUER=\"\"\nJWT_AUDIENCE=\n", 0, 0, NULL, NULL,
    { "jwt_issuer=(null)", "jwt_audience=(null)", NULL } },
{ "env file: the later line wins", { NULL },
    "VIGIL_DB=/first.db\nVIGIL_DB=/second.db\n", 0, 0, NULL, NULL,
    { "db_path=/second.db", NULL } },
{ "env file: an empty file is fine", { NULL }, "", 0, 0, NULL, NULL,
    { "db_path=var/vigil.db", NULL } },
{ "the environment overrides the file",
    { "VIGIL_DB=/env.db", "MUX_WEBHOOK_SECRET=env-secret", NULL },
    "VIGIL_DB=/file.db\nMUX_WEBHOOK_SECRET=file-secret\n"
    "VIGIL_MEDIA_DIR=/file-media\n", 0, 0, NULL, NULL,
    { "db_path=/env.db", "mux_webhook_secret=env-secret",
      "media_dir=/file-media", NULL } },
{ "env file: unknown key", { NULL },
    "VIGIL_DB=/x.db\nVIGIL_DBB=/typo.db\n", 0, -1, "line 2: unknown key",
    "/typo.db", { NULL } },
{ "env file: unknown key holding a secret", { NULL },
    "MUX_TOKEN_SECRTE=topsecret-UNKNOWN\n", 0, -1, "unknown key",
    "topsecret-UNKNOWN", { NULL } },
{ "env file: lowercase key is unknown", { NULL },
    "vigil_db=/x.db\n", 0, -1, "unknown key", NULL, { NULL } },
{ "env file: export with a tab is not export", { NULL },
    "export\tVIGIL_DB=/x.db\n", 0, -1, "unknown key", NULL, { NULL } },
{ "env file: a line without '='", { NULL },
    "# ok\ntopsecret-NOEQUALS\n", 0, -1, "line 2: no '='",
    "topsecret-NOEQUALS", { NULL } },
{ "env file: missing", { "VIGIL_CONFIG=$DIR/does-not-exist", NULL }, NULL,
    0, -1, "VIGIL_CONFIG", NULL, { NULL } },
{ "env file: short JWT secret in the file", { NULL },
    "JWT_SECRET=short-FILESECRET\n", 0, -1, "JWT_SECRET",
    "short-FILESECRET", { NULL } },
{ "JWT secret too short", { "JWT_SECRET=short-SECRETMARK", NULL }, NULL,
    0, -1, "at least 32", "short-SECRETMARK", { NULL } },
{ "JWT secret of 31 bytes", { "JWT_SECRET=" SECRET31, NULL }, NULL,
    CONF_NEED_JWT, -1, "JWT_SECRET", SECRET31, { NULL } },
{ "JWT secret of exactly 32 bytes", { "JWT_SECRET=" SECRET32, NULL },
    NULL, CONF_NEED_JWT, 0, NULL, NULL,
    { "jwt_key=" SECRET32, "jwt_key_len=32", "jwt_alg=0", NULL } },
{ "JWT_SECRET_FILE with a final newline",
    { "JWT_SECRET_FILE=$DIR/secret_nl", NULL }, NULL, CONF_NEED_JWT, 0,
    NULL, NULL, { "jwt_key=" SECRET39, "jwt_key_len=39", NULL } },
{ "JWT_SECRET_FILE with CRLF", { "JWT_SECRET_FILE=$DIR/secret_crlf", NULL },
    NULL, CONF_NEED_JWT, 0, NULL, NULL,
    { "jwt_key=" SECRET39, "jwt_key_len=39", NULL } },
{ "JWT_SECRET_FILE too short", { "JWT_SECRET_FILE=$DIR/secret_short",
    NULL }, NULL, CONF_NEED_JWT, -1, "at least 32", "tiny-FILESECRET",
    { NULL } },
{ "JWT_SECRET_FILE empty", { "JWT_SECRET_FILE=$DIR/empty", NULL }, NULL,
    CONF_NEED_JWT, -1, "JWT_SECRET", NULL, { NULL } },
{ "JWT_SECRET_FILE missing", { "JWT_SECRET_FILE=$DIR/nope", NULL }, NULL,
    CONF_NEED_JWT, -1, "JWT_SECRET_FILE", NULL, { NULL } },
{ "JWT_SECRET wins over JWT_SECRET_FILE",
    { "JWT_SECRET=" SECRET32, "JWT_SECRET_FILE=$DIR/secret_nl", NULL },
    NULL, CONF_NEED_JWT, 0, NULL, NULL, { "jwt_key=" SECRET32, NULL } },
{ "JWT_ALG RS256 without a key, not needed", { "JWT_ALG=RS256", NULL },
    NULL, 0, 0, NULL, NULL, { "jwt_alg=1", "jwt_key=(null)", NULL } },
{ "JWT_ALG RS256 without a key, needed", { "JWT_ALG=RS256",
    "JWT_SECRET=" SECRET39, NULL }, NULL, CONF_NEED_JWT, -1,
    "JWT_PUBLIC_KEY_FILE", SECRET39, { NULL } },
{ "JWT_ALG RS256 with a key file", { "JWT_ALG=RS256",
    "JWT_PUBLIC_KEY_FILE=$DIR/pub.pem", NULL }, NULL, CONF_NEED_JWT, 0,
    NULL, NULL, { "jwt_alg=1", "jwt_key=" PEM, NULL } },
{ "JWT_ALG ES256 with a key file", { "JWT_ALG=ES256",
    "JWT_PUBLIC_KEY_FILE=$DIR/pub.pem", NULL }, NULL, CONF_NEED_JWT, 0,
    NULL, NULL, { "jwt_alg=2", NULL } },
{ "JWT_ALG RS256 with a missing key file", { "JWT_ALG=RS256",
    "JWT_PUBLIC_KEY_FILE=$DIR/nope.pem", NULL }, NULL, 0, -1,
    "JWT_PUBLIC_KEY_FILE", NULL, { NULL } },
{ "JWT_ALG none", { "JWT_ALG=none", NULL }, NULL, 0, -1, "JWT_ALG",
    NULL, { NULL } },
{ "JWT_ALG lower case", { "JWT_ALG=hs256", NULL }, NULL, 0, -1,
    "JWT_ALG", NULL, { NULL } },
{ "JWT_ALG HS512", { "JWT_ALG=HS512", NULL }, NULL, 0, -1, "JWT_ALG",
    NULL, { NULL } },
{ "Cloudflare: both", { "CLOUDFLARE_ACCOUNT_ID=0123abcdEF",
    "CLOUDFLARE_API_TOKEN=cf-token-SECRET", NULL }, NULL, 0, 0, NULL, NULL,
    { "cf_enabled=1", "cf_account_id=0123abcdEF",
      "cf_api_token=cf-token-SECRET", NULL } },
{ "Cloudflare: account id only", { "CLOUDFLARE_ACCOUNT_ID=0123abcd",
    NULL }, NULL, 0, -1, "set both or neither", NULL, { NULL } },
{ "Cloudflare: token only", { "CLOUDFLARE_API_TOKEN=cf-token-SECRET",
    NULL }, NULL, 0, -1, "set both or neither", "cf-token-SECRET",
    { NULL } },
{ "Cloudflare: account id not hex", { "CLOUDFLARE_ACCOUNT_ID=xyz",
    "CLOUDFLARE_API_TOKEN=cf-token-SECRET", NULL }, NULL, 0, -1,
    "CLOUDFLARE_ACCOUNT_ID", "cf-token-SECRET", { NULL } },
{ "Cloudflare: account id of 65 hex digits", {
    "CLOUDFLARE_ACCOUNT_ID=0123456789abcdef0123456789abcdef"
    "0123456789abcdef0123456789abcdef0",
    "CLOUDFLARE_API_TOKEN=t", NULL }, NULL, 0, -1, "CLOUDFLARE_ACCOUNT_ID",
    NULL, { NULL } },
{ "Cloudflare: both, from the file", { NULL },
    "CLOUDFLARE_ACCOUNT_ID=abc\nCLOUDFLARE_API_TOKEN=file-token\n", 0, 0,
    NULL, NULL, { "cf_enabled=1", "cf_api_token=file-token", NULL } },
{ "Cloudflare: one in the file, one in the environment",
    { "CLOUDFLARE_API_TOKEN=env-token", NULL },
    "CLOUDFLARE_ACCOUNT_ID=abc\n", 0, 0, NULL, NULL,
    { "cf_enabled=1", "cf_api_token=env-token", NULL } },
{ "Mux: both", { "MUX_TOKEN_ID=mux-id", "MUX_TOKEN_SECRET=mux-SECRET",
    NULL }, NULL, 0, 0, NULL, NULL,
    { "mux_enabled=1", "mux_token_id=mux-id",
      "mux_token_secret=mux-SECRET", NULL } },
{ "Mux: id only", { "MUX_TOKEN_ID=mux-id", NULL }, NULL, 0, -1,
    "MUX_TOKEN_ID and MUX_TOKEN_SECRET", NULL, { NULL } },
{ "Mux: secret only", { "MUX_TOKEN_SECRET=mux-only-SECRET", NULL }, NULL,
    0, -1, "set both or neither", "mux-only-SECRET", { NULL } },
{ "Cloudflare API base: plain http to a public host",
    { "CLOUDFLARE_API_BASE=http://api.cloudflare.com/client/v4", NULL },
    NULL, 0, -1, "CLOUDFLARE_API_BASE", NULL, { NULL } },
{ "Cloudflare API base: 127.0.0.1 as a name prefix",
    { "CLOUDFLARE_API_BASE=http://127.0.0.1.evil.com/client/v4", NULL },
    NULL, 0, -1, "CLOUDFLARE_API_BASE", NULL, { NULL } },
{ "Mux API base: user info before a public host",
    { "MUX_API_BASE=http://127.0.0.1@evil.com", NULL }, NULL, 0, -1,
    "MUX_API_BASE", NULL, { NULL } },
{ "Mux RTMPS URL: plain rtmp to loopback",
    { "MUX_RTMPS_URL=rtmp://127.0.0.1:1935/app", NULL }, NULL, 0, 0, NULL,
    NULL, { "mux_rtmps_url=rtmp://127.0.0.1:1935/app", NULL } },
{ "Mux RTMPS URL: plain rtmp to a public host",
    { "MUX_RTMPS_URL=rtmp://global-live.mux.com/app", NULL }, NULL, 0, -1,
    "MUX_RTMPS_URL", NULL, { NULL } },
{ "Mux RTMPS URL: https is not rtmps",
    { "MUX_RTMPS_URL=https://global-live.mux.com/app", NULL }, NULL, 0, -1,
    "MUX_RTMPS_URL", NULL, { NULL } },
{ "Mux WHIP base: plain http", { "MUX_WHIP_BASE=http://evil.com/app",
    NULL }, NULL, 0, -1, "MUX_WHIP_BASE", NULL, { NULL } },
{ "public URL: plain http to a public host",
    { "VIGIL_PUBLIC_URL=http://vigil.example.org", NULL }, NULL, 0, -1,
    "VIGIL_PUBLIC_URL", NULL, { NULL } },
{ "public URL: plain http to localhost",
    { "VIGIL_PUBLIC_URL=http://localhost:8080/", NULL }, NULL, 0, 0, NULL,
    NULL, { "public_url=http://localhost:8080", NULL } },
{ "public URL: another scheme", { "VIGIL_PUBLIC_URL=ftp://x.org", NULL },
    NULL, 0, -1, "VIGIL_PUBLIC_URL", NULL, { NULL } },
{ "public URL: a newline", { "VIGIL_PUBLIC_URL=https://x.org/\nX", NULL },
    NULL, 0, -1, "VIGIL_PUBLIC_URL", NULL, { NULL } },
{ "experimental Mux WHIP on", { "VIGIL_EXPERIMENTAL_MUX_WHIP=1", NULL },
    NULL, 0, 0, NULL, NULL, { "experimental_mux_whip=1", NULL } },
{ "experimental Mux WHIP off", { "VIGIL_EXPERIMENTAL_MUX_WHIP=0", NULL },
    NULL, 0, 0, NULL, NULL, { "experimental_mux_whip=0", NULL } },
{ "experimental Mux WHIP 2", { "VIGIL_EXPERIMENTAL_MUX_WHIP=2", NULL },
    NULL, 0, -1, "VIGIL_EXPERIMENTAL_MUX_WHIP", NULL, { NULL } },
{ "experimental Mux WHIP yes", { "VIGIL_EXPERIMENTAL_MUX_WHIP=yes", NULL },
    NULL, 0, -1, "VIGIL_EXPERIMENTAL_MUX_WHIP", NULL, { NULL } },
{ "log level unknown", { "VIGIL_LOG_LEVEL=verbose", NULL }, NULL, 0, -1,
    "VIGIL_LOG_LEVEL", NULL, { NULL } },
{ "log level warn", { "VIGIL_LOG_LEVEL=warn", NULL }, NULL, 0, 0, NULL,
    NULL, { "log_level=0", NULL } },
{ "cookie name with a semicolon", { "SESSION_COOKIE=a;b", NULL }, NULL, 0,
    -1, "SESSION_COOKIE", NULL, { NULL } },
{ "cookie name with '='", { "SESSION_COOKIE=a=b", NULL }, NULL, 0, -1,
    "SESSION_COOKIE", NULL, { NULL } },
{ "cookie name of 64 characters", { "SESSION_COOKIE="
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    NULL }, NULL, 0, 0, NULL, NULL, { NULL } },
{ "cookie name of 65 characters", { "SESSION_COOKIE="
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    NULL }, NULL, 0, -1, "SESSION_COOKIE", NULL, { NULL } },
/* The relay's settings (cgi-bin/whip): defaults from vlimits.h. */
{ "relay defaults", { NULL }, NULL, 0, 0, NULL, NULL,
    { "relay_addresses=127.0.0.1", "relay_port_min=0", "relay_port_max=0",
      "relay_max_sessions=8", "relay_max_kbps=6000",
      "relay_max_duration=21600", "relay_media_timeout=10", NULL } },
{ "relay settings", { "VIGIL_RELAY_ADDRESSES=203.0.113.7,2001:db8::1",
    "VIGIL_RELAY_PORT_MIN=50000", "VIGIL_RELAY_PORT_MAX=50999",
    "VIGIL_RELAY_MAX_SESSIONS=3", "VIGIL_RELAY_MAX_KBPS=2500",
    "VIGIL_RELAY_MAX_DURATION=3600", "VIGIL_RELAY_MEDIA_TIMEOUT=5", NULL },
    NULL, 0, 0, NULL, NULL,
    { "relay_addresses=203.0.113.7,2001:db8::1", "relay_port_min=50000",
      "relay_port_max=50999", "relay_max_sessions=3",
      "relay_max_kbps=2500", "relay_max_duration=3600",
      "relay_media_timeout=5", NULL } },
{ "relay settings from the file", { NULL },
    "VIGIL_RELAY_MAX_SESSIONS=2\nVIGIL_RELAY_ADDRESSES=10.0.0.5\n", 0, 0,
    NULL, NULL, { "relay_max_sessions=2", "relay_addresses=10.0.0.5",
    NULL } },
{ "relay address not an IP", { "VIGIL_RELAY_ADDRESSES=relay.example", NULL },
    NULL, 0, -1, "VIGIL_RELAY_ADDRESSES", NULL, { NULL } },
{ "relay addresses with an empty one", { "VIGIL_RELAY_ADDRESSES=10.0.0.1,",
    NULL }, NULL, 0, -1, "VIGIL_RELAY_ADDRESSES", NULL, { NULL } },
{ "relay port range half given", { "VIGIL_RELAY_PORT_MIN=50000", NULL },
    NULL, 0, -1, "VIGIL_RELAY_PORT_MIN", NULL, { NULL } },
{ "relay port range inverted", { "VIGIL_RELAY_PORT_MIN=50010",
    "VIGIL_RELAY_PORT_MAX=50000", NULL }, NULL, 0, -1,
    "VIGIL_RELAY_PORT_MIN", NULL, { NULL } },
{ "relay port range privileged", { "VIGIL_RELAY_PORT_MIN=80",
    "VIGIL_RELAY_PORT_MAX=90", NULL }, NULL, 0, -1,
    "VIGIL_RELAY_PORT_MIN", NULL, { NULL } },
{ "relay sessions 0", { "VIGIL_RELAY_MAX_SESSIONS=0", NULL }, NULL, 0, -1,
    "VIGIL_RELAY_MAX_SESSIONS", NULL, { NULL } },
{ "relay sessions not a number", { "VIGIL_RELAY_MAX_SESSIONS=8x", NULL },
    NULL, 0, -1, "VIGIL_RELAY_MAX_SESSIONS", NULL, { NULL } },
{ "relay bitrate too low", { "VIGIL_RELAY_MAX_KBPS=10", NULL }, NULL, 0,
    -1, "VIGIL_RELAY_MAX_KBPS", NULL, { NULL } },
{ "relay media timeout 1 s", { "VIGIL_RELAY_MEDIA_TIMEOUT=1", NULL }, NULL,
    0, -1, "VIGIL_RELAY_MEDIA_TIMEOUT", NULL, { NULL } },
};

static void
run_case(const struct ccase *t, const char *file_override,
    size_t file_override_len)
{
	struct conf	 c;
	char		 err[256], tmp[512], buf[1024], *eq;
	const char	*got;
	size_t		 k;
	int		 rc, ok = 1;

	clear_env();
	for (k = 0; t->env[k] != NULL; k++) {
		expand(t->env[k], buf, sizeof(buf));
		if ((eq = strchr(buf, '=')) == NULL)
			continue;
		*eq = '\0';
		setenv(buf, eq + 1, 1);
	}
	if (file_override != NULL || t->file != NULL) {
		if (file_override != NULL)
			CHECK(write_file("vigil.env", file_override,
			    file_override_len) == 0);
		else
			CHECK(write_file("vigil.env", t->file,
			    strlen(t->file)) == 0);
		snprintf(buf, sizeof(buf), "%s/vigil.env", dir);
		setenv("VIGIL_CONFIG", buf, 1);
	}
	memset(err, 'E', sizeof(err));
	rc = conf_load(&c, t->need, err, sizeof(err));
	if (rc != t->rc)
		fprintf(stderr, "case \"%s\": rc %d, err \"%s\"\n", t->name, rc,
		    rc == -1 ? err : "");
	CHECK(rc == t->rc);
	CHECK(memchr(err, '\0', sizeof(err)) != NULL);
	if (rc == -1) {
		CHECK(err[0] != '\0');
		if (t->err != NULL && strstr(err, t->err) == NULL) {
			fprintf(stderr, "case \"%s\": err \"%s\"\n", t->name,
			    err);
			ok = 0;
		}
		CHECK(ok);
		/* The error names the variable, never its value. */
		if (t->secret != NULL)
			CHECK(strstr(err, t->secret) == NULL);
		/* Nothing left behind for the caller to free. */
		CHECK(c.db_path == NULL && c.jwt_key == NULL &&
		    c.cf_api_token == NULL);
	} else {
		CHECK(err[0] == '\0');
		for (k = 0; t->want[k] != NULL; k++) {
			expand(t->want[k], buf, sizeof(buf));
			if ((eq = strchr(buf, '=')) == NULL)
				continue;
			*eq = '\0';
			got = field(&c, buf, tmp, sizeof(tmp));
			if (strcmp(got, eq + 1) != 0)
				fprintf(stderr, "case \"%s\": %s\n", t->name,
				    buf);
			CHECK_STR(got, eq + 1);
		}
	}
	conf_free(&c);
	conf_free(&c);		/* safe twice */
	clear_env();
}

static void
test_load(void)
{
	size_t	 i;
	char	*big;
	struct ccase t;

	for (i = 0; i < sizeof(load_cases) / sizeof(load_cases[0]); i++)
		run_case(&load_cases[i], NULL, 0);

	/* A line over LIM_CONF_LINE. */
	if ((big = malloc(LONGLINE_LEN + 32)) != NULL) {
		memset(&t, 0, sizeof(t));
		t.name = "env file: a line too long";
		t.rc = -1;
		t.err = "line 2 too long";
		memcpy(big, "# ok\nJWT_ISSUER=", 16);
		memset(big + 16, 'x', LONGLINE_LEN);
		big[16 + LONGLINE_LEN] = '\n';
		run_case(&t, big, 16 + LONGLINE_LEN + 1);
		free(big);
	}
	/* A file over LIM_CONF_FILE: refused whole, not cut. */
	if ((big = malloc(LIM_CONF_FILE + 100)) != NULL) {
		size_t n = 0;

		while (n + 20 < LIM_CONF_FILE + 50) {
			memcpy(big + n, "# padding comment\n", 18);
			n += 18;
		}
		memset(&t, 0, sizeof(t));
		t.name = "env file: too big";
		t.rc = -1;
		t.err = "VIGIL_CONFIG: cannot read";
		run_case(&t, big, n);
		free(big);
	}
}

struct ucase {
	const char	*url;
	const char	*scheme;
	int		 ok;
};

static void
test_url_ok(void)
{
	static const struct ucase cases[] = {
	/* https anywhere. */
	{ "https://api.mux.com", "http", 1 },
	{ "https://api.mux.com/", "http", 1 },
	{ "https://api.cloudflare.com/client/v4", "http", 1 },
	{ "https://x", "http", 1 },
	{ "https://x:8443/p?q=1#f", "http", 1 },
	{ "https://[2001:db8::1]/", "http", 1 },
	{ "rtmps://global-live.mux.com:443/app", "rtmp", 1 },
	{ "rtmps://live.cloudflare.com:443/live/", "rtmp", 1 },
	/* Plain http/rtmp to loopback. */
	{ "http://127.0.0.1", "http", 1 },
	{ "http://127.0.0.1:8080/x", "http", 1 },
	{ "http://127.1.2.3/", "http", 1 },
	{ "http://127.255.255.255:1", "http", 1 },
	{ "http://localhost", "http", 1 },
	{ "http://localhost:9000/", "http", 1 },
	{ "http://localhost?x", "http", 1 },
	{ "http://[::1]", "http", 1 },
	{ "http://[::1]:9000/x", "http", 1 },
	{ "rtmp://127.0.0.1:1935/live", "rtmp", 1 },
	{ "rtmp://localhost/live", "rtmp", 1 },
	/* Plain http/rtmp elsewhere. */
	{ "http://api.mux.com", "http", 0 },
	{ "http://10.0.0.1", "http", 0 },
	{ "http://128.0.0.1", "http", 0 },
	{ "http://0.0.0.0", "http", 0 },
	{ "http://126.0.0.1", "http", 0 },
	{ "http://[::2]", "http", 0 },
	{ "rtmp://global-live.mux.com/app", "rtmp", 0 },
	/* Names that only look like loopback. */
	{ "http://127.0.0.1.evil.com", "http", 0 },
	{ "http://127.0.0.1.evil.com:80/", "http", 0 },
	{ "http://127.0.0.1.nip.io/", "http", 0 },
	{ "http://127.evil.com", "http", 0 },
	{ "http://127.", "http", 0 },
	{ "http://127.0.0.256", "http", 0 },
	{ "http://127.0.0.1x", "http", 0 },
	{ "http://localhost.evil.com", "http", 0 },
	{ "http://localhostx", "http", 0 },
	{ "http://[::1].evil.com", "http", 0 },
	{ "http://[::1]evil.com/", "http", 0 },
	{ "rtmp://127.0.0.1.evil.com/app", "rtmp", 0 },
	/* User info: the host is what follows the '@'. */
	{ "http://127.0.0.1@evil.com", "http", 0 },
	{ "http://127.0.0.1@evil.com/", "http", 0 },
	{ "http://localhost@evil.com", "http", 0 },
	{ "http://localhost:80@evil.com/", "http", 0 },
	{ "http://[::1]@evil.com", "http", 0 },
	{ "http://u:p@127.0.0.1/", "http", 0 },
	/* Loopback text outside the authority. */
	{ "http://evil.com/127.0.0.1", "http", 0 },
	{ "http://evil.com?127.0.0.1", "http", 0 },
	{ "http://evil.com#127.0.0.1", "http", 0 },
	{ "http://evil.com/@127.0.0.1", "http", 0 },
	/* Scheme mismatches and malformed URLs. */
	{ "http://127.0.0.1", "rtmp", 0 },
	{ "rtmp://127.0.0.1", "http", 0 },
	{ "https://x", "rtmp", 0 },
	{ "rtmps://x", "http", 0 },
	{ "httpss://x", "http", 0 },
	{ "http:/127.0.0.1", "http", 0 },
	{ "http//127.0.0.1", "http", 0 },
	{ "https://", "http", 0 },
	{ "https:///path", "http", 0 },
	{ "https://:443/", "http", 0 },
	{ "http://[::1", "http", 0 },
	{ "javascript:alert(1)", "http", 0 },
	{ "", "http", 0 },
	/* Control characters and spaces anywhere. */
	{ "https://exa mple.com", "http", 0 },
	{ "https://example.com/a b", "http", 0 },
	{ "https://example.com/\n", "http", 0 },
	{ "https://example.com/a\tb", "http", 0 },
	{ "https://example.com/\x7f", "http", 0 },
	{ "https://example.com/\x01", "http", 0 },
	{ "http://127.0.0.1/\r\nHost: evil.com", "http", 0 },
	};
	size_t	 i;
	int	 got;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		got = conf_url_ok(cases[i].url, cases[i].scheme);
		if (got != cases[i].ok)
			fprintf(stderr, "conf_url_ok(\"%s\", %s): %d\n",
			    cases[i].url, cases[i].scheme, got);
		CHECK(got == cases[i].ok);
	}
	CHECK(conf_url_ok(NULL, "http") == 0);
}

int
main(void)
{
	static const char *const files[] = { "secret_nl", "secret_crlf",
	    "secret_short", "empty", "pub.pem", "vigil.env", NULL };
	char	 path[128];
	size_t	 i;

	snprintf(dir, sizeof(dir), "/tmp/vigil-test-conf.XXXXXX");
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	log_init("test_conf", LOG_LVL_WARN);
	CHECK(write_file("secret_nl", SECRET39 "\n", sizeof(SECRET39)) == 0);
	CHECK(write_file("secret_crlf", SECRET39 "\r\n",
	    sizeof(SECRET39) + 1) == 0);
	CHECK(write_file("secret_short", "tiny-FILESECRET\n", 16) == 0);
	CHECK(write_file("empty", "", 0) == 0);
	CHECK(write_file("pub.pem", PEM, sizeof(PEM) - 1) == 0);

	test_load();
	test_url_ok();

	for (i = 0; files[i] != NULL; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		unlink(path);
	}
	rmdir(dir);
	return unit_done();
}
