# t0407-session-login-link: sign-in by link (SPEC §4).  `vigil login-link
# --sub S` prints $VIGIL_PUBLIC_URL/signin#t=TOKEN (the token in the
# fragment); the /signin page is served; POST /api/session {"token"}
# answers 200 with who you are and Set-Cookie session=...; HttpOnly;
# SameSite=Lax (no Secure on http:// loopback); that cookie works for
# GET /api/session and for create-whip; the same link a second time is
# 401; an unknown token is 401; DELETE /api/session clears the cookie
# (Max-Age=0); a GET never signs in.  Only the link token's hash is
# stored.

mid=m0407-$RANDOM$RANDOM
auth_as it-admin --role admin
api POST /api/memorials "{\"id\":\"$mid\",\"title\":\"Case 0407\",\"ownerUid\":\"u0407-alice\"}"
expect_status 201
no_auth

link=$(vigil login-link --sub u0407-alice) || fail "vigil login-link failed"
case $link in
"$VIGIL_PUBLIC_URL/signin#t="?*) ;;
*) fail "login-link printed '$link'" ;;
esac
tok=${link#*#t=}
[[ $tok =~ ^[A-Za-z0-9_-]{20,}$ ]] || fail "link token '$tok' looks wrong"
printf '%s\n' "$tok" >>"$IT_TMP/secrets"
hash=$(printf '%s' "$tok" | sha256sum | cut -d' ' -f1)
[ "$(db "select sub from login_tokens where token_hash = '$hash'")" = u0407-alice ] ||
    fail "the link token's hash is not stored"
for f in "$VIGIL_DB" "$VIGIL_DB-wal"; do
	[ ! -e "$f" ] || ! grep -aqF -- "$tok" "$f" ||
	    fail "the link token itself is stored in $f"
done

# The page the link opens.
api GET /signin
expect_status 200
expect_header Content-Type '^text/html'
cmp -s "$BODY" "$IT_ROOT/www/signin.html" || fail "/signin is not www/signin.html"

# Signed out: GET /api/session is 401, and a GET never uses the token.
api GET /api/session
expect_problem 401 unauthenticated
api GET "/api/session?token=$tok"
expect_problem 401 unauthenticated

# Sign in.
api POST /api/session "{\"token\":\"$tok\"}"
expect_status 200
expect_json .sub u0407-alice
expect_json .role null
cookie=$(header Set-Cookie)
case $cookie in session=?*) ;; *) fail "Set-Cookie: '$cookie'" ;; esac
printf '%s\n' "$cookie" | grep -q '; HttpOnly' || fail "cookie not HttpOnly: $cookie"
printf '%s\n' "$cookie" | grep -q '; SameSite=Lax' || fail "cookie not SameSite=Lax: $cookie"
! printf '%s\n' "$cookie" | grep -qi 'Secure' ||
    fail "Secure on an http:// loopback: $cookie"
printf '%s\n' "$cookie" | grep -q '; Path=/' || fail "cookie without Path=/: $cookie"
max_age=$(printf '%s\n' "$cookie" | sed -n 's/.*; Max-Age=\([0-9]*\).*/\1/p')
[ -n "$max_age" ] && [ "$max_age" -gt 0 ] || fail "cookie Max-Age '$max_age'"
jwt=${cookie#session=}
jwt=${jwt%%;*}
printf '%s\n' "$jwt" >>"$IT_TMP/secrets"
[ "$(db "select used_at is not null from login_tokens where token_hash = '$hash'")" = 1 ] ||
    fail "the link is not marked used"

# The cookie is a session.
api GET /api/session "" -H "Cookie: session=$jwt"
expect_status 200
expect_json .sub u0407-alice
api POST /api/streams/create-whip "{\"memorialId\":\"$mid\",\"title\":\"By cookie\"}" \
    -H "Cookie: session=$jwt"
expect_status 201
expect_json .stream.createdBy u0407-alice

# The link works once.
api POST /api/session "{\"token\":\"$tok\"}"
expect_problem 401 unauthenticated
[ -z "$(header Set-Cookie)" ] || fail "a used link set a cookie"
api POST /api/session '{"token":"no-such-sign-in-token-0407"}'
expect_problem 401 unauthenticated
for b in '{}' '{"token":5}' '{"token":"bad token!"}' 'nope'; do
	api POST /api/session "$b"
	expect_problem 400 invalid_request
done

# An admin link gives an admin session.
admin_link=$(vigil login-link --sub u0407-boss --role admin)
api POST /api/session "{\"token\":\"${admin_link#*#t=}\"}"
expect_status 200
expect_json .role admin

# Sign out.
api DELETE /api/session "" -H "Cookie: session=$jwt"
expect_status 204
cookie=$(header Set-Cookie)
case $cookie in "session=;"*) ;; *) fail "sign-out Set-Cookie: '$cookie'" ;; esac
printf '%s\n' "$cookie" | grep -q '; Max-Age=0' || fail "sign-out cookie lives on: $cookie"
