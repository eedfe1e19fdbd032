// @generated automatically by Diesel CLI.

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

diesel::allow_tables_to_appear_in_same_query!(
    organisation_parents,
    organisation_successors,
    organisations,
    reference_imports,
);
