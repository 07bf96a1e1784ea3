/*
 * vlimits.h: every size, count and time limit Vigil enforces, in one place.
 *
 * Each limit says why it has the value it has.  Where nginx enforces the
 * same limit (client_max_body_size), the nginx configuration carries the same number
 * and a test sends one byte more and expects 413.
 */
#ifndef HEADER_VIGIL_VLIMITS_H
#define HEADER_VIGIL_VLIMITS_H

/*
 * Request bodies.  The browser API takes small JSON objects only: a
 * create-whip or memorial body is a few hundred bytes, 16 KiB leaves room
 * for long titles and many people without letting a client make us buffer
 * much.  Provider webhooks carry nested snapshots (Mux sends the whole
 * asset with its tracks and delivery attempts), hence 256 KiB.
 */
#define LIM_BODY_API		(16 * 1024)
#define LIM_BODY_WEBHOOK	(256 * 1024)

/*
 * Provider responses: create and list replies are a few KiB; a list of a
 * live input's videos can be long, 1 MiB is generous and still bounded.
 */
#define LIM_PROVIDER_RESP	(1024 * 1024)

/* Browsers cap one cookie near 4 KiB; a JWT never needs more. */
#define LIM_COOKIE		4096
#define LIM_JWT			4096

/* "t=<10 digits>,v1=<64 hex>" a few times over fits easily. */
#define LIM_SIG_HEADER		512

/* Webhook replay window, as Mux's own SDK uses. */
#define LIM_WEBHOOK_SKEW	300

/* Ids from clients or providers: [A-Za-z0-9_-]{1,64}. */
#define LIM_ID			64

/* Titles are shown on cards and phones; 200 characters is plenty. */
#define LIM_TITLE		200

/* A display name in a JWT's name claim. */
#define LIM_NAME		128

/* Idempotency-Key header: UUIDs and similar, printable ASCII. */
#define LIM_IDEMPOTENCY_KEY	128

/* Directors/videographers per memorial: a family and a funeral home. */
#define LIM_PEOPLE		32

/* Listing page size: bounded response and query. */
#define LIM_PAGE_MAX		100
#define LIM_PAGE_DEFAULT	20

/* A query string we are willing to look at. */
#define LIM_QUERY		1024

/*
 * Outbound calls: nginx must never wait on a hung provider.  The create
 * budget bounds the whole provisioning (both providers, retries, the
 * Output); nginx's fastcgi_read_timeout for create-whip is above it.
 */
#define LIM_CONNECT_TIMEOUT_MS	5000
#define LIM_TOTAL_TIMEOUT_MS	15000
#define LIM_CREATE_BUDGET_MS	20000

/*
 * An optional provider (Mux as a backup) gets a shorter share of that
 * budget: a family should not wait 20 s for a stream because its backup
 * is down; the stream is created without it and the reply says so.
 */
#define LIM_BACKUP_BUDGET_MS	8000

/* Backoff for provider retries on 429/5xx: first wait, cap per wait. */
#define LIM_RETRY_FIRST_MS	200
#define LIM_RETRY_MAX_MS	4000

/*
 * SQLite busy timeout.  Many FastCGI processes write at once in WAL
 * mode; a writer waits at most this long for the lock, then the request
 * fails with 503 instead of hanging.
 */
#define LIM_DB_BUSY_MS		5000

/* Session tokens: default and maximum lifetime minted by our CLI. */
#define LIM_SESSION_TTL		(12 * 3600)
#define LIM_SESSION_TTL_MAX	(30 * 24 * 3600)

/* One-time sign-in links expire quickly. */
#define LIM_LOGIN_LINK_TTL	900

/* Idempotency keys are remembered for a day, as payment APIs do. */
#define LIM_IDEMPOTENCY_TTL	(24 * 3600)

/*
 * A key whose create is still "in progress" after this many seconds
 * belongs to a request that died (its worker was killed): a retry with
 * the key takes it over instead of getting 409 for a day.  No create
 * runs this long: LIM_CREATE_BUDGET_MS, the rollback (5 s) and two
 * LIM_DB_BUSY_MS waits come to 35 s, and nginx gives up at 30 s.
 */
