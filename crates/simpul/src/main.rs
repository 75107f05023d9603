//! The `simpul` command: serve, migrate, demo, admin and audit.

use std::io::BufRead;
use std::path::PathBuf;
use std::process::ExitCode;

use accounts::NewUser;
use clap::{Parser, Subcommand};
use kernel::audit::Actor;
use kernel::config::Config;
use kernel::ids::AgencyId;
use kernel::permissions::{Role, RoleGrant};
use kernel::state::write_tx;

/// Simpul — the e-government platform of a regional ICT office (Dinas Kominfo).
///
/// With no configuration it keeps everything in ./simpul-data/ (SQLite) and serves
/// http://127.0.0.1:8080. Settings come from simpul.toml and SIMPUL_* variables.
#[derive(Debug, Parser)]
#[command(name = "simpul", version, arg_required_else_help = true)]
struct Cli {
    /// Settings file (default: ./simpul.toml if present).
    #[arg(long, global = true, env = "SIMPUL_CONFIG", value_name = "FILE")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Start the web pages, API and background work (applies migrations first).
    Serve {
        /// Load the demo region (Kabupaten Sukamaju) before serving.
        #[arg(long)]
        demo: bool,
    },
    /// Apply pending database migrations and exit.
    Migrate,
    /// Load the demo region, Kabupaten Sukamaju, print its accounts and exit. Harmless twice.
    Demo,
    /// Administration without the web interface.
    #[command(subcommand)]
    Admin(Admin),
    /// The audit trail.
    #[command(subcommand)]
    Audit(Audit),
    /// The region's DNS zone.
    #[command(subcommand)]
    Dns(Dns),
    /// Satu Data: the datasets.
    #[command(subcommand)]
    Data(Data),
}

#[derive(Debug, Subcommand)]
enum Data {
    /// Load a CSV or XLSX file on this server as a dataset's new version, checked row by row
    /// against its variables, all or nothing (files too large for the 19 MB upload).
    Ingest {
        /// The dataset's short name (slug) or id.
        #[arg(long)]
        dataset: String,
        /// The file.
        file: std::path::PathBuf,
    },
}

#[derive(Debug, Subcommand)]
enum Dns {
    /// Print the zone as a standard zone file (RFC 1035), as BIND, NSD or Knot read it.
    Export,
    /// Read an existing zone file into the zone: records checked as the form checks them,
    /// owners by their first label's agency code (else the Dinas), every line not taken listed.
    Import {
        /// The zone file.
        file: std::path::PathBuf,
    },
    /// The next step of a DNSSEC key rollover: run once to publish a new key that signs beside
    /// the old one, again (after the zone's longest TTL and an hour) to retire the old key.
    Rollover {
        /// ksk (key-signing key: its new DS must reach the parent before the second step) or
        /// zsk (zone-signing key).
        role: String,
        /// Retire the old key now, without waiting (after a compromise): resolvers that
        /// cached the old key set may fail to validate until it expires.
        #[arg(long)]
        force: bool,
    },
}

