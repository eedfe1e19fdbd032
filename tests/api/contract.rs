//! The published contract: `openapi.yaml` matches the code, every operation is documented, and
//! the served document and Swagger UI answer.

use std::path::Path;

use crate::helpers::{TestApp, json};

#[test]
fn openapi_yaml_matches_the_code() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../openapi.yaml");
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    let generated = leder_api::openapi::yaml().unwrap();
    assert!(
        committed == generated,
        "openapi.yaml differs from the code: run `make openapi` and commit the result"
    );
}

#[test]
fn every_operation_has_a_summary_a_tag_an_operation_id_and_its_errors() {
    let doc: serde_json::Value = serde_json::to_value(leder_api::openapi::document()).unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    let mut ids = std::collections::HashSet::new();
    let mut count = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            count += 1;
            let name = format!("{method} {path}");
            assert!(
                op["summary"].as_str().is_some_and(|s| !s.is_empty()),
                "{name}: no summary"
            );
            assert!(
                op["tags"].as_array().is_some_and(|t| !t.is_empty()),
                "{name}: no tag"
            );
            let id = op["operationId"].as_str().unwrap_or_default().to_owned();
            assert!(!id.is_empty(), "{name}: no operationId");
            assert!(ids.insert(id), "{name}: duplicate operationId");
            let responses = op["responses"].as_object().unwrap();
            // A browser endpoint's success may be a redirect (the OpenID provider's callback).
            assert!(
                responses.keys().any(|s| s.starts_with('2') || s == "303"),
                "{name}: no success response"
            );
            // Liveness does no I/O and has no failure mode to document.
            if path != "/healthz" {
                assert!(
                    responses
                        .keys()
                        .any(|s| s.starts_with('4') || s.starts_with('5')),
                    "{name}: no error responses"
                );
            }
        }
    }
    assert_eq!(
        count, 92,
        "operations in the contract: a route added or removed changes this"
    );
}

#[actix_web::test]
async fn the_served_contract_is_the_generated_one_and_swagger_ui_answers() {
    let app = TestApp::sqlite().await;
    let served = json(app.get("/api-docs/openapi.json").await, 200).await;
    let generated = serde_json::to_value(leder_api::openapi::document()).unwrap();
    assert_eq!(served, generated);
    let ui = app.get("/swagger-ui/").await;
    assert_eq!(ui.status(), 200);
    assert!(ui.text().await.unwrap().contains("swagger-ui"));
}

/// Every `$ref` of the contract names a component that exists (a domain enum used in a DTO
/// but never registered once left `SignInMethod` dangling, which only the spec validator saw).
#[test]
fn every_reference_in_the_contract_resolves() {
    fn refs<'a>(v: &'a serde_json::Value, out: &mut Vec<&'a str>) {
        match v {
            serde_json::Value::Object(map) => {
                for (k, child) in map {
                    match (k.as_str(), child.as_str()) {
                        ("$ref", Some(target)) => out.push(target),
                        _ => refs(child, out),
                    }
                }
            }
            serde_json::Value::Array(items) => items.iter().for_each(|i| refs(i, out)),
            _ => {}
        }
    }
    let doc = serde_json::to_value(leder_api::openapi::document()).unwrap();
    let mut found = Vec::new();
    refs(&doc, &mut found);
    let dangling: Vec<&&str> = found
        .iter()
        .filter(|r| {
            let mut path = r.trim_start_matches("#/").split('/');
            path.try_fold(&doc, |node, part| node.get(part)).is_none()
        })
        .collect();
    assert!(!found.is_empty());
    assert!(dangling.is_empty(), "references to nothing: {dangling:?}");
}
