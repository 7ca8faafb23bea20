//! The project's own shape and papers: the workspace's architecture rules,
//! the documentation's links and policies, and the deployment template.
#![allow(clippy::unwrap_used)] // a test: a failed unwrap is a failed test

mod architecture;
mod deploy;
mod docs_links;
mod docs_policy;