#[derive(Debug, Subcommand)]
enum Admin {
    /// Create an account; the password is read from the first line of standard input.
    CreateUser {
        /// Login name (3–64 of a-z, 0-9, . _ -).
        #[arg(long)]
        login: String,
        /// Display name.
        #[arg(long)]
        name: String,
        /// dinas-admin, kepala-dinas, agency-operator, web-admin, wali-data, ppid,
        /// ppid-pembantu, leader or auditor.
        #[arg(long)]
        role: String,
        /// Agency code the role applies to (required for agency roles).
        #[arg(long, value_name = "CODE")]
        agency: Option<String>,
    },
    /// Register an application for single sign-on; prints JSON with client_id and client_secret.
    CreateClient {
        /// The application's name, shown to people when they sign in.
        #[arg(long)]
        name: String,
        /// An exact redirect URI (repeat for several).
        #[arg(long = "redirect-uri", required = true, value_name = "URI")]
        redirect_uris: Vec<String>,
        /// A URI the application may return to after logout (repeat for several).
        #[arg(long = "post-logout-uri", value_name = "URI")]
        post_logout_uris: Vec<String>,
        /// A public client (browser or mobile app): no secret, PKCE required.
        #[arg(long)]
        public: bool,
        /// The owner agency's code.
        #[arg(long, value_name = "CODE")]
        agency: Option<String>,
        /// ID token signature: RS256 (default) or ES256.
        #[arg(long, value_name = "ALG")]
        alg: Option<String>,
        /// Security level (KT 8.1): rendah (default), tinggi or strategis; the last two
        /// require a second factor.
        #[arg(long = "security-level", value_name = "LEVEL")]
        security_level: Option<String>,
        /// Run outside the government: people are asked to consent first.
        #[arg(long)]
        external: bool,
        /// May ask for the `simpul.api` scope: its access tokens then call Simpul's API on the
        /// signed-in person's behalf.
        #[arg(long = "api-access")]
        api_access: bool,
        /// Where the application is told that a person's session ended (OpenID Connect
        /// Back-Channel Logout 1.0).
        #[arg(long = "backchannel-logout-uri", value_name = "URI")]
        backchannel_logout_uri: Option<String>,
    },
    /// Add new token signing keys; the old ones stay published until their tokens expire.
    RotateKeys,
    /// Remove a person's second factor when they lost their authenticator and recovery codes.
    ResetTwoFactor {
        /// The account's login.
        #[arg(long)]
        login: String,
    },
    /// Print a new API token for an account, alone, on standard output.
    CreateToken {
        /// The account's login.
        #[arg(long)]
        login: String,
        /// A name to recognise the token by.
        #[arg(long, default_value = "cli")]
        name: String,
    },
    /// Issue a one-time link with which a person who forgot their password sets a new one
    /// (valid for a day; the old password works until it is used); prints it.
    ResetPassword {
        /// The account's login.
        #[arg(long)]
        login: String,
    },
}

#[derive(Debug, Subcommand)]
enum Audit {
    /// Check the hash chain: exit 0 when it holds, 1 naming the first broken event.
    Verify,
}

/// A failure with the exit code it deserves.
struct Fail(u8, String);

fn usage(msg: impl Into<String>) -> Fail {
    Fail(2, msg.into())
}

fn runtime(msg: impl std::fmt::Display) -> Fail {
    Fail(1, msg.to_string())
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Fail(code, msg)) => {
            eprintln!("simpul: {msg}");
            ExitCode::from(code)
        }
    }
}

