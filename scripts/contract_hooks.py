"""Schemathesis hooks for `make contract-test` (loaded through SCHEMATHESIS_HOOKS).

One check is refined, none is dropped. `positive_data_acceptance` expects every request that fits
the schema to succeed. A schema states shapes: lengths, ranges, patterns, enums. It cannot state
what depends on stored data, on configuration or on two fields at once, and leder answers those
with a problem naming each field and a stable code (API.md, "Conventions"). This check therefore
forgives a refusal of schema-valid data only when EVERY field error in it carries one of the codes
below, each of which the schema cannot express; any other refusal (a length, a pattern, a range
the schema forgot) still fails. It also skips a case whose own components were generated as
negative data (schemathesis 4 can label such a case positive as a whole).
"""

import json

import schemathesis
from schemathesis.openapi.checks import RejectedPositiveData
from schemathesis.specs.openapi.checks import positive_data_acceptance

# Codes of refusals that depend on what is stored, configured or on another field.
CODES_THE_SCHEMA_CANNOT_STATE = {
    # Opaque values the server gave out: a well-formed cursor may still be no cursor of ours.
    "invalid_cursor",
    # The same Idempotency-Key was used before with another body.
    "idempotency_key_reused",
    # Reference data and stored records, looked up by value.
    "unknown_area_code",
    "not_a_responsible_body",
    "area_not_valid_on_date",
    "area_split_name_sub_icb_location",
    "area_unresolvable",
    "not_a_current_icb",
    "not_a_current_region",
    "not_in_who_classification",
    "unknown_theme",
    "unknown_learning",
    "unknown_reviewer",
    "unknown_review",
    "unknown_note",
    "wrong_password",
    # An NHS number's modulus 11 check digit: no pattern can state it; nor that the ten digits
    # are not one digit repeated (such numbers pass the check digit).
    "invalid_check_digit",
    "implausible_nhs_number",
    # Plausibility: a date of death on or after the programme began (a `format: date` string has
    # no bounds in JSON Schema), an age at death of at most 120 (two fields), and a name with a
    # letter in it (Unicode letters: the regex dialects a schema may use cannot say "letter").
    "implausible_date",
    "implausible_age",
    "implausible_name",
    # The review form's size after a merge patch, which depends on the stored form.
    "too_large",
    # Configuration: which webhook hosts may be reached over plain http.
    "target_not_allowed",
    # Rules over two fields, or over a field and today's date.
    "organisation_required",
    "organisation_not_allowed",
    "role_stands_alone",
    "weak_password",
    "death_before_birth",
    "death_in_future",
    "in_the_future",
    "received_before_death",
    "received_in_future",
    "date_of_birth_required",
    "requested_by_required",
    "requested_on_required",
    # Workflow rules (422) over the action chosen and the case's stage, findings and data.
    "reason_required",
    "comment_required",
    "reviewer_required",
    "not_a_reviewer_in_this_icb",
    "invalid_hold_reason",
    "hold_reason_text_required",
    "findings_incomplete",
    "open_data_quality_flag",
    "no_learning_point",
    "no_person",
    # A review keeps the form version it was opened with (stored state).
    "not_in_form_version",
    # The family record (issue 15): rules over two fields (the preferred way and its detail, an
    # interpreter and the language, `other` and its note, an entry and its reason, a blank
    # name), and the form's family answers, derived from what is stored.
    "required",
    "preferred_way_unreachable",
    "interpreter_language_required",
    "accessibility_note_required",
    "note_required",
    "derived_from_family_record",
    # Moves between ICBs: the case's own ICB (stored), `other` and its text.
    "same_icb",
    "text_required",
    # Evidence (issue 16): a records request's due date against today, and its organisation
    # among those recorded as involved in the case (stored).
    "in_the_past",
    "unknown_organisation",
    # An import file (issue 19) in CSV: its header and rows are text to a schema.
    "unreadable_file",
    # A machine client's public keys (issue 18): a JWK Set is free-form JSON to a schema, which
    # cannot say which members make a usable public key, nor reach the strings nested in it.
    "invalid_jwks",
}

