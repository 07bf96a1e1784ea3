/*
 * json.h: bounded, typed access to parsed JSON (cJSON underneath).
 * No caller reads a cJSON valuestring directly: every getter takes a
 * maximum length or a validator and fails on a wrong type.
 */
#ifndef HEADER_VIGIL_JSON_H
#define HEADER_VIGIL_JSON_H

#include <stddef.h>

struct cJSON;

enum json_res {
	JSON_OK = 0,	/* present and valid */
	JSON_MISSING,	/* absent or null */
	JSON_BAD,	/* present with a wrong type, length or charset */
	JSON__MAX
};

/* Parse exactly len bytes (NULs inside are an error); NULL on error. */
struct cJSON	*json_parse(const char *p, size_t len);
void		 json_free(struct cJSON *j);

/* Object member lookups; *out points into the document. */
enum json_res	 json_get_str(const struct cJSON *o, const char *key,
		    size_t maxlen, const char **out);
enum json_res	 json_get_text(const struct cJSON *o, const char *key,
		    size_t maxlen, const char **out);
enum json_res	 json_get_id(const struct cJSON *o, const char *key,
		    const char **out);
enum json_res	 json_get_bool(const struct cJSON *o, const char *key,
		    int *out);
enum json_res	 json_get_num(const struct cJSON *o, const char *key,
		    double *out);
enum json_res	 json_get_obj(const struct cJSON *o, const char *key,
		    const struct cJSON **out);
enum json_res	 json_get_arr(const struct cJSON *o, const char *key,
		    const struct cJSON **out);

/*
 * A path of object keys, ended by a null pointer (as for execl, cast it:
 * a bare NULL may be an int in a variadic call), e.g.
 * json_path(o, "rtmps", "url", (char *)NULL).
 */
const struct cJSON *json_path(const struct cJSON *o, ...)
		    __attribute__((sentinel));

/* Print compactly; caller frees with free(3).  NULL on failure. */
char		*json_print(const struct cJSON *j);

#endif /* HEADER_VIGIL_JSON_H */
