/*
 * replay.c: run a fuzz target's LLVMFuzzerTestOneInput() once over
 * every file of a corpus, without libFuzzer, so that `make check`
 * covers the corpora with any compiler (and with ASan/UBSan when built
 * with SAN=1), as h2o's t/99fuzzer-* and SQLite's fuzzcheck do.
 *
 *	replay-<target> [-n] path...
 *
 * Each path is a file or a directory (its regular files, not
 * recursively, in name order; dot files skipped).  Every input runs in
 * a child process of its own, so one that crashes, aborts on a failed
 * invariant or hangs (more than REPLAY_TIMEOUT seconds) counts as one
 * failure and the others still run; -n runs them in this process
 * instead (for a debugger or valgrind).  Each input gets an allocation
 * of exactly its size, so a read past the end is caught by the
 * sanitizers.  The last line is "N passed, N failed", and the exit
 * status is non-zero when anything failed or no input was found.
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"

/* Seconds one input may take (libFuzzer's default -timeout is 1200). */
#define REPLAY_TIMEOUT	30

/* The largest corpus file we read: far above any seed. */
#define REPLAY_MAX	(4 * 1024 * 1024)

static int	 passed, failed, nofork;
static FILE	*out;		/* stdout: the targets may silence stderr */

/* Read a whole file into an allocation of its exact size. */
static uint8_t *
readfile(const char *path, size_t *len)
{
	struct stat	 sb;
	uint8_t		*p;
	FILE		*f;

	*len = 0;
	if ((f = fopen(path, "rb")) == NULL)
		return NULL;
	if (fstat(fileno(f), &sb) == -1 || sb.st_size < 0 ||
	    sb.st_size > REPLAY_MAX ||
	    (p = malloc(sb.st_size > 0 ? (size_t)sb.st_size : 1)) == NULL) {
		fclose(f);
		return NULL;
	}
	if (sb.st_size > 0 && fread(p, 1, (size_t)sb.st_size, f) !=
	    (size_t)sb.st_size) {
		free(p);
		fclose(f);
		return NULL;
	}
	fclose(f);
	*len = (size_t)sb.st_size;
	return p;
}

static void
run_one(const char *path)
{
	uint8_t	*data;
	size_t	 len;
	pid_t	 pid;
	int	 st;

	if ((data = readfile(path, &len)) == NULL) {
		fprintf(out, "replay: %s: cannot read\n", path);
		failed++;
		return;
	}
	if (nofork) {
		LLVMFuzzerTestOneInput(data, len);
		free(data);
		passed++;
		return;
	}
	fflush(out);
	if ((pid = fork()) == -1) {
		fprintf(out, "replay: fork: %s\n", strerror(errno));
		free(data);
		failed++;
		return;
	}
	if (pid == 0) {
		alarm(REPLAY_TIMEOUT);
		LLVMFuzzerTestOneInput(data, len);
		free(data);
		/* exit(), not _exit(): LeakSanitizer checks at exit. */
		exit(0);
	}
	free(data);
	while (waitpid(pid, &st, 0) == -1)
		if (errno != EINTR) {
			st = -1;
			break;
		}
	if (st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 0)
		passed++;
	else {
		failed++;
		if (st != -1 && WIFSIGNALED(st))
			fprintf(out, "replay: %s: FAIL (signal %d%s)\n", path,
			    WTERMSIG(st), WTERMSIG(st) == SIGALRM ?
			    ", timeout" : "");
		else
			fprintf(out, "replay: %s: FAIL (exit %d)\n", path,
			    st != -1 && WIFEXITED(st) ? WEXITSTATUS(st) : -1);
	}
}

static int
visible(const struct dirent *d)
{
	return d->d_name[0] != '.';
}

static void
run_path(const char *path)
{
	struct dirent	**names;
	struct stat	 sb;
	char		 file[4096];
	int		 i, n;

	if (stat(path, &sb) == -1) {
		fprintf(out, "replay: %s: %s\n", path, strerror(errno));
		failed++;
		return;
	}
	if (!S_ISDIR(sb.st_mode)) {
		run_one(path);
		return;
	}
	if ((n = scandir(path, &names, visible, alphasort)) == -1) {
		fprintf(out, "replay: %s: %s\n", path, strerror(errno));
		failed++;
		return;
	}
	for (i = 0; i < n; i++) {
		if ((size_t)snprintf(file, sizeof(file), "%s/%s", path,
		    names[i]->d_name) < sizeof(file) &&
		    stat(file, &sb) == 0 && S_ISREG(sb.st_mode))
			run_one(file);
		free(names[i]);
	}
	free(names);
}

int
main(int argc, char *argv[])
{
	int	 i = 1;

	out = stdout;
	if (i < argc && strcmp(argv[i], "-n") == 0) {
		nofork = 1;
		i++;
	}
	if (i == argc) {
		fprintf(out, "usage: %s [-n] file-or-directory...\n", argv[0]);
		return 2;
	}
	LLVMFuzzerInitialize(&argc, &argv);
	for (; i < argc; i++)
		run_path(argv[i]);
	if (passed + failed == 0) {
		fprintf(out, "replay: no inputs found\n");
		failed++;
	}
	fprintf(out, "%d passed, %d failed\n", passed, failed);
	return failed == 0 ? 0 : 1;
}
