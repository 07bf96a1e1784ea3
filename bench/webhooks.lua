-- webhooks.lua: wrk sends the signed Mux webhook events that
-- bench/webhooks.mjs wrote, each exactly once (bench/run.sh, step 2).
--
--   wrk -t T -c C -d CAP --timeout 10s -s bench/webhooks.lua \
--       BASE/api/webhooks/mux -- PREFIX T SECONDS
--
-- wrk thread i (0-based, in setup() order) sends only the events of
-- PREFIX.i ("Mux-Signature TAB body" lines), over its C/T keep-alive
-- connections, one request at a time on each.  It stops handing out
-- events when they are all sent or SECONDS after its first one, and
-- stops itself (wrk.thread:stop()) once every event it sent is answered.
-- The last thread to stop interrupts wrk's main thread with SIGINT,
-- which wrk handles by ending the run: its main thread otherwise sleeps
-- the whole -d, which is only the cap.  done() prints one JSON line:
-- events, sent, ok (200s), statuses, errors (socket errors, timeouts),
-- firstError, seconds (first event sent to last answer), rate (200s per
-- second), idle, threads, wrkSeconds.
--
-- init() only reads its file; request() cuts the next line out of it
-- and builds the request (~1 KB of string work per event).  Building
-- them all in init() would take ~40 ms per 10,000 events, during which
-- thread 0 would already be sending alone (wrk starts each thread right
-- after its init()).
--
-- What wrk 4.1.0 does that this script must live with (src/wrk.c):
--
-- * It calls request() once on thread 0's script right after init(),
--   on the main OS thread, to check that the request parses, and throws
--   the answer away.  That call gets the idle request below and takes
--   no event (told apart by pthread_self(): a thread's own calls run on
--   its own OS thread).
-- * With delay() defined, it calls delay() before each request on a
--   connection (the first one, after each answer, after a reconnect for
--   "Connection: close"), waits that many ms on a timer, then calls
--   request() without asking delay() again.  delay() therefore decides
--   whether a connection sends: it reserves an event (pending) and
--   returns 0, or, when none is left to reserve (or SECONDS have
--   passed), parks the connection for PARK_MS, far beyond any -d cap:
--   after its last event a connection sends nothing more.
-- * After a socket error it reconnects and calls request() without
--   delay().  request() then takes an event if one is left (the one in
--   flight is never sent again: wrk does not resend), otherwise returns
--   the idle request, GET IDLE_PATH: a small static file nginx serves,
--   which cannot add a row.  So does a connection whose park timer fired
--   (a run longer than PARK_MS).  Idle answers carry nginx's ETag (static
--   files have one, webhook-mux's answers do not) and are not counted as
--   events; "idle" in the JSON counts idle requests sent: 0 in a clean run.
-- * When a thread stops, requests already written are abandoned
--   unanswered.  A thread stops only once answered == sent with nothing
--   reserved, so none of them is an event.
-- * thread:get() copies a table that holds a table wrongly (it crashed
--   here), so what done() reads is kept in scalar globals (r_*).
-- * The -d cap ends every thread (wrk's own stop flag); events still in
--   flight then count as sent and not ok, which bench/run.sh reports.
local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_nsec; } vb_timespec;
typedef union { char bytes[64]; long align; } vb_mutex;
typedef struct { vb_mutex mutex; int stopped; } vb_shared;
int clock_gettime(int clock, vb_timespec *ts);
unsigned long pthread_self(void);
int pthread_kill(unsigned long thread, int sig);
int pthread_mutex_init(vb_mutex *mutex, const void *attr);
int pthread_mutex_lock(vb_mutex *mutex);
int pthread_mutex_unlock(vb_mutex *mutex);
]]
local C = ffi.C
local CLOCK_MONOTONIC, SIGINT = 1, 2
local PARK_MS = 24 * 3600 * 1000
local IDLE_PATH = "/media/bench-webhooks-idle.txt"

local ts = ffi.new("vb_timespec")
local function now()
	C.clock_gettime(CLOCK_MONOTONIC, ts)
	return tonumber(ts.tv_sec) + tonumber(ts.tv_nsec) / 1e9
end

-- ---------------------------------------------------------------- setup
-- The setup/done state, on wrk's main OS thread.

local threads = {}
-- Shared by all threads (plain memory: the states live in one process):
-- a mutex and the number of threads that have stopped.  Referenced here,
-- in the state that outlives the threads.
local shared

