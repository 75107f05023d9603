//! The one schema both backends share (kept in step with `migrations/`; a test checks it).

diesel::table! {
    /// The region profile and the regulation in force (a single row).
    region (id) {
        id -> Integer,
        name -> Text,
        kind -> Text,
        domain -> Text,
        regulation_pack -> Text,
        regulation_number -> Text,
        regulation_year -> Integer,
        regulation_title -> Text,
        subdomain_authority -> Text,
        reporting_chain -> Text,
        updated_at -> Timestamp,
        updated_by -> Nullable<Text>,
        time_zone -> Text,
    }
}

diesel::table! {
    /// Agencies (Perangkat Daerah).
    agencies (id) {
        id -> Text,
        name -> Text,
        code -> Text,
        kind -> Text,
        is_dinas -> Bool,
        egov_unit -> Nullable<Text>,
        created_at -> Timestamp,
        created_by -> Nullable<Text>,
        updated_at -> Timestamp,
        updated_by -> Nullable<Text>,
    }
}

diesel::table! {
    /// Staff of the agencies, ASN and non-ASN.
    people (id) {
        id -> Text,
        agency_id -> Text,
        name -> Text,
        kind -> Text,
        nip -> Nullable<Text>,
        nik -> Nullable<Text>,
        position -> Nullable<Text>,
        email -> Nullable<Text>,
        phone -> Nullable<Text>,
        created_at -> Timestamp,
        created_by -> Nullable<Text>,
        updated_at -> Timestamp,
        updated_by -> Nullable<Text>,
    }
}

