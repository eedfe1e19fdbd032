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
    }
}

diesel::allow_tables_to_appear_in_same_query!(
    audit_chains,
    audit_log,
    clients,
    organisation_parents,
    organisation_successors,
    organisations,
    reference_imports,
    users,
);
