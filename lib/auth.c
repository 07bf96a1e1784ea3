/*
 * auth.c: JWT sessions on libjwt 1.10.  The only file that includes jwt.h.
 *
 * libjwt 1.10 trusts the token more than we do:
 *
 *  - it takes the algorithm from the token's header, so a token says
 *    how it wants to be checked;
 *  - given no key it verifies nothing, and it then reports the token's
 *    algorithm as "none" whatever the header said;
 *  - it accepts alg "none" whenever no key is passed, with or without
 *    a signature segment (given a key, it refuses "none" with EINVAL);
 *  - it checks no claim, and jwt_get_grant_int() returns 0 both for a
 *    string claim and for a missing one.
 *
 * So auth_verify() caps the length and checks the shape before libjwt
 * sees a byte, always passes the configured key (never NULL), compares
 * jwt_get_alg() with the algorithm pinned in conf (which refuses "none",
 * HS384/HS512 under the same secret and an HS256 token keyed with our
 * RSA/EC public key), and checks exp, nbf, iat, iss, aud, sub and name
 * itself.  Tokens are never logged: only the class of the failure.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>
#include <jwt.h>

#include "auth.h"
#include "compat.h"
#include "conf.h"
#include "json.h"
#include "log.h"
#include "valid.h"
#include "vlimits.h"

/*
 * Clock skew allowed on exp, nbf and iat, in seconds.  Our hosts run
 * NTP, an external identity provider's may drift a little; one minute
 * is what common JWT libraries default to and is small next to
 * LIM_SESSION_TTL.  A token stays valid until exp + AUTH_SKEW and is
 * valid from nbf - AUTH_SKEW.
 */
#define AUTH_SKEW	60

/*
 * Largest time claim we accept: 9999-12-31T23:59:59Z.  Keeps exp + skew
 * and now + ttl far from overflow.
 */
#define AUTH_TIME_MAX	253402300799LL

/* libjwt's claim setters take a long; minting needs 64-bit times. */
_Static_assert(sizeof(long) >= 8, "auth_mint needs a 64-bit long");

/* The libjwt algorithm for each configured one. */
static const jwt_alg_t auth_algs[CONF_JWT__MAX] = {
	JWT_ALG_HS256,	/* CONF_JWT_HS256 */
	JWT_ALG_RS256,	/* CONF_JWT_RS256 */
	JWT_ALG_ES256,	/* CONF_JWT_ES256 */
};

/*
 * The pinned algorithm and the key, or -1 when the configuration has
 * none we can use.  The key must never be NULL or empty: libjwt would
 * then skip the signature check and call the token alg "none".
 */
static int
auth_key(const struct conf *cf, jwt_alg_t *alg)
{
	if (cf == NULL || (unsigned int)cf->jwt_alg >= CONF_JWT__MAX ||
	    cf->jwt_key == NULL || cf->jwt_key_len == 0 ||
	    cf->jwt_key_len > INT_MAX)
		return -1;
	*alg = auth_algs[cf->jwt_alg];
	return 0;
}

/* A base64url alphabet character (RFC 4648 section 5), no padding. */
static int
auth_b64url_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '_';
}

/*
 * Is t (len bytes) three non-empty base64url segments joined by dots?
 * Unpadded base64url never has a length of 1 modulo 4.  An unsecured
 * token ("none", empty signature) fails here already.
 */
static int
auth_shape_ok(const char *t, size_t len)
{
	size_t	 i, n = 0, segs = 0;

	for (i = 0; i <= len; i++) {
		if (i == len || t[i] == '.') {
			if (n == 0 || n % 4 == 1)
				return 0;
			if (++segs > 3)
				return 0;
			n = 0;
		} else if (auth_b64url_char(t[i]))
			n++;
		else
			return 0;
	}
	return segs == 3;
}

/*
 * Read the integer claim name into *out.  jwt_get_grant_int() cannot
 * tell 0, a string and a real apart, so look at the claim's JSON text:
 * jansson prints an integer as bare digits (with a '-' when negative)
 * and a real with a '.' or an exponent.  jwt_get_grants_json() sets
 * errno to EINVAL when the claim is absent (libjwt 1.10 source).
 * Returns 1 for an integer in [0, AUTH_TIME_MAX], 0 when absent, -1 for
 * anything else (wrong type, out of range, no memory): fail closed.
 */
