//! The policies the tool prints, proven by an IAM policy evaluator this
//! project did not write: `@cloud-copilot/iam-simulate` (npm), which
//! evaluates identity policies against the actions, resource types and
//! condition keys of AWS's Service Authorization Reference.
//!
//! moto records every request it serves (crates/ses-smtp-test-support/src/moto.rs). Each test
//! here runs the tool signed with an operator key of its own, turns the
//! requests signed with that key into what IAM authorizes (the action in
//! IAM's spelling, the resource's ARN with the user's path, the condition
//! keys the request carries), and asks the evaluator whether the policy
//! that `policy --rotation` prints for that scope allows each one. The same
//! actions on another user, secret or parameter, and actions the tool never
//! needs, must be denied.
//!
//! Needs Node.js and the evaluator: `npm ci --prefix tests/iam-evaluator`
//! (pinned by tests/iam-evaluator/package-lock.json).

use serde_json::Value;
use ses_smtp_rotation::sdk::aws_sdk_ssm;
use ses_smtp_test_support::evaluator::*;
use ses_smtp_test_support::http;
use ses_smtp_test_support::moto::*;

/// What the tool must never be able to do with the operator policy: other
/// users, other secrets and parameters, and IAM actions it never calls.
fn never(user_arn: &str) -> Vec<IamRequest> {
    let other_user = format!("arn:aws:iam::{ACCOUNT}:user/someone-else");
    let mut out = Vec::new();
    for action in [
        "iam:CreateAccessKey",
        "iam:DeleteAccessKey",
        "iam:ListAccessKeys",
    ] {
        out.push(IamRequest::new(action, &other_user));
    }
    for action in [
        "iam:CreateUser",
        "iam:PutUserPolicy",
        "iam:AttachUserPolicy",
    ] {
        out.push(IamRequest::new(action, user_arn));
    }
    // Tagging the user: only the claim's tag key.
    for action in ["iam:TagUser", "iam:UntagUser"] {
        out.push(IamRequest::new(action, user_arn).with("aws:TagKeys", "team"));
        out.push(
            IamRequest::new(action, user_arn)
                .with("aws:TagKeys", "ses-smtp-rotator")
                .with("aws:TagKeys", "team"),
        );
        out.push(IamRequest::new(action, &other_user).with("aws:TagKeys", "ses-smtp-rotator"));
    }
    let other_secret =
        format!("arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:other/smtp-Ab12Cd");
    for action in [
        "secretsmanager:GetSecretValue",
        "secretsmanager:PutSecretValue",
        "secretsmanager:DeleteSecret",
    ] {
        out.push(IamRequest::new(action, &other_secret));
    }
    out.push(
        IamRequest::new("secretsmanager:CreateSecret", &other_secret)
            .with("secretsmanager:Name", "other/smtp"),
    );
    let other_parameter = format!("arn:aws:ssm:{REGION}:{ACCOUNT}:parameter/other/smtp/password");
    for action in [
        "ssm:GetParameters",
        "ssm:PutParameter",
        "ssm:DeleteParameter",
    ] {
        out.push(IamRequest::new(action, &other_parameter));
    }
    let other_key =
        format!("arn:aws:kms:{REGION}:{ACCOUNT}:key/99999999-0000-0000-0000-000000000000");
    out.push(
        IamRequest::new("kms:Decrypt", &other_key)
            .with("kms:ViaService", &format!("ssm.{REGION}.amazonaws.com")),
    );
    out
}

// ---- the operator's policy -------------------------------------------------

