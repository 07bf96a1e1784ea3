/*
 * json.c: typed getters over cJSON.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "json.h"
#include "valid.h"

/*
 * Does the text hold a \u escape that cJSON decodes into a NUL?  Such a
 * NUL ends valuestring early, so "ab\u0000cd" would read as "ab" and
 * pass every length and charset check.  That is \u0000, and also any
 * \u not followed by four hex digits: cJSON's parse_hex4() returns 0
 * for a non-hex digit instead of failing, so "ab\uzzzzcd" (not JSON at
 * all) reads as "ab" too.  A backslash only appears inside strings in
 * valid JSON, and an escaped backslash is skipped as a pair (so the
 * text \\u0000 is not taken for an escape): no string tracking is
 * needed.
 */
static int
has_escaped_nul(const char *p, size_t len)
{
	size_t	 i, k;

	for (i = 0; i + 1 < len; i++) {
		if (p[i] != '\\')
			continue;
		if (p[i + 1] == 'u') {
			if (len - i < 6)
				return 1;
			for (k = 2; k < 6; k++)
				if (!isxdigit((unsigned char)p[i + k]))
					return 1;
			if (memcmp(p + i + 2, "0000", 4) == 0)
				return 1;
		}
		i++;
	}
	return 0;
}

struct cJSON *
json_parse(const char *p, size_t len)
{
	const char	*end = NULL;
	cJSON		*j;

	if (p == NULL || len == 0 || memchr(p, '\0', len) != NULL ||
	    has_escaped_nul(p, len))
		return NULL;
	if ((j = cJSON_ParseWithLengthOpts(p, len, &end, 0)) == NULL)
		return NULL;
	/* Only whitespace may follow the value. */
	while (end < p + len && (*end == ' ' || *end == '\n' ||
	    *end == '\r' || *end == '\t'))
		end++;
	if (end != p + len) {
		cJSON_Delete(j);
		return NULL;
	}
	return j;
}

void
json_free(struct cJSON *j)
{
	cJSON_Delete(j);
}

static const cJSON *
member(const struct cJSON *o, const char *key)
{
	const cJSON	*v;

	if (o == NULL || !cJSON_IsObject(o))
		return NULL;
	v = cJSON_GetObjectItemCaseSensitive(o, key);
	return v == NULL || cJSON_IsNull(v) ? NULL : v;
}

enum json_res
json_get_str(const struct cJSON *o, const char *key, size_t maxlen,
    const char **out)
{
	const cJSON	*v;
	size_t		 i;

	*out = NULL;
	if ((v = member(o, key)) == NULL)
		return JSON_MISSING;
	if (!cJSON_IsString(v) || v->valuestring == NULL ||
	    strlen(v->valuestring) > maxlen)
		return JSON_BAD;
	for (i = 0; v->valuestring[i] != '\0'; i++)
		if ((unsigned char)v->valuestring[i] < 0x20)
			return JSON_BAD;
	*out = v->valuestring;
	return JSON_OK;
}

enum json_res
json_get_text(const struct cJSON *o, const char *key, size_t maxlen,
    const char **out)
{
	const cJSON	*v;

	*out = NULL;
	if ((v = member(o, key)) == NULL)
		return JSON_MISSING;
	if (!cJSON_IsString(v) || !valid_text(v->valuestring, maxlen))
		return JSON_BAD;
	*out = v->valuestring;
	return JSON_OK;
}

enum json_res
json_get_id(const struct cJSON *o, const char *key, const char **out)
{
	const cJSON	*v;

	*out = NULL;
	if ((v = member(o, key)) == NULL)
		return JSON_MISSING;
	if (!cJSON_IsString(v) || !valid_id(v->valuestring))
		return JSON_BAD;
	*out = v->valuestring;
	return JSON_OK;
}

enum json_res
json_get_bool(const struct cJSON *o, const char *key, int *out)
{
	const cJSON	*v;

	if ((v = member(o, key)) == NULL)
		return JSON_MISSING;
	if (!cJSON_IsBool(v))
		return JSON_BAD;
	*out = cJSON_IsTrue(v) ? 1 : 0;
	return JSON_OK;
}

enum json_res
json_get_num(const struct cJSON *o, const char *key, double *out)
{
	const cJSON	*v;

	if ((v = member(o, key)) == NULL)
		return JSON_MISSING;
	if (!cJSON_IsNumber(v))
		return JSON_BAD;
	*out = v->valuedouble;
	return JSON_OK;
}

enum json_res
json_get_obj(const struct cJSON *o, const char *key,
    const struct cJSON **out)
{
	const cJSON	*v;

	*out = NULL;
	if ((v = member(o, key)) == NULL)
		return JSON_MISSING;
	if (!cJSON_IsObject(v))
		return JSON_BAD;
	*out = v;
	return JSON_OK;
}

enum json_res
json_get_arr(const struct cJSON *o, const char *key,
    const struct cJSON **out)
{
	const cJSON	*v;

	*out = NULL;
	if ((v = member(o, key)) == NULL)
		return JSON_MISSING;
	if (!cJSON_IsArray(v))
		return JSON_BAD;
	*out = v;
	return JSON_OK;
}

const struct cJSON *
json_path(const struct cJSON *o, ...)
{
	va_list		 ap;
	const char	*k;

	va_start(ap, o);
	while (o != NULL && (k = va_arg(ap, const char *)) != NULL)
		o = member(o, k);
	va_end(ap);
	return o;
}

char *
json_print(const struct cJSON *j)
{
	return cJSON_PrintUnformatted(j);
}
