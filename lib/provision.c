/*
 * provision.c: provider resources for a new stream, created concurrently
 * and rolled back on failure so that no live input or live stream is
 * left orphaned at a provider.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <cJSON.h>

#include "compat.h"
#include "conf.h"
#include "log.h"
#include "provision.h"
#include "rest.h"
#include "vlimits.h"

/* Rollback deletions get their own small budget. */
#define ROLLBACK_BUDGET_MS	5000
/* Kept from the Output's budget to look for it when its answer is lost. */
#define OUTPUT_LIST_MS		1500

static long long
now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
warn_add(struct provision *p, const char *w)
{
	if (p->nwarnings < PROVISION_WARNINGS)
		p->warnings[p->nwarnings++] = w;
}

/*
 * The Output that has Cloudflare forward p->cf's input to p->mux, within
 * left ms.  When its answer is lost (a timeout, a cut or garbled body, a
 * 5xx after retries) Cloudflare may have made it all the same: ask for
 * the input's Outputs and keep the one with our Mux key, so the backup
 * lives and nothing is left forwarding to a key we are about to delete.
 * 0 with p->out filled, or -1.
 */
static int
output_create(const struct conf *cf, struct rest *rest, struct provision *p,
    long left)
{
	struct rest_call c;
	long long	 start = now_ms();
	int		 rc = -1;

	memset(&c, 0, sizeof(c));
	/* Keep time to look for it if the answer does not come. */
	if (left < 500 || cf_output_create_call(cf, p->cf.uid,
	    cf->mux_rtmps_url, p->mux.stream_key, &c) == -1 ||
	    rest_run(rest, &c, 1, left > 2 * OUTPUT_LIST_MS ?
	    left - OUTPUT_LIST_MS : left) == -1)
		goto out;
	if (cf_output_parse(&c, &p->out) == 0) {
		rc = 0;
		goto out;
	}
	/* A 4xx is a refusal: nothing was made. */
	if (c.err == REST_OK && c.status >= 400 && c.status < 500)
		goto out;
	rest_call_free(&c);
	if ((left -= (long)(now_ms() - start)) < 500) {
		log_warnx("provision: the Output's answer was lost, no time "
		    "left to look for it: one may be left forwarding to a "
		    "deleted Mux stream");
		goto out;
	}
	if (cf_outputs_list_call(cf, p->cf.uid, &c) == -1 ||
	    rest_run(rest, &c, 1, left) == -1)
		goto out;
	switch (cf_outputs_find(&c, p->mux.stream_key, &p->out)) {
	case 0:
		log_info("provision: the Output's answer was lost; found it "
		    "on the live input, kept");
		rc = 0;
		break;
	case 1:
		break;
	default:
		log_warnx("provision: the Output's answer was lost and the "
		    "Outputs could not be listed: one may be left forwarding "
		    "to a deleted Mux stream");
		break;
	}
out:
	rest_call_free(&c);
	return rc;
}

enum prov_res
provision_create(const struct conf *cf, struct rest *rest,
    const struct stream *s, int want_mux, long budget_ms,
    struct provision *p)
{
	struct rest_call calls[2];
	struct rest_call *cfc = NULL, *muxc = NULL;
	enum prov_res	 res = PROV_OK;
	long long	 start = now_ms();
	size_t		 n = 0, i;
	int		 need_cf, need_mux, use_cf, use_mux;

	memset(p, 0, sizeof(*p));
	memset(calls, 0, sizeof(calls));

	switch (s->method) {
	case METHOD_OBS:
	case METHOD_CLOUDFLARE_WHIP:
		need_cf = 1;
		need_mux = 0;
		break;
	case METHOD_MUX_WHIP:
		need_cf = 0;
		need_mux = 1;
		break;
	default:
		need_cf = need_mux = 0;
		break;
	}
	if (need_cf && !cf->cf_enabled) {
		p->why = "this streaming method needs Cloudflare, which is "
		    "not configured";
		return PROV_UNAVAILABLE;
	}
	if (need_mux && (!cf->mux_enabled || !cf->experimental_mux_whip)) {
		p->why = "mux_whip is experimental and not enabled here";
		return PROV_UNAVAILABLE;
	}
	use_cf = cf->cf_enabled && s->method != METHOD_MUX_WHIP;
	use_mux = need_mux;
	if (s->method == METHOD_WHIP_BROWSER || s->method == METHOD_OBS) {
		if (want_mux != 0 && cf->mux_enabled)
			use_mux = 1;
		else if (want_mux == 1)
			warn_add(p, "Mux backup was requested but Mux is not "
			    "configured; no Mux recording will be made");
	} else if (s->method == METHOD_CLOUDFLARE_WHIP && want_mux == 1)
		warn_add(p, "Mux backup is not possible for cloudflare_whip: "
		    "Cloudflare does not forward WHIP input");
	if (s->method == METHOD_CLOUDFLARE_WHIP)
		warn_add(p, "cloudflare_whip makes no recording: Cloudflare "
		    "does not record WHIP input");