fn run(cli: Cli) -> Result<(), Fail> {
    let config = Config::load(cli.config.as_deref()).map_err(|e| usage(e.0))?;
    init_logging(config.log_json);
    match cli.command {
        Command::Serve { demo } => serve(config, demo),
        Command::Migrate => {
            simpul::connect_once(&config).map_err(runtime)?;
            println!("migrations applied");
            Ok(())
        }
        Command::Demo => load_demo(&mut simpul::connect_once(&config).map_err(runtime)?),
        Command::Admin(Admin::CreateUser {
            login,
            name,
            role,
            agency,
        }) => create_user(config, &login, &name, &role, agency),
        Command::Admin(Admin::ResetPassword { login }) => {
            let mut conn = simpul::connect_once(&config).map_err(runtime)?;
            let user = accounts::find_user(&mut conn, &login)
                .map_err(runtime)?
                .ok_or_else(|| usage(format!("no account with login {login:?}")))?;
            let reset = write_tx(&mut conn, |c| {
                accounts::service::issue_password_reset(
                    c,
                    &Actor::system("cli"),
                    user.id,
                    &config.public_url,
                )
            })
            .map_err(|e| runtime(format!("{e}")))?;
            let zone = simpul::modules()
                .and_then(|m| Ok(m.time_zone(&mut conn)?))
                .unwrap_or_default();
            println!(
                "{}\nvalid once, until {}",
                reset.url,
                kernel::time::date_time(kernel::i18n::Lang::En, zone, reset.expires_at)
            );
            Ok(())
        }
        Command::Admin(Admin::CreateToken { login, name }) => {
            let mut conn = simpul::connect_once(&config).map_err(runtime)?;
            let user = accounts::find_user(&mut conn, &login)
                .map_err(runtime)?
                .ok_or_else(|| usage(format!("no account with login {login:?}")))?;
            let token = write_tx(&mut conn, |c| {
                accounts::issue_token(c, &Actor::system("cli"), user.id, &name)
            })
            .map_err(|e| runtime(format!("{e}")))?;
            println!("{token}");
            Ok(())
        }
        Command::Admin(Admin::CreateClient {
            name,
            redirect_uris,
            post_logout_uris,
            public,
            agency,
            alg,
            security_level,
            external,
            api_access,
            backchannel_logout_uri,
        }) => {
            let mut conn = simpul::connect_once(&config).map_err(runtime)?;
            let owner = agency_by_code(&mut conn, agency.as_deref())?;
            let draft = sso::service::ClientDraft {
                name,
                redirect_uris,
                post_logout_redirect_uris: post_logout_uris,
                public,
                owner_agency_id: owner,
                id_token_alg: alg.map(|a| a.to_uppercase()),
                security_level: security_level.map(|l| l.to_lowercase()),
                external,
                api_access,
                backchannel_logout_uri,
            };
            let (client, secret) = write_tx(&mut conn, |c| {
                sso::service::register_client(c, &Actor::system("cli"), &draft)
            })
            .map_err(explain)?;
            let out = serde_json::json!({"client_id": client.id, "client_secret": secret, "public": client.public,
                                         "redirect_uris": client.redirect_uris(), "backchannel_logout_uri": client.backchannel_logout_uri,
                                         "issuer": config.public_url,
                                         "discovery": format!("{}/.well-known/openid-configuration", config.public_url)});
            println!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
            Ok(())
        }
        Command::Admin(Admin::ResetTwoFactor { login }) => {
            let mut conn = simpul::connect_once(&config).map_err(runtime)?;
            let user = accounts::find_user(&mut conn, &login)
                .map_err(runtime)?
                .map(|u| u.id)
                .ok_or_else(|| usage(format!("no account with login {login:?}")))?;
            let removed = write_tx(&mut conn, |c| {
                sso::service::reset_second_factor(c, &Actor::system("cli"), user)
            })
            .map_err(explain)?;
            if removed {
                println!(
                    "second factor of {login} removed; they set up a new one at their next sign-in"
                );
            } else {
                println!("{login} had no second factor");
            }
            Ok(())
        }
        Command::Admin(Admin::RotateKeys) => {
            let mut conn = simpul::connect_once(&config).map_err(runtime)?;
            let kids = write_tx(&mut conn, |c| {
                sso::keys::ensure(c)?;
                let kids = sso::keys::rotate(c)?;
                let change = kernel::audit::Change {
                    action: "sso.keys_rotate",
                    record_type: "sso_keys",
                    record_id: kids.join(","),
                    agency: None,
                    summary: serde_json::json!({"new_kids": kids}),
                };
                kernel::audit::record(c, &Actor::system("cli"), change)?;
                Ok(kids)
            })
            .map_err(explain)?;
            println!("new signing keys: {}", kids.join(", "));
            Ok(())
        }
        Command::Dns(Dns::Export) => {
            let mut conn = simpul::connect_once(&config).map_err(runtime)?;
            let zone = domains::service::export(&mut conn).map_err(explain)?;
            print!("{zone}");
            Ok(())
        }
        Command::Dns(Dns::Rollover { role, force }) => {
            let role = domains::dnssec::KeyRole::parse_typed(&role)
                .ok_or_else(|| usage(format!("the role is ksk or zsk (got {role:?})")))?;
            let mut conn = simpul::connect_once(&config).map_err(runtime)?;
            let done = write_tx(&mut conn, |c| {
                domains::signing::rollover(c, &Actor::system("cli"), role, force)
            })
            .map_err(explain)?;
            let zone = simpul::modules()
                .map_err(runtime)?
                .time_zone(&mut conn)
                .map_err(runtime)?;
            let when = |t| kernel::time::date_time(kernel::i18n::Lang::En, zone, t);
            match done {
                domains::signing::Rolled::Started { tag, from } => {
                    println!(
                        "new {role} (tag {tag}) published and signing beside the old one; run this again after {} to retire the old key",
                        when(from)
                    );
                    if role == domains::dnssec::KeyRole::Ksk {
                        println!(
                            "send the new key's DS (settings page, or GET /api/v1/dns/dnssec) to the parent zone first"
                        );
                    }
                    Ok(())
                }
                domains::signing::Rolled::Finished { retired, active } => {
                    match retired {
                        Some(old) => {
                            println!("{role} {old} retired; {role} {active} is the active key")
                        }
                        None => println!("{role} {active} is the active key"),
                    }
                    Ok(())
                }
                domains::signing::Rolled::Waiting { from } => Err(usage(format!(
                    "too early: resolvers may not know the new key yet; run this again after {} (or with --force)",
                    when(from)
                ))),
            }
        }
        Command::Dns(Dns::Import { file }) => {
            // The page's bound: a zone file is text, and a region's zone is far smaller.
            let cannot = |e: std::io::Error| usage(format!("cannot read {}: {e}", file.display()));
            let mut bytes = vec![];
            std::io::Read::read_to_end(
                &mut std::io::Read::take(
                    std::fs::File::open(&file).map_err(cannot)?,
                    domains::import_page::MAX_BYTES as u64 + 1,
                ),
                &mut bytes,
            )
            .map_err(cannot)?;
            if bytes.len() > domains::import_page::MAX_BYTES {
                return Err(usage(format!(
                    "{} is larger than {} MB; a zone file is far smaller",
                    file.display(),
                    domains::import_page::MAX_BYTES / (1024 * 1024)
                )));
            }
            let text = String::from_utf8(bytes)
                .map_err(|_| usage(format!("{} is not UTF-8 text", file.display())))?;
            let mut conn = simpul::connect_once(&config).map_err(runtime)?;
            let report = write_tx(&mut conn, |c| {
                domains::service::import(c, &Actor::system("cli"), &text, kernel::i18n::Lang::En)
            })
            .map_err(explain)?;
            for (line, why) in &report.skipped {
                println!("line {line}: not taken: {why}");
            }
            println!(
                "{} records imported, {} lines not taken",
                report.added,
                report.skipped.len()
            );
            Ok(())
        }
        Command::Data(Data::Ingest { dataset, file }) => {
            let bytes = std::fs::read(&file)
                .map_err(|e| usage(format!("cannot read {}: {e}", file.display())))?;
            let mut conn = simpul::connect_once(&config).map_err(runtime)?;
            let name = file
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let started = std::time::Instant::now();
            let (number, result) = write_tx(&mut conn, |c| {
                data::version::load_file(c, &Actor::system("cli"), &dataset, &name, &bytes)
            })
            .map_err(explain)?;
            let secs = started.elapsed().as_secs_f64();
            match result {
                Ok(l) => {
                    #[expect(clippy::cast_precision_loss, reason = "a rate to print")]
                    let rate = l.rows as f64 / secs.max(1e-9);
                    println!(
                        "version {number}: {} rows read ({} added, {} removed, {} changed) in {secs:.2} s, {rate:.0} rows/s",
                        l.rows, l.added, l.removed, l.changed
                    );
                    Ok(())
                }
                Err(report) => {
                    for e in &report.errors {
                        println!(
                            "line {}: {}: {}",
                            e.line,
                            e.column,
                            kernel::i18n::message(kernel::i18n::Lang::En, &e.problem, &[])
                        );
                    }
                    Err(Fail(
                        1,
                        format!(
                            "version {number} refused: {} bad rows{}{}{}; nothing was kept",
                            report.bad_rows,
                            report
                                .unreadable
                                .as_ref()
                                .map(|u| format!(", unreadable ({u})"))
                                .unwrap_or_default(),
                            if report.missing_columns.is_empty() {
                                String::new()
                            } else {
                                format!(", missing columns {}", report.missing_columns.join(", "))
                            },
                            if report.unknown_columns.is_empty() {
                                String::new()
                            } else {
                                format!(", unknown columns {}", report.unknown_columns.join(", "))
                            },
                        ),
                    ))
                }
            }
        }
        Command::Audit(Audit::Verify) => {
            let mut conn = simpul::connect_once(&config).map_err(runtime)?;
            match kernel::audit::verify(&mut conn).map_err(runtime)? {
                Ok(n) => {
                    println!("audit trail intact: {n} events");
                    Ok(())
                }
                Err(broken) => Err(Fail(
                    1,
                    format!(
                        "audit trail broken at event {}: {}",
                        broken.seq, broken.reason
                    ),
                )),
            }
        }
    }
}

