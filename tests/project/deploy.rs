//! deploy/rotator.yaml gives the function's role exactly the policy that
//! `policy --rotator` prints for the same user, secret, key and function
//! (the one the IAM evaluator proves in crates/ses-smtp-rotator/tests/rotation): the template's
//! intrinsic functions are resolved here for given parameters, and the
//! two documents compared whole. A workspace test, not packaged.
#![allow(clippy::unwrap_used)] // a test: a failed unwrap is a failed test

use serde_json::Value;
use ses_smtp_rotation::{RotatorScope, parse_user_name, parse_user_path, rotator_policy};
use std::collections::HashMap;

fn template() -> Value {
    let text = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("deploy/rotator.yaml"),
    )
    .unwrap();
    serde_norway::from_str(&text).unwrap()
}

/// Resolves Ref, Fn::Sub and Fn::If (on HasKmsKey) over `params`; a value
/// that resolves to AWS::NoValue is dropped from its list.
fn resolve(v: &Value, params: &HashMap<&str, String>) -> Option<Value> {
    match v {
        Value::Object(m) if m.len() == 1 && m.contains_key("Ref") => {
            let name = m["Ref"].as_str().unwrap();
            if name == "AWS::NoValue" {
                return None;
            }
            Some(Value::String(params[name].clone()))
        }
        Value::Object(m) if m.len() == 1 && m.contains_key("Fn::Sub") => {
            let mut s = m["Fn::Sub"].as_str().unwrap().to_string();
            for (k, val) in params {
                s = s.replace(&format!("${{{k}}}"), val);
            }
            assert!(!s.contains("${"), "unresolved: {s}");
            Some(Value::String(s))
        }
        Value::Object(m) if m.len() == 1 && m.contains_key("Fn::If") => {
            let branches = m["Fn::If"].as_array().unwrap();
            assert_eq!(branches[0], "HasKmsKey");
            let pick = if params["KmsKeyArn"].is_empty() { 2 } else { 1 };
            resolve(&branches[pick], params)
        }
        Value::Object(m) => Some(Value::Object(
            m.iter()
                .filter_map(|(k, v)| resolve(v, params).map(|v| (k.clone(), v)))
                .collect(),
        )),
        Value::Array(a) => Some(Value::Array(
            a.iter().filter_map(|v| resolve(v, params)).collect(),
        )),
        other => Some(other.clone()),
    }
}

#[test]
fn the_templates_role_policy_is_policy_rotator() {
    let t = template();
    let policy = &t["Resources"]["Role"]["Properties"]["Policies"][0]["PolicyDocument"];
    let key = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    for (path, kms) in [("/", ""), ("/mail/", key)] {
        let params: HashMap<&str, String> = [
            ("SecretName", "prod/smtp"),
            ("IamUserName", "smtp-legacy"),
            ("IamUserPath", path),
            ("KmsKeyArn", kms),
            ("FunctionName", "ses-smtp-rotator"),
            ("AWS::Partition", "aws"),
            ("AWS::Region", "eu-west-1"),
            ("AWS::AccountId", "123456789012"),
            ("AWS::URLSuffix", "amazonaws.com"),
        ]
        .into_iter()
        .map(|(k, v)| (k, v.to_string()))
        .collect();
        let from_template = resolve(policy, &params).unwrap();
        let user = parse_user_name("smtp-legacy").unwrap();
        let user_path = parse_user_path(Some(path).filter(|p| *p != "/").unwrap_or("/")).unwrap();
        let mut scope = RotatorScope::new(&user, "123456789012", "prod/smtp", "eu-west-1");
        scope.user_path = Some(&user_path);
        scope.kms_key = Some(kms).filter(|k| !k.is_empty());
        let printed = rotator_policy(&scope).unwrap();
        let printed: Value = serde_json::from_str(&printed.to_json()).unwrap();
        assert_eq!(from_template, printed, "path {path}, KMS key {kms:?}");
    }
}