static int
auth_claim_time(jwt_t *jwt, const char *name, long long *out)
{
	char		*s;
	const char	*errstr;
	size_t		 i;
	int		 rc = -1;

	*out = 0;
	errno = 0;
	if ((s = jwt_get_grants_json(jwt, name)) == NULL)
		return errno == EINVAL ? 0 : -1;
	/* Digits only: strtonum() alone would take " 5" or "+5". */
	for (i = 0; s[i] != '\0'; i++)
		if (s[i] < '0' || s[i] > '9')
			goto out;
	*out = strtonum(s, 0, AUTH_TIME_MAX, &errstr);
	if (errstr == NULL)
		rc = 1;
out:
	free(s);
	return rc;
}

/*
 * Does the aud claim name us?  A string must equal want; an array must
 * hold only strings, one of them equal to want.  json.h has no array
 * walk, hence the one use of cJSON itself here.
 */
static int
auth_aud_ok(const struct cJSON *claims, const char *want)
{
	const struct cJSON	*arr, *v;
	const char		*s;
	int			 found = 0;

	switch (json_get_str(claims, "aud", LIM_JWT, &s)) {
	case JSON_OK:
		return strcmp(s, want) == 0;
	case JSON_MISSING:
		return 0;
	default:
		break;
	}
	if (json_get_arr(claims, "aud", &arr) != JSON_OK)
		return 0;
	cJSON_ArrayForEach(v, arr) {
		/* NULL for anything but a string. */
		if ((s = cJSON_GetStringValue(v)) == NULL)
			return 0;
		if (strcmp(s, want) == 0)
			found = 1;
	}
	return found;
}

/*
 * Check the compact JWT token at time now against the key, algorithm,
 * issuer and audience in cf.  Returns AUTH_OK and fills out with the
 * session; AUTH_NONE for NULL or ""; AUTH_EXPIRED when the token is
 * otherwise valid but past exp or before nbf/iat (AUTH_SKEW allowed
 * either way); AUTH_BAD for everything else.  out is zeroed on every
 * result but AUTH_OK.  Nothing to free.
 */
enum auth_res
auth_verify(const struct conf *cf, const char *token, long long now,
    struct session *out)
{
	jwt_t		*jwt = NULL;
	struct cJSON	*claims = NULL;
	char		*text = NULL;
	const char	*sub, *name = NULL, *role, *iss;
	long long	 exp, nbf, iat;
	jwt_alg_t	 alg;
	size_t		 len;
	int		 has_nbf, has_iat;
	enum auth_res	 res = AUTH_BAD;

	memset(out, 0, sizeof(*out));
	if (token == NULL || *token == '\0')
		return AUTH_NONE;

	/* Front line: size, then shape, before any decoding. */
	if ((len = strnlen(token, LIM_JWT + 1)) > LIM_JWT) {
		log_info("auth: token over %d bytes", LIM_JWT);
		return AUTH_BAD;
	}
	if (!auth_shape_ok(token, len)) {
		log_info("auth: malformed token");
		return AUTH_BAD;
	}
	if (auth_key(cf, &alg) == -1) {
		log_warnx("auth: no usable JWT key configured");
		return AUTH_BAD;
	}

	/* Signature (with our key, never NULL), then the pinned alg. */
	if (jwt_decode(&jwt, token, cf->jwt_key, (int)cf->jwt_key_len) != 0) {
		log_info("auth: bad signature or undecodable token");
		goto out;
	}
	if (jwt_get_alg(jwt) != alg) {
		log_info("auth: alg mismatch");
		goto out;
	}

	/* Time claims: exp required, nbf and iat optional, all integers. */
	if (auth_claim_time(jwt, "exp", &exp) != 1) {
		log_info("auth: exp missing or not an integer");
		goto out;
	}
	if ((has_nbf = auth_claim_time(jwt, "nbf", &nbf)) == -1) {
		log_info("auth: nbf not an integer");
		goto out;
	}
	if ((has_iat = auth_claim_time(jwt, "iat", &iat)) == -1) {
		log_info("auth: iat not an integer");
		goto out;
	}

