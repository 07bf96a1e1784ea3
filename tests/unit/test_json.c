/*
 * test_json.c: unit tests for lib/json.c (bounded, typed JSON access).
 *
 * json_parse takes (pointer, length), so the table gives lengths: a
 * row may hand over only a prefix of its text, or a text with a NUL
 * inside.  The getter tables run against one document that holds a
 * value of every type, with the edge lengths around each cap.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "json.h"
#include "vlimits.h"

#include "unit.h"

#define LEN(s)	(sizeof(s) - 1)
/* A literal and its length, NULs included. */
#define S(s)	(s), LEN(s)

struct pcase {
	const char	*name;
	const char	*in;
	size_t		 len;
	int		 ok;
};

static void
test_parse(void)
{
	static const struct pcase cases[] = {
	{ "empty object", S("{}"), 1 },
	{ "empty array", S("[]"), 1 },
	{ "a number", S("42"), 1 },
	{ "a string", S("\"s\""), 1 },
	{ "null", S("null"), 1 },
	{ "nested", S("{\"a\":{\"b\":[1,{\"c\":null}]}}"), 1 },
	{ "whitespace around", S(" \t\r\n{}\n\r\t "), 1 },
	{ "trailing garbage", S("{}x"), 0 },
	{ "two values", S("{}{}"), 0 },
	{ "value, space, garbage", S("{} ,"), 0 },
	{ "trailing vertical tab", S("{}\v"), 0 },
	{ "trailing form feed", S("{}\f"), 0 },
	{ "trailing NUL inside len", S("{}\0"), 0 },
	{ "NUL inside a string", S("{\"a\":\"b\0c\"}"), 0 },
	{ "NUL before the value", S("\0{}"), 0 },
	{ "len stops before garbage", "{\"a\":1}garbage", 7, 1 },
	{ "len cuts the value short", "{\"a\":1}", 5, 0 },
	{ "len 0", "{}", 0, 0 },
	{ "only whitespace", S("   "), 0 },
	{ "unclosed object", S("{"), 0 },
	{ "missing value", S("{\"a\":}"), 0 },
	{ "single quotes", S("{'a':1}"), 0 },
	{ "trailing comma", S("{\"a\":1,}"), 0 },
	{ "comment", S("/* c */{}"), 0 },
	{ "NaN", S("NaN"), 0 },
	{ "Infinity", S("[Infinity]"), 0 },
	{ "lone surrogate escape", S("{\"a\":\"\\ud800\"}"), 0 },
	{ "bad escape", S("\"\\x41\""), 0 },
	{ "escaped NUL", S("{\"a\":\"x\\u0000y\"}"), 0 },
	{ "escaped NUL alone", S("\"\\u0000\""), 0 },
	{ "escaped NUL in a key", S("{\"a\\u0000b\":1}"), 0 },
	{ "escaped backslash, then text u0000", S("\"\\\\u0000\""), 1 },
	{ "escaped U+0001 parses", S("\"\\u0001\""), 1 },
	{ "escaped U+0100 parses", S("\"\\u0100\""), 1 },
	};
	cJSON	*j;
	size_t	 i;
	char	*deep;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct pcase *t = &cases[i];

		j = json_parse(t->in, t->len);
		if ((j != NULL) != t->ok)
			fprintf(stderr, "json_parse \"%s\": %s\n", t->name,
			    j != NULL ? "parsed" : "refused");
		CHECK((j != NULL) == t->ok);
		json_free(j);
	}
	CHECK(json_parse(NULL, 0) == NULL);
	CHECK(json_parse(NULL, 5) == NULL);
	json_free(NULL);	/* accepted */

	/* The escaped backslash row keeps its six characters. */
	j = json_parse("{\"a\":\"\\\\u0000\"}", 15);
	CHECK(j != NULL);
	if (j != NULL) {
		const char *v;

		CHECK(json_get_str(j, "a", 100, &v) == JSON_OK);
		CHECK_STR(v, "\\u0000");
	}
	json_free(j);

	/* Nesting far past cJSON's limit is refused, not a crash. */
	if ((deep = malloc(20001)) != NULL) {
		memset(deep, '[', 10000);
		memset(deep + 10000, ']', 10000);
		deep[20000] = '\0';
		j = json_parse(deep, 20000);
		CHECK(j == NULL);
		json_free(j);
		free(deep);
	}
}