/// A user at `/`, stores given by name that do not exist yet: rotate
/// creates them; keys reads them; retire deactivates and deletes the old
/// key.
#[test]
fn the_operator_policy_allows_every_call_of_a_rotation_and_nothing_else() {
    let operator = "AKIAPOLICYPLAIN00000";
    let user = "policy-plain";
    let old = user_with_keys(user, 1);
    let stores = [
        "--store",
        "secretsmanager:policy/plain",
        "--store",
        "ssm:/policy/plain",
    ];
    let r = rotate_as(operator, user, "starttls", &stores);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let mut keys = tool_as(operator);
    keys.args(["keys", "--user-name", user]).args(stores);
    assert_eq!(run(&mut keys).code, Some(0));
    for extra in [&[][..], &["--delete"][..]] {
        let mut retire = tool_as(operator);
        retire
            .args(["retire", "--user-name", user, "--access-key-id", &old[0]])
            .args(extra);
        let r = run(&mut retire);
        assert_eq!(r.code, Some(0), "{}", r.stderr);
    }

    let requests = recorded(operator, user, "/", &secret_arns());
    let actions = actions_of(&requests);
    for expected in [
        "iam:GetUser",
        "iam:ListAccessKeys",
        "iam:CreateAccessKey",
        "iam:UpdateAccessKey",
        "iam:DeleteAccessKey",
        "secretsmanager:DescribeSecret",
        "secretsmanager:CreateSecret",
        "secretsmanager:GetSecretValue",
        "ssm:GetParameters",
        "ssm:PutParameter",
    ] {
        assert!(
            actions.contains(expected),
            "{expected} not recorded: {actions:?}"
        );
    }
    let policy = printed_policy(&[
        "--rotation",
        "--user-name",
        user,
        "--account-id",
        ACCOUNT,
        "--region",
        REGION,
        "--store",
        "secretsmanager:policy/plain",
        "--store",
        "ssm:/policy/plain",
    ]);
    let user_arn = format!("arn:aws:iam::{ACCOUNT}:user/{user}");
    let mut denied = never(&user_arn);
    // The undo moves AWSCURRENT only.
    let secret = secret_arns()
        .into_iter()
        .find(|(n, _)| n == "policy/plain")
        .unwrap()
        .1;
    denied.push(
        IamRequest::new("secretsmanager:UpdateSecretVersionStage", &secret)
            .with("secretsmanager:VersionStage", "AWSPENDING"),
    );
    // A secret named like the store plus a suffix of its own is another
    // secret: CreateSecret is scoped by its name too.
    denied.push(
        IamRequest::new(
            "secretsmanager:CreateSecret",
            &format!("arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:policy/plain-AbCdEf"),
        )
        .with("secretsmanager:Name", "policy/plain-AbCdEf"),
    );
    assert_policy(&policy, &requests, &denied);
}

