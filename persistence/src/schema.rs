// @generated automatically by Diesel CLI.

diesel::table! {
    audit_chains (chain_id) {
        chain_id -> Text,
        last_seq -> BigInt,
        last_hash -> Text,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    audit_log (chain_id, seq) {
        chain_id -> Text,
        seq -> BigInt,
        occurred_at -> Timestamp,
        actor_kind -> Text,
        actor_id -> Nullable<Text>,
        actor_roles -> Text,
        actor_organisation -> Nullable<Text>,
        method -> Text,
        route -> Text,
        action -> Text,
        subject -> Nullable<Text>,
        subject_organisation -> Nullable<Text>,
        outcome -> Text,
        client_address -> Nullable<Text>,
        prev_hash -> Text,
        hash -> Text,
        keyed -> Bool,
    }
}

diesel::table! {
    case_notes (id) {
        id -> Text,
        review_id -> Text,
        kind -> Text,
        text -> Text,
        occurred_on -> Date,
        corrects -> Nullable<Text>,
        author_id -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    authorization_codes (code_hash) {
        code_hash -> Text,
        client_id -> Text,
        redirect_uri -> Text,
        code_challenge -> Text,
        user_id -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
        session_id -> Nullable<Text>,
        method -> Text,
        assurance -> Nullable<Text>,
    }
}

diesel::table! {
    clients (id) {
        id -> Text,
        name -> Text,
        organisation -> Text,
        secret_hash -> Text,
        created_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
        auth_method -> Text,
        public_jwks -> Nullable<Text>,
    }
}

diesel::table! {
    event_counters (organisation) {
        organisation -> Text,
        last_seq -> BigInt,
    }
}

diesel::table! {
    events (organisation, seq) {
        organisation -> Text,
        seq -> BigInt,
        id -> Text,
        event_type -> Text,
        subject_id -> Text,
        reference -> Text,
        occurred_at -> Timestamp,
        payload_version -> BigInt,
        data -> Text,
    }
}

diesel::table! {
    idempotency_keys (scope, idempotency_key) {
        scope -> Text,
        idempotency_key -> Text,
        request_hash -> Text,
        status -> BigInt,
        headers -> Text,
        body -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    learning_point_themes (learning_id, theme) {
        learning_id -> Text,
        theme -> Text,
    }
}

diesel::table! {
    learning_points (id) {
        id -> Text,
        review_id -> Text,
        organisation -> Text,
        kind -> Text,
        text -> Text,
        created_by -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    notifications (id) {
        id -> Text,
        reference -> Text,
        review_id -> Text,
        duplicate -> Bool,
        received_at -> Timestamp,
        area_code -> Text,
        person_json -> Nullable<Text>,
        notifier_json -> Nullable<Text>,
        circumstances -> Nullable<Text>,
        family_requests_focused_review -> Bool,
        acknowledged_at -> Nullable<Timestamp>,
        acknowledged_by -> Nullable<Text>,
        applied -> Bool,
        source_organisation -> Nullable<Text>,
        source_system -> Nullable<Text>,
        source_id -> Nullable<Text>,
        notifying_organisation -> Nullable<Text>,
        gp_practice -> Nullable<Text>,
    }
}

diesel::table! {
    organisation_parents (child_code, child_kind, valid_from) {
        child_code -> Text,
        child_kind -> Text,
        parent_code -> Text,
        valid_from -> Date,
        valid_to -> Nullable<Date>,
        source -> Text,
    }
}

diesel::table! {
    organisation_successors (from_code, from_kind, to_code, to_kind) {
        from_code -> Text,
        from_kind -> Text,
        to_code -> Text,
        to_kind -> Text,
        effective -> Date,
        share -> Text,
        source -> Text,
    }
}

diesel::table! {
    organisations (code, kind) {
        code -> Text,
        kind -> Text,
        name -> Text,
        valid_from -> Date,
        valid_to -> Nullable<Date>,
        ons_code -> Nullable<Text>,
        source -> Text,
    }
}

diesel::table! {
    rate_limits (bucket) {
        bucket -> Text,
        window_start -> Timestamp,
        hits -> BigInt,
    }
}

diesel::table! {
    recovery_codes (code_hash) {
        code_hash -> Text,
        user_id -> Text,
        created_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    reference_imports (id) {
        id -> Text,
        imported_at -> Timestamp,
        origin -> Text,
        checksum -> Text,
        added -> BigInt,
        updated -> BigInt,
        unchanged -> BigInt,
    }
}

diesel::table! {
    refresh_tokens (token_hash) {
        token_hash -> Text,
        session_id -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    review_alerts (review_id, kind) {
        review_id -> Text,
        kind -> Text,
        due_on -> Date,
        emitted_at -> Timestamp,
    }
}

diesel::table! {
    review_history (id) {
        id -> Text,
        review_id -> Text,
        occurred_at -> Timestamp,
        actor_id -> Nullable<Text>,
        actor_roles -> Text,
        action -> Text,
        from_status -> Nullable<Text>,
        to_status -> Nullable<Text>,
        detail -> Text,
    }
}

diesel::table! {
    review_escalations (id) {
        id -> Text,
        review_id -> Text,
        organisation -> Text,
        region -> Text,
        reason -> Text,
        agreed -> Text,
        by_when -> Date,
        created_by -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    review_holds (id) {
        id -> Text,
        review_id -> Text,
        reason -> Text,
        reason_text -> Nullable<Text>,
        from_stage -> Text,
        started_on -> Date,
        started_at -> Timestamp,
        ended_on -> Nullable<Date>,
        ended_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    reviews (id) {
        id -> Text,
        reference -> Text,
        status -> Text,
        resume_to -> Nullable<Text>,
        eligibility_outcome -> Text,
        eligibility_route -> Nullable<Text>,
        eligibility_reasons -> Text,
        review_type -> Nullable<Text>,
        focused_reasons -> Text,
        family_request -> Bool,
        reviewer_concern -> Nullable<Text>,
        data_quality_flags -> Text,
        organisation -> Text,
        area_code -> Text,
        sub_icb_location -> Nullable<Text>,
        reviewer_id -> Nullable<Text>,
        given_name -> Nullable<Text>,
        family_name -> Nullable<Text>,
        nhs_number -> Nullable<Text>,
        date_of_birth -> Nullable<Date>,
        date_of_death -> Nullable<Date>,
        sex -> Nullable<Text>,
        ethnic_category -> Nullable<Text>,
        learning_disability -> Nullable<Bool>,
        autistic -> Nullable<Bool>,
        lived_in_england -> Nullable<Bool>,
        place_of_death -> Nullable<Text>,
        year_of_death -> BigInt,
        age_at_death -> Nullable<BigInt>,
        findings -> Text,
        underlying_icd10 -> Nullable<Text>,
        care_grade -> Nullable<BigInt>,
        child_death_review_outcome -> Nullable<Text>,
        has_unreviewed_duplicate -> Bool,
        eligibility_version -> Text,
        avoidable_version -> Text,
        care_grade_version -> Text,
        synthetic -> Bool,
        notified_at -> Timestamp,
        notified_on -> Date,
        completed_at -> Nullable<Timestamp>,
        completed_on -> Nullable<Date>,
        version -> BigInt,
        updated_at -> Timestamp,
        identity_key -> Nullable<Text>,
        legal_hold_reason -> Nullable<Text>,
        legal_hold_since -> Nullable<Timestamp>,
        disposed_at -> Nullable<Timestamp>,
        form_version -> Text,
        opt_out_check -> Text,
        opt_out_checked_opted_out -> Nullable<Bool>,
        opt_out_checked_on -> Nullable<Date>,
        opt_out_check_source -> Nullable<Text>,
        first_allocated_at -> Nullable<Timestamp>,
        learning_disability_level -> Nullable<Text>,
        referred_to_coroner -> Nullable<Bool>,
        dols_authorisation_in_place -> Nullable<Bool>,
        care_package_met_needs -> Nullable<Bool>,
        out_of_area_placement -> Nullable<Bool>,
        covid_vaccination -> Nullable<Text>,
    }
}

diesel::table! {
    sessions (id) {
        id -> Text,
        user_id -> Text,
        client_id -> Nullable<Text>,
        method -> Text,
        token_generation -> BigInt,
        created_at -> Timestamp,
        last_used_at -> Timestamp,
        expires_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
        revoked_reason -> Nullable<Text>,
        client_address -> Nullable<Text>,
        assurance -> Nullable<Text>,
    }
}

diesel::table! {
    themes (code) {
        code -> Text,
        label -> Text,
        position -> BigInt,
    }
}

diesel::table! {
    used_once (issuer, value) {
        issuer -> Text,
        value -> Text,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    users (id) {
        id -> Text,
        username -> Text,
        display_name -> Text,
        roles -> Text,
        organisation -> Nullable<Text>,
        password_hash -> Text,
        disabled -> Bool,
        failed_logins -> BigInt,
        locked_until -> Nullable<Timestamp>,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        token_generation -> BigInt,
        totp_secret -> Nullable<Text>,
        totp_last_step -> Nullable<BigInt>,
        second_factor_required -> Bool,
        federated_subject -> Nullable<Text>,
    }
}

diesel::table! {
    webhook_deliveries (id) {
        id -> Text,
        webhook_id -> Text,
        event_id -> Text,
        event_seq -> BigInt,
        attempt -> BigInt,
        attempted_at -> Timestamp,
        succeeded -> Bool,
        status_code -> Nullable<BigInt>,
        error -> Nullable<Text>,
        duration_ms -> BigInt,
    }
}

diesel::table! {
    webhooks (id) {
        id -> Text,
        organisation -> Text,
        url -> Text,
        event_types -> Text,
        secret -> Text,
        status -> Text,
        paused_reason -> Nullable<Text>,
        last_seq -> BigInt,
        consecutive_failures -> BigInt,
        next_attempt_at -> Nullable<Timestamp>,
        lease_owner -> Nullable<Text>,
        lease_until -> Nullable<Timestamp>,
        created_by -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    action_history (id) {
        id -> Text,
        action_id -> Text,
        occurred_at -> Timestamp,
        actor_id -> Nullable<Text>,
        actor_roles -> Text,
        change -> Text,
        version -> BigInt,
        detail -> Text,
    }
}

diesel::table! {
    actions (id) {
        id -> Text,
        organisation -> Text,
        title -> Text,
        outcome_measure -> Text,
        owner -> Text,
        due_date -> Date,
        status -> Text,
        learning_ids -> Text,
        themes -> Text,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        completed_on -> Nullable<Date>,
    }
}

diesel::table! {
    local_area_contacts (organisation, kind) {
        organisation -> Text,
        kind -> Text,
        role_title -> Text,
        mailbox -> Text,
        phone -> Nullable<Text>,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    meetings (id) {
        id -> Text,
        organisation -> Text,
        kind -> Text,
        held_on -> Date,
        attendee_roles -> Text,
        reviews_discussed -> Text,
        decisions -> Text,
        created_by -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    family_contacts (id) {
        id -> Text,
        review_id -> Text,
        name -> Text,
        relationship -> Text,
        phone -> Nullable<Text>,
        email -> Nullable<Text>,
        address -> Nullable<Text>,
        preferred_contact -> Nullable<Text>,
        accessibility_needs -> Text,
        interpreter_language -> Nullable<Text>,
        accessibility_note -> Nullable<Text>,
        created_by -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    family_events (id) {
        id -> Text,
        review_id -> Text,
        contact_id -> Nullable<Text>,
        kind -> Text,
        occurred_on -> Date,
        note -> Nullable<Text>,
        recorded_by -> Text,
        recorded_at -> Timestamp,
    }
}

diesel::table! {
    review_moves (id) {
        id -> Text,
        review_id -> Text,
        from_organisation -> Text,
        to_organisation -> Text,
        reason -> Text,
        text -> Nullable<Text>,
        origin -> Text,
        status -> Text,
        proposed_by -> Text,
        proposed_at -> Timestamp,
        decided_by -> Nullable<Text>,
        decided_at -> Nullable<Timestamp>,
        decline_reason -> Nullable<Text>,
    }
}

diesel::table! {
    involved_organisations (id) {
        id -> Text,
        review_id -> Text,
        kind -> Text,
        ods_code -> Nullable<Text>,
        name -> Nullable<Text>,
        recorded_by -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    records_requests (id) {
        id -> Text,
        review_id -> Text,
        organisation_id -> Text,
        asked_for -> Text,
        contact_email -> Text,
        due_on -> Date,
        status -> Text,
        requested_by -> Text,
        requested_at -> Timestamp,
        closed_at -> Nullable<Timestamp>,
        closed_by -> Nullable<Text>,
        link_hash -> Text,
        link_expires_at -> Timestamp,
        link_revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    attachments (id) {
        id -> Text,
        review_id -> Text,
        records_request_id -> Nullable<Text>,
        object_key -> Text,
        file_name -> Text,
        document_type -> Text,
        size_bytes -> BigInt,
        sha256 -> Text,
        description -> Nullable<Text>,
        uploaded_by -> Nullable<Text>,
        uploaded_at -> Timestamp,
        withdrawn_at -> Nullable<Timestamp>,
        withdrawn_by -> Nullable<Text>,
        withdrawn_reason -> Nullable<Text>,
    }
}

diesel::allow_tables_to_appear_in_same_query!(
    action_history,
    actions,
    attachments,
    involved_organisations,
    records_requests,
    local_area_contacts,
    meetings,
    audit_chains,
    audit_log,
    case_notes,
    authorization_codes,
    clients,
    event_counters,
    events,
    family_contacts,
    family_events,
    idempotency_keys,
    learning_point_themes,
    learning_points,
    notifications,
    organisation_parents,
    organisation_successors,
    organisations,
    rate_limits,
    recovery_codes,
    reference_imports,
    review_escalations,
    refresh_tokens,
    review_alerts,
    review_history,
    review_holds,
    review_moves,
    reviews,
    sessions,
    themes,
    used_once,
    users,
    webhook_deliveries,
    webhooks,
);
