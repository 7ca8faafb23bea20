//! The policies the tool prints, proven by an IAM policy evaluator this
//! project did not write: `@cloud-copilot/iam-simulate` (npm), which
//! evaluates identity policies against the actions, resource types and
//! condition keys of AWS's Service Authorization Reference.
//!
//! moto records every request it serves (tests/aws/harness.rs). Each test
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

use crate::common;
use crate::harness::*;
use serde_json::{Value, json};
use ses_smtp_rotation::sdk::aws_sdk_ssm;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

const PRINCIPAL: &str = "arn:aws:iam::123456789012:user/operator";
const KMS_KEY: &str = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";

/// What IAM authorizes: an action on a resource, with condition keys.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Request {
    action: String,
    resource: String,
    context: Vec<(String, String)>,
}

impl Request {
    fn new(action: &str, resource: &str) -> Request {
        Request {
            action: action.into(),
            resource: resource.into(),
            context: Vec::new(),
        }
    }

    fn with(mut self, key: &str, value: &str) -> Request {
        self.context.push((key.into(), value.into()));
        self
    }
}

// ---- the evaluator ---------------------------------------------------------

fn evaluator_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/iam-evaluator")
}

/// The evaluator's decision on each request under `policy`: "Allowed",
/// "ImplicitlyDenied", "ExplicitlyDenied", or "Error" (an action, ARN or
/// condition key the Service Authorization Reference does not know).
fn decide(policy: &Value, requests: &[Request]) -> Vec<String> {
    let dir = evaluator_dir();
    let node = std::env::var_os("NODE").map_or_else(|| PathBuf::from("node"), PathBuf::from);
    assert!(
        dir.join("node_modules/@cloud-copilot/iam-simulate")
            .exists(),
        "the policy tests need the IAM policy evaluator, and it is not installed.\n\
         Install it (Node.js and npm from Debian's nodejs and npm packages):\n  \
         npm ci --prefix tests/iam-evaluator\n\
         (cargo test without --features aws needs no Node.js)"
    );
    let cases: Vec<Value> = requests
        .iter()
        .map(|r| {
            let context: serde_json::Map<String, Value> = r
                .context
                .iter()
                .map(|(k, v)| (k.clone(), json!(v)))
                .collect();
            let mut case = json!({
                "policy": policy,
                "action": r.action,
                "resource": r.resource,
                "context": context,
            });
            // KMS honours an identity policy only where the key's own
            // policy lets it: the default key policy does, for the account.
            if r.action.starts_with("kms:") {
                case["resourcePolicy"] = json!({
                    "Version": "2012-10-17",
                    "Statement": [{
                        "Sid": "Enable IAM User Permissions",
                        "Effect": "Allow",
                        "Principal": { "AWS": format!("arn:aws:iam::{ACCOUNT}:root") },
                        "Action": "kms:*",
                        "Resource": "*",
                    }],
                });
            }
            case
        })
        .collect();
    let input = json!({ "principal": PRINCIPAL, "cases": cases }).to_string();
    let mut cmd = std::process::Command::new(&node);
    cmd.arg(dir.join("evaluate.mjs")).current_dir(&dir);
    let out = match cmd
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
    {
        Ok(child) => {
            let mut child = child;
            use std::io::Write;
            child
                .stdin
                .take()
                .unwrap()
                .write_all(input.as_bytes())
                .unwrap();
            child.wait_with_output().unwrap()
        }
        Err(e) => panic!(
            "the policy tests need Node.js ({}: {e}); install Debian's nodejs and npm, \
             then `npm ci --prefix tests/iam-evaluator`",
            node.display()
        ),
    };
    assert!(
        out.status.success(),
        "the evaluator failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let decisions: Vec<String> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            match v["detail"].as_str() {
                Some(d) => format!("{} ({d})", v["decision"].as_str().unwrap()),
                None => v["decision"].as_str().unwrap().to_string(),
            }
        })
        .collect();
    assert_eq!(decisions.len(), requests.len());
    decisions
}

/// Every request allowed, every one of `denied` implicitly denied (never
/// an evaluator error: a misspelt action would be "denied" for nothing).
fn assert_policy(policy: &Value, allowed: &[Request], denied: &[Request]) {
    let all: Vec<Request> = allowed.iter().chain(denied).cloned().collect();
    let decisions = decide(policy, &all);
    let mut wrong = Vec::new();
    for (i, (r, d)) in all.iter().zip(&decisions).enumerate() {
        let want = if i < allowed.len() {
            "Allowed"
        } else {
            "ImplicitlyDenied"
        };
        if d != want {
            wrong.push(format!("{want} expected, {d}: {r:?}"));
        }
    }
    assert!(
        wrong.is_empty(),
        "{}\npolicy:\n{policy:#}",
        wrong.join("\n")
    );
}

