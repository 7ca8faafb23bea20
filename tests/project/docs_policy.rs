//! docs/rotation.md's tables of the operator's and the rotation function's
//! permissions are the list the policies are built from
//! (`rotation::calls::ALL`), row for row: a call added to the code and the
//! list without its row fails here.
#![allow(clippy::unwrap_used)] // a test: a failed unwrap is a failed test

use ses_smtp_rotation::calls::{ALL, Caller, OPERATOR, Resource};

fn resource_and_condition(target: Resource) -> (&'static str, &'static str) {
    match target {
        Resource::User => (
            "the user: `user/NAME`, or `user/PATH/NAME` with `--user-path`",
            "-",
        ),
        Resource::Secret => (
            "each `secretsmanager:` store: its ARN, or `secret:NAME-??????` and `secret:NAME`",
            "-",
        ),
        Resource::SecretStage => (
            "each `secretsmanager:` store, as above",
            "`secretsmanager:VersionStage` = `AWSCURRENT` or `AWSPREVIOUS`",
        ),
        Resource::SecretCreate => (
            "each store given by name: `secret:NAME-??????` and `secret:NAME`",
            "`secretsmanager:Name` = NAME",
        ),
        Resource::SecretDelete => ("each store given by name, as above", "-"),
        Resource::Parameter => (
            "each `ssm:` store's `PREFIX/username`, `/host`, `/port`, `/region`, `/password`, and `PREFIX/*/password`, `PREFIX/*/host` (a key for several regions)",
            "-",
        ),
        Resource::KeyViaParameterStore => (
            "the `--kms-key`, with an `ssm:` store",
            "`kms:ViaService` = `ssm.REGION.amazonaws.com`",
        ),
        Resource::KeyViaSecretsManager => (
            "the `--kms-key`, with a `secretsmanager:` store",
            "`kms:ViaService` = `secretsmanager.REGION.amazonaws.com`",
        ),
        Resource::RotatorStage => (
            "the secret: its ARN, or `secret:NAME-??????`",
            "`secretsmanager:VersionStage` = `AWSCURRENT` or `AWSPENDING`",
        ),
        Resource::LogGroup => (
            "`log-group:/aws/lambda/FUNCTION` and its streams (`:*`)",
            "-",
        ),
        Resource::ClaimTag => (
            "the user, as above",
            "`aws:TagKeys` = `ses-smtp-rotator` only (`ForAllValues:StringEquals`)",
        ),
        Resource::Group => ("the account's groups: `group/*`", "-"),
        Resource::ManagedPolicy => (
            "managed policies, the account's and AWS's: `policy/*`, `iam::aws:policy/*`",
            "-",
        ),
        _ => panic!("a target without a row: {target:?}"),
    }
}

/// The rows of the calls any of `by` makes, naming only those commands.
fn table(by: &[Caller]) -> String {
    let mut t = String::from(
        "| action | commands | step | resource | condition |\n| --- | --- | --- | --- | --- |\n",
    );
    for call in ALL {
        let commands: Vec<&str> = call
            .commands
            .iter()
            .filter(|c| by.contains(c))
            .map(|c| c.name())
            .collect();
        if commands.is_empty() {
            continue;
        }
        let (resource, condition) = resource_and_condition(call.target);
        t.push_str(&format!(
            "| `{}` | {} | {} | {resource} | {condition} |\n",
            call.action,
            commands.join(", "),
            call.step
        ));
    }
    t
}

#[test]
fn the_rotation_docs_list_every_call_the_policy_grants() {
    let doc = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/rotation.md"),
    )
    .unwrap();
    for (whose, by) in [("operator", OPERATOR), ("rotator", &[Caller::Rotator][..])] {
        let table = table(by);
        assert!(
            doc.contains(&table),
            "docs/rotation.md must hold the {whose}'s table, as the calls list has it:\n\n{table}"
        );
    }
}
