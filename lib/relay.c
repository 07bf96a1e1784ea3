/*
 * relay.c: the WHIP relay.  The only file that includes GStreamer.
 *
 * Threads.  The FastCGI thread calls relay_publish() and friends; each
 * builds a struct job, hands it to the relay thread's GMainContext and
 * waits on the job's condition variable until a deadline.  The relay
 * thread owns everything else: the sessions, their pipelines, timers,
 * the database handle (SQLite handles are not shared across threads).
 * GStreamer's own threads (webrtcbin's, streaming threads) never touch a
 * session's state beyond the fields under its olock and a few flags;
 * what they learn reaches the relay thread through
 * g_main_context_invoke() with a session reference, or the 500 ms tick.
 *
 * Pipelines.  A session is one main pipeline (webrtcbin answerer,
 * max-bundle, recvonly transceivers with our codec preferences; video
 * rtph264depay ! h264parse ! avc/au ! appsink; audio rtpopusdepay !
 * opusdec ! ... ! avenc_aac ! aacparse ! appsink) and one pipeline per
 * output (appsrc ! mux ! sink): the local MP4 part, the local HLS, the
 * RTMP(S) pushes.  An output pipeline shares the main pipeline's clock
 * and base time, so timestamps mean the same in both; its failure only
 * ever reaches its own bus, and it is rebuilt with backoff while the
 * publisher is live.  The appsink callbacks copy each sample into the
 * running outputs' appsrcs, which never block (a full queue drops until
 * the next key frame), so a stalled output cannot stall the others.
 * The current GOP is kept, so an output that (re)starts begins at once
 * with a key frame.
 *
 * Endings.  EOS goes to outputs with gst_app_src_end_of_stream(), which
 * only queues it: no serialized event is ever sent from the main loop
 * (RELAY-NOTES pitfall 2).  Each output's own bus then says EOS (its
 * pipeline has no webrtcbin, so pitfall 3 does not arise); a watchdog
 * stops an output that does not finish.  Pipelines go to NULL in a
 * throwaway thread, never in the main loop.
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define GST_USE_UNSTABLE_API
#include <gst/gst.h>
#include <gst/app/gstappsink.h>
#include <gst/app/gstappsrc.h>
#include <gst/sdp/sdp.h>
#include <gst/video/video.h>
#include <gst/webrtc/webrtc.h>

#include <cJSON.h>

#include "compat.h"
#include "conf.h"
#include "crypto.h"
#include "db.h"
#include "log.h"
#include "mp4.h"
#include "relay.h"
#include "sdp.h"
#include "stream.h"
#include "valid.h"
#include "vlimits.h"

#define TWCC_URI \
	"http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01"

/* Ended sessions whose statistics we keep for GET .../stats. */
#define HISTORY_MAX		64
#define HISTORY_PER_STREAM	5

/* The GOP kept for outputs that start late: samples and bytes. */
#define GOP_MAX_SAMPLES		1024
#define GOP_MAX_BYTES		(16 * 1024 * 1024)

/*
 * The audio kept as well: it arrives ~200 ms ahead of the video of the
 * same instant, so an output starting at a key frame needs the audio
 * it has already missed; an output rebuilt for audio alone takes up
 * where the last one stopped; and a publish whose video never comes
 * starts its outputs VIDEO_GONE_MS late, with the audio of that wait.
 * 5 s of AAC frames (21 ms each).
 */
#define ARING_MAX_SAMPLES	256
#define ARING_SPAN		(5 * GST_SECOND)

/*
 * An output's appsrc holds at most 8 MiB (max-bytes in out_desc()); at
 * this much it drops until the next key frame, so a stalled output
 * resumes cleanly and never holds the others back.
 */
#define OUT_QUEUE_HIGH		(6 * 1024 * 1024)

/* The tick: timeouts, statistics, key frames, the ledger. */
#define TICK_MS			500

/* An output running this long has its retry backoff reset. */
#define OUT_STABLE_MS		30000

/* A session sending over 1.5 x the cap this many seconds is ended. */
#define OVER_KBPS_SECS		15
/* How often a live session looks whether its stream was ended. */
#define STREAM_CHECK_MS		2000
/*
 * Video that stops while audio goes on (the camera taken by another
 * app, a phone that pauses it): after VIDEO_GONE_MS the recording and
 * the HLS, whose muxers would hold the audio back waiting for video, are
 * rebuilt for audio alone; a publish whose video never starts gets
 * audio-only outputs after as long.  When video flows again, outputs
 * built without it are rebuilt with it, but not sooner than
 * VIDEO_DWELL_MS after the last switch.
 */
#define VIDEO_GONE_MS		3000
#define VIDEO_BACK_MS		500
#define VIDEO_DWELL_MS		5000

/* Shutdown: what relay_free() waits for the sessions to finish. */
#define SHUTDOWN_MS		8000

const char *const relay_res_names[RELAY__MAX] = {
	"ok",			/* RELAY_OK */
	"bad",			/* RELAY_BAD */
	"not-found",		/* RELAY_NOT_FOUND */
	"conflict",		/* RELAY_CONFLICT */
	"precondition",		/* RELAY_PRECONDITION */
	"restart",		/* RELAY_RESTART */
	"full",			/* RELAY_FULL */
	"timeout",		/* RELAY_TIMEOUT */
	"error",		/* RELAY_ERR */
};

enum out_kind {
	OUT_RECORDING = 0,
	OUT_HLS,
	OUT_CLOUDFLARE,
	OUT_MUX,
	OUT__MAX
};

static const char *const out_names[OUT__MAX] = {
	"recording",		/* OUT_RECORDING */
	"hls",			/* OUT_HLS */
	"cloudflare",		/* OUT_CLOUDFLARE */
	"mux",			/* OUT_MUX */
};

enum out_state {
	OUT_OFF = 0,		/* not configured, or not started yet */
	OUT_WAITKEY,		/* running, waiting for a key frame */
	OUT_RUNNING,		/* media flows into it */
	OUT_DRAINING,		/* EOS queued, waiting for its sinks */
	OUT_RETRY,		/* failed; a timer rebuilds it */
	OUT_DONE,		/* finished for good */
	OUT_STATE__MAX
};

static const char *const out_state_names[OUT_STATE__MAX] = {
	"off",			/* OUT_OFF */
	"waiting",		/* OUT_WAITKEY */
	"running",		/* OUT_RUNNING */
	"finishing",		/* OUT_DRAINING */
	"retrying",		/* OUT_RETRY */
	"done",			/* OUT_DONE */
};

enum sess_state {
	SESS_CONNECTING = 0,	/* answered, no media yet */
	SESS_LIVE,		/* media arrived */
	SESS_ENDING,		/* outputs finishing, pipelines stopping */
	SESS_ENDED,
	SESS__MAX
};

static const char *const sess_state_names[SESS__MAX] = {
	"connecting",		/* SESS_CONNECTING */
	"live",			/* SESS_LIVE */
	"ending",		/* SESS_ENDING */
	"ended",		/* SESS_ENDED */
};

struct session;

struct output {
	struct session	*s;
	enum out_kind	 kind;
	int		 enabled;	/* configured for this session */
	enum out_state	 state;		/* under s->olock */
	GstElement	*pipe;
	GstElement	*vsrc, *asrc;	/* under s->olock */
	GstCaps		*vcaps, *acaps;	/* set on the appsrcs */
	guint		 bus_watch;
	GSource		*timer;		/* retry or EOS watchdog */
	int		 attempts;	/* failures since it last ran well */
	int		 starts;
	char		*location;	/* RTMP: holds the key, never logged */
	char		 error[96];	/* the last failure, for stats */
	gint64		 running_since;	/* monotonic us */
	int		 video;		/* built with a video track */
	int		 rebuild;	/* draining to start again at once */
	/* The current recording part (OUT_RECORDING). */
	int		 part;
	char		 path[PATH_MAX];
	char		 name[32];	/* "part-N.mp4" */
	int		 ledger;	/* its ledger row exists */
	/* Under s->olock: what went in. */
	GstClockTime	 first_ts, last_ts;
	GstClockTime	 vlast, alast;	/* last pushed, per track */
	GstClockTime	 resume_at;	/* a rebuild takes up audio after it */
	guint64		 bytes;
	int		 media_new;	/* first media: the tick makes the row */
	gint64		 media_ms;	/* wall clock of the first media */
	gint64		 out_ms;	/* first bytes reached the sink */
	int		 out_logged;
	guint64		 backwards;	/* samples dropped: not after the last */
	GstClockTime	 backwards_max;
	guint64		 backwards_logged;
};

struct session {
	gint		 refs;
	struct relay	*r;
	char		 id[RELAY_SESSION_ID_MAX + 1];
	char		 tag[9];	/* for logs: the id is a credential */
	char		 stream_id[LIM_ID + 1];
	char		 etag[RELAY_ETAG_MAX + 1];
	struct sdp_offer offer;
	enum sess_state	 state;
	char		 end_reason[32];
	int		 seq;		/* the part number, also for HLS names */

	GstElement	*pipe, *webrtc;
	GstElement	*vdepay, *vsink, *asink;
	guint		 bus_watch;
	int		 main_down;	/* the main pipeline is gone */

	GMutex		 olock;
	struct output	 outs[OUT__MAX];
	GQueue		 gop;		/* video GstSample *, under olock */
	size_t		 gop_bytes;
	int		 gop_valid;	/* the GOP starts with a key frame */
	GQueue		 aring;		/* the last audio, under olock */
	/* Under olock, from the streaming threads. */
	guint64		 vpackets, vbytes, apackets, abytes, keyframes;
	gint64		 last_media_us;	/* monotonic; 0: never */
	gint64		 last_video_us, last_audio_us, first_audio_us;
	int		 media_flag;	/* first media seen (notify once) */
	int		 key_flag;	/* first key frame seen (notify once) */
	/* From webrtcbin's get-stats, under olock. */
	gint64		 lost;
	/* Relay thread only. */
	gint64		 created_us;	/* monotonic */
	gint64		 created_ms, first_media_ms, connected_ms, ended_ms;
	int		 outputs_started;
	int		 out_video;	/* outputs are built with video */
	gint64		 video_switch_us; /* when out_video last changed */
	guint64		 prev_bytes;
	int		 kbps;
	int		 over_secs;
	int		 ticks;
	guint		 kf_count;
	GSource		*gather_timer;
	struct job	*pending;	/* the POST waiting for the answer */
	GList		*waiters;	/* DELETEs waiting for the end */
	char		 ice_state[16], conn_state[16];
};

enum job_kind {
	JOB_PUBLISH = 0,
	JOB_TRICKLE,
	JOB_END,
	JOB_STATS,
	JOB_SHUTDOWN,
	JOB__MAX
};

struct job {
	gint		 refs;
	GMutex		 lock;
	GCond		 cond;
	int		 done;
	int		 abandoned;
	enum job_kind	 kind;
	struct relay	*r;
	/* In. */
	char		 stream_id[LIM_ID + 1];
	char		 session_id[RELAY_SESSION_ID_MAX + 1];
	char		*offer;
	struct sdp_offer policy;
	char		*cf_url, *mux_url;
	char		*frag;
	size_t		 fraglen;
	char		*if_match;
	/* Out. */
	enum relay_res	 res;
	char		*answer;
	char		 etag[RELAY_ETAG_MAX + 1];
	char		*json;
};

struct relay {
	/* Settings, copied from the configuration. */
	char		*media_dir;
	char		*db_path;
	char		*addresses;
	int		 port_min, port_max;
	int		 max_sessions;
	int		 max_kbps;
	gint64		 max_duration_us;
	gint64		 media_timeout_us;

	GThread		*thread;
	GMainContext	*ctx;
	GMainLoop	*loop;
	GstClock	*clock;
	struct db	*db;		/* the relay thread's own */
	GHashTable	*sessions;	/* id -> struct session * */
	GQueue		 history;	/* cJSON * of ended sessions */
	guint		 tick;
	int		 stopping;
	struct job	*shutdown;	/* relay_free()'s */
	gint		 teardowns;	/* pipelines still going to NULL */
	gint64		 shutdown_deadline;

	GMutex		 start_lock;
	GCond		 start_cond;
	int		 started;	/* 1 ready, -1 failed */
};

static void	 session_end(struct session *s, const char *reason);
static cJSON	*session_json(struct session *s);
static void	 session_check_done(struct session *s);
static void	 out_start(struct output *o);
static void	 shutdown_check(struct relay *r);

/* ------------------------------------------------------------ helpers */

static gint64
now_ms(void)
{
	return g_get_real_time() / 1000;
}

/*
 * Timers on the relay's context (g_timeout_add would use the global
 * default context).  We keep a reference to cancel them.
 */
static GSource *
timer_add(struct relay *r, guint ms, GSourceFunc fn, gpointer data)
{
	GSource	*src;

	src = g_timeout_source_new(ms);
	g_source_set_callback(src, fn, data, NULL);
	g_source_attach(src, r->ctx);
	return src;
}

static void
timer_cancel(GSource **src)
{
	if (*src == NULL)
		return;
	g_source_destroy(*src);
	g_source_unref(*src);
	*src = NULL;
}

/* In a timer's own callback, which then returns G_SOURCE_REMOVE. */
static void
timer_fired(GSource **src)
{
	if (*src != NULL)
		g_source_unref(*src);
	*src = NULL;
}

