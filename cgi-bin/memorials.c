/*
 * memorials: POST /api/memorials (admin), GET and PATCH
 * /api/memorials/{id}, so an admin can run Vigil with curl alone.
 */
#include <stdlib.h>
#include <string.h>

#include "access.h"
#include "app.h"
#include "compat.h"
#include "crypto.h"
#include "http.h"
#include "log.h"
#include "stream.h"
#include "valid.h"
#include "vlimits.h"

static void
reply_memorial(struct req *r, int status, const struct memorial *m,
    enum stream_view v)
{
	char	*body;

	if ((body = memorial_json(m, v)) == NULL) {
		http_error(r, HTTP_ERR_INTERNAL, NULL);
		return;
	}
	http_reply_json(r, status, body);
	free(body);
}

static void
create(struct app *a, struct req *r, const struct session *who)
{
	struct memorial_input in;
	const char	*why;
	enum db_res	 res;

	if (!who->admin) {
		http_error(r, HTTP_ERR_FORBIDDEN, "only admins create "
		    "memorials");
		return;
	}
	if (app_json_body(r, LIM_BODY_API) == -1)
		return;
	if (memorial_parse(r->body, r->bodylen, 0, &in, &why) == -1) {
		http_error(r, HTTP_ERR_INVALID, why);
		return;
	}
	if (!in.has_id && crypto_token(in.m.id, 23, 16) == -1) {
		http_error(r, HTTP_ERR_INTERNAL, NULL);
		return;
	}
	in.m.created_at = in.m.updated_at = app_now();
	if ((res = db_memorial_insert(a->db, &in.m)) == DB_EXISTS) {
		http_error(r, HTTP_ERR_CONFLICT, "a memorial with this id "
		    "exists");
		return;
	}
	if (res != DB_OK) {
		app_db_error(r, res);
		return;
	}
	log_info("memorial %s created by %s", in.m.id, who->sub);
	reply_memorial(r, 201, &in.m, VIEW_FULL);
}

static void
update(struct app *a, struct req *r, const struct session *who,
    struct memorial *m)
{
	struct memorial_input in;
	const char	*why;
	enum db_res	 res;

	/* Admins and the owner manage a memorial; directors run streams. */
	if (!who->admin && strcmp(who->sub, m->owner) != 0) {
		http_error(r, HTTP_ERR_FORBIDDEN, NULL);
		return;
	}
	if (app_json_body(r, LIM_BODY_API) == -1)
		return;
	if (memorial_parse(r->body, r->bodylen, 1, &in, &why) == -1) {
		http_error(r, HTTP_ERR_INVALID, why);
		return;
	}
	if (in.has_owner && !who->admin) {
		http_error(r, HTTP_ERR_FORBIDDEN, "only admins change the "
		    "owner");
		return;
	}
	if (in.has_title)
		strlcpy(m->title, in.m.title, sizeof(m->title));
	if (in.has_owner)
		strlcpy(m->owner, in.m.owner, sizeof(m->owner));
	if (in.has_visibility)
		m->private_ = in.m.private_;
	if (in.has_people) {
		memcpy(m->people, in.m.people, sizeof(m->people));
		m->npeople = in.m.npeople;
	}
	m->updated_at = app_now();
	if ((res = db_memorial_update(a->db, m)) != DB_OK) {
		app_db_error(r, res);
		return;
	}
	reply_memorial(r, 200, m, VIEW_FULL);
}

static void
handle(struct req *r, struct app *a)
{
	struct session	 who;
	struct memorial	 m;
	const char	*id;
	enum db_res	 res;
	int		 sr;

	if ((sr = app_session(a, r, &who)) < 0)
		return;
	if (strcmp(r->path, "/api/memorials") == 0) {
		if (r->method != HTTP_POST) {
			http_header(r, "Allow", "POST");
			http_error(r, HTTP_ERR_METHOD, NULL);
		} else if (sr == 0)
			http_error(r, HTTP_ERR_UNAUTHENTICATED, NULL);
		else
			create(a, r, &who);
		return;
	}
	if ((id = http_path_after(r, "/api/memorials/")) == NULL ||
	    !valid_id(id)) {
		http_error(r, HTTP_ERR_NOT_FOUND, NULL);
		return;
	}
	if (r->method != HTTP_GET && r->method != HTTP_HEAD &&
	    r->method != HTTP_PATCH) {
		http_header(r, "Allow", "GET, PATCH");
		http_error(r, HTTP_ERR_METHOD, NULL);
		return;
	}
	if (r->method == HTTP_PATCH && sr == 0) {
		http_error(r, HTTP_ERR_UNAUTHENTICATED, NULL);
		return;
	}
	if ((res = db_memorial_get(a->db, id, &m)) != DB_OK) {
		app_db_error(r, res);
		return;
	}
	if (!access_views(sr ? &who : NULL, &m)) {
		http_error(r, HTTP_ERR_NOT_FOUND, NULL);
		return;
	}
	if (r->method == HTTP_PATCH)
		update(a, r, &who, &m);
	else
		reply_memorial(r, 200, &m, access_controls(sr ? &who : NULL,
		    &m) ? VIEW_FULL : VIEW_PUBLIC);
}

int
main(int argc, char *argv[])
{
	return app_main(argc, argv, "memorials", APP_DB | APP_JWT, handle);
}