/* One document with every kind of member the getters meet. */
#define DOC_TEXT \
    "{\"s\":\"hello\",\"e\":\"\",\"n\":5,\"f\":-1.5,\"t\":true,\"fa\":false," \
    "\"nu\":null,\"o\":{\"k\":\"v\"},\"a\":[1,2],\"id\":\"abc-1_X\"," \
    "\"badid\":\"a b\",\"ctl\":\"a\\u0001b\",\"tab\":\"a\\tb\"," \
    "\"nl\":\"a\\nb\",\"del\":\"a\\u007fb\",\"utf\":\"caf\\u00e9\"," \
    "\"sp\":\"   \",\"ls\":\"a\\u2028b\",\"c1\":\"a\\u0085b\"," \
    "\"tstr\":\"true\",\"nstr\":\"5\",\"S\":\"upper\"," \
    "\"t200\":\"" "%s" "\",\"t201\":\"" "%s" "\"," \
    "\"id64\":\"" "%s" "\",\"id65\":\"" "%s" "\"}"

static cJSON *
make_doc(void)
{
	char	 t200[LIM_TITLE + 1], t201[LIM_TITLE + 2];
	char	 id64[LIM_ID + 1], id65[LIM_ID + 2];
	char	 text[4096];
	int	 n;

	memset(t200, 'x', LIM_TITLE);
	t200[LIM_TITLE] = '\0';
	memset(t201, 'x', LIM_TITLE + 1);
	t201[LIM_TITLE + 1] = '\0';
	memset(id64, 'i', LIM_ID);
	id64[LIM_ID] = '\0';
	memset(id65, 'i', LIM_ID + 1);
	id65[LIM_ID + 1] = '\0';
	n = snprintf(text, sizeof(text), DOC_TEXT, t200, t201, id64, id65);
	if (n < 0 || (size_t)n >= sizeof(text))
		return NULL;
	return json_parse(text, (size_t)n);
}

struct scase {
	const char	*key;
	size_t		 max;
	enum json_res	 res;
	const char	*out;		/* when JSON_OK */
};

static void
check_str_rows(const cJSON *j, const struct scase *cases, size_t n,
    const char *fn)
{
	const char	*v;
	enum json_res	 r;
	size_t		 i;

	for (i = 0; i < n; i++) {
		const struct scase *t = &cases[i];

		v = "sentinel";
		if (strcmp(fn, "str") == 0)
			r = json_get_str(j, t->key, t->max, &v);
		else if (strcmp(fn, "text") == 0)
			r = json_get_text(j, t->key, t->max, &v);
		else
			r = json_get_id(j, t->key, &v);
		if (r != t->res)
			fprintf(stderr, "json_get_%s \"%s\": %d\n", fn, t->key,
			    (int)r);
		CHECK(r == t->res);
		if (t->res == JSON_OK && r == JSON_OK && t->out != NULL)
			CHECK_STR(v, t->out);
		else if (t->res == JSON_OK)
			CHECK(v != NULL);
		else
			CHECK(v == NULL);	/* never a stale pointer */
	}
}

