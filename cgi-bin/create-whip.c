/*
 * create-whip: POST /api/streams/create-whip (SPEC §5).
 *
 * Front line (method, type, size), then who is asking and for which
 * memorial, then the Idempotency-Key, then the providers (concurrently,
 * lib/provision.c), then one transaction storing the stream.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access.h"
#include "app.h"
#include "compat.h"
#include "crypto.h"
#include "http.h"
#include "log.h"
#include "provision.h"
#include "stream.h"
#include "valid.h"
#include "vlimits.h"

/*
 * A retried request: answer the stream the first one created.  The
 * publish token was only ever shown in that first answer, and we keep
 * only its hash, so a whip_browser replay mints a fresh one (the client
 * retrying never saw the first).
 */
static void
replay(struct app *a, struct req *r, const char *id, const char *warnings)
{
	struct stream	 s;
	char		 tok[64] = "", *body;
	enum db_res	 res;

	if ((res = db_stream_get(a->db, id, &s)) != DB_OK) {
		app_db_error(r, res);
		return;
	}
	if (s.method == METHOD_WHIP_BROWSER) {
		if (access_publish_token(tok, sizeof(tok), s.publish_hash) ==
		    -1 || (res = db_stream_set_publish_hash(a->db, s.id,
		    s.publish_hash, app_now_ms())) != DB_OK) {
			app_db_error(r, DB_ERR);
			return;
		}
	}
	if ((body = stream_create_reply(&s, tok[0] ? tok : NULL,
	    warnings)) == NULL) {
		http_error(r, HTTP_ERR_INTERNAL, NULL);
		return;
	}
	http_header(r, "Idempotent-Replayed", "true");
	http_reply_json(r, 201, body);
	crypto_wipe(tok, sizeof(tok));
	free(body);
}

static void
create(struct app *a, struct req *r, const struct session *who,
    const struct stream_create *in, const char *idem)
{
	struct provision p;
	struct stream	 s;
	char		 hash[CRYPTO_SHA256_HEX], tok[64] = "";
	char		 prior[LIM_ID + 16], *warnings = NULL, *body = NULL;
	enum idem_res	 ir = IDEM_NEW;
	enum prov_res	 pr;
	enum db_res	 res;

	memset(&s, 0, sizeof(s));
	if (idem != NULL) {
		crypto_sha256_hex(r->body, r->bodylen, hash);
		if ((res = db_idem_begin(a->db, who->sub, idem, hash,
		    app_now(), &ir, prior, sizeof(prior), &warnings)) !=
		    DB_OK) {
			app_db_error(r, res);
			return;
		}
		switch (ir) {
		case IDEM_DONE:
			replay(a, r, prior, warnings);
			goto out;
		case IDEM_PENDING:
			http_error(r, HTTP_ERR_CONFLICT, "a request with this "
			    "Idempotency-Key is still in progress");
			goto out;
		case IDEM_MISMATCH:
			http_error(r, HTTP_ERR_IDEMPOTENCY, NULL);
			goto out;
		default:
			break;
		}
	}

	if (crypto_token(s.id, 23, 16) == -1)
		goto internal;
	strlcpy(s.memorial_id, in->memorial_id, sizeof(s.memorial_id));
	strlcpy(s.title, in->title, sizeof(s.title));
	strlcpy(s.scheduled_at, in->scheduled_at, sizeof(s.scheduled_at));
	strlcpy(s.created_by, who->sub, sizeof(s.created_by));
	s.method = in->method;
	s.status = STREAM_READY;
	s.created_at = s.updated_at = app_now_ms();

	pr = provision_create(&a->conf, a->rest, &s, in->mux_backup,
	    LIM_CREATE_BUDGET_MS, &p);
	if (pr != PROV_OK) {
		if (idem != NULL)
			db_idem_abort(a->db, who->sub, idem);
		if (pr == PROV_UNAVAILABLE)
			http_error(r, HTTP_ERR_METHOD_UNAVAILABLE, p.why);
		else if (pr == PROV_TIMEOUT)
			http_error(r, HTTP_ERR_PROVIDER_TIMEOUT, NULL);
		else
			http_error(r, HTTP_ERR_PROVIDER, "a streaming provider "
			    "failed; nothing was created, try again");
		goto out;
	}
	provision_fill(&a->conf, &p, &s);
	if (s.method == METHOD_WHIP_BROWSER &&
	    access_publish_token(tok, sizeof(tok), s.publish_hash) == -1)
		goto rollback;
	if ((warnings = provision_warnings_json(&p)) == NULL)
		goto rollback;

	/* The stream and its idempotency record commit together. */
	if ((res = db_begin(a->db)) != DB_OK)
		goto rollback_db;
	if ((res = db_stream_insert(a->db, &s)) != DB_OK ||
	    (idem != NULL && (res = db_idem_finish(a->db, who->sub, idem,
	    s.id, warnings)) != DB_OK) || (res = db_commit(a->db)) != DB_OK) {
		db_rollback(a->db);
		goto rollback_db;
	}
	log_info("stream %s created for memorial %s (%s%s%s)", s.id,
	    s.memorial_id, stream_method_names[s.method],
	    p.have_cf ? ", cloudflare" : "", p.have_mux ? ", mux" : "");
	if ((body = stream_create_reply(&s, tok[0] ? tok : NULL,
	    warnings)) == NULL)
		goto internal;
	snprintf(prior, sizeof(prior), "/api/streams/%s", s.id);
	http_header(r, "Location", prior);
	http_reply_json(r, 201, body);
	goto out;

rollback_db:
	provision_rollback(&a->conf, a->rest, &p);
	if (idem != NULL)
		db_idem_abort(a->db, who->sub, idem);
	app_db_error(r, res == DB_NOTFOUND ? DB_ERR : res);
	goto out;
rollback:
	provision_rollback(&a->conf, a->rest, &p);
internal:
	if (idem != NULL)
		db_idem_abort(a->db, who->sub, idem);
	http_error(r, HTTP_ERR_INTERNAL, NULL);
out:
	crypto_wipe(tok, sizeof(tok));
	free(warnings);
	free(body);
}

