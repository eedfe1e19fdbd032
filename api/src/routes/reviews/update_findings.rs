//! `PATCH /reviews/{id}/findings`: the review form, as a JSON Merge Patch.

use actix_web::{HttpRequest, HttpResponse, patch, web};
use leder_domain::audit::AuditAction;
use leder_domain::workflow::Findings;
use serde_json::Value;

use crate::app::reviews;
use crate::app::reviews::ReviewChange;
use crate::audit::RequestInfo;
use crate::auth::Caller;
use crate::cases::answer;
use crate::cases::{actor_of, findings_doc, findings_to_domain, refusal};
use crate::dto::if_match;
use crate::dto::reviews::FindingsDoc;
use crate::error::ApiError;
use crate::extract::{ValidatedJson, parse_json};
use crate::state::AppState;

/// A JSON object body (a merge patch), kept as JSON.
#[derive(Debug, serde::Deserialize)]
pub struct RawObject(pub serde_json::Map<String, Value>);

impl validator::Validate for RawObject {
    fn validate(&self) -> Result<(), validator::ValidationErrors> {
        Ok(())
    }
}

/// The largest review form, serialized: repeated patches must not grow it without bound.
pub const FINDINGS_MAX_BYTES: usize = 256 * 1024;

/// RFC 7396 JSON Merge Patch.
pub fn merge_patch(target: &mut Value, patch: &Value) {
    match patch {
        Value::Object(fields) => {
            if !target.is_object() {
                *target = Value::Object(serde_json::Map::new());
            }
            if let Value::Object(t) = target {
                for (k, v) in fields {
                    if v.is_null() {
                        t.remove(k);
                    } else {
                        merge_patch(t.entry(k.clone()).or_insert(Value::Null), v);
                    }
                }
            }
        }
        other => *target = other.clone(),
    }
}

/// Update the review form
///
/// JSON Merge Patch of the form with `If-Match` (428 without, 412 when stale). The allocated
/// reviewer writes while the case is `in_review`; the lead at any open stage. The answer adds
/// the derived avoidable-mortality classification. The form as patched may be at most 256 KiB
/// as JSON (262144 bytes); a patch that would make it larger is refused (422, `findings`,
/// `too_large`).
#[utoipa::path(
    tag = "reviews",
    operation_id = "update_findings",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "Review id"),
        ("If-Match" = String, Header, description = "The ETag from the last read"),
    ),
    request_body(content = FindingsDoc, content_type = "application/merge-patch+json"),
    responses(
        (status = 200, description = "The case", body = crate::dto::reviews::Review, headers(("ETag" = String))),
        crate::error::sets::EditErrors,
    )
)]
#[patch("/reviews/{id}/findings")]
pub async fn update_findings(
    state: web::Data<AppState>,
    caller: Caller,
    info: RequestInfo,
    req: HttpRequest,
    id: web::Path<String>,
    body: ValidatedJson<RawObject>,
) -> Result<HttpResponse, ApiError> {
    let expected = if_match(&req)?;
    let patch = Value::Object(body.0.0);
    // The patch alone must already be well-formed (types, names).
    let _: FindingsDoc = parse_json(&serde_json::to_vec(&patch).map_err(ApiError::internal)?)?;
    let actor = actor_of(&caller)?;
    let fields: Vec<String> = patch
        .as_object()
        .map(|o| o.keys().cloned().collect())
        .unwrap_or_default();
    let change = ReviewChange::new(
        &state,
        &caller,
        &info,
        AuditAction::UpdateFindings,
        id.into_inner(),
        Some(expected),
    );
    let review = reviews::change(&state, &caller, change, move |review| {
        let findings = patched(&review.findings, &patch)?;
        review
            .write_findings(&actor, findings, fields)
            .map_err(|r| refusal(&r))
    })
    .await?;
    Ok(answer(&review))
}

/// The review form with a merge patch applied to it as the API shows it: at most
/// [`FINDINGS_MAX_BYTES`] as JSON, and every field valid (422 naming the field otherwise).
fn patched(current: &Findings, patch: &Value) -> Result<Findings, ApiError> {
    let mut form = serde_json::to_value(findings_doc(current)).map_err(ApiError::internal)?;
    merge_patch(&mut form, patch);
    let bytes = serde_json::to_vec(&form).map_err(ApiError::internal)?;
    if bytes.len() > FINDINGS_MAX_BYTES {
        return Err(ApiError::invalid_field(
            "findings",
            "too_large",
            format!(
                "the review form would take {} bytes as JSON; at most {FINDINGS_MAX_BYTES}",
                bytes.len()
            ),
        ));
    }
    let doc: FindingsDoc = parse_json(&bytes)?;
    findings_to_domain(&doc).map_err(ApiError::unprocessable)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_merge_patch_replaces_adds_and_removes_fields() {
        let mut target = json!({"a": 1, "b": {"c": 2, "d": 3}, "e": [1]});
        merge_patch(
            &mut target,
            &json!({"a": null, "b": {"c": 5}, "e": [2], "f": "x"}),
        );
        assert_eq!(target, json!({"b": {"c": 5, "d": 3}, "e": [2], "f": "x"}));
    }
}
