/*
 * webhook-mux: POST /api/webhooks/mux.
 *
 * The body stays an opaque byte string until Mux-Signature checks out
 * (HMAC-SHA256 over "t.body", any v1, 300 s window).  Then the event
 * id is deduplicated and the event applied in one transaction, and only
 * after COMMIT do we answer 2xx: Mux retries anything else for 24 h,
 * so an acknowledged event is never lost.
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

static void
handle(struct req *r, struct app *a)
{
	struct mux_event ev;
	enum webhook_res wr;
	enum ledger_res	 lr;
	enum db_res	 res;

	if (strcmp(r->path, "/api/webhooks/mux") != 0) {
		http_error(r, HTTP_ERR_NOT_FOUND, NULL);
		return;
	}
	if (r->method != HTTP_POST) {
		http_header(r, "Allow", "POST");
		http_error(r, HTTP_ERR_METHOD, NULL);
		return;
	}
	if (app_json_body(r, LIM_BODY_WEBHOOK) == -1)
		return;
	wr = webhook_verify(WEBHOOK_MUX, http_param(r, "HTTP_MUX_SIGNATURE"),
	    r->body, r->bodylen, a->conf.mux_webhook_secret, app_now());
	if (wr != WEBHOOK_OK) {
		log_warnx("mux webhook refused: signature %s, body %zu bytes",
		    webhook_res_names[wr], r->bodylen);
		http_error(r, HTTP_ERR_UNAUTHENTICATED, "the Mux-Signature "
		    "is missing, stale or does not match");
		return;
	}
	if (event_mux_parse(r->body, r->bodylen, &ev) == -1) {
		log_warnx("mux webhook: signed but not a usable event, %zu "
		    "bytes", r->bodylen);
		http_error(r, HTTP_ERR_INVALID, "the body is not a Mux event");
		return;
	}

	if ((res = db_begin(a->db)) != DB_OK) {
		app_db_error(r, res);
		return;
	}
	if ((res = db_webhook_seen(a->db, "mux", ev.id, app_now())) ==
	    DB_EXISTS) {
		db_rollback(a->db);
		log_info("mux webhook %s (%s): duplicate", ev.id, ev.type_name);
		http_reply_json(r, 200, "{\"received\":true,\"duplicate\":true}");
		return;
	}
	if (res != DB_OK) {
		db_rollback(a->db);
		app_db_error(r, res);
		return;
	}
	lr = ev.type == MUX_EVT__MAX ? LEDGER_IGNORED :
	    ledger_mux_event(a->db, &ev, app_now_ms());
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
		log_warnx("mux webhook %s (%s): not one of our streams, "
		    "acknowledged", ev.id, ev.type_name);
	else
		log_info("mux webhook %s (%s): %s", ev.id, ev.type_name,
		    ledger_res_names[lr]);
	http_reply_json(r, 200, "{\"received\":true}");
}

int
main(int argc, char *argv[])
{
	return app_main(argc, argv, "webhook-mux", APP_DB, handle);
}