# Codes a schema cannot state for one field only (a field's path starts with the key).
CODES_THE_SCHEMA_CANNOT_STATE_UNDER = {
    "jwks": {"control_character"},
}

# Problem types whose refusal depends on stored state rather than on the request's shape.
TYPES_THE_SCHEMA_CANNOT_STATE = {
    "/problems/precondition-failed",  # 412: the If-Match names a stale version
    # 415 to a request of a declared media type: a document's own bytes are not of an allowed
    # type (issue 16; checked by content, which no schema states).
    "/problems/unsupported-media-type",
}


# The browser sign-in flow (issue 18): its refusals are pages for a person, not problems. The
# authorization endpoint refuses, with a 400 page, a client_id that is not registered or a
# redirect_uri not registered for it (configuration, LEDER_OAUTH_CLIENTS), which no schema can
# state; everything else it refuses goes back to the client as a redirect.
PAGES_REFUSING_UNREGISTERED_CLIENTS = {"/api/v1/auth/authorize"}


def _explained_by_state(response):
    if (
        response.status_code == 400
        and response.headers.get("content-type", [""])[0].startswith("text/html")
        and any(response.request.url.split("?")[0].endswith(p) for p in PAGES_REFUSING_UNREGISTERED_CLIENTS)
    ):
        return True
    try:
        problem = json.loads(response.content or b"{}")
    except ValueError:
        return False
    if problem.get("type") in TYPES_THE_SCHEMA_CANNOT_STATE:
        return True
    errors = problem.get("errors") or []
    def unstateable(e):
        code, field = e.get("code"), e.get("field") or ""
        if code in CODES_THE_SCHEMA_CANNOT_STATE:
            return True
        # An import's rows (issue 19) are checked by the rules of live intake and of the
        # workflow, over dates, stages and stored accounts, which a schema cannot state.
        if field.startswith("rows["):
            return True
        return any(
            (field == key or field.startswith(key + ".")) and code in codes
            for key, codes in CODES_THE_SCHEMA_CANNOT_STATE_UNDER.items()
        )

    return bool(errors) and all(unstateable(e) for e in errors)


def _has_negative_component(case):
    meta = getattr(case, "meta", None)
    components = getattr(meta, "components", None) or {}
    return any(not info.mode.is_positive for info in components.values())


@schemathesis.check
def positive_data_acceptance_beyond_state(ctx, response, case):
    """positive_data_acceptance, forgiving only refusals the schema cannot express."""
    if _has_negative_component(case):
        return None
    try:
        return positive_data_acceptance(ctx, response, case)
    except RejectedPositiveData:
        if _explained_by_state(response):
            return None
        raise


@schemathesis.serializer("application/x-ndjson")
def ndjson_serializer(ctx, value):
    """An import file (issue 19) as NDJSON: one JSON value a line (a list is one row an item)."""
    rows = value if isinstance(value, list) else [value]
    return "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows).encode("utf-8")


@schemathesis.hook
def before_call(ctx, case, **kwargs):
    """A dry run of an import (issue 19) answers a file that breaks the schema with a 200 report
    of its rows' errors, by design; a case built to break the schema is sent as a real import,
    which refuses it (422 or 400), so that the negative-data check has something to check."""
    if case.operation.path == "/api/v1/imports" and _has_negative_component(case):
        case.query = {**(case.query or {}), "dry_run": "false"}
    # A multipart form (issue 16) carries text only: a `description` of another JSON type (a
    # number, a boolean) reaches the server as text, which is valid. A case built to break the
    # form's schema also gets a part the form does not take, which the server refuses (400).
    if (
        case.media_type == "multipart/form-data"
        and _has_negative_component(case)
        and isinstance(case.body, dict)
    ):
        case.body = {**case.body, "not_a_part": "x"}
