//! Connections to PostgreSQL as libpq makes them: a `postgres://` URL or a `key=value`
//! string, with TLS through rustls as `sslmode` says.
//!
//! Input: a connection string. Output: a connected [`postgres::Client`], or why not.
//!
//! `sslmode` as in libpq: `disable` plaintext; `prefer` (the default) TLS when the server
//! offers it, else plaintext; `require` TLS or nothing, without verifying the certificate
//! (unless `sslrootcert` is given: then as `verify-ca`, like libpq); `verify-ca` the chain
//! must lead to a trusted root; `verify-full` the chain and the host name. Roots are the
//! PEM file `sslrootcert` names, or the operating system's (`sslrootcert=system` or none).
//! tokio-postgres knows neither `verify-*` nor `sslrootcert`, so both are taken out of the
//! string here and turned into the rustls configuration.

use std::fmt;
use std::sync::Arc;

use postgres::config::SslMode as PgSslMode;
use postgres::{Client, Config};
use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::WebPkiSupportedAlgorithms;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{
    CertificateError, ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme,
};
use tokio_postgres_rustls::MakeRustlsConnect;

/// The `sslmode` values of libpq.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SslMode {
    Disable,
    Prefer,
    Require,
    VerifyCa,
    VerifyFull,
}

impl SslMode {
    fn parse(value: &str) -> Result<SslMode, Error> {
        Ok(match value {
            "disable" => SslMode::Disable,
            // `allow` tries plaintext first; TLS-if-offered is as close as tokio-postgres gets.
            "allow" | "prefer" => SslMode::Prefer,
            "require" => SslMode::Require,
            "verify-ca" => SslMode::VerifyCa,
            "verify-full" => SslMode::VerifyFull,
            other => {
                return Err(Error(format!(
                    "`sslmode={other}` is not one of disable, allow, prefer, require, verify-ca, verify-full"
                )));
            }
        })
    }
}

/// A connection string with the TLS settings taken out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    /// What is left for tokio-postgres to parse.
    pub rest: String,
    pub ssl_mode: SslMode,
    /// `sslrootcert`: a PEM file, or `system`.
    pub root_cert: Option<String>,
}

/// Why no connection was made.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error(pub String);

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

/// Splits `sslmode` and `sslrootcert` off a URL or `key=value` string.
pub fn parse(url: &str) -> Result<Target, Error> {
    let mut ssl_mode = None;
    let mut root_cert = None;
    let mut take = |key: &str, value: String| -> Result<bool, Error> {
        match key {
            "sslmode" => ssl_mode = Some(SslMode::parse(&value)?),
            "sslrootcert" => root_cert = Some(value),
            _ => return Ok(false),
        }
        Ok(true)
    };
    let rest = if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        match url.split_once('?') {
            Some((base, query)) => {
                let mut kept = Vec::new();
                for pair in query.split('&').filter(|p| !p.is_empty()) {
                    let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
                    if !take(key, percent_decode(value)?)? {
                        kept.push(pair);
                    }
                }
                if kept.is_empty() {
                    base.to_string()
                } else {
                    format!("{base}?{}", kept.join("&"))
                }
            }
            None => url.to_string(),
        }
    } else {
        let mut kept = Vec::new();
        for token in key_value_tokens(url) {
            let (key, value) = token.split_once('=').unwrap_or((token, ""));
            let value = value.trim_matches('\'').to_string();
            if !take(key.trim(), value)? {
                kept.push(token);
            }
        }
        kept.join(" ")
    };
    Ok(Target {
        rest,
        ssl_mode: ssl_mode.unwrap_or(SslMode::Prefer),
        root_cert,
    })
}

/// The `key=value` pairs of a libpq connection string, as written: a single-quoted value
/// may hold spaces (and `\'`), which must reach tokio-postgres unchanged. Spaces around
/// `=`, which libpq allows, are not supported.
fn key_value_tokens(text: &str) -> Vec<&str> {
    let mut tokens = Vec::new();
    let (mut start, mut quoted, mut escaped) = (None, false, false);
    for (i, c) in text.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if quoted => escaped = true,
            '\'' => quoted = !quoted,
            c if c.is_whitespace() && !quoted => {
                if let Some(s) = start.take() {
                    tokens.push(&text[s..i]);
                }
                continue;
            }
            _ => {}
        }
        start.get_or_insert(i);
    }
    if let Some(s) = start {
        tokens.push(&text[s..]);
    }
    tokens
}

fn percent_decode(value: &str) -> Result<String, Error> {
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = value
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .ok_or_else(|| Error(format!("invalid percent-encoding in `{value}`")))?;
            out.push(hex);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| Error(format!("`{value}` is not UTF-8 once decoded")))
}

/// Connects to the database at `url`, with TLS as its `sslmode` says.
pub fn connect(url: &str) -> Result<Client, Error> {
    connect_to(url, None)
}

/// [`connect`], to database `dbname` of the same server instead of the URL's.
pub fn connect_to(url: &str, dbname: Option<&str>) -> Result<Client, Error> {
    let target = parse(url)?;
    let mut config: Config = target
        .rest
        .parse()
        .map_err(|e| Error(format!("invalid connection string: {}", with_causes(&e))))?;
    config.ssl_mode(match target.ssl_mode {
        SslMode::Disable => PgSslMode::Disable,
        SslMode::Prefer => PgSslMode::Prefer,
        SslMode::Require | SslMode::VerifyCa | SslMode::VerifyFull => PgSslMode::Require,
    });
    if let Some(dbname) = dbname {
        config.dbname(dbname);
    }
    let tls = MakeRustlsConnect::new(tls_config(&target)?);
    config.connect(tls).map_err(|e| Error(with_causes(&e)))
}

