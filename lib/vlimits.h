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

/* A config file line and the file itself. */
#define LIM_CONF_LINE		4096
#define LIM_CONF_FILE		(64 * 1024)

#if LIM_BODY_API > LIM_BODY_WEBHOOK
#error "API bodies should not exceed webhook bodies"
#endif
#if LIM_PAGE_DEFAULT > LIM_PAGE_MAX
#error "default page size above the maximum"
#endif

#endif /* HEADER_VIGIL_VLIMITS_H */
