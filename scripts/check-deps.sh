#!/usr/bin/env bash
# Proves the dependency direction (STYLE.md rule 1): the domain crate depends on no HTTP, SQL or
# web-framework crate, the API crate never depends on Diesel directly, and no file of the API
# crate names a persistence row (it reads typed records: `leder_persistence::records`).
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
# Every Diesel row struct of persistence/src/rows/, by name.
row_structs=$(grep -hoE '^pub struct [A-Za-z0-9_]+' persistence/src/rows/*.rs | awk '{print $3}' | sort -u)
if [ -z "$row_structs" ]; then
    echo "check-deps: found no row structs in persistence/src/rows/ (has the layout changed?)"
    fail=1
fi
for row in $row_structs; do
    if hits=$(grep -rnw --include='*.rs' "$row" api/src); then
        echo "api/ must read typed records, not the persistence row $row:"
        echo "$hits"
        fail=1
    fi
done
if hits=$(grep -rn --include='*.rs' 'leder_persistence::rows' api/src); then
    echo "api/ must not reach into leder_persistence::rows:"
    echo "$hits"
    fail=1
fi
if grep -qE '^pub mod rows;' persistence/src/lib.rs; then
    echo "persistence/src/lib.rs must keep its rows to itself: pub(crate) mod rows;"
    fail=1
fi
if [ "$fail" -ne 0 ]; then
    exit 1
fi
echo "dependency direction: ok (domain is pure; api does not use diesel or name a persistence row)"