function setup(thread)
	if not shared then
		shared = ffi.new("vb_shared")
		C.pthread_mutex_init(shared.mutex, nil)
	end
	thread:set("id", #threads)
	thread:set("shared_addr",
	    tonumber(ffi.cast("uintptr_t", ffi.cast("vb_shared *", shared))))
	threads[#threads + 1] = thread
end

-- ---------------------------------------------------------------- running
-- One state per wrk thread; its init() still runs on the main OS thread.

local blob, pos, n = "", 1, 0	-- this thread's file, next line, lines
local head			-- the request up to the signature's value
local given, pending, answered = 0, 0, 0
local deadline, seconds = math.huge, 0
local idle_req, main_thread, nthreads, sh
local running, stopping, finished = false, false, false
local other = {}		-- non-200 status: count
-- Read by done() through thread:get().
r_files, r_events, r_sent, r_ok, r_idle = 0, 0, 0, 0, 0
r_first, r_last = 0, 0		-- first event sent, last answer (s)
r_other, r_first_error = "", ""	-- r_other: '"STATUS":COUNT,...'

function init(args)
	local prefix = args[1]
	nthreads, seconds = tonumber(args[2]), tonumber(args[3])
	if not prefix or not nthreads or not seconds then
		error("webhooks.lua: usage: wrk ... -- PREFIX THREADS SECONDS")
	end
	if id >= nthreads then
		error(("webhooks.lua: more wrk threads than the %d event files")
		    :format(nthreads))
	end
	r_files = nthreads
	sh = ffi.cast("vb_shared *", shared_addr)
	main_thread = C.pthread_self()
	local f = assert(io.open(prefix .. "." .. id, "rb"))
	blob = f:read("*a")
	f:close()
	local p = 1
	while p <= #blob do
		local nl = blob:find("\n", p, true)
		local tab = blob:find("\t", p, true)
		if not nl or not tab or tab > nl then
			error(("webhooks.lua: %s.%d: line %d is not SIGNATURE TAB BODY")
			    :format(prefix, id, n + 1))
		end
		n, p = n + 1, nl + 1
	end
	r_events = n
	local host = wrk.headers["Host"]
	head = ("POST %s HTTP/1.1\r\nHost: %s\r\n" ..
	    "Content-Type: application/json\r\nMux-Signature: ")
	    :format(wrk.path, host)
	idle_req = ("GET %s HTTP/1.1\r\nHost: %s\r\n\r\n"):format(IDLE_PATH, host)
end

-- Everything sent is answered and nothing is reserved or left to send:
-- stop this thread; the last one to stop ends wrk's sleep.
local function finish_if_done()
	if finished or answered < given or pending > 0 or
	    (given < n and not stopping) then
		return
	end
	finished = true
	if r_last == 0 then
		r_last = now()
	end
	wrk.thread:stop()
	C.pthread_mutex_lock(sh.mutex)
	sh.stopped = sh.stopped + 1
	local all = sh.stopped == nthreads
	C.pthread_mutex_unlock(sh.mutex)
	if all then
		C.pthread_kill(main_thread, SIGINT)
	end
end

function delay()
	if not stopping and given + pending < n and now() < deadline then
		pending = pending + 1
		return 0
	end
	if given + pending < n then
		stopping = true		-- SECONDS have passed
	end
	finish_if_done()
	return PARK_MS
end

function request()
	if not running then
		if C.pthread_self() == main_thread then
			return idle_req		-- wrk's check of the script
		end
		running = true
		r_first = now()
		deadline = r_first + seconds
	end
	if pending > 0 then
		pending = pending - 1
	end
	if given == n then
		r_idle = r_idle + 1
		return idle_req
	end
	given = given + 1
	r_sent = given
	local tab = blob:find("\t", pos, true)
	local nl = blob:find("\n", tab, true)
	local req = head .. blob:sub(pos, tab - 1) .. "\r\nContent-Length: " ..
	    (nl - tab - 1) .. "\r\n\r\n" .. blob:sub(tab + 1, nl - 1)
	pos = nl + 1
	return req
end

function response(status, headers, body)
	if headers["ETag"] then		-- the answer to an idle request
		return
	end
	answered = answered + 1
	if status == 200 then
		r_ok = r_ok + 1
	else
		other[status] = (other[status] or 0) + 1
		local list = {}
		for st, count in pairs(other) do
			list[#list + 1] = ('"%d":%d'):format(st, count)
		end
		r_other = table.concat(list, ",")
		if r_first_error == "" then
			r_first_error = ("HTTP %d: %s"):format(status, body:sub(1, 200))
		end
	end
	if answered == given then
		r_last = now()
		finish_if_done()
	end
end

-- ---------------------------------------------------------------- done

local function json_string(s)
	return '"' .. s:gsub('[%c"\\]', function(c)
		return ("\\u%04x"):format(c:byte())
	end) .. '"'
end

function done(summary)
	local t = { events = 0, sent = 0, ok = 0, idle = 0 }
	local statuses, first, last, first_error, files = {}, math.huge, 0, "", 0
	for _, thread in ipairs(threads) do
		for k in pairs(t) do
			t[k] = t[k] + thread:get("r_" .. k)
		end
		statuses[200] = (statuses[200] or 0) + thread:get("r_ok")
		for st, count in thread:get("r_other"):gmatch('"(%d+)":(%d+)') do
			st = tonumber(st)
			statuses[st] = (statuses[st] or 0) + tonumber(count)
		end
		local f, l = thread:get("r_first"), thread:get("r_last")
		if f > 0 and f < first then first = f end
		if l > last then last = l end
		if first_error == "" then
			first_error = thread:get("r_first_error")
		end
		files = thread:get("r_files")
	end
	if statuses[200] == 0 then statuses[200] = nil end
	local e = summary.errors
	local errors = e.connect + e.read + e.write + e.timeout
	if errors > 0 then
		first_error = ("socket errors: connect %d, read %d, write %d, " ..
		    "timeout %d; %s"):format(e.connect, e.read, e.write, e.timeout,
		    first_error)
	end
	if #threads ~= files then
		first_error = ("%d wrk threads for %d event files; %s")
		    :format(#threads, files, first_error)
		errors = errors + 1
	end
	local secs = last > first and last - first or 0
	local list = {}
	for st, count in pairs(statuses) do
		list[#list + 1] = ('"%d":%d'):format(st, count)
	end
	io.write(("{\"events\":%d,\"sent\":%d,\"ok\":%d,\"statuses\":{%s}," ..
	    "\"errors\":%d,\"firstError\":%s,\"seconds\":%.3f,\"rate\":%.1f," ..
	    "\"idle\":%d,\"threads\":%d,\"wrkSeconds\":%.3f}\n"):format(
	    t.events, t.sent, t.ok, table.concat(list, ","), errors,
	    json_string(first_error), secs, secs > 0 and t.ok / secs or 0,
	    t.idle, #threads, summary.duration / 1e6))
end