/// A user at a path, a secret given by ARN, parameters under a
/// customer-managed KMS key, and a failure after every store was written:
/// the undo's calls (DeleteAccessKey, UpdateSecretVersionStage,
/// DeleteSecret, DeleteParameter, PutParameter) are allowed too, and the
/// policy without `--user-path` allows none of the IAM calls.
#[test]
fn the_operator_policy_allows_the_undo_for_a_user_with_a_path_and_a_kms_key() {
    let operator = "AKIAPOLICYPATHKMS000";
    let user = "policy-path";
    let path = "/division/mail/";
    let old = user_at_path_with_keys(user, path, 1);
    let by_arn = block_on(
        sm().create_secret()
            .name("policy/by-arn")
            .secret_string("{}")
            .send(),
    )
    .unwrap()
    .arn
    .unwrap();
    block_on(
        sm().create_secret()
            .name("policy/vanishes")
            .secret_string("{}")
            .send(),
    )
    .unwrap();
    // The password parameter exists, as a SecureString under the key; the
    // others do not.
    block_on(
        ssm()
            .put_parameter()
            .name("/policy/kms/password")
            .value("the-previous-password")
            .r#type(aws_sdk_ssm::types::ParameterType::SecureString)
            .key_id(KMS_KEY)
            .send(),
    )
    .unwrap();
    delete_secret_on_login(user, "policy/vanishes");
    let by_arn_store = format!("secretsmanager:{by_arn}");
    let stores = [
        "--store",
        &by_arn_store,
        "--store",
        "secretsmanager:policy/created",
        "--store",
        "ssm:/policy/kms",
        "--store",
        "secretsmanager:policy/vanishes",
    ];
    let r = rotate_as(operator, user, "starttls", &stores);
    assert_eq!(r.code, Some(10), "{}", r.stderr);
    assert_rolled_back(user, &old, &r.stderr);

    let requests = recorded(operator, user, path, &secret_arns());
    let actions = actions_of(&requests);
    for expected in [
        "iam:DeleteAccessKey",
        "secretsmanager:PutSecretValue",
        "secretsmanager:UpdateSecretVersionStage",
        "secretsmanager:CreateSecret",
        "secretsmanager:DeleteSecret",
        "ssm:GetParameterHistory",
        "ssm:PutParameter",
        "ssm:DeleteParameter",
    ] {
        assert!(
            actions.contains(expected),
            "{expected} not recorded: {actions:?}"
        );
    }
    // What Parameter Store and Secrets Manager ask KMS on the operator's
    // behalf (moto makes no such calls).
    let via = |service: &str| format!("{service}.{REGION}.amazonaws.com");
    let mut allowed = requests.clone();
    for action in ["kms:Encrypt", "kms:GenerateDataKey", "kms:Decrypt"] {
        allowed.push(IamRequest::new(action, KMS_KEY).with("kms:ViaService", &via("ssm")));
    }
    for action in ["kms:GenerateDataKey", "kms:Decrypt"] {
        allowed
            .push(IamRequest::new(action, KMS_KEY).with("kms:ViaService", &via("secretsmanager")));
    }
    let mut args = vec![
        "--rotation",
        "--user-name",
        user,
        "--account-id",
        ACCOUNT,
        "--region",
        REGION,
        "--kms-key",
        KMS_KEY,
    ];
    args.extend_from_slice(&stores);
    let without_path = printed_policy(&args);
    args.extend_from_slice(&["--user-path", path]);
    let policy = printed_policy(&args);

    let user_arn = format!("arn:aws:iam::{ACCOUNT}:user{path}{user}");
    let mut denied = never(&user_arn);
    // The key only through the stores' services, and never for a secret
    // given by ARN: created or deleted.
    denied.push(IamRequest::new("kms:Decrypt", KMS_KEY));
    denied.push(
        IamRequest::new("kms:Decrypt", KMS_KEY)
            .with("kms:ViaService", "s3.eu-west-1.amazonaws.com"),
    );
    denied.push(IamRequest::new("secretsmanager:DeleteSecret", &by_arn));
    // The same user name at the top level is another user.
    denied.push(IamRequest::new(
        "iam:CreateAccessKey",
        &format!("arn:aws:iam::{ACCOUNT}:user/{user}"),
    ));
    assert_policy(&policy, &allowed, &denied);

    // Without --user-path, every IAM call on this user is denied: the
    // reason the option exists.
    let iam_calls: Vec<IamRequest> = requests
        .iter()
        .filter(|r| r.action.starts_with("iam:"))
        .cloned()
        .collect();
    assert!(!iam_calls.is_empty());
    assert_policy(&without_path, &[], &iam_calls);

    // The overwritten parameter kept its key, and got it back with its
    // value: the requests named the key (PutParameter without KeyId
    // encrypts under the account's default aws/ssm key).
    let puts: Vec<Value> = signed_by(operator)
        .into_iter()
        .filter(|(_, _, headers, _)| headers["X-Amz-Target"] == "AmazonSSM.PutParameter")
        .map(|(_, _, _, body)| serde_json::from_slice(&body).unwrap())
        .filter(|b: &Value| b["Name"] == "/policy/kms/password")
        .collect();
    assert_eq!(puts.len(), 2, "the new value and the restored one");
    for put in &puts {
        assert_eq!(put["KeyId"], KMS_KEY, "{put}");
        assert_eq!(put["Type"], "SecureString");
    }
    assert_eq!(
        parameter("/policy/kms/password").as_deref(),
        Some("the-previous-password")
    );
}