static void
test_getters(void)
{
	static const struct scase strs[] = {
	{ "s", 5, JSON_OK, "hello" },
	{ "s", 100, JSON_OK, "hello" },
	{ "s", 4, JSON_BAD, NULL },
	{ "e", 10, JSON_OK, "" },
	{ "e", 0, JSON_OK, "" },
	{ "utf", 5, JSON_OK, "caf\xc3\xa9" },	/* bytes, not chars */
	{ "utf", 4, JSON_BAD, NULL },
	{ "del", 10, JSON_OK, "a\x7f" "b" },
	{ "ctl", 10, JSON_BAD, NULL },
	{ "tab", 10, JSON_BAD, NULL },
	{ "nl", 10, JSON_BAD, NULL },
	{ "n", 10, JSON_BAD, NULL },
	{ "f", 10, JSON_BAD, NULL },
	{ "t", 10, JSON_BAD, NULL },
	{ "o", 10, JSON_BAD, NULL },
	{ "a", 10, JSON_BAD, NULL },
	{ "nu", 10, JSON_MISSING, NULL },
	{ "nope", 10, JSON_MISSING, NULL },
	{ "", 10, JSON_MISSING, NULL },
	{ "S", 10, JSON_OK, "upper" },
	{ "k", 10, JSON_MISSING, NULL },	/* only in a child */
	{ "t200", LIM_TITLE, JSON_OK, NULL },
	{ "t201", LIM_TITLE, JSON_BAD, NULL },
	};
	static const struct scase texts[] = {
	{ "s", LIM_TITLE, JSON_OK, "hello" },
	{ "s", 4, JSON_BAD, NULL },
	{ "utf", LIM_TITLE, JSON_OK, "caf\xc3\xa9" },
	{ "e", LIM_TITLE, JSON_BAD, NULL },
	{ "sp", LIM_TITLE, JSON_BAD, NULL },
	{ "ctl", LIM_TITLE, JSON_BAD, NULL },
	{ "tab", LIM_TITLE, JSON_BAD, NULL },
	{ "del", LIM_TITLE, JSON_BAD, NULL },
	{ "ls", LIM_TITLE, JSON_BAD, NULL },
	{ "c1", LIM_TITLE, JSON_BAD, NULL },
	{ "n", LIM_TITLE, JSON_BAD, NULL },
	{ "t", LIM_TITLE, JSON_BAD, NULL },
	{ "a", LIM_TITLE, JSON_BAD, NULL },
	{ "nu", LIM_TITLE, JSON_MISSING, NULL },
	{ "nope", LIM_TITLE, JSON_MISSING, NULL },
	{ "t201", LIM_TITLE, JSON_BAD, NULL },
	};
	static const struct scase ids[] = {
	{ "id", 0, JSON_OK, "abc-1_X" },
	{ "s", 0, JSON_OK, "hello" },
	{ "badid", 0, JSON_BAD, NULL },
	{ "e", 0, JSON_BAD, NULL },
	{ "utf", 0, JSON_BAD, NULL },
	{ "ctl", 0, JSON_BAD, NULL },
	{ "n", 0, JSON_BAD, NULL },
	{ "o", 0, JSON_BAD, NULL },
	{ "nu", 0, JSON_MISSING, NULL },
	{ "nope", 0, JSON_MISSING, NULL },
	{ "id65", 0, JSON_BAD, NULL },
	};
	cJSON		*j, *arr;
	const cJSON	*sub;
	const char	*v;
	double		 d;
	int		 b;

	if ((j = make_doc()) == NULL) {
		CHECK(j != NULL);
		return;
	}
	check_str_rows(j, strs, sizeof(strs) / sizeof(strs[0]), "str");
	check_str_rows(j, texts, sizeof(texts) / sizeof(texts[0]), "text");
	check_str_rows(j, ids, sizeof(ids) / sizeof(ids[0]), "id");

	/* The long rows, whose values are not literals above. */
	CHECK(json_get_text(j, "t200", LIM_TITLE, &v) == JSON_OK &&
	    strlen(v) == LIM_TITLE);
	CHECK(json_get_id(j, "id64", &v) == JSON_OK && strlen(v) == LIM_ID);

	/* Booleans. */
	b = -1;
	CHECK(json_get_bool(j, "t", &b) == JSON_OK && b == 1);
	CHECK(json_get_bool(j, "fa", &b) == JSON_OK && b == 0);
	b = 7;
	CHECK(json_get_bool(j, "tstr", &b) == JSON_BAD && b == 7);
	CHECK(json_get_bool(j, "n", &b) == JSON_BAD && b == 7);
	CHECK(json_get_bool(j, "s", &b) == JSON_BAD);
	CHECK(json_get_bool(j, "nu", &b) == JSON_MISSING && b == 7);
	CHECK(json_get_bool(j, "nope", &b) == JSON_MISSING);

	/* Numbers. */
	d = 0;
	CHECK(json_get_num(j, "n", &d) == JSON_OK && d == 5);
	CHECK(json_get_num(j, "f", &d) == JSON_OK && d == -1.5);
	d = 9;
	CHECK(json_get_num(j, "nstr", &d) == JSON_BAD && d == 9);
	CHECK(json_get_num(j, "t", &d) == JSON_BAD);
	CHECK(json_get_num(j, "a", &d) == JSON_BAD);
	CHECK(json_get_num(j, "nu", &d) == JSON_MISSING && d == 9);

	/* Objects and arrays. */
	CHECK(json_get_obj(j, "o", &sub) == JSON_OK && sub != NULL &&
	    cJSON_IsObject(sub));
	CHECK(json_get_str(sub, "k", 5, &v) == JSON_OK);
	CHECK_STR(v, "v");
	CHECK(json_get_obj(j, "a", &sub) == JSON_BAD && sub == NULL);
	CHECK(json_get_obj(j, "s", &sub) == JSON_BAD && sub == NULL);
	CHECK(json_get_obj(j, "nu", &sub) == JSON_MISSING && sub == NULL);
	CHECK(json_get_arr(j, "a", &sub) == JSON_OK && sub != NULL &&
	    cJSON_GetArraySize(sub) == 2);
	CHECK(json_get_arr(j, "o", &sub) == JSON_BAD && sub == NULL);
	CHECK(json_get_arr(j, "e", &sub) == JSON_BAD && sub == NULL);
	CHECK(json_get_arr(j, "nope", &sub) == JSON_MISSING && sub == NULL);

	/* Getters on something that is not an object find nothing. */
	CHECK(json_get_str(NULL, "s", 10, &v) == JSON_MISSING && v == NULL);
	CHECK(json_get_id(NULL, "s", &v) == JSON_MISSING);
	CHECK(json_get_bool(NULL, "t", &b) == JSON_MISSING);
	arr = json_parse("[\"s\",1]", 7);
	CHECK(arr != NULL);
	CHECK(json_get_str(arr, "s", 10, &v) == JSON_MISSING);
	CHECK(json_get_num(arr, "0", &d) == JSON_MISSING);
	json_free(arr);
	json_free(j);
}

