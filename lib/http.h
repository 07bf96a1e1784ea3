/*
 * http.h: FastCGI requests and replies.  The only module that includes
 * the FastCGI library's header.
 *
 * A program calls http_serve() with its handler.  Each request is a
 * struct req that lives for one loop iteration: everything it owns is
 * freed before the next accept, so a long-lived worker does not grow.
 */
#ifndef HEADER_VIGIL_HTTP_H
#define HEADER_VIGIL_HTTP_H

#include <stddef.h>

enum http_method {
	HTTP_GET = 0,
	HTTP_HEAD,
	HTTP_POST,
	HTTP_PUT,
	HTTP_PATCH,
	HTTP_DELETE,
	HTTP_OPTIONS,
	HTTP_OTHER,
	HTTP__MAX
};

/* Every error a handler can answer, with its status and stable code. */
enum http_err {
	HTTP_ERR_INVALID = 0,		/* 400 invalid_request */
	HTTP_ERR_METHOD_UNAVAILABLE,	/* 400 method_unavailable */
	HTTP_ERR_UNAUTHENTICATED,	/* 401 unauthenticated */
	HTTP_ERR_FORBIDDEN,		/* 403 forbidden */
	HTTP_ERR_NOT_FOUND,		/* 404 not_found */
	HTTP_ERR_METHOD,		/* 405 method_not_allowed */
	HTTP_ERR_CONFLICT,		/* 409 conflict */
	HTTP_ERR_IDEMPOTENCY,		/* 422 idempotency_key_reused */
	HTTP_ERR_TOO_LARGE,		/* 413 payload_too_large */
	HTTP_ERR_MEDIA_TYPE,		/* 415 unsupported_media_type */
	HTTP_ERR_INTERNAL,		/* 500 internal_error */
	HTTP_ERR_PROVIDER,		/* 502 provider_unavailable */
	HTTP_ERR_UNAVAILABLE,		/* 503 unavailable */
	HTTP_ERR_PROVIDER_TIMEOUT,	/* 504 provider_timeout */
	HTTP_ERR_NOT_ACCEPTABLE,	/* 406 not_acceptable */
	HTTP_ERR_PRECONDITION,		/* 412 precondition_failed */
	HTTP_ERR_UNPROCESSABLE,		/* 422 unprocessable */
	HTTP_ERR_GONE,			/* 410 gone */
	HTTP_ERR__MAX
};

enum http_body_res {
	HTTP_BODY_OK = 0,
	HTTP_BODY_TOO_LARGE,		/* declared or actual length > cap */
	HTTP_BODY_BAD,			/* short read, bad length */
	HTTP_BODY__MAX
};

struct req {
	enum http_method method;
	const char	*method_name;	/* as received */
	const char	*path;		/* decoded, normalised (DOCUMENT_URI) */
	const char	*query;		/* raw query string, "" if none */
	const char	*remote;	/* REMOTE_ADDR */
	const char	*reqid;		/* nginx $request_id or ours */
	char		*body;		/* after http_body(): NUL-terminated */
	size_t		 bodylen;
	int		 replied;	/* a reply has been written */
	int		 status;	/* the status replied */
	void		*priv;		/* http.c's state */
};

struct http_ops {
	/* Per worker, after fork: open the database and such.  0 or -1. */
	int	(*worker_init)(void *arg);
	void	(*worker_fini)(void *arg);
	/* One request.  If it returns without replying, 500 is sent. */
	void	(*handle)(struct req *r, void *arg);
};

/*
 * Serve requests until told to stop.  argv may hold "-s SOCKET" (create
 * a unix socket and pre-fork workers) and "-w N" (workers, default 2).
 * Without -s: FastCGI on stdin when it is a socket (spawn-fcgi, systemd),
 * else one CGI request from the environment and stdin.  Returns the exit
 * status for main.
 */
int		 http_serve(int argc, char *argv[], const struct http_ops *ops,
		    void *arg);

/* A request parameter (CGI variable), e.g. "HTTP_IDEMPOTENCY_KEY". */
const char	*http_param(const struct req *r, const char *name);

/* The Content-Type's media type without parameters, lower-cased. */
int		 http_content_type_is(const struct req *r, const char *type);

/*
 * Read the body, at most cap bytes: a CONTENT_LENGTH above the cap is
 * refused before reading.
 */
enum http_body_res http_body(struct req *r, size_t cap);

/*
 * A query parameter, percent-decoded into out.  Returns 1 when found,
 * 0 when absent, -1 when malformed, repeated or longer than outsz - 1.
 */
int		 http_query(const struct req *r, const char *key, char *out,
		    size_t outsz);

/* A cookie's value into out: 1 found, 0 absent, -1 malformed/too long. */
int		 http_cookie(const struct req *r, const char *name, char *out,
		    size_t outsz);

/* The token of "Authorization: Bearer <token>", or NULL. */
const char	*http_bearer(const struct req *r);

/*
 * Add a response header line ("Name: value", no CRLF).  Values must not
 * hold CR or LF: such a header is dropped and -1 returned.
 */
int		 http_header(struct req *r, const char *name, const char *value);

/* Reply with a status, a content type and a body (may be NULL). */
void		 http_reply(struct req *r, int status, const char *ctype,
		    const char *body, size_t len);

/* Reply with JSON text. */
void		 http_reply_json(struct req *r, int status, const char *json);

/* Reply 204 or another body-less status. */
void		 http_reply_empty(struct req *r, int status);

/*
 * Reply with RFC 9457 problem+json for err; detail is our own fixed
 * text (never input).  NULL detail uses the title.
 */
void		 http_error(struct req *r, enum http_err err,
		    const char *detail);

/* The path segments after prefix: "/api/streams/x/end" → "x/end". */
const char	*http_path_after(const struct req *r, const char *prefix);

#endif /* HEADER_VIGIL_HTTP_H */
