/*
 * vigil: the admin command line, for what curl cannot bootstrap.
 *
 *   vigil token --sub U [--role admin] [--name N] [--ttl S]
 *   vigil login-link --sub U [--role admin]
 *   vigil memorial add --id M --title T --owner U [--director U2]...
 *                      [--videographer U3]... [--private]
 *   vigil reconcile [--days N]
 *
 * It reads the same configuration as the FastCGI programs (environment
 * or VIGIL_CONFIG) and writes to the same database.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auth.h"
#include "compat.h"
#include "conf.h"
#include "crypto.h"
#include "db.h"
#include "log.h"
#include "reconcile.h"
#include "rest.h"
#include "stream.h"
#include "valid.h"
#include "vlimits.h"

static void
usage(void)
{
	fprintf(stderr,
	    "usage: vigil token --sub USER [--role admin] [--name NAME] "
	    "[--ttl SECONDS]\n"
	    "       vigil login-link --sub USER [--role admin]\n"
	    "       vigil memorial add --id ID --title TITLE --owner USER\n"
	    "                          [--director USER]... "
	    "[--videographer USER]... [--private]\n"
	    "       vigil reconcile [--days N]\n");
	exit(2);
}

static int
load_conf(struct conf *c, unsigned int need)
{
	char	 err[256];

	if (conf_load(c, need, err, sizeof(err)) == -1) {
		fprintf(stderr, "vigil: configuration: %s\n", err);
		return -1;
	}
	log_init("vigil", (enum log_level)c->log_level);
	return 0;
}

struct opts {
	const char	*sub, *role, *name, *id, *title, *owner;
	long		 ttl;
	int		 days;
	int		 private_;
	struct memorial	 m;	/* people collected here */
};