static void
test_path(void)
{
	static const char text[] =
	    "{\"rtmps\":{\"url\":\"rtmps://x/\",\"n\":{\"deep\":true},"
	    "\"z\":null,\"arr\":[{\"k\":1}]},\"top\":\"t\"}";
	cJSON		*j;
	const cJSON	*p;

	if ((j = json_parse(text, LEN(text))) == NULL) {
		CHECK(j != NULL);
		return;
	}
	p = json_path(j, "rtmps", "url", (char *)NULL);
	CHECK(p != NULL && cJSON_IsString(p) &&
	    strcmp(p->valuestring, "rtmps://x/") == 0);
	p = json_path(j, "rtmps", "n", "deep", (char *)NULL);
	CHECK(p != NULL && cJSON_IsTrue(p));
	p = json_path(j, "rtmps", (char *)NULL);
	CHECK(p != NULL && cJSON_IsObject(p));
	CHECK(json_path(j, (char *)NULL) == j);
	CHECK(json_path(j, "top", (char *)NULL) != NULL);
	/* Missing at each depth. */
	CHECK(json_path(j, "nope", (char *)NULL) == NULL);
	CHECK(json_path(j, "nope", "url", (char *)NULL) == NULL);
	CHECK(json_path(j, "rtmps", "nope", (char *)NULL) == NULL);
	CHECK(json_path(j, "rtmps", "n", "nope", (char *)NULL) == NULL);
	/* Through a string, a null, an array: nothing. */
	CHECK(json_path(j, "top", "x", (char *)NULL) == NULL);
	CHECK(json_path(j, "rtmps", "url", "x", (char *)NULL) == NULL);
	CHECK(json_path(j, "rtmps", "z", (char *)NULL) == NULL);
	CHECK(json_path(j, "rtmps", "z", "x", (char *)NULL) == NULL);
	CHECK(json_path(j, "rtmps", "arr", "k", (char *)NULL) == NULL);
	CHECK(json_path(j, "rtmps", "arr", "0", (char *)NULL) == NULL);
	/* Keys are case-sensitive. */
	CHECK(json_path(j, "RTMPS", (char *)NULL) == NULL);
	CHECK(json_path(NULL, "rtmps", (char *)NULL) == NULL);
	CHECK(json_path(NULL, (char *)NULL) == NULL);
	json_free(j);
}

static void
test_print(void)
{
	static const char text[] = " { \"a\" : [ 1 , 2 ] , \"b\" : "
	    "\"q\\\"\\\\\\n\\u0001\" } ";
	cJSON	*j;
	char	*s;

	if ((j = json_parse(text, LEN(text))) == NULL) {
		CHECK(j != NULL);
		return;
	}
	s = json_print(j);
	CHECK_STR(s, "{\"a\":[1,2],\"b\":\"q\\\"\\\\\\n\\u0001\"}");
	free(s);
	json_free(j);
}

int
main(void)
{
	test_parse();
	test_getters();
	test_path();
	test_print();
	return unit_done();
}
