/*
 * conf.h: configuration, read once at start from the environment and
 * from an optional env file named by VIGIL_CONFIG, validated, then
 * read-only.  The environment wins over the file.
 *
 * Secrets live here and nowhere else: never log a field of this struct
 * that is marked secret.
 */
#ifndef HEADER_VIGIL_CONF_H
#define HEADER_VIGIL_CONF_H

#include <stddef.h>

enum conf_jwt_alg {
	CONF_JWT_HS256 = 0,
	CONF_JWT_RS256,
	CONF_JWT_ES256,
	CONF_JWT__MAX
};

struct conf {
	char		*db_path;		/* VIGIL_DB */
	char		*public_url;		/* VIGIL_PUBLIC_URL, no trailing / */
	char		*media_dir;		/* VIGIL_MEDIA_DIR */
	int		 log_level;		/* VIGIL_LOG_LEVEL: enum log_level */
	int		 experimental_mux_whip;	/* VIGIL_EXPERIMENTAL_MUX_WHIP=1 */

	/* Sessions. */
	char		*cookie_name;		/* SESSION_COOKIE */
	enum conf_jwt_alg jwt_alg;		/* JWT_ALG */
	unsigned char	*jwt_key;		/* secret: HS256 secret or PEM */
	size_t		 jwt_key_len;
	char		*jwt_issuer;		/* JWT_ISSUER, may be NULL */
	char		*jwt_audience;		/* JWT_AUDIENCE, may be NULL */

	/* Cloudflare: enabled when account id and token are set. */
	int		 cf_enabled;
	char		*cf_account_id;		/* CLOUDFLARE_ACCOUNT_ID */
	char		*cf_api_token;		/* secret */
	char		*cf_api_base;		/* CLOUDFLARE_API_BASE */
	char		*cf_webhook_secret;	/* secret, may be NULL */
	char		*cf_notification_secret; /* secret, may be NULL */

	/* Mux: enabled when the token id and secret are set. */
	int		 mux_enabled;
	char		*mux_token_id;		/* MUX_TOKEN_ID */
	char		*mux_token_secret;	/* secret */
	char		*mux_webhook_secret;	/* secret, may be NULL */
	char		*mux_api_base;		/* MUX_API_BASE */
	char		*mux_rtmps_url;		/* MUX_RTMPS_URL */
	char		*mux_whip_base;		/* MUX_WHIP_BASE (experimental) */

	/* The WHIP relay (cgi-bin/whip); defaults in vlimits.h. */
	char		*relay_addresses;	/* VIGIL_RELAY_ADDRESSES: IPs,
						   comma-separated */
	int		 relay_port_min;	/* VIGIL_RELAY_PORT_MIN, 0: any */
	int		 relay_port_max;	/* VIGIL_RELAY_PORT_MAX, 0: any */
	int		 relay_max_sessions;	/* VIGIL_RELAY_MAX_SESSIONS */
	int		 relay_max_kbps;	/* VIGIL_RELAY_MAX_KBPS */
	int		 relay_max_duration;	/* VIGIL_RELAY_MAX_DURATION, s */
	int		 relay_media_timeout;	/* VIGIL_RELAY_MEDIA_TIMEOUT, s */
};

/* What a program needs beyond the always-checked basics. */
#define CONF_NEED_JWT	0x01	/* a session key: verifies or mints JWTs */

/*
 * Read and validate.  On failure writes one line saying which variable
 * is wrong (never its value) into err and returns -1; conf_free() is
 * safe either way.  need is a mask of CONF_NEED_*.
 */
int	conf_load(struct conf *c, unsigned int need, char *err, size_t errsz);
void	conf_free(struct conf *c);

/*
 * Is this URL acceptable for a provider (https://, or http:// / rtmp://
 * only to a loopback host)?  scheme is "http" or "rtmp": the secure form
 * adds an "s".  1 or 0.
 */
int	conf_url_ok(const char *url, const char *scheme);

#endif /* HEADER_VIGIL_CONF_H */
