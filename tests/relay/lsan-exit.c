/*
 * lsan-exit.c: linked into the relay suite's AddressSanitizer build only
 * (tests/relay/t07-memory.sh, with -Wl,--wrap=_exit).  A FastCGI worker
 * ends with _exit(2) (lib/http.c), which skips LeakSanitizer's check at
 * exit; this runs the check first, after the worker has finalized and
 * freed its relay, then exits as asked.
 */
#include <sanitizer/lsan_interface.h>

void	__real__exit(int) __attribute__((noreturn));
void	__wrap__exit(int) __attribute__((noreturn));

void
__wrap__exit(int status)
{
	__lsan_do_recoverable_leak_check();
	__real__exit(status);
}