	/* The other claims through the typed getters of json.h. */
	if ((text = jwt_get_grants_json(jwt, NULL)) == NULL ||
	    (claims = json_parse(text, strlen(text))) == NULL) {
		log_warnx("auth: cannot read claims");
		goto out;
	}
	if (cf->jwt_issuer != NULL) {
		if (json_get_str(claims, "iss", LIM_JWT, &iss) != JSON_OK ||
		    strcmp(iss, cf->jwt_issuer) != 0) {
			log_info("auth: issuer mismatch");
			goto out;
		}
	}
	if (cf->jwt_audience != NULL &&
	    !auth_aud_ok(claims, cf->jwt_audience)) {
		log_info("auth: audience mismatch");
		goto out;
	}
	if (json_get_id(claims, "sub", &sub) != JSON_OK) {
		log_info("auth: sub missing or invalid");
		goto out;
	}
	if (json_get_text(claims, "name", LIM_NAME, &name) == JSON_BAD) {
		log_info("auth: name invalid");
		goto out;
	}

	/* Only now, for an otherwise good token, the clock. */
	if (now >= exp + AUTH_SKEW) {
		log_info("auth: token expired");
		res = AUTH_EXPIRED;
		goto out;
	}
	if ((has_nbf && now < nbf - AUTH_SKEW) ||
	    (has_iat && now < iat - AUTH_SKEW)) {
		log_info("auth: token not yet valid");
		res = AUTH_EXPIRED;
		goto out;
	}

	if (strlcpy(out->sub, sub, sizeof(out->sub)) >= sizeof(out->sub) ||
	    (name != NULL &&
	    strlcpy(out->name, name, sizeof(out->name)) >= sizeof(out->name))) {
		log_info("auth: claim too long");
		goto out;
	}
	out->admin = json_get_str(claims, "role", LIM_ID, &role) == JSON_OK &&
	    strcmp(role, "admin") == 0;
	out->exp = exp;
	res = AUTH_OK;
out:
	if (res != AUTH_OK)
		memset(out, 0, sizeof(*out));
	json_free(claims);
	free(text);
	jwt_free(jwt);
	return res;
}

/*
 * Mint an HS256 token for sub with iat = nbf = now, exp = now + ttl
 * (0 < ttl <= LIM_SESSION_TTL_MAX), iss and aud from cf when set, role
 * "admin" when admin and name when not NULL.  Returns a NUL-terminated
 * string the caller frees with free(3) (libjwt 1.10 allocates it with
 * malloc and has no jwt_free_str()), or NULL on a non-HS256
 * configuration, an invalid argument or no memory.
 */
char *
auth_mint(const struct conf *cf, const char *sub, int admin,
    const char *name, long long now, long ttl)
{
	jwt_t		*jwt = NULL;
	char		*tok = NULL;
	jwt_alg_t	 alg;

	if (auth_key(cf, &alg) == -1 || alg != JWT_ALG_HS256) {
		log_warnx("auth: minting needs an HS256 key");
		return NULL;
	}
	if (!valid_id(sub) || (name != NULL && !valid_text(name, LIM_NAME)) ||
	    ttl <= 0 || ttl > LIM_SESSION_TTL_MAX || now < 0 ||
	    now > AUTH_TIME_MAX - ttl) {
		log_warnx("auth: cannot mint: invalid sub, name or time");
		return NULL;
	}
	if (jwt_new(&jwt) != 0 ||
	    jwt_add_grant(jwt, "sub", sub) != 0 ||
	    jwt_add_grant_int(jwt, "iat", (long)now) != 0 ||
	    jwt_add_grant_int(jwt, "nbf", (long)now) != 0 ||
	    jwt_add_grant_int(jwt, "exp", (long)(now + ttl)) != 0 ||
	    (cf->jwt_issuer != NULL &&
	    jwt_add_grant(jwt, "iss", cf->jwt_issuer) != 0) ||
	    (cf->jwt_audience != NULL &&
	    jwt_add_grant(jwt, "aud", cf->jwt_audience) != 0) ||
	    (admin && jwt_add_grant(jwt, "role", "admin") != 0) ||
	    (name != NULL && jwt_add_grant(jwt, "name", name) != 0) ||
	    jwt_set_alg(jwt, JWT_ALG_HS256, cf->jwt_key,
	    (int)cf->jwt_key_len) != 0) {
		log_warnx("auth: cannot build token");
		goto out;
	}
	if ((tok = jwt_encode_str(jwt)) == NULL) {
		log_warnx("auth: cannot encode token");
		goto out;
	}
	/* auth_verify() would refuse it: fail here, where it is clear. */
	if (strlen(tok) > LIM_JWT) {
		log_warnx("auth: minted token over %d bytes", LIM_JWT);
		free(tok);
		tok = NULL;
	}
out:
	jwt_free(jwt);
	return tok;
}