static void
parse_opts(int argc, char *argv[], struct opts *o)
{
	static const struct option longs[] = {
		{ "sub", required_argument, NULL, 's' },
		{ "role", required_argument, NULL, 'r' },
		{ "name", required_argument, NULL, 'n' },
		{ "ttl", required_argument, NULL, 't' },
		{ "id", required_argument, NULL, 'i' },
		{ "title", required_argument, NULL, 'T' },
		{ "owner", required_argument, NULL, 'o' },
		{ "director", required_argument, NULL, 'd' },
		{ "videographer", required_argument, NULL, 'v' },
		{ "private", no_argument, NULL, 'p' },
		{ "days", required_argument, NULL, 'D' },
		{ NULL, 0, NULL, 0 }
	};
	const char	*errstr;
	int		 ch;

	memset(o, 0, sizeof(*o));
	o->ttl = LIM_SESSION_TTL;
	o->days = 30;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "", longs, NULL)) != -1) {
		switch (ch) {
		case 's': o->sub = optarg; break;
		case 'r': o->role = optarg; break;
		case 'n': o->name = optarg; break;
		case 'i': o->id = optarg; break;
		case 'T': o->title = optarg; break;
		case 'o': o->owner = optarg; break;
		case 'p': o->private_ = 1; break;
		case 't':
			o->ttl = (long)strtonum(optarg, 1, LIM_SESSION_TTL_MAX,
			    &errstr);
			if (errstr != NULL) {
				fprintf(stderr, "vigil: --ttl: %s (1 to %d)\n",
				    errstr, LIM_SESSION_TTL_MAX);
				exit(2);
			}
			break;
		case 'D':
			o->days = (int)strtonum(optarg, 1, 3650, &errstr);
			if (errstr != NULL) {
				fprintf(stderr, "vigil: --days: %s\n", errstr);
				exit(2);
			}
			break;
		case 'd':
		case 'v':
			if (!valid_id(optarg) || o->m.npeople == LIM_PEOPLE) {
				fprintf(stderr, "vigil: bad or too many "
				    "people\n");
				exit(2);
			}
			strlcpy(o->m.people[o->m.npeople].uid, optarg,
			    sizeof(o->m.people[0].uid));
			o->m.people[o->m.npeople++].role = ch == 'd' ?
			    ROLE_DIRECTOR : ROLE_VIDEOGRAPHER;
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();
	if (o->role != NULL && strcmp(o->role, "admin") != 0) {
		fprintf(stderr, "vigil: --role can only be admin\n");
		exit(2);
	}
	if (o->sub != NULL && !valid_id(o->sub)) {
		fprintf(stderr, "vigil: --sub must be [A-Za-z0-9_-]{1,64}\n");
		exit(2);
	}
}

static int
cmd_token(struct opts *o)
{
	struct conf	 c;
	char		*t;

	if (o->sub == NULL)
		usage();
	if (o->name != NULL && !valid_text(o->name, LIM_NAME)) {
		fprintf(stderr, "vigil: --name: bad text\n");
		return 2;
	}
	if (load_conf(&c, CONF_NEED_JWT) == -1)
		return 1;
	if ((t = auth_mint(&c, o->sub, o->role != NULL, o->name,
	    (long long)time(NULL), o->ttl)) == NULL) {
		fprintf(stderr, "vigil: cannot mint a token (only HS256 "
		    "configurations can; see JWT_ALG)\n");
		conf_free(&c);
		return 1;
	}
	puts(t);
	crypto_wipe(t, strlen(t));
	free(t);
	conf_free(&c);
	return 0;
}

static int
cmd_login_link(struct opts *o)
{
	struct conf	 c;
	struct db	*db;
	char		 tok[64], hash[CRYPTO_SHA256_HEX];
	int		 rc = 1;

	if (o->sub == NULL)
		usage();
	if (load_conf(&c, CONF_NEED_JWT) == -1)
		return 1;
	if (c.jwt_alg != CONF_JWT_HS256) {
		fprintf(stderr, "vigil: sign-in links need JWT_ALG=HS256 "
		    "(your identity provider signs sessions otherwise)\n");
		goto out;
	}
	if ((db = db_open(c.db_path, 0)) == NULL)
		goto out;
	if (crypto_token(tok, sizeof(tok), 32) == -1)
		goto outdb;
	crypto_sha256_hex(tok, strlen(tok), hash);
	if (db_login_insert(db, hash, o->sub, o->role != NULL,
	    (long long)time(NULL) + LIM_LOGIN_LINK_TTL) != DB_OK)
		goto outdb;
	printf("%s/signin#t=%s\n", c.public_url, tok);
	rc = 0;
outdb:
	db_close(db);
out:
	crypto_wipe(tok, sizeof(tok));
	conf_free(&c);
	return rc;
}

static int
cmd_memorial_add(struct opts *o)
{
	struct conf	 c;
	struct db	*db;
	enum db_res	 res;
	int		 rc = 1;

	if (o->id == NULL || o->title == NULL || o->owner == NULL)
		usage();
	if (!valid_id(o->id) || !valid_id(o->owner) ||
	    !valid_text(o->title, LIM_TITLE)) {
		fprintf(stderr, "vigil: bad --id, --owner or --title\n");
		return 2;
	}
	if (load_conf(&c, 0) == -1)
		return 1;
	if ((db = db_open(c.db_path, 0)) == NULL)
		goto out;
	strlcpy(o->m.id, o->id, sizeof(o->m.id));
	strlcpy(o->m.title, o->title, sizeof(o->m.title));
	strlcpy(o->m.owner, o->owner, sizeof(o->m.owner));
	o->m.private_ = o->private_;
	o->m.created_at = o->m.updated_at = (long long)time(NULL);
	if ((res = db_memorial_insert(db, &o->m)) == DB_EXISTS) {
		fprintf(stderr, "vigil: memorial %s exists\n", o->id);
		rc = 3;
	} else if (res == DB_OK) {
		printf("memorial %s added\n", o->id);
		rc = 0;
	}
	db_close(db);
out:
	conf_free(&c);
	return rc;
}

static int
cmd_reconcile(struct opts *o)
{
	struct reconcile_stats st;
	struct conf	 c;
	struct db	*db = NULL;
	struct rest	*rest = NULL;
	int		 rc = 1;

	if (load_conf(&c, 0) == -1)
		return 1;
	if (rest_global_init() == -1)
		goto out;
	if ((db = db_open(c.db_path, 0)) == NULL || (rest = rest_new()) ==
	    NULL)
		goto outc;
	if (reconcile_run(&c, db, rest, o->days, &st) == 0) {
		printf("reconcile: %zu streams checked, %zu changes, "
		    "%zu errors\n", st.streams, st.changed, st.errors);
		rc = st.errors > 0 ? 1 : 0;
	}
outc:
	rest_free(rest);
	db_close(db);
	rest_global_cleanup();
out:
	conf_free(&c);
	return rc;
}

int
main(int argc, char *argv[])
{
	struct opts	 o;

	if (argc < 2)
		usage();
	if (strcmp(argv[1], "token") == 0) {
		parse_opts(argc - 1, argv + 1, &o);
		return cmd_token(&o);
	}
	if (strcmp(argv[1], "login-link") == 0) {
		parse_opts(argc - 1, argv + 1, &o);
		return cmd_login_link(&o);
	}
	if (strcmp(argv[1], "memorial") == 0 && argc > 2 &&
	    strcmp(argv[2], "add") == 0) {
		parse_opts(argc - 2, argv + 2, &o);
		return cmd_memorial_add(&o);
	}
	if (strcmp(argv[1], "reconcile") == 0) {
		parse_opts(argc - 1, argv + 1, &o);
		return cmd_reconcile(&o);
	}
	usage();
	return 2;
}