diesel::table! {
    /// Accounts that can sign in.
    users (id) {
        id -> Text,
        login -> Text,
        name -> Text,
        person_id -> Nullable<Text>,
        password_hash -> Text,
        lang -> Text,
        disabled -> Bool,
        failed_logins -> Integer,
        locked_until -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    /// Roles held by an account, scoped to an agency where the role needs one.
    role_grants (id) {
        id -> Text,
        user_id -> Text,
        role -> Text,
        agency_id -> Nullable<Text>,
        created_at -> Timestamp,
        created_by -> Nullable<Text>,
    }
}

diesel::table! {
    /// Browser sessions; `id` is the SHA-256 of the cookie value.
    sessions (id) {
        id -> Text,
        user_id -> Text,
        csrf -> Text,
        created_at -> Timestamp,
        last_seen_at -> Timestamp,
        expires_at -> Timestamp,
        user_agent -> Nullable<Text>,
        mfa -> Bool,
    }
}

diesel::table! {
    /// API tokens; only their SHA-256 is kept.
    api_tokens (id) {
        id -> Text,
        user_id -> Text,
        token_hash -> Text,
        name -> Text,
        created_at -> Timestamp,
        last_used_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    /// The head of the audit hash chain (a single row, locked by every write).
    audit_head (id) {
        id -> Integer,
        seq -> BigInt,
        last_hash -> Text,
    }
}

diesel::table! {
    /// The append-only, hash-chained audit trail.
    audit_events (seq) {
        seq -> BigInt,
        at -> Timestamp,
        actor_id -> Nullable<Text>,
        actor -> Text,
        action -> Text,
        record_type -> Text,
        record_id -> Text,
        agency_id -> Nullable<Text>,
        summary -> Text,
        prev_hash -> Text,
        hash -> Text,
    }
}

diesel::table! {
    /// Provider settings (the key that hashes client secrets).
    sso_settings (name) {
        name -> Text,
        value -> Text,
    }
}

diesel::table! {
    /// Token signing keys; retired keys stay published until `expires_at`.
    sso_keys (kid) {
        kid -> Text,
        alg -> Text,
        private_pem -> Text,
        public_jwk -> Text,
        created_at -> Timestamp,
        retired_at -> Nullable<Timestamp>,
        expires_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    /// Applications that sign people in through Simpul.
    sso_clients (id) {
        id -> Text,
        name -> Text,
        secret_hash -> Nullable<Text>,
        public -> Bool,
        redirect_uris -> Text,
        post_logout_redirect_uris -> Text,
        owner_agency_id -> Nullable<Text>,
        id_token_alg -> Text,
        disabled -> Bool,
        created_at -> Timestamp,
        created_by -> Nullable<Text>,
        updated_at -> Timestamp,
        updated_by -> Nullable<Text>,
        security_level -> Text,
        external -> Bool,
        api_access -> Bool,
        backchannel_logout_uri -> Nullable<Text>,
    }
}

diesel::table! {
    /// Authorization codes (hashed), single use.
    sso_codes (code_hash) {
        code_hash -> Text,
        client_id -> Text,
        user_id -> Text,
        redirect_uri -> Text,
        scope -> Text,
        nonce -> Nullable<Text>,
        code_challenge -> Nullable<Text>,
        auth_time -> Timestamp,
        family_id -> Text,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
        amr -> Text,
        session_id -> Nullable<Text>,
    }
}

diesel::table! {
    /// Access and refresh tokens (hashed); a family is every token from one sign-in.
    sso_tokens (token_hash) {
        token_hash -> Text,
        kind -> Text,
        family_id -> Text,
        client_id -> Text,
        user_id -> Nullable<Text>,
        scope -> Text,
        auth_time -> Nullable<Timestamp>,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
        amr -> Nullable<Text>,
        session_id -> Nullable<Text>,
    }
}

diesel::table! {
    /// A person's TOTP authenticator; confirmed once they have entered a first code.
    mfa_totp (user_id) {
        user_id -> Text,
        secret -> Text,
        confirmed_at -> Nullable<Timestamp>,
        last_step -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    /// One-time recovery codes (hashed) for when the authenticator is lost.
    mfa_recovery_codes (code_hash) {
        code_hash -> Text,
        user_id -> Text,
        created_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    /// A sign-in whose password was right and that waits for its second factor.
    sign_in_challenges (id) {
        id -> Text,
        user_id -> Text,
        user_agent -> Nullable<Text>,
        attempts -> Integer,
        created_at -> Timestamp,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    /// What a person allowed a client outside the government to receive.
    sso_consents (user_id, client_id) {
        user_id -> Text,
        client_id -> Text,
        scope -> Text,
        granted_at -> Timestamp,
    }
}

diesel::table! {
    /// The master plan (Rencana Induk): five years, reviewed at least every two (KT 4.3).
    master_plans (id) {
        id -> Text,
        title -> Text,
        period_start -> Integer,
        period_end -> Integer,
        adopted_on -> Date,
        last_reviewed_on -> Nullable<Date>,
        created_at -> Timestamp,
        created_by -> Text,
        updated_at -> Timestamp,
        updated_by -> Text,
    }
}

diesel::table! {
    /// Items of the master plan that registrations cite (KT 5).
    master_plan_items (id) {
        id -> Text,
        plan_id -> Text,
        code -> Text,
        title -> Text,
        created_at -> Timestamp,
        created_by -> Text,
    }
}

diesel::table! {
    /// Applications registered (or being registered) with the Dinas (KT 6.1).
    applications (id) {
        id -> Text,
        agency_id -> Text,
        name -> Text,
        kind -> Text,
        purpose -> Text,
        users -> Text,
        funding_source -> Text,
        funding_amount -> Nullable<BigInt>,
        open_source -> Bool,
        licence -> Nullable<Text>,
        source_repo -> Nullable<Text>,
        code_owned_by_region -> Bool,
        licence_owned_by_region -> Bool,
        web_based -> Bool,
        production_url -> Nullable<Text>,
        sso_client_id -> Nullable<Text>,
        interfaces -> Text,
        security_level -> Text,
        hosting -> Text,
        lifecycle -> Text,
        master_plan_item_id -> Nullable<Text>,
        status -> Text,
        review_note -> Nullable<Text>,
        created_at -> Timestamp,
        created_by -> Text,
        updated_at -> Timestamp,
        updated_by -> Text,
        feature_correction -> Bool,
        feature_cancel -> Bool,
        feature_confirmation -> Bool,
        feature_offer_choice -> Bool,
    }
}

diesel::table! {
    /// Every step of an application's registration, with its note.
    application_events (id) {
        id -> Text,
        application_id -> Text,
        at -> Timestamp,
        actor -> Text,
        action -> Text,
        status -> Text,
        note -> Nullable<Text>,
    }
}

diesel::table! {
    /// Technical documents handed to the Dinas, versioned; the file is in the blob store.
    application_documents (id) {
        id -> Text,
        application_id -> Text,
        kind -> Text,
        version -> Integer,
        sha256 -> Text,
        filename -> Text,
        media_type -> Text,
        size -> BigInt,
        uploaded_at -> Timestamp,
        uploaded_by -> Text,
    }
}

diesel::table! {
    /// Third parties that build or maintain an agency's ICT (KT 8.3, BT 18.5).
    vendors (id) {
        id -> Text,
        agency_id -> Text,
        name -> Text,
        contract_number -> Text,
        contract_start -> Date,
        contract_end -> Date,
        application_id -> Nullable<Text>,
        confidentiality_signed -> Bool,
        training_given -> Bool,
        warranty_until -> Nullable<Date>,
        created_at -> Timestamp,
        created_by -> Text,
        updated_at -> Timestamp,
        updated_by -> Text,
    }
}

diesel::table! {
    /// Hardware, end-user devices and network gear, with their maintenance schedule.
    devices (id) {
        id -> Text,
        agency_id -> Text,
        kind -> Text,
        name -> Text,
        serial -> Nullable<Text>,
        acquired_on -> Nullable<Date>,
        funding_source -> Text,
        location -> Text,
        maintenance_months -> Nullable<Integer>,
        last_maintained_on -> Nullable<Date>,
        retired -> Bool,
        created_at -> Timestamp,
        created_by -> Text,
        updated_at -> Timestamp,
        updated_by -> Text,
    }
}

diesel::table! {
    /// Servers, physical or virtual, and where they stand (KT 9.3: in the Dinas's data center).
    servers (id) {
        id -> Text,
        agency_id -> Text,
        name -> Text,
        kind -> Text,
        site -> Text,
        rack_or_cluster -> Text,
        cpu_cores -> Integer,
        memory_gb -> Integer,
        storage_gb -> Integer,
        retired -> Bool,
        created_at -> Timestamp,
        created_by -> Text,
        updated_at -> Timestamp,
        updated_by -> Text,
    }
}

diesel::table! {
    /// Which applications run on which servers.
    application_servers (application_id, server_id) {
        application_id -> Text,
        server_id -> Text,
    }
}

diesel::table! {
    /// Notifications of workflow steps, to an agency's staff or (no agency) to the Dinas.
    notifications (id) {
        id -> Text,
        agency_id -> Nullable<Text>,
        message -> Text,
        args -> Text,
        href -> Text,
        created_at -> Timestamp,
        created_by -> Text,
    }
}

diesel::table! {
    /// When each person last looked at their notifications.
    notification_reads (user_id) {
        user_id -> Text,
        seen_at -> Timestamp,
    }
}

diesel::table! {
    /// Requests to host an application in the Dinas's data center, and the decision.
    hosting_requests (id) {
        id -> Text,
        agency_id -> Text,
        application_id -> Text,
        cpu_cores -> Integer,
        memory_gb -> Integer,
        storage_gb -> Integer,
        note -> Text,
        status -> Text,
        server_id -> Nullable<Text>,
        decision_note -> Nullable<Text>,
        created_at -> Timestamp,
        created_by -> Text,
        decided_at -> Nullable<Timestamp>,
        decided_by -> Nullable<Text>,
    }
}

diesel::joinable!(hosting_requests -> applications (application_id));
diesel::joinable!(hosting_requests -> agencies (agency_id));
diesel::joinable!(vendors -> agencies (agency_id));
diesel::joinable!(devices -> agencies (agency_id));
diesel::joinable!(servers -> agencies (agency_id));
diesel::joinable!(application_servers -> servers (server_id));
diesel::joinable!(master_plan_items -> master_plans (plan_id));
diesel::joinable!(applications -> agencies (agency_id));
diesel::joinable!(application_events -> applications (application_id));
diesel::joinable!(application_documents -> applications (application_id));
diesel::joinable!(people -> agencies (agency_id));
diesel::joinable!(role_grants -> users (user_id));
diesel::table! {
    password_resets (token_hash) {
        token_hash -> Text,
        user_id -> Text,
        created_by -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(password_resets -> users (user_id));
diesel::joinable!(api_tokens -> users (user_id));
diesel::joinable!(sso_codes -> sso_clients (client_id));
diesel::joinable!(sso_tokens -> sso_clients (client_id));

diesel::table! {
    /// Background work, claimed by one instance at a time, with its progress and outcome.
    jobs (id) {
        id -> Text,
        kind -> Text,
        owner -> Text,
        title -> Text,
        done_href -> Text,
        payload -> Text,
        state -> Text,
        total -> BigInt,
        done -> BigInt,
        outcome -> Nullable<Text>,
        attempts -> Integer,
        claimed_by -> Nullable<Text>,
        heartbeat_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        finished_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    /// Rate-limit counters shared by every instance (key: hash of limit and subject).
    rate_limits (key) {
        key -> Text,
        window_start -> Timestamp,
        hits -> Integer,
    }
}

diesel::table! {
    /// The region's compliance score, one row a day: its trend.
    compliance_history (day) {
        day -> Date,
        score -> Integer,
        checked -> Integer,
        failed -> Integer,
        recorded_at -> Timestamp,
    }
}

diesel::table! {
    /// The region's DNS zone (one row).
    domains_zone (id) {
        id -> Integer,
        name_servers -> Text,
        hostmaster -> Text,
        serial -> BigInt,
        refresh -> Integer,
        retry -> Integer,
        expire -> Integer,
        minimum -> Integer,
        updated_at -> Timestamp,
        updated_by -> Text,
        notified_serial -> BigInt,
        dnssec -> Bool,
        signed_week -> BigInt,
        probed_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    /// The last check of each delegation's name servers.
    domains_delegation_checks (name) {
        name -> Text,
        checked_at -> Timestamp,
        failing -> Text,
    }
}

diesel::table! {
    /// The zone's DNSSEC signing keys.
    domains_dnssec_keys (id) {
        id -> Text,
        role -> Text,
        state -> Text,
        private_key -> Text,
        key_tag -> Integer,
        created_at -> Timestamp,
        created_by -> Text,
        retired_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    domains_tsig_keys (id) {
        id -> Text,
        name -> Text,
        secret -> Text,
        created_at -> Timestamp,
        created_by -> Text,
    }
}

diesel::table! {
    /// The zone's records.
    domains_records (id) {
        id -> Text,
        agency_id -> Text,
        name -> Text,
        rtype -> Text,
        value -> Text,
        ttl -> Integer,
        basis -> Text,
        created_at -> Timestamp,
        created_by -> Text,
        updated_at -> Timestamp,
        updated_by -> Text,
    }
}

diesel::table! {
    /// Requests for a subdomain or a separate domain.
    domains_requests (id) {
        id -> Text,
        number -> Text,
        agency_id -> Text,
        kind -> Text,
        name -> Text,
        purpose -> Text,
        target -> Text,
        status -> Text,
        decided_by -> Nullable<Text>,
        decision_number -> Nullable<Text>,
        decision_date -> Nullable<Date>,
        reason -> Nullable<Text>,
        submitted_at -> Timestamp,
        submitted_by -> Text,
        decided_at -> Nullable<Timestamp>,
        decided_recorded_by -> Nullable<Text>,
    }
}

diesel::table! {
    /// Numbers people read, one counter per series.
    domains_counters (series) {
        series -> Text,
        year -> Integer,
        last -> Integer,
    }
}

diesel::table! {
    /// Satu Data: the region's datasets.
    data_datasets (id) {
        id -> Text,
        agency_id -> Text,
        slug -> Text,
        title -> Text,
        description -> Text,
        topic -> Text,
        classification -> Text,
        exclusion_reason -> Text,
        frequency -> Text,
        next_due -> Nullable<Date>,
        period -> Text,
        coverage -> Text,
        unit -> Text,
        licence -> Text,
        contact_name -> Text,
        contact_email -> Text,
        tags -> Text,
        activity_name -> Text,
        activity_method -> Text,
        wali_person_id -> Nullable<Text>,
        wali_decree_number -> Text,
        wali_decree_date -> Nullable<Date>,
        current_version -> Nullable<Text>,
        published_version -> Nullable<Text>,
        published_at -> Nullable<Timestamp>,
        overdue_told -> Nullable<Date>,
        updated_data_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        created_by -> Text,
        updated_at -> Timestamp,
        updated_by -> Text,
    }
}

diesel::table! {
    /// Each dataset's variables (its schema).
    data_columns (dataset_id, position) {
        dataset_id -> Text,
        position -> Integer,
        name -> Text,
        label -> Text,
        kind -> Text,
        required -> Bool,
        is_unique -> Bool,
        min_value -> Nullable<Double>,
        max_value -> Nullable<Double>,
        personal -> Bool,
        concept -> Text,
        definition -> Text,
        alias -> Text,
        is_indexed -> Bool,
    }
}

diesel::table! {
    /// Indicators computed from a dataset.
    data_indicators (id) {
        id -> Text,
        dataset_id -> Text,
        name -> Text,
        concept -> Text,
        definition -> Text,
        formula -> Text,
        unit -> Text,
        interpretation -> Text,
        created_at -> Timestamp,
        created_by -> Text,
    }
}

diesel::table! {
    /// Each upload of a dataset.
    data_versions (id) {
        id -> Text,
        dataset_id -> Text,
        number -> Integer,
        status -> Text,
        table_name -> Text,
        schema_json -> Text,
        file_name -> Text,
        file_sha -> Text,
        row_count -> BigInt,
        added -> BigInt,
        removed -> BigInt,
        changed -> BigInt,
        report -> Text,
        job_id -> Nullable<Text>,
        created_at -> Timestamp,
        created_by -> Text,
        finished_at -> Nullable<Timestamp>,
        review -> Text,
        review_note -> Text,
        reviewed_at -> Nullable<Timestamp>,
        reviewed_by -> Nullable<Text>,
    }
}

diesel::table! {
    /// Region codes added to the shipped Kemendagri list.
    data_region_codes (code) {
        code -> Text,
        name -> Text,
        basis -> Text,
        created_at -> Timestamp,
        created_by -> Text,
    }
}

diesel::allow_tables_to_appear_in_same_query!(
    compliance_history,
    region,
    rate_limits,
    agencies,
    people,
    users,
    role_grants,
    sessions,
    api_tokens,
    password_resets,
    audit_head,
    audit_events,
    sso_settings,
    sso_keys,
    sso_clients,
    sso_codes,
    sso_tokens,
    mfa_totp,
    mfa_recovery_codes,
    sign_in_challenges,
    sso_consents,
    master_plans,
    master_plan_items,
    applications,
    application_events,
    application_documents,
    vendors,
    devices,
    servers,
    application_servers,
    notifications,
    notification_reads,
    hosting_requests,
    jobs,
);

diesel::allow_tables_to_appear_in_same_query!(data_datasets, data_versions);