#[test]
fn the_template_runs_the_function_as_the_issue_and_docs_say() {
    let t = template();
    let f = &t["Resources"]["Function"]["Properties"];
    assert_eq!(f["Runtime"], "provided.al2023");
    assert_eq!(f["Architectures"][0], "x86_64");
    assert_eq!(f["Handler"], "bootstrap");
    // testSecret waits up to two minutes for the key to reach SES.
    assert!(f["Timeout"].as_u64().unwrap() >= 180);
    assert_eq!(f["MemorySize"], 128);
    let p = &t["Resources"]["InvokePermission"]["Properties"];
    assert_eq!(p["Principal"], "secretsmanager.amazonaws.com");
    assert_eq!(p["SourceAccount"]["Ref"], "AWS::AccountId");
    let s = &t["Resources"]["Schedule"];
    assert_eq!(s["Type"], "AWS::SecretsManager::RotationSchedule");
    assert_eq!(
        t["Parameters"]["ScheduleExpression"]["Default"],
        "rate(30 days)"
    );
    // The code is this release's artifact, by the name scripts/dist.sh
    // gives it (bump it with the version: RELEASING.md).
    let version = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/crates/ses-smtp-rotator/Cargo.toml"
    ))
    .unwrap()
    .lines()
    .find_map(|l| {
        l.strip_prefix("version = \"")?
            .strip_suffix('"')
            .map(String::from)
    })
    .unwrap();
    assert_eq!(
        t["Parameters"]["CodeKey"]["Default"],
        format!("ses-smtp-rotator-v{version}-x86_64-lambda.zip").as_str()
    );
    let dist =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/dist.sh")).unwrap();
    assert!(dist.contains("ses-smtp-rotator-v$version-x86_64-lambda.zip"));
}

/// The characters a regex class like `[!-#%-)]` admits.
fn class_admits(class: &str, c: char) -> bool {
    let chars: Vec<char> = class.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if i + 2 < chars.len() && chars[i + 1] == '-' {
            if (chars[i]..=chars[i + 2]).contains(&c) {
                return true;
            }
            i += 3;
        } else {
            if chars[i] == c {
                return true;
            }
            i += 1;
        }
    }
    false
}

#[test]
fn the_template_is_hardened() {
    let t = template();
    let f = &t["Resources"]["Function"]["Properties"];
    assert_eq!(f["ReservedConcurrentExecutions"], 1);
    assert_eq!(
        f["Environment"]["Variables"]["SES_SMTP_ALLOWED_HOSTS"]["Ref"],
        "AllowedHosts"
    );
    assert_eq!(f["VpcConfig"]["Fn::If"][0], "InVpc");
    assert_eq!(f["Environment"]["Variables"]["IN_USE"]["Ref"], "InUse");
    assert_eq!(t["Parameters"]["InUseWindowSeconds"]["Default"], 86400);
    let p = &t["Resources"]["InvokePermission"]["Properties"];
    assert_eq!(
        p["SourceArn"]["Fn::Sub"],
        "arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:${SecretName}-??????"
    );
    let role = &t["Resources"]["Role"]["Properties"];
    assert_eq!(role["ManagedPolicyArns"]["Fn::If"][0], "InVpc");
    // A re-deploy with the same function name finds no group left behind.
    assert_eq!(t["Resources"]["LogGroup"]["DeletionPolicy"], "Delete");
    for name in [
        "KmsKeyArn",
        "CodeBucket",
        "ScheduleExpression",
        "IamUserPath",
    ] {
        assert!(
            t["Parameters"][name]["AllowedPattern"].is_string(),
            "{name} has no pattern"
        );
    }
    // The user path refuses what a policy reads as a pattern or variable.
    let pattern = t["Parameters"]["IamUserPath"]["AllowedPattern"]
        .as_str()
        .unwrap();
    let class = pattern
        .split_once("/[")
        .and_then(|(_, rest)| rest.split_once("]*/"))
        .unwrap()
        .0;
    for c in ['*', '?', '$'] {
        assert!(!class_admits(class, c), "{c} admitted by {pattern}");
    }
    for c in ['!', '#', '%', ')', '+', '/', '>', '@', 'a', '~'] {
        assert!(class_admits(class, c), "{c} refused by {pattern}");
    }
}