// ---- moto's recording, as IAM sees it ------------------------------------

/// The requests moto recorded that were signed with `operator`: each
/// one's credential region and service, headers and body.
fn signed_by(operator: &str) -> Vec<(String, String, Value, Vec<u8>)> {
    let text = std::fs::read_to_string(recording_file()).unwrap();
    let mut out = Vec::new();
    for line in text.lines() {
        let entry: Value = serde_json::from_str(line).unwrap();
        let headers = entry["headers"].clone();
        let auth = headers["Authorization"].as_str().unwrap_or_default();
        let Some(scope) = auth
            .split("Credential=")
            .nth(1)
            .and_then(|c| c.split(',').next())
        else {
            continue;
        };
        let parts: Vec<&str> = scope.split('/').collect();
        let [key, _, region, service, ..] = parts[..] else {
            continue;
        };
        if key != operator {
            continue;
        }
        let body = entry["body"].as_str().unwrap_or_default();
        let body = if entry["body_encoded"].as_bool() == Some(true) {
            use base64::Engine as _;
            base64::engine::general_purpose::STANDARD
                .decode(body)
                .unwrap()
        } else {
            body.as_bytes().to_vec()
        };
        out.push((region.to_string(), service.to_string(), headers, body));
    }
    out
}

/// The requests moto recorded that were signed with `operator`, as IAM
/// authorizes them. `path` is the IAM path of `user`, whose keys they
/// handle; `secret_arns` the ARNs of secrets that exist, by name.
fn recorded(
    operator: &str,
    user: &str,
    path: &str,
    secret_arns: &[(String, String)],
) -> Vec<Request> {
    let mut out = BTreeSet::new();
    for (region, service, headers, body) in signed_by(operator) {
        for r in as_iam_sees_it(&service, &region, &headers, &body, user, path, secret_arns) {
            out.insert(r);
        }
    }
    out.into_iter().collect()
}

fn as_iam_sees_it(
    service: &str,
    region: &str,
    headers: &Value,
    body: &[u8],
    user: &str,
    path: &str,
    secret_arns: &[(String, String)],
) -> Vec<Request> {
    let user_arn = |name: &str| {
        let p = if name == user { path } else { "/" };
        format!("arn:aws:iam::{ACCOUNT}:user{p}{name}")
    };
    match service {
        "iam" => {
            let form: Vec<(String, String)> =
                url::form_urlencoded::parse(body).into_owned().collect();
            let get = |k: &str| form.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
            let action = format!("iam:{}", get("Action").unwrap());
            // GetAccessKeyLastUsed names only the key; IAM authorizes it on
            // the key's user (this test's user owns every key it touches).
            vec![Request::new(
                &action,
                &user_arn(get("UserName").unwrap_or(user)),
            )]
        }
        "secretsmanager" | "ssm" => {
            let target = headers["X-Amz-Target"].as_str().unwrap();
            let op = target.rsplit('.').next().unwrap();
            let v: Value = serde_json::from_slice(body).unwrap();
            if service == "ssm" {
                let names: Vec<String> = match (&v["Name"], &v["Names"]) {
                    (Value::String(n), _) => vec![n.clone()],
                    (_, Value::Array(ns)) => {
                        ns.iter().map(|n| n.as_str().unwrap().to_string()).collect()
                    }
                    _ => panic!("an SSM request without a name: {op}"),
                };
                // A version selector (`name:3`) is not part of the ARN.
                return names
                    .iter()
                    .map(|n| {
                        let n = n.split(':').next().unwrap_or(n);
                        Request::new(
                            &format!("ssm:{op}"),
                            &format!("arn:aws:ssm:{region}:{ACCOUNT}:parameter{n}"),
                        )
                    })
                    .collect();
            }
            let id = v["SecretId"]
                .as_str()
                .or_else(|| v["Name"].as_str())
                .unwrap()
                .to_string();
            let action = format!("secretsmanager:{op}");
            let resources: Vec<String> = if id.starts_with("arn:") {
                vec![id.clone()]
            } else {
                // By name: IAM checks the secret's ARN, which ends in "-"
                // and six random characters; while the secret does not
                // exist AWS leaves open which ARN it checks, so both the
                // bare name and a suffixed ARN must be allowed. A secret
                // moto no longer has (the undo deleted it) gets a stand-in
                // suffix: six characters are all a policy can match.
                let base = format!("arn:aws:secretsmanager:{region}:{ACCOUNT}:secret:{id}");
                let real = secret_arns
                    .iter()
                    .find(|(n, _)| *n == id)
                    .map(|(_, arn)| arn.clone())
                    .unwrap_or_else(|| format!("{base}-Ab12Cd"));
                vec![base, real]
            };
            resources
                .into_iter()
                .map(|res| {
                    let mut r = Request::new(&action, &res);
                    if op == "CreateSecret" {
                        r = r.with("secretsmanager:Name", &id);
                    }
                    if let Some(stage) = v["VersionStage"].as_str() {
                        r = r.with("secretsmanager:VersionStage", stage);
                    }
                    r
                })
                .collect()
        }
        other => panic!("the tool called {other}, which no policy grants"),
    }
}