/// A failed IAM call on a user at a path names --user-path: a stand-in
/// IAM endpoint answers GetUser with the path and denies the rest.
#[test]
fn a_denied_call_on_a_user_with_a_path_names_user_path() {
    let iam = http::canned_http(|body| {
        let action = url::form_urlencoded::parse(body)
            .find(|(k, _)| k == "Action")
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default();
        if action == "GetUser" {
            (200, iam_get_user("/division/mail/"))
        } else {
            (
                403,
                iam_error(
                    "AccessDenied",
                    &format!("not authorized to perform: iam:{action}"),
                ),
            )
        }
    });
    for command in [
        &["keys", "--user-name", "smtp"][..],
        &[
            "retire",
            "--user-name",
            "smtp",
            "--access-key-id",
            "AKIAIOSFODNN7EXAMPLE",
        ][..],
    ] {
        let mut cmd = tool();
        cmd.env(
            "AWS_ENDPOINT_URL_IAM",
            format!("http://127.0.0.1:{}", iam.port),
        )
        .args(command);
        let r = run(&mut cmd);
        assert_eq!(r.code, Some(10), "{}", r.stderr);
        assert!(r.stderr.contains("iam:ListAccessKeys"), "{}", r.stderr);
        assert!(
            r.stderr
                .contains("the user's IAM path is /division/mail/, not /: make the policy with --user-path /division/mail/"),
            "{}",
            r.stderr
        );
    }
}

// ---- the sending policy ------------------------------------------------------

#[test]
fn the_sending_policy_allows_its_identity_sender_and_configuration_set_only() {
    let identity = format!("arn:aws:ses:{REGION}:{ACCOUNT}:identity/example.com");
    let set = format!("arn:aws:ses:{REGION}:{ACCOUNT}:configuration-set/transactional");
    let from = |a: &str| ("ses:FromAddress".to_string(), a.to_string());
    let send = |resource: &str, sender: Option<&str>, action: &str| IamRequest {
        action: action.into(),
        resource: resource.into(),
        context: sender.map(from).into_iter().collect(),
    };
    let scope = [
        "--identity",
        "example.com",
        "--account-id",
        ACCOUNT,
        "--region",
        REGION,
    ];
    let other_identity = format!("arn:aws:ses:{REGION}:{ACCOUNT}:identity/example.org");
    let other_set = format!("arn:aws:ses:{REGION}:{ACCOUNT}:configuration-set/marketing");

    // The identity alone.
    let policy = printed_policy(&scope);
    assert_policy(
        &policy,
        &[send(
            &identity,
            Some("anyone@example.com"),
            "ses:SendRawEmail",
        )],
        &[
            send(&other_identity, None, "ses:SendRawEmail"),
            send(&identity, None, "ses:SendEmail"),
            send(&set, None, "ses:SendRawEmail"),
        ],
    );

    // With a sender address and a configuration set.
    let mut args = scope.to_vec();
    args.extend_from_slice(&[
        "--from-address",
        "noreply@example.com",
        "--configuration-set",
        "transactional",
    ]);
    let policy = printed_policy(&args);
    assert_policy(
        &policy,
        &[
            send(&identity, Some("noreply@example.com"), "ses:SendRawEmail"),
            send(&set, Some("noreply@example.com"), "ses:SendRawEmail"),
        ],
        &[
            send(&identity, Some("ceo@example.com"), "ses:SendRawEmail"),
            send(
                &other_identity,
                Some("noreply@example.com"),
                "ses:SendRawEmail",
            ),
            send(&other_set, Some("noreply@example.com"), "ses:SendRawEmail"),
            send(&identity, Some("noreply@example.com"), "ses:SendEmail"),
        ],
    );
}

