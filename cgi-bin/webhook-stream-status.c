/*
 * webhook-stream-status: POST /api/webhooks/stream-status.
 *
 * Cloudflare sends two kinds of request here, each with its own proof:
 *  - the Stream video webhook, signed: Webhook-Signature: time=…,sig1=…
 *    (HMAC-SHA256 over "time.body", CLOUDFLARE_WEBHOOK_SECRET);
 *  - Notifications for live inputs, with a shared secret in
 *    cf-webhook-auth (CLOUDFLARE_NOTIFICATION_SECRET), including the
 *    plain test message sent when the webhook is saved.
 * A request with neither header is refused before its body is read.
 */
#include <string.h>

#include "app.h"
#include "db.h"
#include "event.h"
#include "http.h"
#include "ledger.h"
#include "log.h"
#include "vlimits.h"
#include "webhook.h"

/* Apply one fact in a transaction; answers the request. */
static void
commit_reply(struct req *r, struct app *a, enum ledger_res lr,
    const char *what)
{
	enum db_res	 res;

	if (lr == LEDGER_BUSY || lr == LEDGER_ERR) {
		db_rollback(a->db);
		app_db_error(r, lr == LEDGER_BUSY ? DB_BUSY : DB_ERR);
		return;
	}
	if ((res = db_commit(a->db)) != DB_OK) {
		app_db_error(r, res);
		return;
	}
	if (lr == LEDGER_UNKNOWN_STREAM)
		log_warnx("cloudflare %s: not one of our live inputs, "
		    "acknowledged", what);
	else
		log_info("cloudflare %s: %s", what, ledger_res_names[lr]);
	http_reply_json(r, 200, "{\"received\":true}");
}

static void
video(struct req *r, struct app *a, const char *sig)
{
	struct cf_video	 v;
	enum webhook_res wr;
	enum db_res	 res;

	wr = webhook_verify(WEBHOOK_CLOUDFLARE, sig, r->body, r->bodylen,
	    a->conf.cf_webhook_secret, app_now());
	if (wr != WEBHOOK_OK) {
		log_warnx("cloudflare video webhook refused: signature %s, "
		    "body %zu bytes", webhook_res_names[wr], r->bodylen);
		http_error(r, HTTP_ERR_UNAUTHENTICATED, "the "
		    "Webhook-Signature is missing, stale or does not match");
		return;
	}
	if (event_cf_video_parse(r->body, r->bodylen, &v) == -1) {
		http_error(r, HTTP_ERR_INVALID, "the body is not a Stream "
		    "video");
		return;
	}
	if ((res = db_begin(a->db)) != DB_OK) {
		app_db_error(r, res);
		return;
	}
	commit_reply(r, a, ledger_cf_video(a->db, &v, app_now_ms()),
	    "video webhook");
}

static void
notification(struct req *r, struct app *a, const char *auth)
{
	struct cf_notification n;
	enum webhook_res wr;
	enum db_res	 res;

	wr = webhook_shared_secret(auth, a->conf.cf_notification_secret);
	if (wr != WEBHOOK_OK) {
		log_warnx("cloudflare notification refused: cf-webhook-auth "
		    "%s", webhook_res_names[wr]);
		http_error(r, HTTP_ERR_UNAUTHENTICATED, "cf-webhook-auth is "
		    "missing or wrong");
		return;
	}
	if (event_cf_notification_parse(r->body, r->bodylen, &n) == -1) {
		http_error(r, HTTP_ERR_INVALID, "the body is not a "
		    "Cloudflare notification");
		return;
	}
	if (n.type == CF_NOTIF_TEST) {
		log_info("cloudflare notification: test message received");
		http_reply_json(r, 200, "{\"received\":true,\"test\":true}");
		return;
	}
	if ((res = db_begin(a->db)) != DB_OK) {
		app_db_error(r, res);
		return;
	}
	commit_reply(r, a, ledger_cf_notification(a->db, &n, app_now_ms()),
	    "notification");
}

static void
handle(struct req *r, struct app *a)
{
	const char	*sig, *auth;

	if (strcmp(r->path, "/api/webhooks/stream-status") != 0) {
		http_error(r, HTTP_ERR_NOT_FOUND, NULL);
		return;
	}
	if (r->method != HTTP_POST) {
		http_header(r, "Allow", "POST");
		http_error(r, HTTP_ERR_METHOD, NULL);
		return;
	}
	sig = http_param(r, "HTTP_WEBHOOK_SIGNATURE");
	auth = http_param(r, "HTTP_CF_WEBHOOK_AUTH");
	if (sig == NULL && auth == NULL) {
		http_error(r, HTTP_ERR_UNAUTHENTICATED, "neither "
		    "Webhook-Signature nor cf-webhook-auth was sent");
		return;
	}
	if (app_json_body(r, LIM_BODY_WEBHOOK) == -1)
		return;
	if (sig != NULL)
		video(r, a, sig);
	else
		notification(r, a, auth);
}

int
main(int argc, char *argv[])
{
	return app_main(argc, argv, "webhook-stream-status", APP_DB, handle);
}