/// The ARNs of the secrets moto has now, by name.
fn secret_arns() -> Vec<(String, String)> {
    block_on(sm().list_secrets().send())
        .unwrap()
        .secret_list
        .unwrap_or_default()
        .into_iter()
        .filter_map(|s| Some((s.name?, s.arn?)))
        .collect()
}

fn printed_policy(args: &[&str]) -> Value {
    let r = run(common::tool().arg("policy").args(args));
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    serde_json::from_str(&r.stdout).unwrap()
}

fn actions_of(requests: &[Request]) -> BTreeSet<&str> {
    requests.iter().map(|r| r.action.as_str()).collect()
}

/// What the tool must never be able to do with the operator policy: other
/// users, other secrets and parameters, and IAM actions it never calls.
fn never(user_arn: &str) -> Vec<Request> {
    let other_user = format!("arn:aws:iam::{ACCOUNT}:user/someone-else");
    let mut out = Vec::new();
    for action in [
        "iam:CreateAccessKey",
        "iam:DeleteAccessKey",
        "iam:ListAccessKeys",
    ] {
        out.push(Request::new(action, &other_user));
    }
    for action in [
        "iam:CreateUser",
        "iam:PutUserPolicy",
        "iam:AttachUserPolicy",
    ] {
        out.push(Request::new(action, user_arn));
    }
    let other_secret =
        format!("arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:other/smtp-Ab12Cd");
    for action in [
        "secretsmanager:GetSecretValue",
        "secretsmanager:PutSecretValue",
        "secretsmanager:DeleteSecret",
    ] {
        out.push(Request::new(action, &other_secret));
    }
    out.push(
        Request::new("secretsmanager:CreateSecret", &other_secret)
            .with("secretsmanager:Name", "other/smtp"),
    );
    let other_parameter = format!("arn:aws:ssm:{REGION}:{ACCOUNT}:parameter/other/smtp/password");
    for action in [
        "ssm:GetParameters",
        "ssm:PutParameter",
        "ssm:DeleteParameter",
    ] {
        out.push(Request::new(action, &other_parameter));
    }
    let other_key =
        format!("arn:aws:kms:{REGION}:{ACCOUNT}:key/99999999-0000-0000-0000-000000000000");
    out.push(
        Request::new("kms:Decrypt", &other_key)
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
        Request::new("secretsmanager:UpdateSecretVersionStage", &secret)
            .with("secretsmanager:VersionStage", "AWSPENDING"),
    );
    // A secret named like the store plus a suffix of its own is another
    // secret: CreateSecret is scoped by its name too.
    denied.push(
        Request::new(
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
        allowed.push(Request::new(action, KMS_KEY).with("kms:ViaService", &via("ssm")));
    }
    for action in ["kms:GenerateDataKey", "kms:Decrypt"] {
        allowed.push(Request::new(action, KMS_KEY).with("kms:ViaService", &via("secretsmanager")));
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
    denied.push(Request::new("kms:Decrypt", KMS_KEY));
    denied.push(
        Request::new("kms:Decrypt", KMS_KEY).with("kms:ViaService", "s3.eu-west-1.amazonaws.com"),
    );
    denied.push(Request::new("secretsmanager:DeleteSecret", &by_arn));
    // The same user name at the top level is another user.
    denied.push(Request::new(
        "iam:CreateAccessKey",
        &format!("arn:aws:iam::{ACCOUNT}:user/{user}"),
    ));
    assert_policy(&policy, &allowed, &denied);

    // Without --user-path, every IAM call on this user is denied: the
    // reason the option exists.
    let iam_calls: Vec<Request> = requests
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
    let iam = common::canned_http(|body| {
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
    let send = |resource: &str, sender: Option<&str>, action: &str| Request {
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
