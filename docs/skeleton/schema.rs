
diesel::table! {
    /// The example context's entries.
    example_entries (id) {
        id -> Text,
        agency_id -> Text,
        name -> Text,
        status -> Text,
        note -> Text,
        created_at -> Timestamp,
        created_by -> Text,
    }
}
