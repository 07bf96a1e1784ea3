# t0001-stack-up: nginx is up, serves www/ with the security headers, and
# answers an unknown API path itself with a problem+json 404 (SPEC §5).

api GET /
expect_status 200
expect_header Content-Type '^text/html'
expect_header Content-Security-Policy "^default-src 'self'; script-src 'self';"
expect_header X-Content-Type-Options '^nosniff$'
expect_header Referrer-Policy '^no-referrer$'
grep -qi '<html' "$BODY" || fail "/ is not the HTML page"
[ -z "$(header Server | tr -d '[:lower:]')" ] || fail "Server header shows a version"

api GET /api/no-such-endpoint
expect_problem 404 not_found
expect_header Cache-Control '^no-store$'
expect_header X-Content-Type-Options '^nosniff$'