/// The error and its causes, `: `-separated (the TLS reason is a cause).
pub fn with_causes(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut cause = error.source();
    while let Some(e) = cause {
        let next = e.to_string();
        if !text.contains(&next) {
            text += &format!(": {next}");
        }
        cause = e.source();
    }
    text
}

fn tls_config(target: &Target) -> Result<ClientConfig, Error> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mode = match (target.ssl_mode, &target.root_cert) {
        // libpq: "if a root CA file exists, sslmode=require behaves like verify-ca".
        (SslMode::Require, Some(_)) => SslMode::VerifyCa,
        (mode, _) => mode,
    };
    let algorithms = provider.signature_verification_algorithms;
    let verifier: Arc<dyn ServerCertVerifier> = match mode {
        SslMode::Disable | SslMode::Prefer | SslMode::Require => Arc::new(Lenient {
            chain: None,
            algorithms,
        }),
        SslMode::VerifyCa | SslMode::VerifyFull => {
            let roots = roots(target.root_cert.as_deref())?;
            let webpki =
                WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider.clone())
                    .build()
                    .map_err(|e| Error(format!("cannot use the root certificates: {e}")))?;
            if mode == SslMode::VerifyCa {
                Arc::new(Lenient {
                    chain: Some(webpki),
                    algorithms,
                })
            } else {
                webpki
            }
        }
    };
    let config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| Error(format!("cannot configure TLS: {e}")))?
        .dangerous()
        .with_custom_certificate_verifier(verifier)
        .with_no_client_auth();
    Ok(config)
}

/// The trust anchors for `verify-*`: the PEM file `sslrootcert` names, or the system's.
fn roots(root_cert: Option<&str>) -> Result<RootCertStore, Error> {
    let mut store = RootCertStore::empty();
    match root_cert {
        Some(path) if path != "system" => {
            let certs = CertificateDer::pem_file_iter(path)
                .and_then(|certs| certs.collect::<Result<Vec<_>, _>>())
                .map_err(|e| Error(format!("cannot read `sslrootcert` `{path}`: {e}")))?;
            if certs.is_empty() {
                return Err(Error(format!(
                    "`sslrootcert` `{path}` holds no certificate"
                )));
            }
            for cert in certs {
                store
                    .add(cert)
                    .map_err(|e| Error(format!("`sslrootcert` `{path}`: {e}")))?;
            }
        }
        _ => {
            let found = rustls_native_certs::load_native_certs();
            let (added, _) = store.add_parsable_certificates(found.certs);
            if added == 0 {
                return Err(Error(
                    "no system root certificates found; give `sslrootcert=/path/to/ca.pem`".into(),
                ));
            }
        }
    }
    Ok(store)
}

/// What `require`, `prefer` and `verify-ca` check of the server's certificate: less than
/// webpki's full verification, never less than the handshake signatures, so the peer
/// holds the certificate's key.
#[derive(Debug)]
struct Lenient {
    /// `None` (`require`, `prefer`): any certificate, encryption without authentication,
    /// as libpq does. `Some` (`verify-ca`): the chain must lead to a trusted root; the
    /// host name is not checked.
    chain: Option<Arc<WebPkiServerVerifier>>,
    algorithms: WebPkiSupportedAlgorithms,
}

impl ServerCertVerifier for Lenient {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let Some(chain) = &self.chain else {
            return Ok(ServerCertVerified::assertion());
        };
        // webpki checks the chain first and the name last, so a name error means the
        // chain is good.
        match chain.verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now) {
            Err(rustls::Error::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
            )) => Ok(ServerCertVerified::assertion()),
            other => other,
        }
    }

    // The signatures are checked as webpki's verifier checks them (the same functions,
    // the provider's algorithms), with or without a chain.
    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn takes_tls_settings_out_of_a_url() {
        let target =
            parse("postgres://u:p@db.example.com:5432/app?sslmode=verify-full&sslrootcert=%2Ftmp%2Fca.pem&application_name=x")
                .unwrap();
        assert_eq!(target.ssl_mode, SslMode::VerifyFull);
        assert_eq!(target.root_cert.as_deref(), Some("/tmp/ca.pem"));
        assert_eq!(
            target.rest,
            "postgres://u:p@db.example.com:5432/app?application_name=x"
        );
        let plain = parse("postgresql://localhost/app").unwrap();
        assert_eq!(plain.ssl_mode, SslMode::Prefer, "libpq's default");
        assert_eq!(plain.rest, "postgresql://localhost/app");
        assert_eq!(
            parse("postgres://h/d?sslmode=require").unwrap().rest,
            "postgres://h/d"
        );
    }

    #[test]
    fn takes_tls_settings_out_of_key_value_strings() {
        let target = parse("host=h dbname=d sslmode=verify-ca sslrootcert='/ca.pem'").unwrap();
        assert_eq!(target.ssl_mode, SslMode::VerifyCa);
        assert_eq!(target.root_cert.as_deref(), Some("/ca.pem"));
        assert_eq!(target.rest, "host=h dbname=d");
        let quoted = parse("host=h password='a  b\\' c' sslmode=disable").unwrap();
        assert_eq!(
            quoted.rest, "host=h password='a  b\\' c'",
            "quoted values stay whole"
        );
        assert_eq!(quoted.ssl_mode, SslMode::Disable);
    }

    #[test]
    fn rejects_unknown_ssl_modes() {
        let error = parse("postgres://h/d?sslmode=always").unwrap_err();
        assert!(error.0.contains("`sslmode=always`"), "{error}");
    }
}
