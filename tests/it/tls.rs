//! `apply` and `specqlc::connect` against real TLS: a throwaway cluster with `ssl=on` and a
//! certificate signed by a CA this test makes with the `openssl` CLI, and one without TLS.
//! `sslmode` must behave as libpq's: `require` and `verify-*` never fall back to plaintext.

use std::path::Path;
use std::process::Command;
use std::sync::OnceLock;

use crate::support::assert_contains;
use crate::support::cluster::{Cluster, SUPERUSER};
use crate::support::tools::run_ok;

/// A CA, a server certificate it signed (for `localhost` and 127.0.0.1) and a second,
/// unrelated CA, made in a scratch directory and read into memory; the scratch directory
/// is removed at once.
struct Certificates {
    files: Vec<(&'static str, Vec<u8>)>,
}

impl Certificates {
    fn make() -> Certificates {
        let dir = std::env::temp_dir().join(format!("specqlc-tls-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let ca = |name: &str| {
            openssl(
                &dir,
                &[
                    "req",
                    "-x509",
                    "-newkey",
                    "ec",
                    "-pkeyopt",
                    "ec_paramgen_curve:P-256",
                    "-nodes",
                    "-days",
                    "2",
                    "-subj",
                    &format!("/CN={name}"),
                    "-addext",
                    "basicConstraints=critical,CA:TRUE",
                    "-addext",
                    "keyUsage=critical,keyCertSign,cRLSign",
                    "-keyout",
                    &format!("{name}.key"),
                    "-out",
                    &format!("{name}.crt"),
                ],
            )
        };
        ca("ca");
        ca("other-ca");
        std::fs::write(
            dir.join("server.ext"),
            "subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\n\
             keyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n",
        )
        .unwrap();
        openssl(
            &dir,
            &[
                "req",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:P-256",
                "-nodes",
                "-subj",
                "/CN=localhost",
                "-keyout",
                "server.key",
                "-out",
                "server.csr",
            ],
        );
        openssl(
            &dir,
            &[
                "x509",
                "-req",
                "-in",
                "server.csr",
                "-CA",
                "ca.crt",
                "-CAkey",
                "ca.key",
                "-CAcreateserial",
                "-days",
                "2",
                "-extfile",
                "server.ext",
                "-out",
                "server.crt",
            ],
        );
        let files = ["ca.crt", "other-ca.crt", "server.crt", "server.key"]
            .into_iter()
            .map(|name| (name, std::fs::read(dir.join(name)).unwrap()))
            .collect();
        let _ = std::fs::remove_dir_all(&dir);
        Certificates { files }
    }
}

fn openssl(dir: &Path, args: &[&str]) {
    run_ok(
        Command::new("openssl").args(args).current_dir(dir),
        &format!("openssl {args:?}"),
    );
}

/// The TLS cluster (its directory holds the CA files the clients name) and a
/// plaintext-only cluster, started once; both directories go with their clusters.
struct Servers {
    tls: Cluster,
    plain: Cluster,
}

impl Servers {
    /// The path of a certificate file the TLS cluster's directory holds (`ca.crt`,
    /// `other-ca.crt`); the tests run as its owner or as root, so they can read it.
    fn cert(&self, name: &str) -> String {
        self.tls.dir.join(name).display().to_string()
    }
}

fn servers() -> &'static Servers {
    static SERVERS: OnceLock<Servers> = OnceLock::new();
    SERVERS.get_or_init(|| {
        let certs = Certificates::make();
        let mut files: Vec<(&str, &[u8])> = certs
            .files
            .iter()
            .map(|(name, content)| (*name, content.as_slice()))
            .collect();
        files.push((
            "hba.conf",
            b"local all all trust\nhost all all 127.0.0.0/8 trust\n",
        ));
        let tls = Cluster::start_with(
            &files,
            &[
                "ssl=on",
                "ssl_cert_file={dir}/server.crt",
                "ssl_key_file={dir}/server.key",
                // 127.0.0.2 too: the same server under an address the certificate lacks.
                "listen_addresses=127.0.0.1,127.0.0.2",
                "hba_file={dir}/hba.conf",
            ],
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let plain = Cluster::start_with(&[], &["ssl=off"]).unwrap_or_else(|e| panic!("{e}"));
        Servers { tls, plain }
    })
}

fn url(host: &str, port: u16, query: &str) -> String {
    format!("postgres://{SUPERUSER}@{host}:{port}/postgres?connect_timeout=10&{query}")
}

/// Whether the session of `url` is encrypted, as the server sees it.
fn encrypted(url: &str) -> Result<bool, String> {
    let mut client = specqlc::connect::connect(url).map_err(|e| e.to_string())?;
    let row = client
        .query_one(
            "SELECT ssl FROM pg_catalog.pg_stat_ssl WHERE pid = pg_catalog.pg_backend_pid()",
            &[],
        )
        .map_err(|e| e.to_string())?;
    Ok(row.get(0))
}

#[test]
fn require_connects_over_tls() {
    let s = servers();
    let url = url("127.0.0.1", s.tls.port, "sslmode=require");
    assert_eq!(encrypted(&url), Ok(true));
}

#[test]
fn prefer_uses_tls_when_offered_and_plaintext_otherwise() {
    let s = servers();
    assert_eq!(
        encrypted(&url("127.0.0.1", s.tls.port, "sslmode=prefer")),
        Ok(true)
    );
    let default = format!("postgres://{SUPERUSER}@127.0.0.1:{}/postgres", s.tls.port);
    assert_eq!(encrypted(&default), Ok(true), "prefer is the default");
    assert_eq!(
        encrypted(&url("127.0.0.1", s.plain.port, "sslmode=prefer")),
        Ok(false)
    );
    assert_eq!(
        encrypted(&url("127.0.0.1", s.tls.port, "sslmode=disable")),
        Ok(false)
    );
}

#[test]
fn verify_full_with_the_ca_connects_by_ip_and_by_name() {
    let s = servers();
    let ca = format!("sslmode=verify-full&sslrootcert={}", s.cert("ca.crt"));
    assert_eq!(encrypted(&url("127.0.0.1", s.tls.port, &ca)), Ok(true));
    assert_eq!(encrypted(&url("localhost", s.tls.port, &ca)), Ok(true));
    let key_value = format!(
        "host=127.0.0.1 port={} user={SUPERUSER} dbname=postgres sslmode=verify-ca sslrootcert={}",
        s.tls.port,
        s.cert("ca.crt")
    );
    assert_eq!(encrypted(&key_value), Ok(true));
}

#[test]
fn verify_full_with_another_ca_fails() {
    let s = servers();
    let other = s.cert("other-ca.crt");
    for mode in ["verify-full", "verify-ca", "require"] {
        let error = encrypted(&url(
            "127.0.0.1",
            s.tls.port,
            &format!("sslmode={mode}&sslrootcert={other}"),
        ))
        .expect_err("a certificate the CA did not sign is refused");
        assert!(
            error.contains("UnknownIssuer") || error.contains("invalid peer certificate"),
            "{mode}: {error}"
        );
    }
}

#[test]
fn verify_full_checks_the_host_name_and_verify_ca_does_not() {
    let s = servers();
    let ca = s.cert("ca.crt");
    // 127.0.0.2 reaches the same server, but is not in the certificate.
    let mismatch = |mode: &str| {
        encrypted(&url(
            "127.0.0.2",
            s.tls.port,
            &format!("sslmode={mode}&sslrootcert={ca}"),
        ))
    };
    assert_eq!(
        mismatch("require"),
        Ok(true),
        "the server answers on 127.0.0.2"
    );
    let error = mismatch("verify-full").expect_err("the name is not in the certificate");
    assert_contains(&error, "not valid for name");
    assert_eq!(mismatch("verify-ca"), Ok(true));
}

#[test]
fn require_never_falls_back_to_plaintext() {
    let s = servers();
    for mode in ["require", "verify-ca", "verify-full"] {
        let error = encrypted(&url(
            "127.0.0.1",
            s.plain.port,
            &format!("sslmode={mode}&sslrootcert={}", s.cert("ca.crt")),
        ))
        .expect_err("a server without TLS is refused");
        assert!(
            error.to_lowercase().contains("tls") || error.contains("SSL"),
            "{mode}: {error}"
        );
    }
}

#[test]
fn apply_reads_database_url_and_verifies_the_server() {
    let s = servers();
    let good = url(
        "localhost",
        s.tls.port,
        &format!("sslmode=verify-full&sslrootcert={}", s.cert("ca.crt")),
    );
    let run = |database_url: &str| {
        Command::new(env!("CARGO_BIN_EXE_specqlc"))
            .args([
                "--format",
                "json",
                "apply",
                "tests/cases/ok/crm_contact.yaml",
            ])
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .env("DATABASE_URL", database_url)
            .output()
            .expect("specqlc runs")
    };
    let wrong = url(
        "localhost",
        s.tls.port,
        &format!("sslmode=verify-full&sslrootcert={}", s.cert("other-ca.crt")),
    );
    let refused = run(&wrong);
    assert_eq!(refused.status.code(), Some(3));
    let report: serde_json::Value = serde_json::from_slice(&refused.stderr).unwrap();
    assert_eq!(report[0]["code"], "E0601", "{report}");

    let out = run(&good);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut client = specqlc::connect::connect(&good).unwrap();
    let applied: i64 = client
        .query_one("SELECT count(*) FROM specqlc.applied", &[])
        .unwrap()
        .get(0);
    assert_eq!(applied, 1);
}

/// A statement the server refuses is a database error (E0602, exit 3), reported as JSON
/// like every other error, and nothing is applied.
#[test]
fn json_for_a_statement_the_database_refuses() {
    let db = crate::support::TestDb::new();
    // The compiled script replaces `crm.company_id(integer)`, which returns `uuid`; a
    // function of that signature returning `text` cannot be replaced.
    db.batch(
        "CREATE SCHEMA crm;
         CREATE FUNCTION crm.company_id(p_pk integer) RETURNS text LANGUAGE sql AS $$ SELECT 'x' $$;",
    );
    let out = Command::new(env!("CARGO_BIN_EXE_specqlc"))
        .args([
            "--format",
            "json",
            "apply",
            "tests/cases/ok/crm_contact.yaml",
        ])
        .args(["--database-url", &db.url()])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("specqlc runs");
    assert_eq!(
        out.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stderr)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    let message = report[0]["message"].as_str().unwrap().to_string();
    assert!(
        message.contains("`function crm.company_id`") && message.contains("42P13"),
        "{message}"
    );
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("../../snapshots");
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| insta::assert_json_snapshot!("cli_json_database", report));
    assert!(!db.table_exists("crm", "tb_company"), "nothing was applied");
}
