//! The function's execution-role policy (`policy --rotator`: the
//! library's `rotator_policy`, which the command prints), proven by the
//! IAM evaluator on the requests a rotation made: a rotation that deletes
//! AWSPREVIOUS's key, deactivates the old one (PREVIOUS_KEY=deactivate), and
//! before that a createSecret that lost CreateAccessKey's answer (so the
//! retry deletes the key the claim proves). The same actions on another
//! user or secret, and what the function never does, are denied.

use crate::driver::*;
use crate::flaky::Losses;
use ses_smtp_rotator::Step;
use ses_smtp_test_support::evaluator::*;
use ses_smtp_test_support::moto::*;
use ses_smtp_test_support::secrets::*;
use std::time::Duration;

#[test]
fn the_rotator_policy_allows_every_call_of_a_rotation_and_nothing_else() {
    let operator = "AKIAPOLICYROTATOR000";
    let user = "rotator-policy";
    let name = "rotator/policy";
    let (arn, _) = secret_for(user, name, 2);
    let losses = Losses::default();
    let r = rotator(operator, &losses, Some("deactivate"));
    let t = token(800);
    start_rotation(&arn, &t);
    losses.lose_next("Action=CreateAccessKey");
    let (first, _) = step(&r, &arn, &t, Step::Create, Duration::from_secs(60));
    assert!(first.is_err());
    losses.lose(0);
    let lines = rotation(&r, &arn, &t);
    assert!(
        lines.iter().any(|l| l
            .get("action")
            .and_then(|a| a.as_str())
            .is_some_and(|a| a.contains("earlier try"))),
        "the retry deleted the lost key: {lines:?}"
    );

    let requests = recorded(operator, user, "/", &secret_arns());
    let actions: std::collections::BTreeSet<&str> =
        requests.iter().map(|r| r.action.as_str()).collect();
    for expected in [
        "iam:GetUser",
        "iam:ListAccessKeys",
        "iam:CreateAccessKey",
        "iam:UpdateAccessKey",
        "iam:DeleteAccessKey",
        "iam:TagUser",
        "iam:UntagUser",
        "secretsmanager:DescribeSecret",
        "secretsmanager:GetSecretValue",
        "secretsmanager:PutSecretValue",
        "secretsmanager:UpdateSecretVersionStage",
    ] {
        assert!(
            actions.contains(expected),
            "{expected} not recorded: {actions:?}"
        );
    }
    // What `policy --rotator --user-name USER --account-id ACCOUNT --secret
    // NAME --region REGION` prints (src/commands/info.rs writes this
    // document and nothing else).
    let user_name = ses_smtp_rotation::parse_user_name(user).unwrap();
    let path = ses_smtp_rotation::parse_user_path("/").unwrap();
    let mut scope = ses_smtp_rotation::RotatorScope::new(&user_name, ACCOUNT, name, REGION);
    scope.user_path = Some(&path);
    let printed = ses_smtp_rotation::rotator_policy(&scope)
        .unwrap()
        .to_string();
    let policy: serde_json::Value = serde_json::from_str(&printed).unwrap();

    // Lambda writes the function's logs with the role.
    let group = format!("arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/aws/lambda/ses-smtp-rotator");
    let mut allowed = requests.clone();
    allowed.push(IamRequest::new(
        "logs:PutLogEvents",
        &format!("{group}:log-stream:2026/12/02/[$LATEST]0123456789abcdef"),
    ));
    allowed.push(IamRequest::new(
        "logs:CreateLogStream",
        &format!("{group}:log-stream:s"),
    ));
    allowed.push(IamRequest::new(
        "logs:CreateLogGroup",
        &format!("{group}:log-stream:"),
    ));

    let other_user = format!("arn:aws:iam::{ACCOUNT}:user/someone-else");
    let other_secret =
        format!("arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:rotator/other-AbCdEf");
    let mut denied = Vec::new();
    for a in ["iam:CreateAccessKey", "iam:DeleteAccessKey", "iam:TagUser"] {
        denied.push(IamRequest::new(a, &other_user).with("aws:TagKeys", "ses-smtp-rotator"));
    }
    // Tagging the user: only the claim's tag key.
    let own_user = format!("arn:aws:iam::{ACCOUNT}:user/{user}");
    for a in ["iam:TagUser", "iam:UntagUser"] {
        denied.push(IamRequest::new(a, &own_user).with("aws:TagKeys", "team"));
    }
    for a in [
        "secretsmanager:GetSecretValue",
        "secretsmanager:PutSecretValue",
    ] {
        denied.push(IamRequest::new(a, &other_secret));
    }
    denied.push(
        IamRequest::new("secretsmanager:UpdateSecretVersionStage", &arn)
            .with("secretsmanager:VersionStage", "AWSPREVIOUS"),
    );
    denied.push(IamRequest::new("secretsmanager:DeleteSecret", &arn));
    denied.push(IamRequest::new("iam:CreateUser", &other_user));
    denied.push(IamRequest::new(
        "iam:AttachUserPolicy",
        &format!("arn:aws:iam::{ACCOUNT}:user/{user}"),
    ));
    denied.push(IamRequest::new(
        "logs:PutLogEvents",
        &format!("arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/aws/lambda/other:log-stream:s"),
    ));
    assert_policy(&policy, &allowed, &denied);
}