/* ISO-8601 UTC with milliseconds into a cJSON object, null at 0. */
static void
json_time(cJSON *o, const char *key, gint64 ms)
{
	char		 s[40];
	struct tm	 tm;
	time_t		 t;

	if (ms <= 0) {
		cJSON_AddNullToObject(o, key);
		return;
	}
	t = (time_t)(ms / 1000);
	gmtime_r(&t, &tm);
	strftime(s, sizeof(s), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(s + 19, sizeof(s) - 19, ".%03dZ", (int)(ms % 1000));
	cJSON_AddStringToObject(o, key, s);
}

static struct session *
session_ref(struct session *s)
{
	g_atomic_int_inc(&s->refs);
	return s;
}

static void
session_unref(gpointer p)
{
	struct session	*s = p;
	GstSample	*smp;
	int		 i;

	if (s == NULL || !g_atomic_int_dec_and_test(&s->refs))
		return;
	while ((smp = g_queue_pop_head(&s->gop)) != NULL)
		gst_sample_unref(smp);
	while ((smp = g_queue_pop_head(&s->aring)) != NULL)
		gst_sample_unref(smp);
	for (i = 0; i < OUT__MAX; i++) {
		if (s->outs[i].location != NULL) {
			crypto_wipe(s->outs[i].location,
			    strlen(s->outs[i].location));
			g_free(s->outs[i].location);
		}
		gst_clear_caps(&s->outs[i].vcaps);
		gst_clear_caps(&s->outs[i].acaps);
	}
	g_mutex_clear(&s->olock);
	g_free(s);
}

static struct job *
job_new(struct relay *r, enum job_kind kind)
{
	struct job	*j;

	j = g_new0(struct job, 1);
	j->refs = 1;
	j->r = r;
	j->kind = kind;
	j->res = RELAY_ERR;
	g_mutex_init(&j->lock);
	g_cond_init(&j->cond);
	return j;
}

static struct job *
job_ref(struct job *j)
{
	g_atomic_int_inc(&j->refs);
	return j;
}

static void
job_unref(gpointer p)
{
	struct job	*j = p;

	if (j == NULL || !g_atomic_int_dec_and_test(&j->refs))
		return;
	g_free(j->offer);
	if (j->cf_url != NULL) {
		crypto_wipe(j->cf_url, strlen(j->cf_url));
		g_free(j->cf_url);
	}
	if (j->mux_url != NULL) {
		crypto_wipe(j->mux_url, strlen(j->mux_url));
		g_free(j->mux_url);
	}
	g_free(j->frag);
	g_free(j->if_match);
	g_free(j->answer);
	free(j->json);
	g_mutex_clear(&j->lock);
	g_cond_clear(&j->cond);
	g_free(j);
}

/*
 * The relay thread is done with j: wake the waiter.  Returns 1 when the
 * waiter had given up (its deadline passed), so the caller undoes what
 * nobody will use.
 */
static int
job_finish(struct job *j, enum relay_res res)
{
	int	 abandoned;

	g_mutex_lock(&j->lock);
	if (!j->done) {
		j->res = res;
		j->done = 1;
		g_cond_broadcast(&j->cond);
	}
	abandoned = j->abandoned;
	g_mutex_unlock(&j->lock);
	return abandoned;
}

static gboolean	 job_dispatch(gpointer p);

/*
 * Hand j to the relay thread and wait at most ms for it.  Returns the
 * job's result, or RELAY_TIMEOUT (then the relay thread, finishing
 * later, sees the job abandoned).
 */
static enum relay_res
job_run(struct relay *r, struct job *j, gint64 ms)
{
	GSource		*src;
	gint64		 deadline;
	enum relay_res	 res;

	src = g_idle_source_new();
	g_source_set_priority(src, G_PRIORITY_DEFAULT);
	g_source_set_callback(src, job_dispatch, job_ref(j), job_unref);
	g_source_attach(src, r->ctx);
	g_source_unref(src);
	deadline = g_get_monotonic_time() + ms * 1000;
	g_mutex_lock(&j->lock);
	while (!j->done)
		if (!g_cond_wait_until(&j->cond, &j->lock, deadline))
			break;
	if (!j->done) {
		j->abandoned = 1;
		res = RELAY_TIMEOUT;
	} else
		res = j->res;
	g_mutex_unlock(&j->lock);
	return res;
}

/* A session of the relay by id, or NULL. */
static struct session *
session_find(struct relay *r, const char *id)
{
	return g_hash_table_lookup(r->sessions, id);
}

/* ------------------------------------------------------------ teardown */

struct teardown {
	struct relay	*r;
	GstElement	*pipe;
	void		 (*done)(gpointer);
	gpointer	 data;
};

static gboolean
teardown_done(gpointer p)
{
	struct teardown	*t = p;
	struct relay	*r = t->r;

	if (t->done != NULL)
		t->done(t->data);
	g_free(t);
	g_atomic_int_dec_and_test(&r->teardowns);
	shutdown_check(r);
	return G_SOURCE_REMOVE;
}

static gpointer
teardown_thread(gpointer p)
{
	struct teardown	*t = p;
	sigset_t	 set;

	/* Signals are for the FastCGI thread only (lib/http.c). */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	gst_element_set_state(t->pipe, GST_STATE_NULL);
	gst_object_unref(t->pipe);
	t->pipe = NULL;
	g_main_context_invoke(t->r->ctx, teardown_done, t);
	return NULL;
}

/*
 * Take pipe to NULL and free it in a thread of its own (setting a
 * pipeline to NULL waits for its streaming threads, which must never
 * stall the main loop), then call done(data) in the relay thread.
 */
static void
teardown(struct relay *r, GstElement *pipe, void (*done)(gpointer),
    gpointer data)
{
	struct teardown	*t;
	GThread		*th;

	t = g_new0(struct teardown, 1);
	t->r = r;
	t->pipe = pipe;
	t->done = done;
	t->data = data;
	g_atomic_int_inc(&r->teardowns);
	/* g_thread_new() would abort the process when out of threads. */
	if ((th = g_thread_try_new("vigil-teardown", teardown_thread, t,
	    NULL)) == NULL) {
		GSource	*src;

		log_warnx("relay: no thread for a teardown: done in place");
		gst_element_set_state(t->pipe, GST_STATE_NULL);
		gst_object_unref(t->pipe);
		t->pipe = NULL;
		/* done() later, as from the thread: never inside the caller. */
		src = g_idle_source_new();
		g_source_set_callback(src, teardown_done, t, NULL);
		g_source_attach(src, r->ctx);
		g_source_unref(src);
		return;
	}
	g_thread_unref(th);
}

/* ------------------------------------------------------------ ledger */

/* media_dir/stream_id, created if needed.  0 or -1 (logged). */
static int
stream_dir(struct relay *r, const char *stream_id, char *out, size_t outsz)
{
	int	 n;

	n = snprintf(out, outsz, "%s/%s", r->media_dir, stream_id);
	if (n < 0 || (size_t)n >= outsz) {
		log_warnx("relay: media path too long");
		return -1;
	}
	if (mkdir(r->media_dir, 0755) == -1 && errno != EEXIST) {
		log_warn("relay: mkdir %s", r->media_dir);
		return -1;
	}
	if (mkdir(out, 0755) == -1 && errno != EEXIST) {
		log_warn("relay: mkdir %s", out);
		return -1;
	}
	return 0;
}

/* "part-N.mp4" -> N, or -1. */
static int
part_number(const char *name)
{
	const char	*errstr;
	char		 num[16];
	size_t		 n;
	long long	 v;

	if (strncmp(name, "part-", 5) != 0)
		return -1;
	name += 5;
	n = strcspn(name, ".");
	if (n == 0 || n >= sizeof(num) || strcmp(name + n, ".mp4") != 0)
		return -1;
	memcpy(num, name, n);
	num[n] = '\0';
	v = strtonum(num, 1, 1000000, &errstr);
	return errstr != NULL ? -1 : (int)v;
}

/*
 * Live HLS segments of earlier outputs (another session or restart: a
 * prefix other than keep) that nobody fetches any more: the playlist
 * names only the current output's.  hlssink2 removes its own old
 * segments (max-files), never those of an output before it.
 */
#define HLS_STALE_S	30

static void
hls_sweep(const char *dir, const char *keep)
{
	struct dirent	*de;
	struct stat	 sb;
	DIR		*d;
	char		 path[PATH_MAX];
	time_t		 now = time(NULL);
	size_t		 len;
	int		 n;

	if ((d = opendir(dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		len = strlen(de->d_name);
		if (strncmp(de->d_name, "live-", 5) != 0 || len < 8 ||
		    strcmp(de->d_name + len - 3, ".ts") != 0 ||
		    strncmp(de->d_name, keep, strlen(keep)) == 0)
			continue;
		n = snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (n < 0 || (size_t)n >= sizeof(path) ||
		    lstat(path, &sb) == -1 || !S_ISREG(sb.st_mode) ||
		    now - sb.st_mtime < HLS_STALE_S)
			continue;
		if (unlink(path) == -1)
			log_warn("relay: unlink %s", path);
	}
	closedir(d);
}

/* The ledger's recordings of a stream: 0, or -1 (none to free). */
static int
stream_recordings(struct relay *r, const char *stream_id,
    struct recording **recs, size_t *nrecs)
{
	struct stream	 st;

	if (r->db == NULL)
		return -1;
	memset(&st, 0, sizeof(st));
	strlcpy(st.id, stream_id, sizeof(st.id));
	return db_recordings_for(r->db, &st, 1, recs, nrecs) == DB_OK ? 0 : -1;
}

/*
 * A stream's next part number: above every part in dir and every part
 * the ledger names (1 for a new stream).
 */
static int
next_part(struct relay *r, const char *stream_id, const char *dir)
{
	struct recording	*recs = NULL;
	struct dirent		*de;
	const char		*name;
	size_t			 i, nrecs = 0;
	DIR			*d;
	int			 n, max = 0;

	if ((d = opendir(dir)) != NULL) {
		while ((de = readdir(d)) != NULL)
			if ((n = part_number(de->d_name)) > max)
				max = n;
		closedir(d);
	}
	/*
	 * And never a number the ledger knows: a part removed for holding
	 * nothing keeps its (failed) row, which a new part of the same
	 * name would be merged into.
	 */
	if (stream_recordings(r, stream_id, &recs, &nrecs) == 0) {
		for (i = 0; i < nrecs; i++) {
			if (recs[i].source != SRC_LOCAL ||
			    (name = strrchr(recs[i].provider_id, '/')) == NULL)
				continue;
			if ((n = part_number(name + 1)) > max)
				max = n;
		}
		free(recs);
	}
	return max + 1;
}

/*
 * A part that has ended, or that a killed process left: does it hold
 * media, a complete fragment (lib/mp4.c)?  A part whose muxer stopped
 * before its first fragment has only ftyp and moov.  One whose last
 * write was cut short -- a full disk, a kill, a pipeline stopped
 * between a moof and its mdat -- is truncated to its complete
 * fragments: players refuse a file that ends inside a moof.  The whole
 * walk reads each moof (~40 ms for an hour of media from the page
 * cache), once per part.
 */
static int
part_trim(const char *stream_id, const char *name, const char *path,
    struct mp4_info *mi)
{
	if (mp4_trim_file(path, mi) == -1)
		log_warn("relay: %s", path);
	else if (mi->cut > 0)
		log_warnx("relay: stream %s: %s ended in a write cut short: "
		    "%llu bytes trimmed", stream_id, name,
		    (unsigned long long)mi->cut);
	return mi->has_media;
}

/*
 * A part with no media: removed when it is only headers (a few KiB);
 * anything bigger is kept for a person to look at, never deleted on a
 * guess.
 */
static void
part_discard(const char *path)
{
	struct stat	 sb;

	if (stat(path, &sb) == 0 && sb.st_size < 64 * 1024)
		unlink(path);
	else
		log_warnx("relay: %s kept for inspection", path);
}

/* Tell the ledger about a part; state and duration as given. */
static void
ledger_part(struct relay *r, const char *stream_id, const char *name,
    enum rec_state state, double duration, gint64 started, gint64 ended)
{
	struct rec_update u;
	char		 pid[128], url[256];
	enum db_res	 res;
	int		 changed;

	if (r->db == NULL)
		return;
	snprintf(pid, sizeof(pid), "%s/%s", stream_id, name);
	snprintf(url, sizeof(url), "/media/%s/%s", stream_id, name);
	memset(&u, 0, sizeof(u));
	u.source = SRC_LOCAL;
	u.provider_id = pid;
	u.state = state;
	u.playback_url = url;
	u.duration = duration;
	u.started_at = started;
	u.ended_at = ended;
	if ((res = db_recording_apply(r->db, stream_id, &u, now_ms(),
	    &changed)) != DB_OK)
		log_warnx("relay: stream %s: ledger %s %s failed (%d)",
		    stream_id, name, rec_state_names[state], (int)res);
}

/*
 * Recordings a killed process left as "recording": their fragmented
 * MP4 files are playable as they are, so they become ready, with the
 * duration of their complete fragments as the file tells it (unknown
 * when it cannot) and the end at the file's last write.  Files that
 * hold nothing are removed.  Runs at start, before any session exists.
 */
static void
repair_parts(struct relay *r)
{
	struct dirent		*de, *pe;
	struct recording	*recs;
	struct mp4_info		 mi;
	struct stat		 sb;
	DIR			*d, *pd;
	char			 dir[PATH_MAX], path[PATH_MAX], pid[128];
	size_t			 i, nrecs;
	int			 n, settled;

	if (r->db == NULL || (d = opendir(r->media_dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (!valid_id(de->d_name))
			continue;
		n = snprintf(dir, sizeof(dir), "%s/%s", r->media_dir,
		    de->d_name);
		if (n < 0 || (size_t)n >= sizeof(dir) ||
		    (pd = opendir(dir)) == NULL)
			continue;
		/*
		 * Parts the ledger holds as ready with a duration are
		 * settled: their files are not walked again at every start
		 * (a walk reads every fragment's moof).
		 */
		if (stream_recordings(r, de->d_name, &recs, &nrecs) == -1) {
			recs = NULL;
			nrecs = 0;
		}
		while ((pe = readdir(pd)) != NULL) {
			if (part_number(pe->d_name) == -1)
				continue;
			n = snprintf(path, sizeof(path), "%s/%s", dir,
			    pe->d_name);
			if (n < 0 || (size_t)n >= sizeof(path) ||
			    stat(path, &sb) == -1 || !S_ISREG(sb.st_mode))
				continue;
			n = snprintf(pid, sizeof(pid), "%s/%s", de->d_name,
			    pe->d_name);
			if (n < 0 || (size_t)n >= sizeof(pid))
				pid[0] = '\0';
			for (settled = 0, i = 0; i < nrecs && !settled; i++)
				settled = recs[i].source == SRC_LOCAL &&
				    recs[i].state == REC_READY &&
				    recs[i].duration >= 0 &&
				    strcmp(recs[i].provider_id, pid) == 0;
			if (settled)
				continue;
			/*
			 * A part exists only once media reached it; one cut
			 * before its first fragment holds nothing playable.
			 * What it holds is its complete fragments' duration.
			 */
			if (!part_trim(de->d_name, pe->d_name, path, &mi)) {
				log_warnx("relay: stream %s: %s holds no media",
				    de->d_name, pe->d_name);
				ledger_part(r, de->d_name, pe->d_name,
				    REC_FAILED, -1, 0,
				    (gint64)sb.st_mtime * 1000);
				part_discard(path);
				continue;
			}
			log_info("relay: stream %s: %s repaired (%.3f s)",
			    de->d_name, pe->d_name, mi.duration);
			ledger_part(r, de->d_name, pe->d_name, REC_READY,
			    mi.duration, 0, (gint64)sb.st_mtime * 1000);
		}
		free(recs);
		closedir(pd);
	}
	closedir(d);
}

/* ------------------------------------------------------------ outputs */

/* Send a PLI (upstream force-key-unit through the depayloader). */
static void
request_keyframe(struct session *s)
{
	GstPad	*pad;

	if (s->vdepay == NULL || s->main_down)
		return;
	if ((pad = gst_element_get_static_pad(s->vdepay, "src")) == NULL)
		return;
	gst_pad_send_event(pad, gst_video_event_new_upstream_force_key_unit(
	    GST_CLOCK_TIME_NONE, TRUE, s->kf_count++));
	gst_object_unref(pad);
}

/* A sample's PTS in running time, or GST_CLOCK_TIME_NONE. */
static GstClockTime
sample_rt(GstSample *smp)
{
	GstBuffer		*b = gst_sample_get_buffer(smp);
	const GstSegment	*seg = gst_sample_get_segment(smp);
	GstClockTime		 pts;

	if (b == NULL || !GST_CLOCK_TIME_IS_VALID(pts = GST_BUFFER_PTS(b)))
		return GST_CLOCK_TIME_NONE;
	if (seg != NULL && seg->format == GST_FORMAT_TIME)
		pts = gst_segment_to_running_time(seg, GST_FORMAT_TIME, pts);
	return pts;
}

/*
 * Push one sample into an appsrc, in running time.  Under olock.  A
 * sample before the last one pushed on that track is dropped (a muxer
 * wants its timestamps in order); a replayed one (replay) is dropped
 * also when equal, so a replay can never duplicate.
 */
static void
out_push(struct output *o, GstElement *src, GstCaps **have,
    GstSample *smp, int replay)
{
	GstBuffer	*b = gst_sample_get_buffer(smp), *nb;
	GstCaps		*caps = gst_sample_get_caps(smp);
	const GstSegment *seg = gst_sample_get_segment(smp);
	GstClockTime	 pts, dts, end;

	if (b == NULL)
		return;
	if (caps != NULL && (*have == NULL || !gst_caps_is_equal(*have,
	    caps))) {
		gst_caps_replace(have, caps);
		gst_app_src_set_caps(GST_APP_SRC(src), caps);
	}
	pts = GST_BUFFER_PTS(b);
	dts = GST_BUFFER_DTS(b);
	if (seg != NULL && seg->format == GST_FORMAT_TIME) {
		if (GST_CLOCK_TIME_IS_VALID(pts))
			pts = gst_segment_to_running_time(seg, GST_FORMAT_TIME,
			    pts);
		if (GST_CLOCK_TIME_IS_VALID(dts))
			dts = gst_segment_to_running_time(seg, GST_FORMAT_TIME,
			    dts);
	}
	{
		GstClockTime	*last = src == o->vsrc ? &o->vlast :
				    &o->alast;

		if (GST_CLOCK_TIME_IS_VALID(pts) &&
		    GST_CLOCK_TIME_IS_VALID(*last) && (pts < *last ||
		    (replay && pts == *last))) {
			o->backwards++;
			if (*last - pts > o->backwards_max)
				o->backwards_max = *last - pts;
			return;
		}
		if (GST_CLOCK_TIME_IS_VALID(pts))
			*last = pts;
	}
	nb = gst_buffer_copy(b);
	GST_BUFFER_PTS(nb) = pts;
	GST_BUFFER_DTS(nb) = dts;
	if (GST_CLOCK_TIME_IS_VALID(pts)) {
		if (!GST_CLOCK_TIME_IS_VALID(o->first_ts))
			o->first_ts = pts;
		end = pts + (GST_BUFFER_DURATION_IS_VALID(b) ?
		    GST_BUFFER_DURATION(b) : 0);
		if (!GST_CLOCK_TIME_IS_VALID(o->last_ts) || end > o->last_ts)
			o->last_ts = end;
	}
	o->bytes += gst_buffer_get_size(b);
	if (!o->media_new && o->media_ms == 0) {
		o->media_new = 1;
		o->media_ms = now_ms();
	}
	gst_app_src_push_buffer(GST_APP_SRC(src), nb);
}

/* The kept audio from running time from on, into one output. */
static void
ring_replay(struct session *s, struct output *o, GstClockTime from)
{
	GList		*l;
	GstClockTime	 t;

	for (l = s->aring.head; l != NULL; l = l->next) {
		t = sample_rt(l->data);
		if (GST_CLOCK_TIME_IS_VALID(t) && GST_CLOCK_TIME_IS_VALID(from) &&
		    t < from)
			continue;
		out_push(o, o->asrc, &o->acaps, l->data, 1);
	}
}

/*
 * A sample of one kind for one output.  Under olock.  An output waits
 * for a key frame (one built for audio alone: any frame) and then first takes
 * the audio of that instant it already missed; it goes back to waiting
 * when its queue is too full, so it resumes cleanly.
 */
static void
out_feed(struct session *s, struct output *o, GstSample *smp, int video,
    int key, int replay)
{
	GstElement	*src;

	if (o->state != OUT_WAITKEY && o->state != OUT_RUNNING)
		return;
	if ((src = video ? o->vsrc : o->asrc) == NULL)
		return;
	if (o->state == OUT_WAITKEY) {
		if (video && key) {
			o->state = OUT_RUNNING;
			if (o->asrc != NULL)
				ring_replay(s, o, sample_rt(smp));
		} else if (!video && o->vsrc == NULL) {
			/* Built for audio alone: no gap after a rebuild. */
			o->state = OUT_RUNNING;
			if (GST_CLOCK_TIME_IS_VALID(o->resume_at))
				ring_replay(s, o, o->resume_at + 1);
		} else
			return;
		o->resume_at = GST_CLOCK_TIME_NONE;
	}
	if (gst_app_src_get_current_level_bytes(GST_APP_SRC(src)) >
	    OUT_QUEUE_HIGH) {
		o->state = OUT_WAITKEY;
		return;
	}
	out_push(o, src, video ? &o->vcaps : &o->acaps, smp, replay);
}

/* A sample for every output.  Under olock. */
static void
outs_feed(struct session *s, GstSample *smp, int video, int key)
{
	int	 i;

	for (i = 0; i < OUT__MAX; i++)
		out_feed(s, &s->outs[i], smp, video, key, 0);
}

/* Keep the last ARING_SPAN of audio.  Under olock. */
static void
ring_add(struct session *s, GstSample *smp)
{
	GstClockTime	 t = sample_rt(smp), h;

	g_queue_push_tail(&s->aring, gst_sample_ref(smp));
	while (g_queue_get_length(&s->aring) > ARING_MAX_SAMPLES ||
	    (GST_CLOCK_TIME_IS_VALID(t) && GST_CLOCK_TIME_IS_VALID(h =
	    sample_rt(g_queue_peek_head(&s->aring))) && h + ARING_SPAN < t))
		gst_sample_unref(g_queue_pop_head(&s->aring));
}

/* Keep the current GOP (from the last key frame on).  Under olock. */
static void
gop_add(struct session *s, GstSample *smp, int video, int key)
{
	GstSample	*old;
	GstBuffer	*b = gst_sample_get_buffer(smp);
	size_t		 len = b != NULL ? gst_buffer_get_size(b) : 0;

	if (!video)
		return;
	if (key) {
		while ((old = g_queue_pop_head(&s->gop)) != NULL)
			gst_sample_unref(old);
		s->gop_bytes = 0;
		s->gop_valid = 1;
	}
	if (!s->gop_valid)
		return;
	if (g_queue_get_length(&s->gop) >= GOP_MAX_SAMPLES ||
	    s->gop_bytes + len > GOP_MAX_BYTES) {
		while ((old = g_queue_pop_head(&s->gop)) != NULL)
			gst_sample_unref(old);
		s->gop_bytes = 0;
		s->gop_valid = 0;
		return;
	}
	g_queue_push_tail(&s->gop, gst_sample_ref(smp));
	s->gop_bytes += len;
}

static gboolean
on_first_media(gpointer p)
{
	struct session	*s = p;
	struct relay	*r = s->r;
	enum db_res	 res;

	if (s->state != SESS_CONNECTING)
		return G_SOURCE_REMOVE;
	s->state = SESS_LIVE;
	s->first_media_ms = now_ms();
	log_info("relay: session %s of stream %s: media after %lld ms",
	    s->tag, s->stream_id, (long long)(s->first_media_ms -
	    s->created_ms));
	if (r->db != NULL && (res = db_stream_advance(r->db, s->stream_id,
	    STREAM_LIVE, s->first_media_ms)) != DB_OK)
		log_warnx("relay: stream %s: cannot mark live (%d)",
		    s->stream_id, (int)res);
	return G_SOURCE_REMOVE;
}

/* Start every enabled output once: the pushes first, on the critical path. */
static void
outs_start(struct session *s)
{
	int	 i;

	s->outputs_started = 1;
	for (i = OUT__MAX - 1; i >= 0; i--)
		if (s->outs[i].enabled)
			out_start(&s->outs[i]);
}

static gboolean
on_first_key(gpointer p)
{
	struct session	*s = p;

	if (s->state != SESS_CONNECTING && s->state != SESS_LIVE)
		return G_SOURCE_REMOVE;
	if (s->state == SESS_CONNECTING)
		on_first_media(s);
	if (!s->outputs_started)
		outs_start(s);
	return G_SOURCE_REMOVE;
}

/* appsink callback, in a streaming thread. */
static GstFlowReturn
on_sample(GstAppSink *sink, gpointer p)
{
	struct session	*s = p;
	GstSample	*smp;
	GstBuffer	*b;
	int		 video = GST_ELEMENT(sink) == s->vsink, key, first = 0;
	int		 firstkey = 0;

	if ((smp = gst_app_sink_pull_sample(sink)) == NULL)
		return GST_FLOW_OK;
	b = gst_sample_get_buffer(smp);
	key = b != NULL && !GST_BUFFER_FLAG_IS_SET(b,
	    GST_BUFFER_FLAG_DELTA_UNIT);
	g_mutex_lock(&s->olock);
	if (video && key)
		s->keyframes++;
	if (video)
		s->last_video_us = g_get_monotonic_time();
	else {
		s->last_audio_us = g_get_monotonic_time();
		if (s->first_audio_us == 0)
			s->first_audio_us = s->last_audio_us;
	}
	if (!s->media_flag) {
		s->media_flag = 1;
		first = 1;
	}
	/* Outputs start at the first key frame (audio-only: at once). */
	if (!s->key_flag && ((video && key) || !s->offer.video.present)) {
		s->key_flag = 1;
		firstkey = 1;
	}
	gop_add(s, smp, video, key);
	outs_feed(s, smp, video, key);
	if (!video)
		ring_add(s, smp);
	g_mutex_unlock(&s->olock);
	gst_sample_unref(smp);
	if (first)
		g_main_context_invoke_full(s->r->ctx, G_PRIORITY_DEFAULT,
		    on_first_media, session_ref(s), session_unref);
	if (firstkey)
		g_main_context_invoke_full(s->r->ctx, G_PRIORITY_DEFAULT,
		    on_first_key, session_ref(s), session_unref);
	return GST_FLOW_OK;
}

/* An RTP packet left webrtcbin: count it (streaming thread). */
static GstPadProbeReturn
on_rtp(GstPad *pad, GstPadProbeInfo *info, gpointer p)
{
	struct session	*s = p;
	GstBuffer	*b = GST_PAD_PROBE_INFO_BUFFER(info);
	gsize		 len = b != NULL ? gst_buffer_get_size(b) : 0;
	int		 video = GPOINTER_TO_INT(g_object_get_data(
			    G_OBJECT(pad), "vigil-video"));

	g_mutex_lock(&s->olock);
	if (video) {
		s->vpackets++;
		s->vbytes += len;
	} else {
		s->apackets++;
		s->abytes += len;
	}
	s->last_media_us = g_get_monotonic_time();
	g_mutex_unlock(&s->olock);
	return GST_PAD_PROBE_OK;
}

/* The pipeline description of an output, by kind and tracks. */
static const char *
out_desc(enum out_kind k, int v, int a)
{
	/*
	 * Every sink async=false: nothing ever waits for preroll.  The
	 * appsrcs are live with 2 s of latency: what they get is up to
	 * ~2.3 s old (the jitterbuffer's 200 ms, a replayed GOP), and a
	 * live muxer that is told less stops waiting for the other track
	 * and writes backwards timestamps (flvmux "Got backwards dts").
	 * In steady state both tracks are there and nothing waits.
	 */
#define SRC "format=time is-live=true do-timestamp=false block=false " \
	"max-bytes=8388608 min-latency=2000000000 stream-type=stream"
#define FMUX "flvmux name=mux streamable=true ! rtmp2sink name=sink " \
	"async=false sync=false "
	/*
	 * Fragmented MP4, each fragment written at once (no stdio buffer):
	 * a killed process leaves a file playable to its last second.
	 * streamable: mp4mux 1.22 never seeks back to rewrite the moov at
	 * EOS, which, when the final moov is larger than the first one,
	 * overwrites the first fragment and ruins the file.
	 */
#define MMUX "mp4mux name=mux fragment-duration=1000 streamable=true ! " \
	"filesink name=sink async=false sync=false buffer-mode=unbuffered "
	/*
	 * The part's video is avc3: SPS/PPS in-band before every IDR, so a
	 * resolution change (Chromium adapts to CPU and bandwidth) needs no
	 * new caps in the muxer -- mp4mux 1.22 answers new caps in a
	 * fragmented file by writing a new moov over its first fragment.
	 * out_start() drops the caps events after the first (on_mp4_caps).
	 */
#define VMP4 "appsrc name=vsrc " SRC " ! h264parse config-interval=-1 ! " \
	"video/x-h264,stream-format=avc3,alignment=au ! mux.video_0 "
#define HLS "hlssink2 name=hls target-duration=2 playlist-length=10 " \
	"max-files=20 async-handling=true "
#define VHLS "appsrc name=vsrc " SRC " ! h264parse config-interval=-1 ! " \
	"video/x-h264," \
	"stream-format=byte-stream,alignment=au ! hls.video "
#define AHLS "appsrc name=asrc " SRC " ! aacparse ! hls.audio "
	/* Pads by name: at parse time no caps tell them apart. */
	switch (k) {
	case OUT_RECORDING:
		if (v && a)
			return MMUX VMP4 "appsrc name=asrc " SRC " ! mux.audio_0";
		return v ? MMUX VMP4 : MMUX "appsrc name=asrc " SRC
		    " ! mux.audio_0";
	case OUT_HLS:
		if (v && a)
			return HLS VHLS AHLS;
		return v ? HLS VHLS : HLS AHLS;
	default:
		if (v && a)
			return FMUX "appsrc name=vsrc " SRC " ! mux.video "
			    "appsrc name=asrc " SRC " ! mux.audio";
		return v ? FMUX "appsrc name=vsrc " SRC " ! mux.video" :
		    FMUX "appsrc name=asrc " SRC " ! mux.audio";
	}
#undef SRC
#undef FMUX
#undef MMUX
#undef HLS
#undef VHLS
#undef AHLS
#undef VMP4
}

/* The first buffer reaches an output's sink (streaming thread). */
static GstPadProbeReturn
on_out_first(GstPad *pad, GstPadProbeInfo *info, gpointer p)
{
	struct output	*o = p;

	g_mutex_lock(&o->s->olock);
	if (o->out_ms == 0)
		o->out_ms = now_ms();
	g_mutex_unlock(&o->s->olock);
	return GST_PAD_PROBE_REMOVE;
}

/*
 * The MP4 part's video pad keeps its first caps (see VMP4): later caps
 * events are dropped; the new parameter sets are in-band (avc3).
 */
static GstPadProbeReturn
on_mp4_caps(GstPad *pad, GstPadProbeInfo *info, gpointer p)
{
	GstEvent	*ev = GST_PAD_PROBE_INFO_EVENT(info);
	GstCaps		*cur;
	int		 complete;

	if (GST_EVENT_TYPE(ev) != GST_EVENT_CAPS)
		return GST_PAD_PROBE_OK;
	/* Only once the muxer has caps with the parameter sets. */
	if ((cur = gst_pad_get_current_caps(pad)) == NULL)
		return GST_PAD_PROBE_OK;
	complete = gst_caps_get_size(cur) > 0 && gst_structure_has_field(
	    gst_caps_get_structure(cur, 0), "codec_data");
	gst_caps_unref(cur);
	return complete ? GST_PAD_PROBE_DROP : GST_PAD_PROBE_OK;
}

static gboolean	 on_out_bus(GstBus *bus, GstMessage *m, gpointer p);
static gboolean	 on_out_retry(gpointer p);

/* After an output's pipeline is gone: the ledger, what comes next. */
static void
out_gone(gpointer p)
{
	struct output	*o = p;
	struct session	*s = o->s;
	struct relay	*r = s->r;
	struct mp4_info	 mi;
	double		 dur = -1;
	int		 ok, rebuild;

	if (o->kind == OUT_RECORDING && o->path[0] != '\0') {
		ok = part_trim(s->stream_id, o->name, o->path, &mi);
		if (mi.cut > 0)
			dur = mi.duration;	/* what the file now holds */
		else if (GST_CLOCK_TIME_IS_VALID(o->first_ts) &&
		    GST_CLOCK_TIME_IS_VALID(o->last_ts) &&
		    o->last_ts > o->first_ts)
			dur = (double)(o->last_ts - o->first_ts) / GST_SECOND;
		if (!ok) {
			/* Nothing playable: failed, and no file left. */
			part_discard(o->path);
			if (o->ledger)
				ledger_part(r, s->stream_id, o->name,
				    REC_FAILED, -1, o->media_ms, now_ms());
		} else {
			if (!o->ledger)
				ledger_part(r, s->stream_id, o->name,
				    REC_RECORDING, -1, o->media_ms, 0);
			ledger_part(r, s->stream_id, o->name, REC_READY, dur,
			    o->media_ms, now_ms());
		}
		log_info("relay: stream %s: %s %s (%.3f s)", s->stream_id,
		    o->name, ok ? "ready" : "holds no media", dur);
		o->path[0] = '\0';
		o->ledger = 0;
	}
	rebuild = o->rebuild;
	o->rebuild = 0;
	if (rebuild && s->state == SESS_LIVE && !r->stopping) {
		/* A new build for audio alone, or with video again. */
		g_mutex_lock(&s->olock);
		o->state = OUT_RETRY;
		o->resume_at = o->alast;
		g_mutex_unlock(&s->olock);
		o->timer = timer_add(r, 0, on_out_retry, o);
	} else if (o->state == OUT_RETRY && (s->state == SESS_LIVE ||
	    s->state == SESS_CONNECTING) && !r->stopping) {
		guint	 ms = LIM_RELAY_RETRY_FIRST_MS;
		int	 i;

		for (i = 1; i < o->attempts && ms < LIM_RELAY_RETRY_MAX_MS;
		    i++)
			ms *= 2;
		if (ms > LIM_RELAY_RETRY_MAX_MS)
			ms = LIM_RELAY_RETRY_MAX_MS;
		log_info("relay: session %s: %s retries in %u ms (attempt "
		    "%d)", s->tag, out_names[o->kind], ms, o->attempts + 1);
		o->timer = timer_add(r, ms, on_out_retry, o);
	} else if (o->state != OUT_DONE) {
		g_mutex_lock(&s->olock);
		o->state = OUT_DONE;
		g_mutex_unlock(&s->olock);
	}
	session_check_done(s);
	session_unref(s);
}

/*
 * Stop an output now: its pipeline to NULL (in a thread), the ledger.
 * next is OUT_RETRY (rebuild later) or OUT_DONE.
 */
static void
out_stop(struct output *o, enum out_state next)
{
	struct session	*s = o->s;
	GstElement	*pipe = o->pipe;
	GstBus		*bus;

	timer_cancel(&o->timer);
	if (pipe == NULL) {
		g_mutex_lock(&s->olock);
		o->state = next == OUT_RETRY ? OUT_RETRY : OUT_DONE;
		g_mutex_unlock(&s->olock);
		session_ref(s);		/* out_gone drops it */
		out_gone(o);
		return;
	}
	if (o->bus_watch != 0) {
		bus = gst_element_get_bus(pipe);
		gst_bus_remove_watch(bus);
		gst_object_unref(bus);
		o->bus_watch = 0;
	}
	g_mutex_lock(&s->olock);
	o->state = next;
	if (o->vsrc != NULL)
		gst_object_unref(o->vsrc);
	if (o->asrc != NULL)
		gst_object_unref(o->asrc);
	o->vsrc = o->asrc = NULL;
	gst_clear_caps(&o->vcaps);
	gst_clear_caps(&o->acaps);
	g_mutex_unlock(&s->olock);
	o->pipe = NULL;
	session_ref(s);		/* out_gone drops it */
	teardown(s->r, pipe, out_gone, o);
}

static gboolean
on_out_watchdog(gpointer p)
{
	struct output	*o = p;

	timer_fired(&o->timer);
	log_warnx("relay: session %s: %s did not finish in %d ms, stopped",
	    o->s->tag, out_names[o->kind], LIM_RELAY_EOS_MS);
	out_stop(o, OUT_DONE);
	return G_SOURCE_REMOVE;
}

/* End an output cleanly: EOS into its appsrcs, a watchdog. */
static void
out_drain(struct output *o)
{
	struct session	*s = o->s;

	timer_cancel(&o->timer);
	if (o->pipe == NULL) {
		out_stop(o, OUT_DONE);
		return;
	}
	g_mutex_lock(&s->olock);
	o->state = OUT_DRAINING;
	/* Only queued by appsrc: this never blocks. */
	if (o->vsrc != NULL)
		gst_app_src_end_of_stream(GST_APP_SRC(o->vsrc));
	if (o->asrc != NULL)
		gst_app_src_end_of_stream(GST_APP_SRC(o->asrc));
	g_mutex_unlock(&s->olock);
	o->timer = timer_add(s->r, LIM_RELAY_EOS_MS, on_out_watchdog, o);
}

static gboolean
on_out_retry(gpointer p)
{
	struct output	*o = p;

	timer_fired(&o->timer);
	if (o->s->state == SESS_LIVE || o->s->state == SESS_CONNECTING)
		out_start(o);
	return G_SOURCE_REMOVE;
}

static gboolean
on_out_bus(GstBus *bus, GstMessage *m, gpointer p)
{
	struct output	*o = p;
	GError		*err = NULL;
	gchar		*dbg = NULL;

	switch (GST_MESSAGE_TYPE(m)) {
	case GST_MESSAGE_ERROR:
		gst_message_parse_error(m, &err, &dbg);
		/* The message names the element and the error, no URL. */
		snprintf(o->error, sizeof(o->error), "%s",
		    err != NULL ? err->message : "error");
		log_warnx("relay: session %s: %s failed: %s (from %s)",
		    o->s->tag, out_names[o->kind], o->error,
		    GST_OBJECT_NAME(GST_MESSAGE_SRC(m)));
		/* A push's details may name its location: the stream key. */
		if (o->kind == OUT_RECORDING || o->kind == OUT_HLS)
			log_debug("relay: %s", dbg != NULL ? dbg : "");
		g_clear_error(&err);
		g_free(dbg);
		o->attempts++;
		out_stop(o, o->state == OUT_DRAINING ? OUT_DONE : OUT_RETRY);
		return G_SOURCE_REMOVE;
	case GST_MESSAGE_EOS:
		log_debug("relay: session %s: %s finished", o->s->tag,
		    out_names[o->kind]);
		out_stop(o, OUT_DONE);
		return G_SOURCE_REMOVE;
	default:
		break;
	}
	return G_SOURCE_CONTINUE;
}

/*
 * Build and start an output's pipeline, and feed it the current GOP so
 * it begins with a key frame.  A failure to build schedules a retry.
 */
static void
out_start(struct output *o)
{
	struct session	*s = o->s;
	struct relay	*r = s->r;
	GstElement	*pipe = NULL, *el;
	GstBus		*bus;
	GError		*err = NULL;
	GList		*l;
	char		 dir[PATH_MAX], loc[PATH_MAX], pl[PATH_MAX];
	int		 v = s->offer.video.present && s->out_video;
	int		 a = s->offer.audio.present;
	int		 n;

	o->error[0] = '\0';
	o->video = v;
	pipe = gst_parse_launch(out_desc(o->kind, v, a), &err);
	if (pipe == NULL || err != NULL) {
		log_warnx("relay: session %s: cannot build %s: %s", s->tag,
		    out_names[o->kind], err != NULL ? err->message : "?");
		g_clear_error(&err);
		goto fail;
	}
	switch (o->kind) {
	case OUT_RECORDING:
		if (stream_dir(r, s->stream_id, dir, sizeof(dir)) == -1)
			goto fail;
		o->part = next_part(r, s->stream_id, dir);
		snprintf(o->name, sizeof(o->name), "part-%d.mp4", o->part);
		n = snprintf(o->path, sizeof(o->path), "%s/%s", dir,
		    o->name);
		if (n < 0 || (size_t)n >= sizeof(o->path))
			goto fail;
		el = gst_bin_get_by_name(GST_BIN(pipe), "sink");
		g_object_set(el, "location", o->path, NULL);
		gst_object_unref(el);
		if (v) {
			GstPad	*vp;

			el = gst_bin_get_by_name(GST_BIN(pipe), "mux");
			if ((vp = gst_element_get_static_pad(el, "video_0")) !=
			    NULL) {
				gst_pad_add_probe(vp,
				    GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM,
				    on_mp4_caps, NULL, NULL);
				gst_object_unref(vp);
			}
			gst_object_unref(el);
		}
		break;
	case OUT_HLS:
		if (stream_dir(r, s->stream_id, dir, sizeof(dir)) == -1)
			goto fail;
		n = snprintf(loc, sizeof(loc), "%s/live-%d-%d-%%05d.ts", dir,
		    s->seq, o->starts);
		if (n < 0 || (size_t)n >= sizeof(loc) ||
		    snprintf(pl, sizeof(pl), "%s/live.m3u8", dir) >=
		    (int)sizeof(pl))
			goto fail;
		el = gst_bin_get_by_name(GST_BIN(pipe), "hls");
		g_object_set(el, "location", loc, "playlist-location", pl,
		    NULL);
		gst_object_unref(el);
		snprintf(loc, sizeof(loc), "live-%d-%d-", s->seq, o->starts);
		hls_sweep(dir, loc);
		break;
	default:
		el = gst_bin_get_by_name(GST_BIN(pipe), "sink");
		g_object_set(el, "location", o->location, NULL);
		gst_object_unref(el);
		break;
	}
	/* When the first bytes reach the sink (statistics, the log). */
	if ((el = gst_bin_get_by_name(GST_BIN(pipe), o->kind == OUT_HLS ?
	    "hls" : "sink")) != NULL) {
		GstPad	*sp = gst_element_get_static_pad(el, "sink");

		if (sp == NULL)
			sp = gst_element_get_static_pad(el, "video");
		if (sp != NULL) {
			gst_pad_add_probe(sp, GST_PAD_PROBE_TYPE_BUFFER,
			    on_out_first, o, NULL);
			gst_object_unref(sp);
		}
		gst_object_unref(el);
	}
	o->starts++;
	o->first_ts = o->last_ts = GST_CLOCK_TIME_NONE;
	o->vlast = o->alast = GST_CLOCK_TIME_NONE;
	o->backwards = o->backwards_logged = 0;
	o->backwards_max = 0;
	o->bytes = 0;
	o->media_ms = 0;
	o->media_new = 0;
	o->out_ms = 0;
	o->out_logged = 0;
	o->ledger = 0;
	/* The main pipeline's clock and base time: the same timeline. */
	gst_pipeline_use_clock(GST_PIPELINE(pipe), r->clock);
	gst_element_set_start_time(pipe, GST_CLOCK_TIME_NONE);
	gst_element_set_base_time(pipe, gst_element_get_base_time(s->pipe));
	bus = gst_element_get_bus(pipe);
	o->bus_watch = gst_bus_add_watch(bus, on_out_bus, o);
	gst_object_unref(bus);
	if (gst_element_set_state(pipe, GST_STATE_PLAYING) ==
	    GST_STATE_CHANGE_FAILURE) {
		log_warnx("relay: session %s: %s would not start", s->tag,
		    out_names[o->kind]);
		o->pipe = pipe;
		o->attempts++;
		out_stop(o, OUT_RETRY);
		return;
	}
	o->pipe = pipe;
	o->running_since = g_get_monotonic_time();
	g_mutex_lock(&s->olock);
	o->vsrc = v ? gst_bin_get_by_name(GST_BIN(pipe), "vsrc") : NULL;
	o->asrc = a ? gst_bin_get_by_name(GST_BIN(pipe), "asrc") : NULL;
	o->state = OUT_WAITKEY;
	/* The GOP so far: the output starts at its key frame, now. */
	if (s->gop_valid)
		for (l = s->gop.head; l != NULL; l = l->next) {
			GstBuffer	*b = gst_sample_get_buffer(l->data);

			out_feed(s, o, l->data, 1, b != NULL &&
			    !GST_BUFFER_FLAG_IS_SET(b,
			    GST_BUFFER_FLAG_DELTA_UNIT), 1);
		}
	g_mutex_unlock(&s->olock);
	log_info("relay: session %s: %s started%s", s->tag,
	    out_names[o->kind], o->starts > 1 ? " again" : "");
	request_keyframe(s);
	return;
fail:
	if (pipe != NULL)
		gst_object_unref(pipe);
	o->path[0] = '\0';
	o->attempts++;
	g_mutex_lock(&s->olock);
	o->state = OUT_RETRY;
	g_mutex_unlock(&s->olock);
	session_ref(s);
	out_gone(o);
}

/* ------------------------------------------------------------ sessions */

static void
session_history(struct session *s)
{
	struct relay	*r = s->r;
	cJSON		*o;
	int		 i, count = 0;
	GList		*l, *next;

	/* The snapshot, with the session's final numbers. */
	if ((o = session_json(s)) == NULL)
		return;
	cJSON_AddStringToObject(o, "_stream", s->stream_id);
	g_queue_push_head(&r->history, o);
	/* At most HISTORY_PER_STREAM per stream, HISTORY_MAX in all. */
	for (l = r->history.head; l != NULL; l = next) {
		cJSON	*h = l->data;
		cJSON	*sid = cJSON_GetObjectItemCaseSensitive(h, "_stream");

		next = l->next;
		if (cJSON_IsString(sid) && strcmp(sid->valuestring,
		    s->stream_id) == 0 && ++count > HISTORY_PER_STREAM) {
			cJSON_Delete(h);
			g_queue_delete_link(&r->history, l);
		}
	}
	for (i = (int)g_queue_get_length(&r->history); i > HISTORY_MAX; i--)
		cJSON_Delete(g_queue_pop_tail(&r->history));
}

/* Is the session over: outputs and main pipeline all gone? */
static void
session_check_done(struct session *s)
{
	struct relay	*r = s->r;
	GList		*l;
	int		 i;

	if (s->state != SESS_ENDING || !s->main_down)
		return;
	for (i = 0; i < OUT__MAX; i++)
		if (s->outs[i].pipe != NULL || s->outs[i].timer != NULL)
			return;
	s->state = SESS_ENDED;
	s->ended_ms = now_ms();
	log_info("relay: session %s of stream %s ended (%s)", s->tag,
	    s->stream_id, s->end_reason);
	session_history(s);
	for (l = s->waiters; l != NULL; l = l->next) {
		job_finish(l->data, RELAY_OK);
		job_unref(l->data);
	}
	g_list_free(s->waiters);
	s->waiters = NULL;
	g_hash_table_remove(r->sessions, s->id);	/* drops its ref */
	shutdown_check(r);
}

static void
main_gone(gpointer p)
{
	struct session	*s = p;

	s->main_down = 1;
	session_check_done(s);
	session_unref(s);
}

/*
 * End a session: outputs get EOS (or stop), the main pipeline goes.
 * Idempotent.  The session leaves the table when everything is gone.
 */
static void
session_end(struct session *s, const char *reason)
{
	GstElement	*pipe;
	GstBus		*bus;
	int		 i;

	if (s->state == SESS_ENDING || s->state == SESS_ENDED)
		return;
	log_info("relay: session %s of stream %s ending: %s", s->tag,
	    s->stream_id, reason);
	strlcpy(s->end_reason, reason, sizeof(s->end_reason));
	s->state = SESS_ENDING;
	s->ended_ms = now_ms();
	timer_cancel(&s->gather_timer);
	if (s->pending != NULL) {
		job_finish(s->pending, RELAY_ERR);
		job_unref(s->pending);
		s->pending = NULL;
	}
	for (i = 0; i < OUT__MAX; i++) {
		struct output	*o = &s->outs[i];

		if (o->pipe != NULL)
			out_drain(o);
		else if (o->timer != NULL) {
			timer_cancel(&o->timer);
			o->state = OUT_DONE;
		}
	}
	if ((pipe = s->pipe) != NULL) {
		if (s->bus_watch != 0) {
			bus = gst_element_get_bus(pipe);
			gst_bus_remove_watch(bus);
			gst_object_unref(bus);
			s->bus_watch = 0;
		}
		/* The appsinks' callbacks see ENDING outputs: no pushes. */
		s->pipe = NULL;
		s->webrtc = s->vdepay = s->vsink = s->asink = NULL;
		teardown(s->r, pipe, main_gone, session_ref(s));
	} else
		s->main_down = 1;
	session_check_done(s);
}

static gboolean
on_main_bus(GstBus *bus, GstMessage *m, gpointer p)
{
	struct session	*s = p;
	GError		*err = NULL;
	gchar		*dbg = NULL;

	if (GST_MESSAGE_TYPE(m) != GST_MESSAGE_ERROR)
		return G_SOURCE_CONTINUE;
	gst_message_parse_error(m, &err, &dbg);
	log_warnx("relay: session %s: %s (from %s)", s->tag,
	    err != NULL ? err->message : "error",
	    GST_OBJECT_NAME(GST_MESSAGE_SRC(m)));
	log_debug("relay: %s", dbg != NULL ? dbg : "");
	g_clear_error(&err);
	g_free(dbg);
	s->bus_watch = 0;
	session_end(s, "pipeline-error");
	return G_SOURCE_REMOVE;
}

/* A src pad of webrtcbin: link it to its chain (streaming thread). */
static void
on_pad_added(GstElement *webrtc, GstPad *pad, gpointer p)
{
	struct session	*s = p;
	GstElement	*chain = NULL, *bin, *fake;
	GstCaps		*caps;
	GstStructure	*st;
	GstPad		*sink;
	const char	*media = NULL;
	int		 video;

	if (GST_PAD_DIRECTION(pad) != GST_PAD_SRC)
		return;
	if ((caps = gst_pad_get_current_caps(pad)) == NULL)
		caps = gst_pad_query_caps(pad, NULL);
	st = caps != NULL && gst_caps_get_size(caps) > 0 ?
	    gst_caps_get_structure(caps, 0) : NULL;
	if (st != NULL)
		media = gst_structure_get_string(st, "media");
	video = media != NULL && strcmp(media, "video") == 0;
	bin = GST_ELEMENT(gst_element_get_parent(webrtc));
	if (bin != NULL) {
		chain = gst_bin_get_by_name(GST_BIN(bin), video ? "vchain" :
		    "achain");
		if (chain != NULL && (sink = gst_element_get_static_pad(chain,
		    "sink")) != NULL) {
			if (gst_pad_is_linked(sink)) {
				gst_object_unref(chain);
				chain = NULL;
			} else if (gst_pad_link(pad, sink) != GST_PAD_LINK_OK) {
				gst_object_unref(chain);
				chain = NULL;
			}
			gst_object_unref(sink);
		}
	}
	if (chain != NULL) {
		g_object_set_data(G_OBJECT(pad), "vigil-video",
		    GINT_TO_POINTER(video));
		gst_pad_add_probe(pad, GST_PAD_PROBE_TYPE_BUFFER, on_rtp, s,
		    NULL);
		gst_object_unref(chain);
	} else if (bin != NULL) {
		/* Something we did not ask for: swallow it, never stall. */
		fake = gst_element_factory_make("fakesink", NULL);
		g_object_set(fake, "async", FALSE, "sync", FALSE, NULL);
		gst_bin_add(GST_BIN(bin), fake);
		gst_element_sync_state_with_parent(fake);
		sink = gst_element_get_static_pad(fake, "sink");
		gst_pad_link(pad, sink);
		gst_object_unref(sink);
	}
	if (bin != NULL)
		gst_object_unref(bin);
	if (caps != NULL)
		gst_caps_unref(caps);
}

/* Our codec preference for one track (RELAY-NOTES pitfalls 7, 8). */
static GstCaps *
track_caps(const struct sdp_track *t, int video)
{
	GstCaps		*c;
	char		 ext[24];

	if (video)
		c = gst_caps_new_simple("application/x-rtp",
		    "media", G_TYPE_STRING, "video",
		    "encoding-name", G_TYPE_STRING, "H264",
		    "clock-rate", G_TYPE_INT, 90000,
		    "payload", G_TYPE_INT, t->pt,
		    "packetization-mode", G_TYPE_STRING, "1",
		    "profile-level-id", G_TYPE_STRING, t->plid, NULL);
	else
		c = gst_caps_new_simple("application/x-rtp",
		    "media", G_TYPE_STRING, "audio",
		    "encoding-name", G_TYPE_STRING, "OPUS",
		    "clock-rate", G_TYPE_INT, 48000,
		    "payload", G_TYPE_INT, t->pt, NULL);
	if (t->twcc_id > 0) {
		snprintf(ext, sizeof(ext), "extmap-%d", t->twcc_id);
		gst_caps_set_simple(c, ext, G_TYPE_STRING, TWCC_URI, NULL);
	}
	return c;
}

/* The depay/parse/encode chain of a track, ending in an appsink. */
static int
add_chain(struct session *s, int video)
{
	GstElement	*bin = NULL, *sink;
	GError		*err = NULL;
	GstAppSinkCallbacks cb;
	const char	*desc;

	if (video)
		desc = "rtph264depay name=vdepay request-keyframe=true "
		    "wait-for-keyframe=true ! h264parse ! "
		    "video/x-h264,stream-format=avc,alignment=au ! "
		    "appsink name=vsink sync=false async=false "
		    "max-buffers=64 drop=true";
	else
		desc = "rtpopusdepay name=adepay ! opusdec ! audioconvert ! "
		    "audioresample ! audio/x-raw,rate=48000,channels=2 ! "
		    "avenc_aac bitrate=128000 ! aacparse ! "
		    "audio/mpeg,mpegversion=4,stream-format=raw ! "
		    "appsink name=asink sync=false async=false "
		    "max-buffers=64 drop=true";
	/* A bin with a ghost "sink" pad, for on_pad_added to link. */
	bin = gst_parse_bin_from_description_full(desc, TRUE, NULL,
	    GST_PARSE_FLAG_NONE, &err);
	if (bin == NULL || err != NULL) {
		log_warnx("relay: cannot build the %s chain: %s",
		    video ? "video" : "audio", err != NULL ? err->message :
		    "?");
		g_clear_error(&err);
		if (bin != NULL)
			gst_object_unref(bin);
		return -1;
	}
	gst_object_set_name(GST_OBJECT(bin), video ? "vchain" : "achain");
	gst_bin_add(GST_BIN(s->pipe), bin);
	sink = gst_bin_get_by_name(GST_BIN(bin), video ? "vsink" : "asink");
	memset(&cb, 0, sizeof(cb));
	cb.new_sample = on_sample;
	gst_app_sink_set_callbacks(GST_APP_SINK(sink), &cb, s, NULL);
	if (video) {
		s->vsink = sink;
		s->vdepay = gst_bin_get_by_name(GST_BIN(bin), "vdepay");
		gst_object_unref(s->vdepay);	/* the pipeline keeps it */
	} else
		s->asink = sink;
	gst_object_unref(sink);			/* the pipeline keeps it */
	return 0;
}

static gboolean	 on_answer_ready(gpointer p);

static gboolean
on_gather_timeout(gpointer p)
{
	struct session	*s = p;

	timer_fired(&s->gather_timer);
	log_info("relay: session %s: ICE gathering not complete after %d ms, "
	    "answering with what we have", s->tag, LIM_RELAY_GATHER_MS);
	on_answer_ready(s);
	return G_SOURCE_REMOVE;
}

/* The local description is set: answer once gathering completes. */
static gboolean
on_local_set(gpointer p)
{
	struct session		*s = p;
	GstWebRTCICEGatheringState gs;

	if (s->pending == NULL || s->webrtc == NULL)
		return G_SOURCE_REMOVE;
	g_object_get(s->webrtc, "ice-gathering-state", &gs, NULL);
	if (gs == GST_WEBRTC_ICE_GATHERING_STATE_COMPLETE)
		on_answer_ready(s);
	else if (s->gather_timer == NULL)
		s->gather_timer = timer_add(s->r, LIM_RELAY_GATHER_MS,
		    on_gather_timeout, s);
	return G_SOURCE_REMOVE;
}

static gboolean
on_gathered(gpointer p)
{
	struct session	*s = p;

	if (s->pending == NULL || s->gather_timer == NULL)
		return G_SOURCE_REMOVE;
	timer_cancel(&s->gather_timer);
	on_answer_ready(s);
	return G_SOURCE_REMOVE;
}

static void
on_gathering_notify(GstElement *webrtc, GParamSpec *ps, gpointer p)
{
	struct session		*s = p;
	GstWebRTCICEGatheringState gs;

	g_object_get(webrtc, "ice-gathering-state", &gs, NULL);
	if (gs == GST_WEBRTC_ICE_GATHERING_STATE_COMPLETE)
		g_main_context_invoke_full(s->r->ctx, G_PRIORITY_DEFAULT,
		    on_gathered, session_ref(s), session_unref);
}

/* The answer with all candidates: hand it to the waiting POST. */
static gboolean
on_answer_ready(gpointer p)
{
	struct session			*s = p;
	GstWebRTCSessionDescription	*desc = NULL;
	struct job			*j = s->pending;
	gchar				*text = NULL;

	if (j == NULL || s->webrtc == NULL)
		return G_SOURCE_REMOVE;
	s->pending = NULL;
	g_object_get(s->webrtc, "local-description", &desc, NULL);
	if (desc != NULL && desc->sdp != NULL)
		text = gst_sdp_message_as_text(desc->sdp);
	if (desc != NULL)
		gst_webrtc_session_description_free(desc);
	if (text == NULL) {
		job_finish(j, RELAY_ERR);
		job_unref(j);
		session_end(s, "no-answer");
		return G_SOURCE_REMOVE;
	}
	j->answer = text;
	strlcpy(j->session_id, s->id, sizeof(j->session_id));
	strlcpy(j->etag, s->etag, sizeof(j->etag));
	log_info("relay: session %s of stream %s answered in %lld ms",
	    s->tag, s->stream_id, (long long)(now_ms() - s->created_ms));
	if (job_finish(j, RELAY_OK)) {
		log_warnx("relay: session %s: the POST gave up waiting",
		    s->tag);
		session_end(s, "answer-timeout");
	}
	job_unref(j);
	return G_SOURCE_REMOVE;
}

/* What a negotiation step in webrtcbin's thread needs. */
struct neg {
	struct session	*s;
	GstElement	*webrtc;
};

static struct neg *
neg_new(struct session *s, GstElement *webrtc)
{
	struct neg	*n;

	n = g_new0(struct neg, 1);
	n->s = session_ref(s);
	n->webrtc = gst_object_ref(webrtc);
	return n;
}

static void
neg_free(gpointer p)
{
	struct neg	*n = p;

	gst_object_unref(n->webrtc);
	session_unref(n->s);
	g_free(n);
}

static gboolean
on_negotiation_failed(gpointer p)
{
	struct session	*s = p;

	log_warnx("relay: session %s: negotiation failed", s->tag);
	if (s->pending != NULL) {
		job_finish(s->pending, RELAY_ERR);
		job_unref(s->pending);
		s->pending = NULL;
	}
	session_end(s, "negotiation-failed");
	return G_SOURCE_REMOVE;
}

/*
 * Did a promise get a reply without an error?  Called as its change
 * function: the promise belongs to webrtcbin's task by then.  Whoever
 * makes a promise drops its own reference right after handing it over
 * (the signal's handler takes one): webrtcbin drops requests still
 * queued when it stops without ever answering them, and a promise whose
 * maker waited for the answer to unref it would then keep its neg (a
 * session and a webrtcbin) for good.  The neg goes with the promise.
 */
static int
promise_ok(GstPromise *promise, const char *what, GstStructure **keep)
{
	const GstStructure	*reply;
	GError			*err = NULL;
	int			 ok;

	ok = gst_promise_wait(promise) == GST_PROMISE_RESULT_REPLIED;
	reply = ok ? gst_promise_get_reply(promise) : NULL;
	if (reply != NULL && gst_structure_has_field(reply, "error")) {
		gst_structure_get(reply, "error", G_TYPE_ERROR, &err, NULL);
		log_warnx("relay: %s: %s", what, err != NULL ? err->message :
		    "failed");
		g_clear_error(&err);
		ok = 0;
	}
	if (keep != NULL)
		*keep = ok && reply != NULL ? gst_structure_copy(reply) : NULL;
	return ok;
}

/* webrtcbin's thread: the local description is set. */
static void
on_local_promise(GstPromise *promise, gpointer p)
{
	struct neg	*n = p;

	if (!promise_ok(promise, "set-local-description", NULL)) {
		g_main_context_invoke_full(n->s->r->ctx, G_PRIORITY_DEFAULT,
		    on_negotiation_failed, session_ref(n->s), session_unref);
		return;
	}
	g_main_context_invoke_full(n->s->r->ctx, G_PRIORITY_DEFAULT,
	    on_local_set, session_ref(n->s), session_unref);
}

/* webrtcbin's thread: the answer is made; set it as local. */
static void
on_answer_promise(GstPromise *promise, gpointer p)
{
	struct neg			*n = p;
	GstWebRTCSessionDescription	*answer = NULL;
	GstStructure			*reply = NULL;
	GstPromise			*next;

	if (!promise_ok(promise, "create-answer", &reply) || reply == NULL ||
	    !gst_structure_get(reply, "answer",
	    GST_TYPE_WEBRTC_SESSION_DESCRIPTION, &answer, NULL) ||
	    answer == NULL) {
		if (reply != NULL)
			gst_structure_free(reply);
		g_main_context_invoke_full(n->s->r->ctx, G_PRIORITY_DEFAULT,
		    on_negotiation_failed, session_ref(n->s), session_unref);
		return;
	}
	gst_structure_free(reply);
	next = gst_promise_new_with_change_func(on_local_promise,
	    neg_new(n->s, n->webrtc), neg_free);
	g_signal_emit_by_name(n->webrtc, "set-local-description", answer,
	    next);
	gst_promise_unref(next);
	gst_webrtc_session_description_free(answer);
}

/* webrtcbin's thread: the offer is set; make the answer. */
static void
on_remote_promise(GstPromise *promise, gpointer p)
{
	struct neg	*n = p;
	GstPromise	*next;

	if (!promise_ok(promise, "set-remote-description", NULL)) {
		g_main_context_invoke_full(n->s->r->ctx, G_PRIORITY_DEFAULT,
		    on_negotiation_failed, session_ref(n->s), session_unref);
		return;
	}
	next = gst_promise_new_with_change_func(on_answer_promise,
	    neg_new(n->s, n->webrtc), neg_free);
	g_signal_emit_by_name(n->webrtc, "create-answer", NULL, next);
	gst_promise_unref(next);
}

/*
 * ICE: only our configured addresses (which also stops libnice from
 * offering every interface, RELAY-NOTES pitfall 5), no UPnP (pitfall 4:
 * 200 ms per answer), no ICE-TCP, the configured UDP port range.
 */
static void
ice_setup(struct relay *r, GstElement *webrtc)
{
	GObject		*ice = NULL, *nice = NULL;
	GParamSpec	*ps;
	char		**addrs, **a;
	gboolean	 ok;

	g_object_get(webrtc, "ice-agent", &ice, NULL);
	if (ice == NULL)
		return;
	if ((ps = g_object_class_find_property(G_OBJECT_GET_CLASS(ice),
	    "ice-tcp")) != NULL)
		g_object_set(ice, "ice-tcp", FALSE, NULL);
	if (r->port_min > 0 && g_object_class_find_property(
	    G_OBJECT_GET_CLASS(ice), "min-rtp-port") != NULL)
		g_object_set(ice, "min-rtp-port", (guint)r->port_min,
		    "max-rtp-port", (guint)r->port_max, NULL);
	if (g_object_class_find_property(G_OBJECT_GET_CLASS(ice),
	    "agent") != NULL)
		g_object_get(ice, "agent", &nice, NULL);
	if (nice != NULL) {
		if (g_object_class_find_property(G_OBJECT_GET_CLASS(nice),
		    "upnp") != NULL)
			g_object_set(nice, "upnp", FALSE, NULL);
		g_object_unref(nice);
	}
	addrs = g_strsplit(r->addresses, ",", 0);
	for (a = addrs; *a != NULL; a++) {
		ok = FALSE;
		g_signal_emit_by_name(ice, "add-local-ip-address", *a, &ok);
		if (!ok)
			log_warnx("relay: ICE: cannot use address %s", *a);
	}
	g_strfreev(addrs);
	g_object_unref(ice);
}

/* A recvonly transceiver with our preference for one track. */
static int
add_transceiver(GstElement *webrtc, const struct sdp_track *t, int video)
{
	GstWebRTCRTPTransceiver	*tr = NULL;
	GstCaps			*caps = track_caps(t, video);

	g_signal_emit_by_name(webrtc, "add-transceiver",
	    GST_WEBRTC_RTP_TRANSCEIVER_DIRECTION_RECVONLY, caps, &tr);
	gst_caps_unref(caps);
	if (tr == NULL)
		return -1;
	gst_object_unref(tr);
	return 0;
}

/* The configured outputs of a new session. */
static void
outs_init(struct session *s, const struct job *j)
{
	int	 i;

	for (i = 0; i < OUT__MAX; i++) {
		s->outs[i].s = s;
		s->outs[i].kind = (enum out_kind)i;
		s->outs[i].first_ts = s->outs[i].last_ts = GST_CLOCK_TIME_NONE;
		s->outs[i].resume_at = GST_CLOCK_TIME_NONE;
	}
	s->outs[OUT_RECORDING].enabled = 1;
	s->out_video = 1;
	/*
	 * HLS of audio only too: with no camera (or no provider), people
	 * can still listen to the service live.
	 */
	s->outs[OUT_HLS].enabled = 1;
	if (j->cf_url != NULL) {
		s->outs[OUT_CLOUDFLARE].enabled = 1;
		s->outs[OUT_CLOUDFLARE].location = g_strdup(j->cf_url);
	}
	if (j->mux_url != NULL) {
		s->outs[OUT_MUX].enabled = 1;
		s->outs[OUT_MUX].location = g_strdup(j->mux_url);
	}
}

/*
 * Build a session's main pipeline and start negotiating; the answer
 * comes in on_answer_ready().  -1 when nothing could be started.
 */
static int
session_start(struct session *s, struct job *j)
{
	struct relay			*r = s->r;
	GstSDPMessage			*sdp = NULL;
	GstWebRTCSessionDescription	*desc;
	GstPromise			*promise;
	GstBus				*bus;
	int				 first;

	s->pipe = gst_pipeline_new(NULL);
	s->webrtc = gst_element_factory_make("webrtcbin", "webrtc");
	if (s->pipe == NULL || s->webrtc == NULL) {
		log_warnx("relay: webrtcbin is missing (gstreamer1.0-plugins-"
		    "bad, gstreamer1.0-nice)");
		if (s->webrtc != NULL)
			gst_object_unref(s->webrtc);
		s->webrtc = NULL;
		return -1;
	}
	g_object_set(s->webrtc, "bundle-policy",
	    GST_WEBRTC_BUNDLE_POLICY_MAX_BUNDLE, "latency", 200, NULL);
	gst_bin_add(GST_BIN(s->pipe), s->webrtc);
	ice_setup(r, s->webrtc);
	if ((s->offer.video.present && add_chain(s, 1) == -1) ||
	    (s->offer.audio.present && add_chain(s, 0) == -1))
		return -1;
	/* Transceivers in m= line order: webrtcbin matches them by kind. */
	first = s->offer.video.present && (!s->offer.audio.present ||
	    s->offer.video.mline < s->offer.audio.mline);
	if ((first && add_transceiver(s->webrtc, &s->offer.video, 1) == -1) ||
	    (s->offer.audio.present &&
	    add_transceiver(s->webrtc, &s->offer.audio, 0) == -1) ||
	    (!first && s->offer.video.present &&
	    add_transceiver(s->webrtc, &s->offer.video, 1) == -1)) {
		log_warnx("relay: session %s: add-transceiver failed", s->tag);
		return -1;
	}
	g_signal_connect(s->webrtc, "pad-added", G_CALLBACK(on_pad_added), s);
	g_signal_connect(s->webrtc, "notify::ice-gathering-state",
	    G_CALLBACK(on_gathering_notify), s);
	bus = gst_element_get_bus(s->pipe);
	s->bus_watch = gst_bus_add_watch(bus, on_main_bus, s);
	gst_object_unref(bus);
	/* One clock for all pipelines; the outputs take this base time. */
	gst_pipeline_use_clock(GST_PIPELINE(s->pipe), r->clock);
	gst_element_set_start_time(s->pipe, GST_CLOCK_TIME_NONE);
	gst_element_set_base_time(s->pipe, gst_clock_get_time(r->clock));
	if (gst_element_set_state(s->pipe, GST_STATE_PLAYING) ==
	    GST_STATE_CHANGE_FAILURE) {
		log_warnx("relay: session %s: the pipeline would not start",
		    s->tag);
		return -1;
	}
	if (gst_sdp_message_new_from_text(j->offer, &sdp) != GST_SDP_OK) {
		log_warnx("relay: session %s: GStreamer cannot read the "
		    "offer", s->tag);
		if (sdp != NULL)
			gst_sdp_message_free(sdp);
		return -1;
	}
	desc = gst_webrtc_session_description_new(GST_WEBRTC_SDP_TYPE_OFFER,
	    sdp);
	promise = gst_promise_new_with_change_func(on_remote_promise,
	    neg_new(s, s->webrtc), neg_free);
	g_signal_emit_by_name(s->webrtc, "set-remote-description", desc,
	    promise);
	gst_promise_unref(promise);
	gst_webrtc_session_description_free(desc);
	return 0;
}

/* Is s's publisher still sending (or just connecting)? */
static int
session_fresh(const struct session *s)
{
	gint64	 last, now = g_get_monotonic_time();

	g_mutex_lock((GMutex *)&s->olock);
	last = s->last_media_us;
	g_mutex_unlock((GMutex *)&s->olock);
	if (last < s->created_us)
		last = s->created_us;
	return now - last < (gint64)LIM_RELAY_STALE_MS * 1000;
}

static void
do_publish(struct relay *r, struct job *j)
{
	GHashTableIter	 it;
	gpointer	 k, v;
	struct session	*s, *old = NULL;
	char		 dir[PATH_MAX], tag[24];
	int		 active = 0;

	if (r->stopping) {
		job_finish(j, RELAY_FULL);
		return;
	}
	g_hash_table_iter_init(&it, r->sessions);
	while (g_hash_table_iter_next(&it, &k, &v)) {
		s = v;
		if (s->state != SESS_CONNECTING && s->state != SESS_LIVE)
			continue;
		active++;
		if (strcmp(s->stream_id, j->stream_id) == 0)
			old = s;
	}
	if (old != NULL) {
		if (session_fresh(old)) {
			job_finish(j, RELAY_CONFLICT);
			return;
		}
		/* Its media stopped: the new publisher takes over. */
		session_end(old, "replaced");
		active--;
	}
	if (active >= r->max_sessions) {
		log_warnx("relay: %d sessions, the limit: refused stream %s",
		    active, j->stream_id);
		job_finish(j, RELAY_FULL);
		return;
	}
	s = g_new0(struct session, 1);
	s->refs = 1;			/* the table's */
	s->r = r;
	g_mutex_init(&s->olock);
	g_queue_init(&s->gop);
	g_queue_init(&s->aring);
	/* 128 random bits name the session; the ETag is a quoted token. */
	if (crypto_token(s->id, sizeof(s->id), 16) == -1 ||
	    crypto_token(tag, sizeof(tag), 12) == -1) {
		session_unref(s);
		job_finish(j, RELAY_ERR);
		return;
	}
	snprintf(s->etag, sizeof(s->etag), "\"%s\"", tag);
	{
		char	 h[CRYPTO_SHA256_HEX];

		/* Logs name a session by a hash: its id ends broadcasts. */
		crypto_sha256_hex(s->id, strlen(s->id), h);
		strlcpy(s->tag, h, sizeof(s->tag));
	}
	strlcpy(s->stream_id, j->stream_id, sizeof(s->stream_id));
	s->offer = j->policy;
	s->created_us = g_get_monotonic_time();
	s->created_ms = now_ms();
	s->state = SESS_CONNECTING;
	s->seq = stream_dir(r, s->stream_id, dir, sizeof(dir)) == 0 ?
	    next_part(r, s->stream_id, dir) : 1;
	strlcpy(s->ice_state, "new", sizeof(s->ice_state));
	strlcpy(s->conn_state, "new", sizeof(s->conn_state));
	outs_init(s, j);
	g_hash_table_insert(r->sessions, s->id, s);
	s->pending = job_ref(j);
	log_info("relay: session %s for stream %s (%s%s%s)", s->tag,
	    s->stream_id, s->offer.video.present ? "H.264 " : "",
	    s->offer.video.present ? sdp_h264_profile_names[
	    s->offer.video.profile] : "", s->offer.audio.present ?
	    (s->offer.video.present ? " + Opus" : "Opus") : "");
	if (session_start(s, j) == -1)
		session_end(s, "start-failed");
}

static void
do_trickle(struct relay *r, struct job *j)
{
	struct session	*s = session_find(r, j->session_id);
	struct sdp_frag	*f;
	const char	*why;
	size_t		 i;

	if (s == NULL || strcmp(s->stream_id, j->stream_id) != 0 ||
	    (s->state != SESS_CONNECTING && s->state != SESS_LIVE)) {
		job_finish(j, RELAY_NOT_FOUND);
		return;
	}
	if (j->if_match != NULL && strcmp(j->if_match, "*") != 0 &&
	    strcmp(j->if_match, s->etag) != 0) {
		job_finish(j, RELAY_PRECONDITION);
		return;
	}
	f = g_new0(struct sdp_frag, 1);
	if (sdp_frag_parse(j->frag, j->fraglen, &s->offer, f, &why) !=
	    SDP_OK)
		job_finish(j, RELAY_BAD);
	else if (sdp_frag_is_restart(f, &s->offer))
		job_finish(j, RELAY_RESTART);
	else {
		for (i = 0; i < f->ncands && s->webrtc != NULL; i++)
			g_signal_emit_by_name(s->webrtc, "add-ice-candidate",
			    (guint)f->cands[i].mline, f->cands[i].line);
		log_debug("relay: session %s: %zu trickled candidates", s->tag,
		    f->ncands);
		job_finish(j, RELAY_OK);
	}
	g_free(f);
}

static void
do_end(struct relay *r, struct job *j)
{
	struct session	*s = session_find(r, j->session_id);

	if (s == NULL || strcmp(s->stream_id, j->stream_id) != 0 ||
	    s->state == SESS_ENDED) {
		job_finish(j, RELAY_NOT_FOUND);
		return;
	}
	/* Answered OK from here on, even if its files take long. */
	g_mutex_lock(&j->lock);
	j->res = RELAY_OK;
	g_mutex_unlock(&j->lock);
	s->waiters = g_list_prepend(s->waiters, job_ref(j));
	session_end(s, "deleted");
}

/* A numeric field of a stats structure, whatever its integer type. */
static gint64
stat_int(const GstStructure *st, const char *field)
{
	const GValue	*v = gst_structure_get_value(st, field);

	if (v == NULL)
		return 0;
	if (G_VALUE_HOLDS_INT64(v))
		return g_value_get_int64(v);
	if (G_VALUE_HOLDS_UINT64(v))
		return (gint64)g_value_get_uint64(v);
	if (G_VALUE_HOLDS_INT(v))
		return g_value_get_int(v);
	if (G_VALUE_HOLDS_UINT(v))
		return g_value_get_uint(v);
	return 0;
}

static gboolean
stats_field(GQuark q, const GValue *v, gpointer p)
{
	gint64			*lost = p;
	const GstStructure	*st;
	GstWebRTCStatsType	 type;

	if (!GST_VALUE_HOLDS_STRUCTURE(v))
		return TRUE;
	st = gst_value_get_structure(v);
	if (gst_structure_get(st, "type", GST_TYPE_WEBRTC_STATS_TYPE, &type,
	    NULL) && type == GST_WEBRTC_STATS_INBOUND_RTP)
		*lost += stat_int(st, "packets-lost");
	return TRUE;
}

/* webrtcbin's thread: get-stats answered. */
static void
on_stats_promise(GstPromise *promise, gpointer p)
{
	struct neg	*n = p;
	GstStructure	*reply = NULL;
	gint64		 lost = 0;

	if (!promise_ok(promise, "get-stats", &reply) || reply == NULL)
		return;
	gst_structure_foreach(reply, stats_field, &lost);
	gst_structure_free(reply);
	g_mutex_lock(&n->s->olock);
	n->s->lost = lost;
	g_mutex_unlock(&n->s->olock);
}

static const char *
enum_nick(GType t, int v)
{
	GEnumClass	*c = g_type_class_ref(t);
	GEnumValue	*ev = g_enum_get_value(c, v);
	const char	*nick = ev != NULL ? ev->value_nick : "unknown";

	g_type_class_unref(c);
	return nick;
}

/*
 * Was the session's stream ended (POST .../end) or deleted since?  Then
 * its publisher must stop (SPEC §5: end stops relay sessions): the
 * streams program has no way to the relay but the database.  A database
 * that cannot answer ends nothing.
 */
static int
stream_over(struct session *s)
{
	struct stream	 st;

	if (s->r->db == NULL ||
	    db_stream_get(s->r->db, s->stream_id, &st) != DB_OK)
		return 0;
	if (st.status != STREAM_COMPLETED && st.deleted_at == 0)
		return 0;
	log_info("relay: session %s: stream %s was %s", s->tag, s->stream_id,
	    st.deleted_at != 0 ? "deleted" : "ended");
	return 1;
}

/* Drain an output to build it again at once (out_gone starts it). */
static void
out_rebuild(struct output *o)
{
	if (o->pipe == NULL || o->rebuild ||
	    (o->state != OUT_WAITKEY && o->state != OUT_RUNNING))
		return;
	o->rebuild = 1;
	out_drain(o);
}

/*
 * Video stopped while audio goes on, or never came, or came back (see
 * VIDEO_GONE_MS): switch the outputs that need it.  The recording and
 * the HLS cannot go on with a silent video track (mp4mux and the HLS
 * muxer hold the audio back, waiting for it), so they are rebuilt for
 * audio alone: a new part, and nothing said in the meantime is lost to
 * a stall.  A push (flvmux) goes on with audio by itself.  Relay thread.
 */
static void
video_check(struct session *s, gint64 now)
{
	gint64	 lv, la, fa, since;
	int	 i;

	if (!s->offer.video.present || !s->offer.audio.present ||
	    s->state != SESS_LIVE)
		return;
	g_mutex_lock(&s->olock);
	lv = s->last_video_us;
	la = s->last_audio_us;
	fa = s->first_audio_us;
	g_mutex_unlock(&s->olock);
	since = lv != 0 ? lv : fa;
	if (s->out_video && fa != 0 && now - la < VIDEO_GONE_MS * 1000LL &&
	    now - since > VIDEO_GONE_MS * 1000LL) {
		s->out_video = 0;
		s->video_switch_us = now;
		if (!s->outputs_started) {
			log_info("relay: session %s: no video after %d ms of "
			    "audio: recording the audio alone", s->tag,
			    VIDEO_GONE_MS);
			g_mutex_lock(&s->olock);
			s->key_flag = 1;	/* on_first_key: nothing to do */
			/* With the audio of the wait (the ring holds it). */
			for (i = 0; i < OUT__MAX; i++)
				s->outs[i].resume_at = 0;
			g_mutex_unlock(&s->olock);
			outs_start(s);
			return;
		}
		log_info("relay: session %s: video stopped, audio goes on: "
		    "recording the audio alone", s->tag);
		out_rebuild(&s->outs[OUT_RECORDING]);
		out_rebuild(&s->outs[OUT_HLS]);
		return;
	}
	if (!s->out_video && lv != 0 && now - lv < VIDEO_BACK_MS * 1000LL &&
	    now - s->video_switch_us > VIDEO_DWELL_MS * 1000LL) {
		s->out_video = 1;
		s->video_switch_us = now;
		log_info("relay: session %s: video is back", s->tag);
		for (i = 0; i < OUT__MAX; i++)
			if (s->outs[i].enabled && !s->outs[i].video)
				out_rebuild(&s->outs[i]);
	}
}

/* Every half second, per live session: limits, liveness, statistics. */
static void
session_tick(struct session *s)
{
	struct relay			*r = s->r;
	struct output			*rec = &s->outs[OUT_RECORDING];
	GstWebRTCICEConnectionState	 ice;
	GstWebRTCPeerConnectionState	 pc;
	GstPromise			*promise;
	gint64				 now = g_get_monotonic_time(), last;
	guint64				 bytes;
	int				 i, media, mknew = 0;
	gint64				 media_ms = 0;

	s->ticks++;
	g_mutex_lock(&s->olock);
	last = s->last_media_us;
	media = s->media_flag;
	bytes = s->vbytes + s->abytes;
	if (rec->media_new && !rec->ledger) {
		rec->media_new = 0;
		mknew = 1;
		media_ms = rec->media_ms;
	}
	g_mutex_unlock(&s->olock);
	if (mknew && rec->path[0] != '\0') {
		ledger_part(r, s->stream_id, rec->name, REC_RECORDING, -1,
		    media_ms, 0);
		rec->ledger = 1;
	}
	if (s->webrtc != NULL) {
		g_object_get(s->webrtc, "ice-connection-state", &ice,
		    "connection-state", &pc, NULL);
		strlcpy(s->ice_state, enum_nick(
		    GST_TYPE_WEBRTC_ICE_CONNECTION_STATE, ice),
		    sizeof(s->ice_state));
		strlcpy(s->conn_state, enum_nick(
		    GST_TYPE_WEBRTC_PEER_CONNECTION_STATE, pc),
		    sizeof(s->conn_state));
		if (pc == GST_WEBRTC_PEER_CONNECTION_STATE_CONNECTED &&
		    s->connected_ms == 0)
			s->connected_ms = now_ms();
		if (ice == GST_WEBRTC_ICE_CONNECTION_STATE_FAILED ||
		    pc == GST_WEBRTC_PEER_CONNECTION_STATE_FAILED) {
			session_end(s, "ice-failed");
			return;
		}
	}
	if (last < s->created_us)
		last = s->created_us;
	if (now - last > r->media_timeout_us) {
		session_end(s, media ? "media-timeout" : "no-media");
		return;
	}
	if (now - s->created_us > r->max_duration_us) {
		session_end(s, "max-duration");
		return;
	}
	if (s->ticks % (STREAM_CHECK_MS / TICK_MS) == 0 && stream_over(s)) {
		session_end(s, "stream-ended");
		return;
	}
	video_check(s, now);
	if (s->ticks % 2 == 0) {
		s->kbps = (int)((bytes - s->prev_bytes) * 8 / 1000);
		s->prev_bytes = bytes;
		if (s->kbps > r->max_kbps * 3 / 2)
			s->over_secs++;
		else
			s->over_secs = 0;
		if (s->over_secs >= OVER_KBPS_SECS) {
			log_warnx("relay: session %s: %d kbit/s for %d s, over "
			    "the %d kbit/s limit", s->tag, s->kbps,
			    s->over_secs, r->max_kbps);
			session_end(s, "bitrate-exceeded");
			return;
		}
	}
	if (s->ticks % (LIM_RELAY_KEYFRAME_MS / TICK_MS) == 0 &&
	    s->state == SESS_LIVE) {
		request_keyframe(s);
		if (s->webrtc != NULL) {
			promise = gst_promise_new_with_change_func(
			    on_stats_promise, neg_new(s, s->webrtc),
			    neg_free);
			g_signal_emit_by_name(s->webrtc, "get-stats", NULL,
			    promise);
			gst_promise_unref(promise);
		}
	}
	for (i = 0; i < OUT__MAX; i++) {
		struct output	*o = &s->outs[i];
		gint64		 out_ms;

		if (o->state == OUT_RUNNING &&
		    now - o->running_since > OUT_STABLE_MS * 1000LL)
			o->attempts = 0;
		g_mutex_lock(&s->olock);
		out_ms = o->out_ms;
		if (o->backwards != o->backwards_logged) {
			log_info("relay: session %s: %s: %llu samples not after "
			    "the last dropped (up to %.3f s back)", s->tag,
			    out_names[i], (unsigned long long)o->backwards,
			    (double)o->backwards_max / GST_SECOND);
			o->backwards_logged = o->backwards;
		}
		g_mutex_unlock(&s->olock);
		if (out_ms > 0 && !o->out_logged && o->starts == 1) {
			o->out_logged = 1;
			log_info("relay: session %s: %s: first bytes %lld ms "
			    "after the POST", s->tag, out_names[i],
			    (long long)(out_ms - s->created_ms));
		}
	}
}

static gboolean
on_tick(gpointer p)
{
	struct relay	*r = p;
	GHashTableIter	 it;
	gpointer	 k, v;
	GList		*all = NULL, *l;
	struct session	*s;

	g_hash_table_iter_init(&it, r->sessions);
	while (g_hash_table_iter_next(&it, &k, &v))
		all = g_list_prepend(all, session_ref(v));
	for (l = all; l != NULL; l = l->next) {
		s = l->data;
		if (s->state == SESS_CONNECTING || s->state == SESS_LIVE)
			session_tick(s);
	}
	g_list_free_full(all, session_unref);
	if (r->shutdown != NULL && g_get_monotonic_time() >
	    r->shutdown_deadline) {
		log_warnx("relay: shutdown: %u sessions did not finish in "
		    "time", g_hash_table_size(r->sessions));
		job_finish(r->shutdown, RELAY_TIMEOUT);
		job_unref(r->shutdown);
		r->shutdown = NULL;
		g_main_loop_quit(r->loop);
	}
	return G_SOURCE_CONTINUE;
}

static void
shutdown_check(struct relay *r)
{
	if (r->shutdown == NULL || g_hash_table_size(r->sessions) > 0 ||
	    g_atomic_int_get(&r->teardowns) > 0)
		return;
	job_finish(r->shutdown, RELAY_OK);
	job_unref(r->shutdown);
	r->shutdown = NULL;
	g_main_loop_quit(r->loop);
}

static void
do_shutdown(struct relay *r, struct job *j)
{
	GHashTableIter	 it;
	gpointer	 k, v;
	GList		*all = NULL, *l;

	r->stopping = 1;
	r->shutdown = job_ref(j);
	r->shutdown_deadline = g_get_monotonic_time() +
	    (gint64)SHUTDOWN_MS * 1000;
	g_hash_table_iter_init(&it, r->sessions);
	while (g_hash_table_iter_next(&it, &k, &v))
		all = g_list_prepend(all, session_ref(v));
	for (l = all; l != NULL; l = l->next)
		session_end(l->data, "shutdown");
	g_list_free_full(all, session_unref);
	shutdown_check(r);
}

static cJSON *
session_json(struct session *s)
{
	cJSON		*o, *t, *outs, *oj;
	struct output	*out;
	guint64		 vp, vb, ap, ab, kf;
	gint64		 lost;
	double		 dur;
	int		 i;

	if ((o = cJSON_CreateObject()) == NULL)
		return NULL;
	g_mutex_lock(&s->olock);
	vp = s->vpackets;
	vb = s->vbytes;
	ap = s->apackets;
	ab = s->abytes;
	kf = s->keyframes;
	lost = s->lost;
	g_mutex_unlock(&s->olock);
	cJSON_AddStringToObject(o, "state", sess_state_names[s->state]);
	json_time(o, "startedAt", s->created_ms);
	json_time(o, "connectedAt", s->connected_ms);
	json_time(o, "firstMediaAt", s->first_media_ms);
	json_time(o, "endedAt", s->state == SESS_ENDED ? s->ended_ms : 0);
	if (s->end_reason[0] != '\0')
		cJSON_AddStringToObject(o, "endReason", s->end_reason);
	else
		cJSON_AddNullToObject(o, "endReason");
	cJSON_AddStringToObject(o, "iceState", s->ice_state);
	cJSON_AddStringToObject(o, "connectionState", s->conn_state);
	cJSON_AddNumberToObject(o, "bitrateKbps", s->kbps);
	cJSON_AddNumberToObject(o, "packetsLost", (double)lost);
	if (s->offer.video.present &&
	    (t = cJSON_AddObjectToObject(o, "video")) != NULL) {
		cJSON_AddStringToObject(t, "codec", "H264");
		cJSON_AddStringToObject(t, "profile",
		    sdp_h264_profile_names[s->offer.video.profile]);
		cJSON_AddNumberToObject(t, "packets", (double)vp);
		cJSON_AddNumberToObject(t, "bytes", (double)vb);
		cJSON_AddNumberToObject(t, "keyFrames", (double)kf);
	}
	if (s->offer.audio.present &&
	    (t = cJSON_AddObjectToObject(o, "audio")) != NULL) {
		cJSON_AddStringToObject(t, "codec", "opus");
		cJSON_AddNumberToObject(t, "packets", (double)ap);
		cJSON_AddNumberToObject(t, "bytes", (double)ab);
	}
	if ((outs = cJSON_AddObjectToObject(o, "outputs")) == NULL)
		return o;
	for (i = 0; i < OUT__MAX; i++) {
		out = &s->outs[i];
		if (!out->enabled ||
		    (oj = cJSON_AddObjectToObject(outs, out_names[i])) == NULL)
			continue;
		cJSON_AddStringToObject(oj, "state",
		    out_state_names[out->state]);
		cJSON_AddNumberToObject(oj, "starts", out->starts);
		cJSON_AddNumberToObject(oj, "failures", out->attempts);
		if (out->starts > 0)
			cJSON_AddBoolToObject(oj, "video", out->video);
		if (out->error[0] != '\0')
			cJSON_AddStringToObject(oj, "lastError", out->error);
		if (i == OUT_RECORDING && out->name[0] != '\0')
			cJSON_AddStringToObject(oj, "part", out->name);
		g_mutex_lock(&s->olock);
		if (out->out_ms > 0 && out->starts == 1)
			cJSON_AddNumberToObject(oj, "firstBytesAfterMs",
			    (double)(out->out_ms - s->created_ms));
		dur = GST_CLOCK_TIME_IS_VALID(out->first_ts) &&
		    GST_CLOCK_TIME_IS_VALID(out->last_ts) &&
		    out->last_ts > out->first_ts ?
		    (double)(out->last_ts - out->first_ts) / GST_SECOND : 0;
		g_mutex_unlock(&s->olock);
		cJSON_AddNumberToObject(oj, "seconds", dur);
	}
	return o;
}

static void
do_stats(struct relay *r, struct job *j)
{
	GHashTableIter	 it;
	gpointer	 k, v;
	struct session	*s;
	cJSON		*o, *arr, *h, *sid, *c;
	GList		*l;
	int		 live = 0;

	if ((o = cJSON_CreateObject()) == NULL) {
		job_finish(j, RELAY_ERR);
		return;
	}
	cJSON_AddStringToObject(o, "streamId", j->stream_id);
	arr = cJSON_CreateArray();
	g_hash_table_iter_init(&it, r->sessions);
	while (g_hash_table_iter_next(&it, &k, &v)) {
		s = v;
		if (strcmp(s->stream_id, j->stream_id) != 0)
			continue;
		if (s->state == SESS_LIVE)
			live = 1;
		cJSON_AddItemToArray(arr, session_json(s));
	}
	for (l = r->history.head; l != NULL; l = l->next) {
		h = l->data;
		sid = cJSON_GetObjectItemCaseSensitive(h, "_stream");
		if (!cJSON_IsString(sid) || strcmp(sid->valuestring,
		    j->stream_id) != 0)
			continue;
		c = cJSON_Duplicate(h, 1);
		cJSON_DeleteItemFromObjectCaseSensitive(c, "_stream");
		cJSON_AddItemToArray(arr, c);
	}
	cJSON_AddBoolToObject(o, "live", live);
	cJSON_AddItemToObject(o, "sessions", arr);
	j->json = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	job_finish(j, j->json != NULL ? RELAY_OK : RELAY_ERR);
}

static gboolean
job_dispatch(gpointer p)
{
	struct job	*j = p;
	struct relay	*r = j->r;

	switch (j->kind) {
	case JOB_PUBLISH:
		do_publish(r, j);
		break;
	case JOB_TRICKLE:
		do_trickle(r, j);
		break;
	case JOB_END:
		do_end(r, j);
		break;
	case JOB_STATS:
		do_stats(r, j);
		break;
	case JOB_SHUTDOWN:
		do_shutdown(r, j);
		break;
	default:
		job_finish(j, RELAY_ERR);
		break;
	}
	return G_SOURCE_REMOVE;
}

/* ------------------------------------------------------------ the thread */

/*
 * Load every plugin we use and make the process's DTLS key now, not in
 * the first publisher's POST (RELAY-NOTES pitfall 12: 0.1-1 s).
 */
static void
warm_up(void)
{
	static const char *const names[] = {
		"webrtcbin", "dtlsdec", "rtph264depay", "h264parse",
		"rtpopusdepay", "opusdec", "audioconvert", "audioresample",
		"avenc_aac", "aacparse", "appsink", "appsrc", "mp4mux",
		"flvmux", "rtmp2sink", "hlssink2", "mpegtsmux", "filesink",
		"fakesink", NULL
	};
	GstElement	*e;
	gint64		 t0 = g_get_monotonic_time();
	size_t		 i;

	for (i = 0; names[i] != NULL; i++) {
		if ((e = gst_element_factory_make(names[i], NULL)) == NULL) {
			log_warnx("relay: GStreamer element %s is missing "
			    "(see tools/deps.sh)", names[i]);
			continue;
		}
		gst_object_unref(gst_object_ref_sink(e));
	}
	log_info("relay: warm-up done in %lld ms",
	    (long long)((g_get_monotonic_time() - t0) / 1000));
}

static void
block_signals(sigset_t *old)
{
	sigset_t	 set;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &set, old);
}

static gpointer
relay_thread(gpointer p)
{
	struct relay	*r = p;
	GSource		*tick;
	cJSON		*h;
	int		 ok = 1;

	g_main_context_push_thread_default(r->ctx);
	if ((r->db = db_open(r->db_path, 0)) == NULL) {
		log_warnx("relay: cannot open the database");
		ok = 0;
	}
	if (ok) {
		warm_up();
		repair_parts(r);
	}
	g_mutex_lock(&r->start_lock);
	r->started = ok ? 1 : -1;
	g_cond_broadcast(&r->start_cond);
	g_mutex_unlock(&r->start_lock);
	if (!ok) {
		g_main_context_pop_thread_default(r->ctx);
		return NULL;
	}
	tick = g_timeout_source_new(TICK_MS);
	g_source_set_callback(tick, on_tick, r, NULL);
	g_source_attach(tick, r->ctx);
	g_main_loop_run(r->loop);
	g_source_destroy(tick);
	g_source_unref(tick);
	while ((h = g_queue_pop_head(&r->history)) != NULL)
		cJSON_Delete(h);
	db_close(r->db);
	r->db = NULL;
	g_main_context_pop_thread_default(r->ctx);
	return NULL;
}

struct relay *
relay_new(const struct conf *c)
{
	struct relay	*r;
	GError		*err = NULL;
	sigset_t	 old;
	gint64		 deadline;

	if (!gst_init_check(NULL, NULL, &err)) {
		log_warnx("relay: GStreamer: %s", err != NULL ? err->message :
		    "cannot initialise");
		g_clear_error(&err);
		return NULL;
	}
	r = g_new0(struct relay, 1);
	r->media_dir = g_strdup(c->media_dir);
	r->db_path = g_strdup(c->db_path);
	r->addresses = g_strdup(c->relay_addresses != NULL ?
	    c->relay_addresses : "127.0.0.1");
	r->port_min = c->relay_port_min;
	r->port_max = c->relay_port_max;
	r->max_sessions = c->relay_max_sessions > 0 ?
	    c->relay_max_sessions : LIM_RELAY_MAX_SESSIONS;
	r->max_kbps = c->relay_max_kbps > 0 ? c->relay_max_kbps :
	    LIM_RELAY_MAX_KBPS;
	r->max_duration_us = (gint64)(c->relay_max_duration > 0 ?
	    c->relay_max_duration : LIM_RELAY_MAX_DURATION) * G_USEC_PER_SEC;
	r->media_timeout_us = (gint64)(c->relay_media_timeout > 0 ?
	    c->relay_media_timeout : LIM_RELAY_MEDIA_TIMEOUT) *
	    G_USEC_PER_SEC;
	r->ctx = g_main_context_new();
	r->loop = g_main_loop_new(r->ctx, FALSE);
	r->clock = gst_system_clock_obtain();
	r->sessions = g_hash_table_new_full(g_str_hash, g_str_equal, NULL,
	    session_unref);
	g_queue_init(&r->history);
	g_mutex_init(&r->start_lock);
	g_cond_init(&r->start_cond);
	/* The thread, and every thread it starts, leaves signals to us. */
	block_signals(&old);
	r->thread = g_thread_new("vigil-relay", relay_thread, r);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	deadline = g_get_monotonic_time() + 30 * G_USEC_PER_SEC;
	g_mutex_lock(&r->start_lock);
	while (r->started == 0)
		if (!g_cond_wait_until(&r->start_cond, &r->start_lock,
		    deadline))
			break;
	g_mutex_unlock(&r->start_lock);
	if (r->started != 1) {
		log_warnx("relay: could not start");
		if (r->started == -1) {
			g_thread_join(r->thread);
			r->thread = NULL;
			relay_free(r);
		}
		return NULL;
	}
	log_info("relay: ready (%d sessions, %d kbit/s, %lld s, media timeout "
	    "%lld s)", r->max_sessions, r->max_kbps,
	    (long long)(r->max_duration_us / G_USEC_PER_SEC),
	    (long long)(r->media_timeout_us / G_USEC_PER_SEC));
	return r;
}

void
relay_free(struct relay *r)
{
	struct job	*j;

	if (r == NULL)
		return;
	if (r->thread != NULL) {
		j = job_new(r, JOB_SHUTDOWN);
		if (job_run(r, j, SHUTDOWN_MS + 2000) == RELAY_TIMEOUT)
			log_warnx("relay: shutdown timed out");
		job_unref(j);
		g_main_loop_quit(r->loop);
		g_thread_join(r->thread);
		r->thread = NULL;
	}
	/*
	 * A pipeline still going to NULL in a teardown thread will call
	 * back into the context: leave everything to the process's exit.
	 */
	if (g_atomic_int_get(&r->teardowns) > 0) {
		log_warnx("relay: %d pipelines still stopping at exit",
		    g_atomic_int_get(&r->teardowns));
		return;
	}
	g_hash_table_destroy(r->sessions);
	gst_object_unref(r->clock);
	g_main_loop_unref(r->loop);
	g_main_context_unref(r->ctx);
	g_mutex_clear(&r->start_lock);
	g_cond_clear(&r->start_cond);
	g_free(r->media_dir);
	g_free(r->db_path);
	g_free(r->addresses);
	g_free(r);
}

enum relay_res
relay_publish(struct relay *r, const struct relay_publish *in,
    struct relay_answer *out)
{
	struct job	*j;
	enum relay_res	 res;

	memset(out, 0, sizeof(*out));
	if (r == NULL || strlen(in->stream_id) > LIM_ID)
		return RELAY_ERR;
	j = job_new(r, JOB_PUBLISH);
	strlcpy(j->stream_id, in->stream_id, sizeof(j->stream_id));
	j->offer = g_strdup(in->offer);
	j->policy = *in->policy;
	j->cf_url = in->cf_url != NULL ? g_strdup(in->cf_url) : NULL;
	j->mux_url = in->mux_url != NULL ? g_strdup(in->mux_url) : NULL;
	res = job_run(r, j, LIM_RELAY_ANSWER_MS);
	if (res == RELAY_OK) {
		if ((out->sdp = strdup(j->answer)) == NULL)
			res = RELAY_ERR;
		strlcpy(out->session_id, j->session_id,
		    sizeof(out->session_id));
		strlcpy(out->etag, j->etag, sizeof(out->etag));
	}
	job_unref(j);
	return res;
}

enum relay_res
relay_trickle(struct relay *r, const char *stream_id, const char *session_id,
    const char *frag, size_t len, const char *if_match)
{
	struct job	*j;
	enum relay_res	 res;

	if (r == NULL)
		return RELAY_ERR;
	j = job_new(r, JOB_TRICKLE);
	strlcpy(j->stream_id, stream_id, sizeof(j->stream_id));
	strlcpy(j->session_id, session_id, sizeof(j->session_id));
	j->frag = g_strndup(frag, len);
	j->fraglen = len;
	j->if_match = if_match != NULL ? g_strdup(if_match) : NULL;
	res = job_run(r, j, LIM_RELAY_ANSWER_MS);
	job_unref(j);
	return res;
}

enum relay_res
relay_end(struct relay *r, const char *stream_id, const char *session_id)
{
	struct job	*j;
	enum relay_res	 res;

	if (r == NULL)
		return RELAY_ERR;
	j = job_new(r, JOB_END);
	strlcpy(j->stream_id, stream_id, sizeof(j->stream_id));
	strlcpy(j->session_id, session_id, sizeof(j->session_id));
	res = job_run(r, j, LIM_RELAY_DELETE_MS);
	if (res == RELAY_TIMEOUT) {
		/* Accepted and ending: its files finish on their own. */
		g_mutex_lock(&j->lock);
		if (j->res == RELAY_OK)
			res = RELAY_OK;
		g_mutex_unlock(&j->lock);
	}
	job_unref(j);
	return res;
}

enum relay_res
relay_stats(struct relay *r, const char *stream_id, char **out)
{
	struct job	*j;
	enum relay_res	 res;

	*out = NULL;
	if (r == NULL)
		return RELAY_ERR;
	j = job_new(r, JOB_STATS);
	strlcpy(j->stream_id, stream_id, sizeof(j->stream_id));
	res = job_run(r, j, LIM_RELAY_ANSWER_MS);
	if (res == RELAY_OK) {
		*out = j->json;
		j->json = NULL;
	}
	job_unref(j);
	return res;
}
