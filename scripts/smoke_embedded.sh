#!/usr/bin/env bash
# Smoke test of the embedded default: a fresh SQLite file, migrate, demo data, a real server,
# sign in through HTTP and fetch the start page.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
port=${SMOKE_PORT:-8765}
export DATABASE_URL="sqlite:///$work/db.sqlite3"
unset REDIS_URL
export SECRET_KEY="smoke-$(date +%s)-not-secret-but-long-enough-for-the-smoke-test-only"
py=.venv/bin/python
# Production-like (no DEBUG), so the CPR keys must come from the environment.
CPR_KEYS=$($py -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())")
CPR_HASH_KEY="smoke-$(date +%s)-cpr-hash-key-not-secret"
export CPR_KEYS CPR_HASH_KEY
trap 'kill "${server:-0}" 2>/dev/null || true; rm -rf "$work"' EXIT

$py manage.py migrate --noinput -v0
$py manage.py seed_demo --allow-demo-users
STATIC_MANIFEST=false .venv/bin/gunicorn config.wsgi:application --bind "127.0.0.1:$port" \
  --workers 1 --log-level warning &
server=$!
for _ in $(seq 1 30); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.5; done

health=$(curl -fs "http://127.0.0.1:$port/healthz")
echo "healthz: $health"
[ "$health" = '{"database": "ok", "broker": "eager"}' ]

jar="$work/cookies"
login="http://127.0.0.1:$port/accounts/login/"
token=$(curl -fs -c "$jar" "$login" | sed -n 's/.*name="csrfmiddlewaretoken" value="\([^"]*\)".*/\1/p' | head -n 1)
[ -n "$token" ]
page=$(curl -fs -b "$jar" -c "$jar" -L -H "Referer: $login" \
  --data-urlencode "csrfmiddlewaretoken=$token" --data-urlencode "username=projektleder" \
  --data-urlencode "password=demo" "$login")
# Here-strings, not `echo | grep -q`: grep quits at the first match, and under pipefail the
# echo still writing the rest of the page into the closed pipe fails the run at random.
grep -q "Projektets overblik" <<<"$page"
grep -q "Demo Kommune" <<<"$page"
echo "smoke: signed in as projektleder and saw the project leader's start page"
