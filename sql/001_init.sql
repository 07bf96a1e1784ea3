-- 001_init.sql: Vigil's first schema.
-- Applied by tools/migrate.sh in one transaction; the programs check
-- PRAGMA user_version and refuse to start on a mismatch.
-- Times are Unix seconds (INTEGER) unless said otherwise.

PRAGMA foreign_keys = ON;

-- A memorial: the event streams belong to.
CREATE TABLE memorials (
	id		TEXT PRIMARY KEY,	-- [A-Za-z0-9_-]{1,64}
	title		TEXT NOT NULL,		-- shown to viewers
	owner_uid	TEXT NOT NULL,		-- JWT sub of the family contact
	visibility	TEXT NOT NULL DEFAULT 'public'
			CHECK (visibility IN ('public', 'private')),
	created_at	INTEGER NOT NULL,
	updated_at	INTEGER NOT NULL
);

-- People who may create and control a memorial's streams besides its
-- owner: funeral directors and videographers.
CREATE TABLE memorial_people (
	memorial_id	TEXT NOT NULL REFERENCES memorials(id) ON DELETE CASCADE,
	uid		TEXT NOT NULL,		-- JWT sub
	role		TEXT NOT NULL DEFAULT 'director'
			CHECK (role IN ('director', 'videographer')),
	PRIMARY KEY (memorial_id, uid)
);
CREATE INDEX memorial_people_uid ON memorial_people(uid);

-- A stream: one broadcast of a memorial, with what the providers gave us.
CREATE TABLE streams (
	id		TEXT PRIMARY KEY,	-- ours, random, URL-safe
	memorial_id	TEXT NOT NULL REFERENCES memorials(id),
	title		TEXT NOT NULL,
	status		TEXT NOT NULL DEFAULT 'ready'
			CHECK (status IN ('ready', 'live', 'completed')),
	method		TEXT NOT NULL CHECK (method IN ('whip_browser', 'obs',
			    'cloudflare_whip', 'mux_whip')),
	experimental	INTEGER NOT NULL DEFAULT 0,	-- mux_whip
	publish_token_hash TEXT,		-- SHA-256 hex of the WHIP bearer token
	whip_url	TEXT,			-- secret: where the publisher POSTs
	whep_url	TEXT,			-- Cloudflare WHEP playback (public)
	rtmps_url	TEXT,			-- Cloudflare RTMPS ingest URL
	stream_key	TEXT,			-- secret: Cloudflare RTMPS key
	cf_input_id	TEXT,			-- Cloudflare live input uid
	cf_output_id	TEXT,			-- Cloudflare Output to Mux (obs)
	cf_playback_base TEXT,			-- https://customer-X.cloudflarestream.com
	mux_stream_id	TEXT,			-- Mux live stream id
	mux_stream_key	TEXT,			-- secret: Mux RTMPS key
	mux_playback_id	TEXT,			-- Mux live playback id
	mux_rtmps_url	TEXT,			-- Mux RTMPS ingest URL
	mux_backup	INTEGER NOT NULL DEFAULT 0,	-- a Mux stream exists
	simulcast	INTEGER NOT NULL DEFAULT 0,	-- media reaches Mux too
	scheduled_at	TEXT,			-- ISO-8601 as given
	created_by	TEXT NOT NULL,		-- JWT sub
	created_at	INTEGER NOT NULL,	-- Unix ms (all stream times are ms)
	updated_at	INTEGER NOT NULL,
	started_at	INTEGER,		-- when media first flowed
	ended_at	INTEGER,		-- when completed
	deleted_at	INTEGER			-- provider resources removed
);
CREATE INDEX streams_memorial ON streams(memorial_id, created_at DESC, id DESC);
CREATE INDEX streams_cf_input ON streams(cf_input_id);
CREATE INDEX streams_mux_stream ON streams(mux_stream_id);

-- The recording ledger: per stream and source, one row per recording.
CREATE TABLE recordings (
	id		INTEGER PRIMARY KEY,
	stream_id	TEXT NOT NULL REFERENCES streams(id),
	source		TEXT NOT NULL CHECK (source IN ('local', 'cloudflare', 'mux')),
	provider_id	TEXT NOT NULL,		-- video uid, asset id or file name
	state		TEXT NOT NULL DEFAULT 'pending' CHECK (state IN
			    ('pending', 'recording', 'ready', 'failed')),
	playback_url	TEXT,
	duration	REAL,			-- seconds, when known
	started_at	INTEGER,
	ended_at	INTEGER,
	created_at	INTEGER NOT NULL,
	updated_at	INTEGER NOT NULL,
	UNIQUE (source, provider_id)
);
CREATE INDEX recordings_stream ON recordings(stream_id);

-- Idempotency-Key: a retried create returns the first result.
CREATE TABLE idempotency_keys (
	user_id		TEXT NOT NULL,		-- keys are per caller
	key		TEXT NOT NULL,
	request_hash	TEXT NOT NULL,		-- SHA-256 of the body
	stream_id	TEXT,			-- NULL while the first is in flight
	warnings	TEXT,			-- JSON array answered the first time
	created_at	INTEGER NOT NULL,
	PRIMARY KEY (user_id, key)
);

-- Webhook event ids already applied, per provider (dedupe).
CREATE TABLE webhook_events (
	provider	TEXT NOT NULL CHECK (provider IN ('mux', 'cloudflare')),
	event_id	TEXT NOT NULL,
	received_at	INTEGER NOT NULL,
	PRIMARY KEY (provider, event_id)
);

-- One-time sign-in links: only the hash of the token is kept.
CREATE TABLE login_tokens (
	token_hash	TEXT PRIMARY KEY,	-- SHA-256 hex
	sub		TEXT NOT NULL,
	role		TEXT,			-- 'admin' or NULL
	expires_at	INTEGER NOT NULL,
	used_at		INTEGER
);

PRAGMA user_version = 1;