static void
handle(struct req *r, struct app *a)
{
	struct stream_create in;
	struct session	 who;
	struct memorial	 m;
	const char	*why, *idem;
	enum db_res	 res;
	int		 sr;

	/* Front line of defence. */
	if (strcmp(r->path, "/api/streams/create-whip") != 0) {
		http_error(r, HTTP_ERR_NOT_FOUND, NULL);
		return;
	}
	if (r->method != HTTP_POST) {
		http_header(r, "Allow", "POST");
		http_error(r, HTTP_ERR_METHOD, NULL);
		return;
	}
	if ((sr = app_session(a, r, &who)) <= 0) {
		if (sr == 0)
			http_error(r, HTTP_ERR_UNAUTHENTICATED, NULL);
		return;
	}
	if (app_json_body(r, LIM_BODY_API) == -1)
		return;
	idem = http_param(r, "HTTP_IDEMPOTENCY_KEY");
	if (idem != NULL && !valid_token(idem, LIM_IDEMPOTENCY_KEY)) {
		http_error(r, HTTP_ERR_INVALID, "Idempotency-Key must be 1 to "
		    "128 printable characters");
		return;
	}
	if (stream_create_parse(r->body, r->bodylen, &in, &why) == -1) {
		http_error(r, HTTP_ERR_INVALID, why);
		return;
	}

	/* Who may create streams for this memorial. */
	if ((res = db_memorial_get(a->db, in.memorial_id, &m)) != DB_OK) {
		if (res == DB_NOTFOUND)
			http_error(r, HTTP_ERR_NOT_FOUND, "no such memorial");
		else
			app_db_error(r, res);
		return;
	}
	if (!access_controls(&who, &m)) {
		http_error(r, HTTP_ERR_FORBIDDEN, "you cannot create streams "
		    "for this memorial");
		return;
	}
	create(a, r, &who, &in, idem);
}

int
main(int argc, char *argv[])
{
	return app_main(argc, argv, "create-whip",
	    APP_DB | APP_REST | APP_JWT, handle);
}