/// The agency a `--agency CODE` option names; an unknown code is a usage error.
fn agency_by_code(conn: &mut db::DbConn, code: Option<&str>) -> Result<Option<AgencyId>, Fail> {
    let Some(code) = code else { return Ok(None) };
    let agency = org::directory::agency_by_code(conn, code)
        .map_err(runtime)?
        .ok_or_else(|| usage(format!("no agency with code {code:?}")))?;
    Ok(Some(agency.id))
}

/// Bad input is a usage error (exit 2) naming each field; anything else is a runtime failure.
fn explain(e: kernel::AppError) -> Fail {
    match e {
        kernel::AppError::Validation(_)
        | kernel::AppError::Conflict(_)
        | kernel::AppError::BadRequest(_) => {
            let msgs: Vec<String> = e
                .field_errors()
                .iter()
                .map(|f| format!("{}: {}", f.field, f.message(kernel::i18n::Lang::En)))
                .collect();
            usage(msgs.join("; "))
        }
        other => runtime(other),
    }
}

fn init_logging(json: bool) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("SIMPUL_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,tower_http=warn"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if json {
        builder.json().init();
    } else {
        builder.init();
    }
}

fn load_demo(conn: &mut db::DbConn) -> Result<(), Fail> {
    let added = simpul::load_demo(conn).map_err(|e| runtime(format!("demo: {e}")))?;
    println!(
        "{}",
        if added {
            "Demo region Kabupaten Sukamaju (sukamajukab.go.id) loaded."
        } else {
            "Demo region already loaded; nothing changed."
        }
    );
    println!(
        "Demo accounts (password for all: {}):",
        accounts::demo::DEMO_PASSWORD
    );
    for (login, name, role, agency) in accounts::demo::ACCOUNTS {
        println!(
            "  {login:<16} {:<16} {:<12} {name}",
            role.as_str(),
            agency.unwrap_or("-")
        );
    }
    Ok(())
}