	if (use_cf) {
		cfc = &calls[n++];
		if (cf_live_input_create_call(cf, s->id, s->title, cfc) == -1)
			goto internal;
	}
	if (use_mux) {
		muxc = &calls[n++];
		if (mux_live_stream_create_call(cf, s->id, muxc) == -1)
			goto internal;
		/*
		 * A backup must not hold up the stream itself: when Mux is
		 * optional and failing, give up on it sooner.
		 */
		if (!need_mux)
			muxc->budget_ms = LIM_BACKUP_BUDGET_MS;
	}
	if (n > 0 && rest_run(rest, calls, n, budget_ms) == -1)
		goto internal;

	if (cfc != NULL && cf_live_input_parse(cfc, &p->cf) == 0)
		p->have_cf = 1;
	if (muxc != NULL && mux_live_stream_parse(muxc, &p->mux) == 0)
		p->have_mux = 1;

	if (cfc != NULL && !p->have_cf) {
		res = cfc->err == REST_TIMEOUT ? PROV_TIMEOUT : PROV_FAILED;
		goto fail;
	}
	if (muxc != NULL && !p->have_mux) {
		if (need_mux) {
			res = muxc->err == REST_TIMEOUT ? PROV_TIMEOUT :
			    PROV_FAILED;
			goto fail;
		}
		warn_add(p, "Mux backup is unavailable: the Mux live stream "
		    "could not be created; the stream works without it");
	}

	/* obs: Cloudflare forwards its RTMPS input to Mux. */
	if (s->method == METHOD_OBS && p->have_mux) {
		if (output_create(cf, rest, p,
		    budget_ms - (long)(now_ms() - start)) == 0)
			p->have_output = 1;
		else {
			struct provision only_mux;

			warn_add(p, "Mux backup is unavailable: Cloudflare "
			    "could not forward to Mux; the stream works "
			    "without it");
			/* The Mux stream would be an orphan: remove it. */
			memset(&only_mux, 0, sizeof(only_mux));
			only_mux.have_mux = 1;
			only_mux.mux = p->mux;
			provision_rollback(cf, rest, &only_mux);
			p->have_mux = 0;
		}
	}
	goto out;
internal:
	log_warnx("provision: cannot prepare provider calls");
	res = PROV_FAILED;
fail:
	provision_rollback(cf, rest, p);
out:
	for (i = 0; i < n; i++)
		rest_call_free(&calls[i]);
	return res;
}

void
provision_rollback(const struct conf *cf, struct rest *rest,
    struct provision *p)
{
	struct rest_call calls[3];
	size_t		 n = 0, i;
	int		 ok;

	memset(calls, 0, sizeof(calls));
	/* Deleting the input removes its outputs too; be explicit anyway. */
	if (p->have_output && cf_output_delete_call(cf, p->cf.uid, p->out.uid,
	    &calls[n]) == 0)
		n++;
	if (p->have_cf && cf_live_input_delete_call(cf, p->cf.uid,
	    &calls[n]) == 0)
		n++;
	if (p->have_mux && mux_live_stream_delete_call(cf, p->mux.id,
	    &calls[n]) == 0)
		n++;
	if (n > 0 && rest_run(rest, calls, n, ROLLBACK_BUDGET_MS) == 0) {
		for (i = 0; i < n; i++) {
			/* 404: already gone, which is what we want. */
			ok = rest_ok(&calls[i]) || calls[i].status == 404;
			if (!ok)
				log_warnx("provision: rollback %s failed "
				    "(status %ld): resource may be orphaned",
				    calls[i].op, calls[i].status);
		}
	}
	for (i = 0; i < n; i++)
		rest_call_free(&calls[i]);
	p->have_cf = p->have_mux = p->have_output = 0;
}

