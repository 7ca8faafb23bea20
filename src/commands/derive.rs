//! Deriving: find the secret, settle the user name and regions, derive,
//! render, write.

use crate::error::{CliResult, ExitCode};
use crate::files;
use crate::files::out::Signals;
use crate::output::{deliver, out_path, postfix_hints, render};
use crate::settle::{Derive, Destination, Env};
use crate::source;
use crate::terminal::warn;
use ses_smtp_credentials::{Derived, Version, derive};

/// The AWS documentation's example key: its password works nowhere.
const EXAMPLE_SECRET: &[u8] = b"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

pub fn run(args: Derive, env: &Env) -> CliResult<ExitCode> {
    let found = source::find_secret(&args.secret, env)?;
    let username = source::settle_username(&found, args.secret.access_key_id.as_deref())?;
    // Test builds only: lets tests/cli/pty.rs prove that a panic with a secret
    // in its payload prints no payload.
    ses_smtp_credentials::test_hook! {
        if std::env::var_os("SES_SMTP_PASSWORD_TEST_PANIC").is_some() {
            panic!(
                "{}",
                String::from_utf8_lossy(found.credentials.secret.expose())
            );
        }
    }
    let regions = args.regions.or_profile(found.profile_region.as_deref())?;
    // Standard input too, whatever it carried: `--out key.txt < key.txt`.
    let mut inputs = found.input_ids.clone();
    inputs.extend(files::stdin_id());
    if let Destination::File { path, .. } = &args.to {
        crate::files::out::check_not_input(path, &inputs)?;
    }
    if args.version == Version::V2 {
        warn(
            "version 2 SMTP passwords are deprecated and SES rejects them; use this only to recognise \
             old credentials, and the default (version 4) for anything new",
        );
    }
    if found.credentials.secret.expose() == EXAMPLE_SECRET {
        warn(
            "this is the example key from the AWS documentation; its password is for trying the tool, and works nowhere",
        );
    }
    let username = args.username.apply(username)?;
    let items: Vec<Derived> = regions
        .into_iter()
        .map(|region| {
            let password = derive(&found.credentials.secret, args.version, &region.code);
            Derived::new(username.clone(), password, region, args.version)
        })
        .collect();
    if items[0].username.is_none()
        && matches!(
            args.shape,
            crate::settle::OutputShape::Format(ses_smtp_credentials::Format::Text)
        )
    {
        // The library's text says the user name is unknown; the flag that
        // gives it is the command line's to name.
        crate::terminal::hint(
            "give the key's ID with --access-key-id AKIA…, and it is printed as the SMTP username",
        );
    }
    let rendered = render(&args.shape, &items, &found.describe())?;
    postfix_hints(&args.shape, &items[0], out_path(&args.to));
    deliver(&args.to, &rendered, Signals::Die, &inputs)?;
    Ok(ExitCode::Success)
}
