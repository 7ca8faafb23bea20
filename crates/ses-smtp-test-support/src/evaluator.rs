//! The IAM policy evaluator this project did not write
//! (`@cloud-copilot/iam-simulate`, npm), and moto's recording of the
//! requests a test made, as IAM authorizes them: shared by the operator's
//! policy tests (tests/aws/policy.rs) and the rotation function's
//! (crates/ses-smtp-rotator/tests/rotation).
//!
//! Needs Node.js and the evaluator: `npm ci --prefix tests/iam-evaluator`
//! (pinned by tests/iam-evaluator/package-lock.json).

use crate::cli;
use crate::moto::*;
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::path::PathBuf;

const PRINCIPAL: &str = "arn:aws:iam::123456789012:user/operator";
pub const KMS_KEY: &str =
    "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";

/// What IAM authorizes: an action on a resource, with condition keys.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct IamRequest {
    pub action: String,
    pub resource: String,
    pub context: Vec<(String, String)>,
}

impl IamRequest {
    pub fn new(action: &str, resource: &str) -> IamRequest {
        IamRequest {
            action: action.into(),
            resource: resource.into(),
            context: Vec::new(),
        }
    }

    pub fn with(mut self, key: &str, value: &str) -> IamRequest {
        self.context.push((key.into(), value.into()));
        self
    }
}

// ---- the evaluator ---------------------------------------------------------

pub fn evaluator_dir() -> PathBuf {
    crate::workspace().join("tests/iam-evaluator")
}

/// The evaluator's decision on each request under `policy`: "Allowed",
/// "ImplicitlyDenied", "ExplicitlyDenied", or "Error" (an action, ARN or
/// condition key the Service Authorization Reference does not know).
pub fn decide(policy: &Value, requests: &[IamRequest]) -> Vec<String> {
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
            // aws:TagKeys is multivalued: all its values, as a list.
            let mut context = serde_json::Map::new();
            for (k, v) in &r.context {
                if k == "aws:TagKeys" {
                    let list = context.entry(k.clone()).or_insert_with(|| json!([]));
                    list.as_array_mut().unwrap().push(json!(v));
                } else {
                    context.insert(k.clone(), json!(v));
                }
            }
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
    use std::os::unix::process::CommandExt;
    let mut cmd = std::process::Command::new(&node);
    cmd.arg(dir.join("evaluate.mjs")).current_dir(&dir);
    let out = match cmd
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .process_group(0)
        .spawn()
    {
        Ok(mut child) => {
            use std::io::Write;
            child
                .stdin
                .take()
                .unwrap()
                .write_all(input.as_bytes())
                .unwrap();
            crate::child::wait_within(child, crate::child::CHILD_DEADLINE)
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
pub fn assert_policy(policy: &Value, allowed: &[IamRequest], denied: &[IamRequest]) {
    let all: Vec<IamRequest> = allowed.iter().chain(denied).cloned().collect();
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
pub fn signed_by(operator: &str) -> Vec<(String, String, Value, Vec<u8>)> {
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
pub fn recorded(
    operator: &str,
    user: &str,
    path: &str,
    secret_arns: &[(String, String)],
) -> Vec<IamRequest> {
    let mut out = BTreeSet::new();
    for (region, service, headers, body) in signed_by(operator) {
        for r in as_iam_sees_it(&service, &region, &headers, &body, user, path, secret_arns) {
            out.insert(r);
        }
    }
    out.into_iter().collect()
}

pub fn as_iam_sees_it(
    service: &str,
    region: &str,
    headers: &Value,
    body: &[u8],
    user: &str,
    path: &str,
    secret_arns: &[(String, String)],
) -> Vec<IamRequest> {
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
            // A group's calls are authorized on the group (at `/`), a
            // managed policy's on the policy.
            let resource = match (get("GroupName"), get("PolicyArn")) {
                (Some(group), _) => format!("arn:aws:iam::{ACCOUNT}:group/{group}"),
                (None, Some(policy)) => policy.to_string(),
                (None, None) => user_arn(get("UserName").unwrap_or(user)),
            };
            let mut r = IamRequest::new(&action, &resource);
            // Tagging: the tag keys the request names.
            for (k, v) in &form {
                let tag_key = (k.starts_with("Tags.member.") && k.ends_with(".Key"))
                    || k.starts_with("TagKeys.member.");
                if tag_key {
                    r = r.with("aws:TagKeys", v);
                }
            }
            vec![r]
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
                        IamRequest::new(
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
                    let mut r = IamRequest::new(&action, &res);
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
pub fn secret_arns() -> Vec<(String, String)> {
    block_on(sm().list_secrets().send())
        .unwrap()
        .secret_list
        .unwrap_or_default()
        .into_iter()
        .filter_map(|s| Some((s.name?, s.arn?)))
        .collect()
}

pub fn printed_policy(args: &[&str]) -> Value {
    let r = run(cli::tool().arg("policy").args(args));
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    serde_json::from_str(&r.stdout).unwrap()
}

pub fn actions_of(requests: &[IamRequest]) -> BTreeSet<&str> {
    requests.iter().map(|r| r.action.as_str()).collect()
}