fn create_user(
    config: Config,
    login: &str,
    name: &str,
    role: &str,
    agency: Option<String>,
) -> Result<(), Fail> {
    let role = Role::parse(role).ok_or_else(|| {
        usage(format!(
            "unknown role {role:?}; choose one of {}",
            Role::ALL.map(Role::as_str).join(", ")
        ))
    })?;
    if role.needs_agency() && agency.is_none() {
        return Err(usage(format!("role {} needs --agency CODE", role.as_str())));
    }
    let mut password = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut password)
        .map_err(|e| usage(format!("cannot read the password from stdin: {e}")))?;
    let password = password.trim_end_matches(['\r', '\n']).to_owned();
    let mut conn = simpul::connect_once(&config).map_err(runtime)?;
    let agency_id = agency_by_code(&mut conn, agency.as_deref())?;
    let new = NewUser {
        login,
        name,
        password: &password,
        person_id: None,
        grants: vec![RoleGrant {
            role,
            agency: agency_id,
        }],
    };
    let id = write_tx(&mut conn, |c| {
        accounts::register_user(c, &Actor::system("cli"), &new)
    })
    .map_err(explain)?;
    println!("created account {} ({id})", login.trim().to_lowercase());
    Ok(())
}

fn serve(config: Config, demo: bool) -> Result<(), Fail> {
    let addr = config.http_addr;
    if demo {
        load_demo(&mut simpul::connect_once(&config).map_err(runtime)?)?;
    }
    let state = simpul::build_state(config).map_err(runtime)?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(runtime)?;
    let grace = state.config.shutdown_timeout;
    let served = rt.block_on(async move {
        kernel::jobs::spawn_worker(state.clone());
        state.modules.start_listeners(&state).await.map_err(runtime)?;
        let listener = tokio::net::TcpListener::bind(addr).await.map_err(|e| runtime(format!("cannot listen on {addr}: {e}")))?;
        tracing::info!(%addr, database = %state.config.database_url.split(':').next().unwrap_or(""), "Simpul is serving");
        simpul::serve(listener, state, shutdown()).await;
        Ok(())
    });
    // Work still running on blocking threads (an import, a job) is abandoned at the deadline:
    // its transaction never commits, and its job is requeued by the next instance to look.
    rt.shutdown_timeout(grace);
    served
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { () = ctrl_c => {}, () = term => {} }
}
