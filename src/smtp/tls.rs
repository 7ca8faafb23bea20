//! TLS for the probe: rustls with ring, TLS 1.2 and 1.3, the Mozilla roots
//! compiled in (webpki-roots) plus `--ca-file`.

use crate::error::{CliError, Result};
use crate::files::{SmallFile, read_small_file};
use rustls::pki_types::{CertificateDer, pem::PemObject};
use rustls::{ClientConfig, RootCertStore};
use std::path::Path;
use std::sync::Arc;

pub(super) fn describe_tls(e: &rustls::Error) -> String {
    use rustls::CertificateError as C;
    match e {
        rustls::Error::InvalidCertificate(c) => match c {
            C::NotValidForName | C::NotValidForNameContext { .. } => {
                "the server's certificate is not valid for this host name".into()
            }
            C::UnknownIssuer => {
                "the server's certificate is issued by a CA that is not trusted".into()
            }
            C::Expired | C::ExpiredContext { .. } => "the server's certificate has expired".into(),
            C::NotValidYet | C::NotValidYetContext { .. } => {
                "the server's certificate is not valid yet".into()
            }
            C::Revoked => "the server's certificate is revoked".into(),
            other => format!("the server's certificate was refused ({other:?})"),
        },
        rustls::Error::PeerIncompatible(_) | rustls::Error::AlertReceived(_) => {
            format!("the TLS handshake failed ({e}); SES needs TLS 1.2 or newer")
        }
        other => format!("the TLS handshake failed ({other})"),
    }
}

/// A CA file is a few certificates; a bundle of every public CA is about
/// 250 KiB.
const MAX_CA_FILE: usize = 1 << 20;

pub(super) fn tls_config(ca_file: Option<&Path>) -> Result<Arc<ClientConfig>> {
    let mut roots = RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    if let Some(path) = ca_file {
        let shown = ses_smtp_credentials::redact::user_path(path);
        let bad = |what: &str| CliError::Usage(format!("--ca-file {shown} {what}"));
        let label = format!("--ca-file {shown}");
        let (bytes, _) = read_small_file(
            path,
            &SmallFile {
                label: &label,
                cap: MAX_CA_FILE,
                not_a: "a CA certificate file",
                too_large: CliError::Usage,
            },
        )?;
        let mut added = 0;
        for cert in CertificateDer::pem_slice_iter(&bytes) {
            let cert = cert.map_err(|_| bad("is not a PEM certificate file"))?;
            roots
                .add(cert)
                .map_err(|_| bad("holds a certificate that cannot be used as a trust anchor"))?;
            added += 1;
        }
        if added == 0 {
            return Err(bad("holds no PEM certificate"));
        }
    }
    let config =
        ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
            .with_protocol_versions(&[&rustls::version::TLS13, &rustls::version::TLS12])
            .map_err(|e| CliError::Internal(format!("could not set up TLS: {e}")))?
            .with_root_certificates(roots)
            .with_no_client_auth();
    Ok(Arc::new(config))
}