#define LIM_IDEM_STALE		60

/* A config file line and the file itself. */
#define LIM_CONF_LINE		4096
#define LIM_CONF_FILE		(64 * 1024)

/*
 * WHIP.  An SDP offer from a browser is 4-7 KiB (Chromium lists some
 * twenty payload types and its candidates); 64 KiB is what nginx's
 * /whip/ location allows too and leaves room for many candidates.  A
 * trickle PATCH carries a few candidate lines.
 */
#define LIM_BODY_WHIP		(64 * 1024)

/*
 * SDP parsing (lib/sdp.c): lines are short (a candidate is under 200
 * bytes, a fingerprint about 110); m= sections are one per track and a
 * publisher has two; a PATCH trickles a handful of candidates at once.
 */
#define LIM_SDP_LINE		1024
#define LIM_SDP_MEDIA		16
#define LIM_SDP_CANDIDATES	32

/*
 * The relay (lib/relay.c), each overridable in the configuration
 * (VIGIL_RELAY_*).
 *
 * Sessions: one is ~8 % of a vCPU and ~15 MB at 640x480 (RELAY-NOTES);
 * 8 fits a small VPS with room for the control plane.
 */
#define LIM_RELAY_MAX_SESSIONS	8
/*
 * The most the setting may say.  A session runs ~30 threads (webrtcbin,
 * libnice, each output's streaming threads); the whip unit's TasksMax
 * (nginx/systemd/vigil-whip.service) must hold the cap's threads, or a
 * thread GLib cannot create aborts the process and every session.
 */
#define LIM_RELAY_SESSIONS_CAP	64

/*
 * Publisher bitrate, kbit/s: told to the browser in the answer (b=AS),
 * and a session sending more than 1.5 times this for 15 s on end is
 * ended.  6000 is above 1080p30 from a phone and below what a VPS link
 * and Cloudflare's recommended ingest (~6-8 Mbit/s) take.
 */
#define LIM_RELAY_MAX_KBPS	6000

/* A memorial service with its gathering: 6 h is generous. */
#define LIM_RELAY_MAX_DURATION	(6 * 3600)

/*
 * No media for this many seconds ends a session: libnice 0.1.21 has no
 * consent freshness, so a vanished browser is otherwise never noticed
 * (RELAY-NOTES pitfall 11).  Also the bound on a session that never
 * gets media at all.
 */
#define LIM_RELAY_MEDIA_TIMEOUT	10

/*
 * A stream's publisher counts as gone (a new POST may replace it) after
 * this long without a packet; a new session counts its creation as
 * activity, so two tabs racing get 409 rather than stealing.
 */
#define LIM_RELAY_STALE_MS	2000

/*
 * How long an HTTP request waits for the relay thread: building a
 * session, set-remote/create-answer and ICE gathering (itself bounded
 * by LIM_RELAY_GATHER_MS) take 10-150 ms; DELETE waits for the outputs
 * to finish their files (10-20 ms).  nginx's fastcgi_read_timeout (30 s)
 * is far above.
 */
#define LIM_RELAY_ANSWER_MS	5000
#define LIM_RELAY_GATHER_MS	1000
#define LIM_RELAY_DELETE_MS	3000

/* An output (EOS to its sinks) that does not finish is stopped anyway. */
#define LIM_RELAY_EOS_MS	5000

/* RTMP(S) pushes that fail retry after 1, 2, 4 ... s, at most 30 s apart. */
#define LIM_RELAY_RETRY_FIRST_MS 1000
#define LIM_RELAY_RETRY_MAX_MS	30000

/* A key frame is asked for this often (PLI), for HLS and late joiners. */
#define LIM_RELAY_KEYFRAME_MS	2000

/* Session statistics are refreshed this often. */
#define LIM_RELAY_STATS_MS	1000

#if LIM_BODY_API > LIM_BODY_WEBHOOK
#error "API bodies should not exceed webhook bodies"
#endif
#if LIM_PAGE_DEFAULT > LIM_PAGE_MAX
#error "default page size above the maximum"
#endif

#endif /* HEADER_VIGIL_VLIMITS_H */
