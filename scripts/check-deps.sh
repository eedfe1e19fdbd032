#!/usr/bin/env bash
# Proves the dependency direction (STYLE.md rule 1): the domain crate depends on no HTTP, SQL or
# web-framework crate, and the API crate never depends on Diesel directly.
set -euo pipefail
cd "$(dirname "$0")/.."

fail=0
forbidden_in_domain='^(actix|hyper|reqwest|diesel|libsqlite3|pq-sys|r2d2|utoipa|serde_json|axum|tokio|sqlx|http) '
domain_deps=$(cargo tree -p leder-domain -e normal,build --prefix none --format '{p}' | sort -u)
if bad=$(grep -E "$forbidden_in_domain" <<<"$domain_deps"); then
    echo "leder-domain must stay pure, but depends on:"
    echo "$bad"
    fail=1
fi
api_direct=$(cargo tree -p leder-api -e normal --depth 1 --prefix none --format '{p}' | sort -u)
if bad=$(grep -E '^diesel' <<<"$api_direct"); then
    echo "leder-api must reach storage only through leder-persistence, but depends on:"
    echo "$bad"
    fail=1
fi
if [ "$fail" -ne 0 ]; then
    exit 1
fi
echo "dependency direction: ok (domain is pure; api does not use diesel)"