void
provision_fill(const struct conf *cf, const struct provision *p,
    struct stream *s)
{
	if (p->have_cf) {
		strlcpy(s->cf_input_id, p->cf.uid, sizeof(s->cf_input_id));
		strlcpy(s->rtmps_url, p->cf.rtmps_url, sizeof(s->rtmps_url));
		strlcpy(s->stream_key, p->cf.rtmps_key, sizeof(s->stream_key));
		strlcpy(s->whep_url, p->cf.whep_url, sizeof(s->whep_url));
		strlcpy(s->cf_playback_base, p->cf.playback_base,
		    sizeof(s->cf_playback_base));
		if (s->method == METHOD_CLOUDFLARE_WHIP)
			strlcpy(s->whip_url, p->cf.whip_url,
			    sizeof(s->whip_url));
	}
	if (p->have_output)
		strlcpy(s->cf_output_id, p->out.uid, sizeof(s->cf_output_id));
	if (p->have_mux) {
		strlcpy(s->mux_stream_id, p->mux.id, sizeof(s->mux_stream_id));
		strlcpy(s->mux_stream_key, p->mux.stream_key,
		    sizeof(s->mux_stream_key));
		strlcpy(s->mux_playback_id, p->mux.playback_id,
		    sizeof(s->mux_playback_id));
		strlcpy(s->mux_rtmps_url, cf->mux_rtmps_url,
		    sizeof(s->mux_rtmps_url));
		s->mux_backup = s->method != METHOD_MUX_WHIP;
		/* Media reaches Mux: by the relay or by the Output. */
		s->simulcast = s->method == METHOD_WHIP_BROWSER ||
		    p->have_output;
		if (s->method == METHOD_MUX_WHIP)
			snprintf(s->whip_url, sizeof(s->whip_url),
			    "%s/%s/whip", cf->mux_whip_base,
			    p->mux.stream_key);
	}
	if (s->method == METHOD_WHIP_BROWSER)
		snprintf(s->whip_url, sizeof(s->whip_url), "%s/whip/%s",
		    cf->public_url, s->id);
	s->experimental = s->method == METHOD_MUX_WHIP;
}

/* Run n prepared calls; 0 when each succeeded or found nothing (404). */
static int
run_all(struct rest *rest, struct rest_call *calls, size_t n)
{
	size_t	 i;
	int	 rc = 0;

	if (n > 0 && rest_run(rest, calls, n, ROLLBACK_BUDGET_MS) == -1)
		rc = -1;
	for (i = 0; i < n; i++) {
		if (rc == 0 && !rest_ok(&calls[i]) && calls[i].status != 404)
			rc = -1;
		rest_call_free(&calls[i]);
	}
	return rc;
}

int
provision_end(const struct conf *cf, struct rest *rest,
    const struct stream *s)
{
	struct rest_call c;
	size_t		 n = 0;

	memset(&c, 0, sizeof(c));
	if (s->mux_stream_id[0] != '\0' && cf->mux_enabled &&
	    mux_live_stream_complete_call(cf, s->mux_stream_id, &c) == 0)
		n = 1;
	return run_all(rest, &c, n);
}

int
provision_teardown(const struct conf *cf, struct rest *rest,
    const struct stream *s)
{
	struct rest_call calls[2];
	size_t		 n = 0;

	memset(calls, 0, sizeof(calls));
	/* Deleting the live input also removes its Outputs. */
	if (s->cf_input_id[0] != '\0' && cf->cf_enabled &&
	    cf_live_input_delete_call(cf, s->cf_input_id, &calls[n]) == 0)
		n++;
	if (s->mux_stream_id[0] != '\0' && cf->mux_enabled &&
	    mux_live_stream_delete_call(cf, s->mux_stream_id, &calls[n]) == 0)
		n++;
	return run_all(rest, calls, n);
}

char *
provision_warnings_json(const struct provision *p)
{
	cJSON	*a;
	char	*out;
	size_t	 i;

	if ((a = cJSON_CreateArray()) == NULL)
		return NULL;
	for (i = 0; i < p->nwarnings; i++)
		cJSON_AddItemToArray(a, cJSON_CreateString(p->warnings[i]));
	out = cJSON_PrintUnformatted(a);
	cJSON_Delete(a);
	return out;
}