/// A key for two regions: the per-region parameters
/// (`/PREFIX/REGION/password`, `/PREFIX/REGION/host`) are read and written
/// under the same printed policy, and nothing outside the prefix is
/// allowed.
#[test]
fn the_operator_policy_allows_a_rotation_for_two_regions() {
    let operator = "AKIAPOLICYREGIONS000";
    let user = "policy-regions";
    user_with_keys(user, 1);
    let second = "us-east-1";
    let dir = tempfile::tempdir().unwrap();
    let (first_servers, second_servers) = (region_servers(REGION), region_servers(second));
    let ca = ca_file_for(dir.path(), &[first_servers, second_servers]);
    let mut cmd = tool_as(operator);
    cmd.args(["rotate", "--user-name", user, "--regions"])
        .arg(format!("{REGION},{second}"))
        .arg("--endpoint")
        .arg(format!(
            "{REGION}=localhost:{}",
            first_servers.port("starttls")
        ))
        .arg("--endpoint")
        .arg(format!(
            "{second}=localhost:{}",
            second_servers.port("starttls")
        ))
        .args(["--tls", "starttls", "--ca-file"])
        .arg(&ca)
        .args([
            "--store",
            "ssm:/policy/regions",
            "--store",
            "secretsmanager:policy/regions",
        ]);
    let r = run(&mut cmd);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    // keys reads the user's group and the policies that grant it sending.
    let send = allowing("ses:SendRawEmail");
    let group = "policy-regions-senders";
    let arn = group_granting(user, group, ("send", &send), ("policy-regions-send", &send));
    block_on(
        iam()
            .attach_user_policy()
            .user_name(user)
            .policy_arn(&arn)
            .send(),
    )
    .unwrap();
    let mut keys = tool_as(operator);
    keys.args(["keys", "--user-name", user]);
    let k = run(&mut keys);
    assert_eq!(k.code, Some(0), "{}", k.stderr);
    assert!(
        k.stdout
            .contains(&format!("managed policy {arn} of group {group}")),
        "{}",
        k.stdout
    );
    let requests = recorded(operator, user, "/", &secret_arns());
    for action in [
        "iam:ListGroupsForUser",
        "iam:ListUserPolicies",
        "iam:ListAttachedUserPolicies",
        "iam:ListGroupPolicies",
        "iam:GetGroupPolicy",
        "iam:ListAttachedGroupPolicies",
        "iam:GetPolicy",
        "iam:GetPolicyVersion",
    ] {
        assert!(
            requests.iter().any(|q| q.action == action),
            "{action} not recorded"
        );
    }
    let written: Vec<&str> = requests
        .iter()
        .filter(|q| q.action == "ssm:PutParameter")
        .map(|q| q.resource.as_str())
        .collect();
    assert!(
        written
            .iter()
            .any(|r| r.ends_with(&format!("parameter/policy/regions/{second}/password"))),
        "{written:?}"
    );
    let policy = printed_policy(&[
        "--rotation",
        "--user-name",
        user,
        "--account-id",
        ACCOUNT,
        "--region",
        REGION,
        "--store",
        "ssm:/policy/regions",
        "--store",
        "secretsmanager:policy/regions",
    ]);
    let mut denied = never(&format!("arn:aws:iam::{ACCOUNT}:user/{user}"));
    denied.push(IamRequest::new(
        "ssm:PutParameter",
        &format!("arn:aws:ssm:{REGION}:{ACCOUNT}:parameter/policy/regionsX/{second}/password"),
    ));
    // Reading groups and policies is all it may do with them.
    for action in [
        "iam:PutGroupPolicy",
        "iam:AddUserToGroup",
        "iam:AttachGroupPolicy",
    ] {
        denied.push(IamRequest::new(
            action,
            &format!("arn:aws:iam::{ACCOUNT}:group/{group}"),
        ));
    }
    denied.push(IamRequest::new("iam:CreatePolicyVersion", &arn));
    assert_policy(&policy, &requests, &denied);
}
