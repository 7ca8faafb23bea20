//! TLS for the probe: rustls with ring, TLS 1.2 and 1.3, the Mozilla roots
//! compiled in (webpki-roots) plus the caller's [`ExtraRoots`].

use rustls::pki_types::{CertificateDer, pem::PemObject};
use rustls::{ClientConfig, RootCertStore};
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

/// Certificate authorities to trust besides the Mozilla roots compiled
/// in: a TLS-inspecting proxy's, or a private endpoint's.
#[derive(Clone, Default)]
pub struct ExtraRoots {
    certs: Vec<CertificateDer<'static>>,
}

impl std::fmt::Debug for ExtraRoots {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ExtraRoots({} certificate(s))", self.certs.len())
    }
}

/// Why PEM text could not be trusted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum RootsError {
    /// The text is not PEM.
    NotPem,
    /// A certificate cannot be a trust anchor.
    Unusable,
    /// The text holds no certificate.
    Empty,
}

impl std::fmt::Display for RootsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            RootsError::NotPem => "is not a PEM certificate file",
            RootsError::Unusable => "holds a certificate that cannot be used as a trust anchor",
            RootsError::Empty => "holds no PEM certificate",
        })
    }
}

impl std::error::Error for RootsError {}

impl ExtraRoots {
    /// No extra roots: the Mozilla roots alone.
    pub fn none() -> ExtraRoots {
        ExtraRoots::default()
    }

    /// The certificates of PEM text, each checked as a trust anchor.
    ///
    /// # Errors
    /// [`RootsError`] when the text is not PEM, holds no certificate, or
    /// holds one that cannot be a trust anchor.
    pub fn from_pem(pem: &[u8]) -> Result<ExtraRoots, RootsError> {
        let mut certs = Vec::new();
        let mut check = RootCertStore::empty();
        for cert in CertificateDer::pem_slice_iter(pem) {
            let cert = cert.map_err(|_| RootsError::NotPem)?;
            check.add(cert.clone()).map_err(|_| RootsError::Unusable)?;
            certs.push(cert);
        }
        if certs.is_empty() {
            return Err(RootsError::Empty);
        }
        Ok(ExtraRoots { certs })
    }
}

pub(super) fn tls_config(extra: &ExtraRoots) -> Result<Arc<ClientConfig>, SetupError> {
    let mut roots = RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    for cert in &extra.certs {
        roots
            .add(cert.clone())
            .map_err(|_| SetupError(RootsError::Unusable.to_string()))?;
    }
    let config =
        ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
            .with_protocol_versions(&[&rustls::version::TLS13, &rustls::version::TLS12])
            .map_err(|e| SetupError(format!("could not set up TLS: {e}")))?
            .with_root_certificates(roots)
            .with_no_client_auth();
    Ok(Arc::new(config))
}

/// TLS could not be set up, before any connection was made.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SetupError(String);

impl std::fmt::Display for SetupError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for SetupError {}
