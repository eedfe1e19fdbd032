//! STYLE.md: "`domain` knows nothing of HTTP, SQL or JSON frameworks". The crate's manifest names
//! only the dependencies a pure rules crate needs (`cargo tree -p leder-domain -e normal` shows
//! their closure).

const MANIFEST: &str = include_str!("../../Cargo.toml");

#[test]
fn the_domain_depends_on_no_http_sql_json_or_web_framework_crate() {
    let mut section = "";
    let mut dependencies = Vec::new();
    for line in MANIFEST.lines().map(str::trim) {
        if line.starts_with('[') {
            section = line;
        } else if section == "[dependencies]" && !line.is_empty() && !line.starts_with('#') {
            dependencies.push(line.split(['=', '.']).next().unwrap().trim());
        }
    }
    dependencies.sort();
    // Pure computation only: HMAC-SHA256 (pseudonyms), HMAC-SHA1 (RFC 6238 one-time codes).
    assert_eq!(dependencies, ["hmac", "sha1", "sha2", "thiserror", "time"]);
}
