//! rotate, retire and keys against moto and the SMTP test servers.

use ses_smtp_rotation::sdk::{aws_sdk_iam, aws_sdk_ssm};
use ses_smtp_test_support::moto::*;
use ses_smtp_test_support::{cli, http};

// ---- rotate -------------------------------------------------------------

#[test]
fn rotate_into_secrets_manager_ssm_and_out() {
    let user = "rotate-full";
    let old = user_with_keys(user, 1);
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("smtp.env");
    let r = rotate(
        user,
        "starttls",
        &[
            "--store",
            "secretsmanager:test/rotate-full",
            "--store",
            "ssm:/test/rotate-full",
            "--format",
            "env",
            "--out",
            out.to_str().unwrap(),
            "-v",
        ],
    );
    assert_eq!(r.code, Some(0), "stderr:\n{}", r.stderr);
    let key = new_key(user, &old);
    let (_, secret, _) = moto_keys().remove(&key).unwrap();
    let password = smtp_password(&secret, REGION);
    let host = format!("email-smtp.{REGION}.amazonaws.com");

    // The server saw one accepted login, over TLS, with the new key.
    assert_eq!(
        servers().auths(&key).last().map(|a| (a.1, a.2)),
        Some((true, true))
    );

    // Secrets Manager: one JSON SecretString, with the IAM user that
    // scheduled rotation (ses-smtp-rotator) rotates, in this order.
    let text = secret_value("test/rotate-full").unwrap();
    let stored: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        stored,
        serde_json::json!({"username": key, "password": password, "host": host, "port": 587, "region": REGION, "iam_user": user})
    );
    assert!(
        text.starts_with("{\"username\":") && text.ends_with(&format!("\"iam_user\":\"{user}\"}}")),
        "{text}"
    );
    // SSM: four parameters, the password a SecureString.
    let p = |leaf: &str| parameter(&format!("/test/rotate-full/{leaf}"));
    assert_eq!(p("username").as_deref(), Some(key.as_str()));
    assert_eq!(p("password").as_deref(), Some(password.as_str()));
    assert_eq!(p("host").as_deref(), Some(host.as_str()));
    assert_eq!(p("port").as_deref(), Some("587"));
    let kind = block_on(
        ssm()
            .get_parameter()
            .name("/test/rotate-full/password")
            .send(),
    )
    .unwrap()
    .parameter
    .unwrap()
    .r#type
    .unwrap();
    assert_eq!(kind.as_str(), "SecureString");

    // --out: the env format, mode 0600.
    let written = std::fs::read_to_string(&out).unwrap();
    assert!(
        written.contains(&format!("SMTP_USERNAME='{key}'")),
        "{written}"
    );
    assert!(
        written.contains(&format!("SMTP_PASSWORD='{password}'")),
        "{written}"
    );
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        std::fs::metadata(&out).unwrap().permissions().mode() & 0o777,
        0o600
    );

    // stdout: the summary, naming the old key to retire, without the password.
    assert!(
        r.stdout.contains(&format!("new access key {key}")),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains(&format!(
            "ses-smtp-password retire --user-name {user} --access-key-id {}",
            old[0]
        )),
        "{}",
        r.stdout
    );
    assert!(!r.stdout.contains(&password) && !r.stderr.contains(&password));
    // The old key is untouched.
    assert_eq!(iam_keys(user)[&old[0]], "Active");

    // keys: which key each store names.
    let k = run(tool().args([
        "keys",
        "--user-name",
        user,
        "--store",
        "secretsmanager:test/rotate-full",
        "--store",
        "ssm:/test/rotate-full",
        "--format",
        "json",
    ]));
    assert_eq!(k.code, Some(0), "{}", k.stderr);
    let listed: serde_json::Value = serde_json::from_str(&k.stdout).unwrap();
    let rows = listed["keys"].as_array().unwrap();
    assert_eq!(rows.len(), 2);
    let row = |id: &str| {
        rows.iter()
            .find(|r| r["access_key_id"] == id)
            .unwrap()
            .clone()
    };
    assert_eq!(
        row(&key)["stores"],
        serde_json::json!(["secretsmanager:test/rotate-full", "ssm:/test/rotate-full"])
    );
    assert_eq!(row(&old[0])["stores"], serde_json::json!([]));
    assert_eq!(row(&key)["status"], "Active");
    assert_eq!(row(&key)["age_days"], 0);

    // Leak sweep: the secret is nowhere; the password only where it belongs.
    for (what, text) in [
        ("stdout", &r.stdout),
        ("stderr", &r.stderr),
        ("keys", &k.stdout),
        ("--out", &written),
        ("the secret", &secret_value("test/rotate-full").unwrap()),
        ("the password parameter", &p("password").unwrap()),
    ] {
        assert_no_secret(what, text);
    }
    assert_no_password("keys", &k.stdout);
}

#[test]
fn rotate_without_store_prints_the_credentials() {
    let user = "rotate-stdout";
    user_with_keys(user, 0);
    let r = rotate(user, "starttls", &["--format", "json"]);
    assert_eq!(r.code, Some(0), "stderr:\n{}", r.stderr);
    let key = new_key(user, &[]);
    let (_, secret, _) = moto_keys().remove(&key).unwrap();
    let printed: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(printed["username"], key);
    assert_eq!(printed["password"], smtp_password(&secret, REGION));
    // The summary went to stderr; there is no older key.
    assert!(r.stderr.contains("no older key to retire"), "{}", r.stderr);
    assert_no_secret("stdout", &r.stdout);
    assert_no_secret("stderr", &r.stderr);
}

#[test]
fn two_keys_are_refused_before_anything_is_created() {
    let user = "rotate-full-two";
    let old = user_with_keys(user, 2);
    block_on(
        iam()
            .update_access_key()
            .user_name(user)
            .access_key_id(&old[0])
            .status(aws_sdk_iam::types::StatusType::Inactive)
            .send(),
    )
    .unwrap();
    let r = rotate(user, "starttls", &["--store", "secretsmanager:test/two"]);
    assert_eq!(r.code, Some(10), "{}", r.stderr);
    assert!(
        r.stderr.contains("already has 2 access keys"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains(&old[0]) && r.stderr.contains(&old[1]));
    assert!(
        r.stderr.contains(&format!(
            "ses-smtp-password retire --user-name {user} --access-key-id {} --delete",
            old[0]
        )),
        "{}",
        r.stderr
    );
    assert_eq!(iam_keys(user).len(), 2);
    assert_eq!(secret_value("test/two"), None);
}

#[test]
fn a_rejected_login_is_rolled_back() {
    let user = "rotate-rejected";
    let old = user_with_keys(user, 1);
    // A store that existed before keeps its value.
    block_on(
        sm().create_secret()
            .name("test/rejected")
            .secret_string("{\"username\":\"before\"}")
            .send(),
    )
    .unwrap();
    let r = rotate(
        user,
        "rejecting",
        &[
            "--store",
            "secretsmanager:test/rejected",
            "--store",
            "ssm:/test/rejected",
            "--propagation-timeout",
            "2",
            "-v",
        ],
    );
    assert_eq!(r.code, Some(7), "{}", r.stderr);
    assert!(r.stderr.contains("answered 535"), "{}", r.stderr);
    assert!(
        r.stderr.contains("try 1: "),
        "each try is reported: {}",
        r.stderr
    );
    // IAM: only the old key; the stores as they were.
    assert_rolled_back(user, &old, &r.stderr);
    assert_eq!(
        secret_value("test/rejected").as_deref(),
        Some("{\"username\":\"before\"}")
    );
    assert_eq!(parameter("/test/rejected/username"), None);
    assert_no_secret("stdout", &r.stdout);
}

#[test]
fn a_failing_store_is_rolled_back() {
    let user = "rotate-store-fails";
    let old = user_with_keys(user, 1);
    block_on(
        sm().create_secret()
            .name("test/vanishes")
            .secret_string("{}")
            .send(),
    )
    .unwrap();
    // An earlier parameter value that the rollback must put back.
    block_on(
        ssm()
            .put_parameter()
            .name("/test/store-fails/host")
            .value("smtp.before.example")
            .r#type(aws_sdk_ssm::types::ParameterType::String)
            .send(),
    )
    .unwrap();
    // While the tool logs in (after its preflight found the secret), the
    // secret is deleted: writing it then fails, after SSM was written.
    delete_secret_on_login(user, "test/vanishes");
    let r = rotate(
        user,
        "starttls",
        &[
            "--store",
            "ssm:/test/store-fails",
            "--store",
            "secretsmanager:test/vanishes",
        ],
    );
    assert_eq!(r.code, Some(10), "{}", r.stderr);
    assert!(
        r.stderr
            .contains("AWS refused to write --store secretsmanager:test/vanishes"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("nothing this run made is left"),
        "{}",
        r.stderr
    );
    assert_rolled_back(user, &old, &r.stderr);
    assert_eq!(
        parameter("/test/store-fails/host").as_deref(),
        Some("smtp.before.example")
    );
    for leaf in ["username", "port", "password"] {
        assert_eq!(
            parameter(&format!("/test/store-fails/{leaf}")),
            None,
            "{leaf}"
        );
    }
    assert_no_password("stderr", &r.stderr);
}

/// The per-service endpoint variables win over AWS_ENDPOINT_URL (a VPC
/// endpoint per service): with the general one pointing at a closed port,
/// rotate still reaches IAM, Secrets Manager and SSM through their own.
#[test]
fn per_service_endpoint_variables_are_honoured() {
    let user = "rotate-service-endpoints";
    user_with_keys(user, 0);
    let mut cmd = tool();
    cmd.env("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
        .env("AWS_ENDPOINT_URL_IAM", endpoint())
        .env("AWS_ENDPOINT_URL_SECRETS_MANAGER", endpoint())
        .env("AWS_ENDPOINT_URL_SSM", endpoint())
        .args(["rotate", "--user-name", user, "--region", REGION])
        .args([
            "--no-probe",
            "--store",
            "secretsmanager:test/service-endpoints",
        ])
        .args(["--store", "ssm:/test/service-endpoints"]);
    let r = run(&mut cmd);
    assert_eq!(r.code, Some(0), "stderr:\n{}", r.stderr);
    let key = new_key(user, &[]);
    let stored: serde_json::Value =
        serde_json::from_str(&secret_value("test/service-endpoints").unwrap()).unwrap();
    assert_eq!(stored["username"], key.as_str());
    assert_eq!(
        parameter("/test/service-endpoints/username").as_deref(),
        Some(key.as_str())
    );
    // Without IAM's own variable the closed general endpoint is used: AWS
    // could not be reached, and nothing was created.
    let mut cmd = tool();
    cmd.env("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
        .args(["keys", "--user-name", user]);
    let r = run(&mut cmd);
    assert_eq!(r.code, Some(10), "stderr:\n{}", r.stderr);
}

#[test]
fn preflight_refuses_a_missing_user() {
    let r = rotate("no-such-user", "starttls", &[]);
    assert_eq!(r.code, Some(10));
    assert!(r.stderr.contains("NoSuchEntity"), "{}", r.stderr);
}

#[test]
fn an_assumed_role_operator_can_rotate() {
    let user = "rotate-assumed";
    user_with_keys(user, 0);
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config");
    std::fs::write(
        &config,
        format!(
            "[profile base]\naws_access_key_id = AKIAOPERATOR00000000\n\
             aws_secret_access_key = operator-secret-not-checked-by-moto-0000\n\
             [profile operator]\nrole_arn = arn:aws:iam::{ACCOUNT}:role/smtp-rotator\n\
             source_profile = base\nregion = {REGION}\n"
        ),
    )
    .unwrap();
    let mut cmd = rotate_no_probe(user);
    cmd.env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .env("AWS_CONFIG_FILE", &config)
        .env("AWS_PROFILE", "operator");
    let r = run(&mut cmd);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    new_key(user, &[]);
    // The role was assumed through moto's STS: its session is on record.
    let assumed = moto_data()["sts"]["AssumedRole"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(
        assumed
            .iter()
            .any(|a| a["role_arn"] == format!("arn:aws:iam::{ACCOUNT}:role/smtp-rotator")),
        "moto saw no AssumeRole for the operator role: {assumed:?}"
    );
}

// ---- retire ---------------------------------------------------------------

#[test]
fn retire_deactivates_then_deletes() {
    let user = "retire-both";
    let keys = user_with_keys(user, 2);
    let r = run(tool().args(["retire", "--user-name", user, "--access-key-id", &keys[0]]));
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(r.stdout.contains("last used never"), "{}", r.stdout);
    assert!(
        r.stdout
            .contains(&format!("deactivated access key {}", keys[0]))
    );
    assert_eq!(iam_keys(user)[&keys[0]], "Inactive");
    assert_eq!(iam_keys(user)[&keys[1]], "Active");

    let r = run(tool().args([
        "retire",
        "--user-name",
        user,
        "--access-key-id",
        &keys[0],
        "--delete",
    ]));
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(!iam_keys(user).contains_key(&keys[0]));
}

#[test]
fn retire_refuses_the_last_active_key_and_deleting_an_active_one() {
    let user = "retire-last";
    let keys = user_with_keys(user, 1);
    let r = run(tool().args(["retire", "--user-name", user, "--access-key-id", &keys[0]]));
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(r.stderr.contains("last active key"), "{}", r.stderr);
    let r = run(tool().args([
        "retire",
        "--user-name",
        user,
        "--access-key-id",
        &keys[0],
        "--delete",
    ]));
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(r.stderr.contains("is active"), "{}", r.stderr);
    assert_eq!(iam_keys(user)[&keys[0]], "Active");

    let r = run(tool().args([
        "retire",
        "--user-name",
        user,
        "--access-key-id",
        &keys[0],
        "--force",
    ]));
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert_eq!(iam_keys(user)[&keys[0]], "Inactive");
}

#[test]
fn retire_refuses_another_users_key() {
    let mine = user_with_keys("retire-mine", 1);
    user_with_keys("retire-other", 1);
    let r = run(tool().args([
        "retire",
        "--user-name",
        "retire-other",
        "--access-key-id",
        &mine[0],
    ]));
    assert_eq!(r.code, Some(10), "{}", r.stderr);
    assert!(
        r.stderr
            .contains("is not one of IAM user retire-other's keys"),
        "{}",
        r.stderr
    );
    assert_eq!(iam_keys("retire-mine")[&mine[0]], "Active");
}

// ---- keys -----------------------------------------------------------------

#[test]
fn keys_lists_status_age_and_last_use() {
    let user = "keys-list";
    let keys = user_with_keys(user, 2);
    let r = run(tool().args(["keys", "--user-name", user]));
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert!(lines[0].starts_with("ACCESS KEY ID"), "{}", r.stdout);
    assert_eq!(lines.len(), 5, "{}", r.stdout);
    // No policy grants this user sending: said, with what SES will do.
    assert!(
        lines[3].starts_with(
            "sending (ses:SendRawEmail): no policy of the user or of its groups grants it"
        ),
        "{}",
        r.stdout
    );
    for k in &keys {
        let line = lines.iter().find(|l| l.starts_with(k.as_str())).unwrap();
        assert!(
            line.contains("Active") && line.contains("0d") && line.ends_with("never"),
            "{line}"
        );
    }
}

/// `keys` names each policy that grants the user ses:SendRawEmail: its own
/// inline and attached policies, and those of each group it is in (the SES
/// console's flow); a policy that grants something else is not named.
#[test]
fn keys_names_the_policies_and_groups_that_grant_sending() {
    let user = "keys-grants";
    user_with_keys(user, 1);
    let send = allowing("ses:SendRawEmail");
    for (name, doc) in [
        ("own-send", send.clone()),
        ("own-s3", allowing("s3:GetObject")),
    ] {
        block_on(
            iam()
                .put_user_policy()
                .user_name(user)
                .policy_name(name)
                .policy_document(doc)
                .send(),
        )
        .unwrap();
    }
    let arn = group_granting(
        user,
        "keys-grants-senders",
        ("group-send", &send),
        ("keys-grants-wide", &allowing("ses:Send*")),
    );
    let r = run(tool().args(["keys", "--user-name", user]));
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(
        r.stdout.ends_with(&format!(
            "sending (ses:SendRawEmail) is granted by:\n  inline policy own-send of the user\n  \
             inline policy group-send of group keys-grants-senders\n  \
             managed policy {arn} of group keys-grants-senders\n"
        )),
        "{}",
        r.stdout
    );
    let r = run(tool().args(["keys", "--user-name", user, "--format", "json"]));
    let doc: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(
        doc["sending_granted_by"],
        serde_json::json!([
            {"policy": "own-send", "kind": "inline", "group": null},
            {"policy": "group-send", "kind": "inline", "group": "keys-grants-senders"},
            {"policy": arn, "kind": "managed", "group": "keys-grants-senders"},
        ])
    );
    assert_eq!(doc["sending_could_not_tell"], serde_json::Value::Null);
}

/// Without the permissions to read policies, `keys` still lists the keys,
/// and says it could not tell which policies grant sending.
#[test]
fn keys_says_when_it_cannot_tell_which_policies_grant_sending() {
    let iam = http::canned_http(|body| {
        let action = url::form_urlencoded::parse(body)
            .find(|(k, _)| k == "Action")
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default();
        match action.as_str() {
            "GetUser" => (200, iam_get_user("/")),
            "ListAccessKeys" => (
                200,
                "<ListAccessKeysResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><ListAccessKeysResult>\
                 <AccessKeyMetadata/><IsTruncated>false</IsTruncated></ListAccessKeysResult></ListAccessKeysResponse>"
                    .to_string(),
            ),
            _ => (
                403,
                iam_error("AccessDenied", &format!("not authorized to perform: iam:{action}")),
            ),
        }
    });
    let mut cmd = tool();
    cmd.env(
        "AWS_ENDPOINT_URL_IAM",
        format!("http://127.0.0.1:{}", iam.port),
    )
    .args(["keys", "--user-name", "smtp"]);
    let r = run(&mut cmd);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(
        r.stdout
            .contains("sending (ses:SendRawEmail): could not tell which policies grant it: ")
            && r.stdout.contains("iam:ListUserPolicies"),
        "{}",
        r.stdout
    );
}

// ---- Parameter Store: types, KMS keys and tiers kept ------------------------

/// A parameter that is a SecureString under a customer-managed key stays
/// one, under that key and in its tier, when rotate overwrites it (the
/// username included: rotate writes it as a String only when it is new),
/// and `keys` reads it decrypted.
#[test]
fn rotate_never_downgrades_a_parameters_encryption() {
    use aws_sdk_ssm::types::{ParameterTier, ParameterType};
    let user = "rotate-kms-kept";
    user_with_keys(user, 0);
    let key = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    for leaf in ["username", "password"] {
        block_on(
            ssm()
                .put_parameter()
                .name(format!("/test/kms-kept/{leaf}"))
                .value("before")
                .r#type(ParameterType::SecureString)
                .key_id(key)
                .tier(ParameterTier::Advanced)
                .send(),
        )
        .unwrap();
    }
    let r = rotate(user, "starttls", &["--store", "ssm:/test/kms-kept"]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let new = new_key(user, &[]);
    for leaf in ["username", "password"] {
        let name = format!("/test/kms-kept/{leaf}");
        let history = block_on(ssm().get_parameter_history().name(&name).send()).unwrap();
        let last = history.parameters.unwrap().pop().unwrap();
        assert_eq!(last.r#type, Some(ParameterType::SecureString), "{leaf}");
        assert_eq!(last.key_id.as_deref(), Some(key), "{leaf}");
        assert_eq!(last.tier, Some(ParameterTier::Advanced), "{leaf}");
    }
    assert_eq!(
        parameter("/test/kms-kept/username").as_deref(),
        Some(new.as_str())
    );
    let mut keys = tool();
    keys.args(["keys", "--user-name", user, "--store", "ssm:/test/kms-kept"]);
    let k = run(&mut keys);
    assert_eq!(k.code, Some(0), "{}", k.stderr);
    let row = k.stdout.lines().find(|l| l.contains(&new)).unwrap();
    assert!(row.contains("ssm:/test/kms-kept"), "{}", k.stdout);
}

// ---- names that may be pasted secrets ------------------------------------

/// An IAM user name and a secret name may be valid and still be a secret
/// pasted in the wrong place: messages show neither.
#[test]
fn secret_shaped_names_are_never_shown() {
    let pasted = "wJalrXUtnFEMI+K7MDENG+bPxRfiCYEXAMPLEKEY";
    let old = user_with_keys(pasted, 1);
    let store = format!("secretsmanager:{pasted}");
    let ok = rotate(pasted, "starttls", &["--store", &store, "-v"]);
    assert_eq!(ok.code, Some(0), "{}", ok.stderr);
    let listed = run(tool().args([
        "keys",
        "--user-name",
        pasted,
        "--store",
        &store,
        "--format",
        "json",
    ]));
    assert_eq!(listed.code, Some(0), "{}", listed.stderr);
    // A refusal and a rollback that name them.
    let refused = rotate(pasted, "starttls", &["--store", &store]);
    assert_eq!(refused.code, Some(10), "{}", refused.stderr);
    let missing = rotate(&pasted.replace('w', "W"), "starttls", &[]);
    assert_eq!(missing.code, Some(10), "{}", missing.stderr);
    let retire = run(tool().args(["retire", "--user-name", pasted, "--access-key-id", &old[0]]));
    assert_eq!(retire.code, Some(0), "{}", retire.stderr);
    for r in [&ok, &listed, &refused, &missing, &retire] {
        let text = format!("{}{}", r.stdout, r.stderr);
        for w in pasted.as_bytes().windows(12) {
            let w = std::str::from_utf8(w).unwrap();
            assert!(!text.contains(w), "a pasted secret shows:\n{text}");
        }
        assert!(text.contains("[hidden: looks like a secret]"), "{text}");
    }
}

#[test]
fn an_interrupted_rotation_is_rolled_back() {
    let user = "rotate-interrupted";
    let old = user_with_keys(user, 1);
    let port = servers().port("rejecting");
    let mut cmd = tool();
    cmd.args(["rotate", "--user-name", user, "--region", REGION, "-v"])
        .args([
            "--endpoint",
            &format!("localhost:{port}"),
            "--tls",
            "starttls",
        ])
        .arg("--ca-file")
        .arg(&servers().ca_file)
        .args([
            "--store",
            "ssm:/test/interrupted",
            "--propagation-timeout",
            "60",
        ]);
    let (mut child, mut err) = spawn_for_signals(&mut cmd);
    // Wait until the key exists and the first login was refused.
    let mut seen = read_until(&mut err, "try 1: ");
    let code = signal_and_wait(&mut child, &mut err, libc::SIGINT, &mut seen);
    assert_eq!(code, Some(6), "{seen}");
    assert!(seen.contains("interrupted by a signal"), "{seen}");
    assert_rolled_back(user, &old, &seen);
    assert_eq!(parameter("/test/interrupted/username"), None);
}

/// A signal while --out is being written (the last step before the
/// rotation is committed) is answered by rotate, not by the file writer:
/// the file is not moved into place, the stores are put back and the key
/// is deleted.
#[test]
fn an_interrupt_while_writing_out_is_rolled_back() {
    let user = "rotate-interrupted-out";
    let old = user_with_keys(user, 1);
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("smtp.env");
    let mut cmd = tool();
    cmd.args(["rotate", "--user-name", user, "--region", REGION])
        .args(["--no-probe", "--store", "ssm:/test/interrupted-out"])
        .arg("--out")
        .arg(&out)
        .env("SES_SMTP_PASSWORD_TEST_PAUSE_OUT", "1");
    let (mut child, mut err) = spawn_for_signals(&mut cmd);
    let mut seen = read_until(&mut err, "paused with the temporary file written");
    // The stores were written; the file holding the password has no name
    // yet (O_TMPFILE).
    assert!(parameter("/test/interrupted-out/username").is_some());
    let names = cli::file_names(dir.path());
    assert_eq!(names, Vec::<String>::new());
    let code = signal_and_wait(&mut child, &mut err, libc::SIGTERM, &mut seen);
    assert_eq!(code, Some(6), "{seen}");
    assert!(seen.contains("interrupted by a signal"), "{seen}");
    assert_rolled_back(user, &old, &seen);
    assert_eq!(parameter("/test/interrupted-out/username"), None);
    assert_eq!(
        cli::file_names(dir.path()),
        Vec::<String>::new(),
        "the interrupted --out left a file behind"
    );
    assert_no_password("stderr", &seen);
}

/// A panic after the key exists (a bug) still undoes the rotation: the new
/// key is deleted, and the run ends as the bug it is (exit 101), showing
/// no panic message.
#[test]
fn a_panic_after_the_key_exists_is_rolled_back() {
    let user = "rotate-panics";
    let old = user_with_keys(user, 1);
    let mut cmd = rotate_no_probe(user);
    cmd.env("SES_SMTP_PASSWORD_TEST_PANIC_ROTATE", "1");
    let r = run(&mut cmd);
    assert_eq!(r.code, Some(101), "{}", r.stderr);
    assert!(!r.stderr.contains("injected"), "{}", r.stderr);
    assert_rolled_back(user, &old, &r.stderr);
}

/// An IAM endpoint that answers every ListAccessKeys with IsTruncated and
/// the same marker: keys stops (exit 10) and says why, instead of paging
/// forever.
#[test]
fn endless_pagination_ends() {
    let iam = http::canned_http(|body| {
        let body = String::from_utf8_lossy(body);
        if body.contains("Action=GetUser") {
            (200, iam_get_user("/"))
        } else {
            (
                200,
                "<ListAccessKeysResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><ListAccessKeysResult>\
                 <AccessKeyMetadata/><IsTruncated>true</IsTruncated><Marker>again</Marker>\
                 </ListAccessKeysResult></ListAccessKeysResponse>"
                    .to_string(),
            )
        }
    });
    let mut cmd = tool();
    cmd.env(
        "AWS_ENDPOINT_URL_IAM",
        format!("http://127.0.0.1:{}", iam.port),
    )
    .args(["keys", "--user-name", "smtp"]);
    let r = run(&mut cmd);
    assert_eq!(r.code, Some(10), "{}", r.stderr);
    assert!(
        r.stderr.contains(
            "AWS kept paging the access keys of smtp (2 pages, a marker repeated); stopped"
        ),
        "{}",
        r.stderr
    );
}

/// The undo of a Secrets Manager version puts every label back: AWSCURRENT
/// on the version that held it, AWSPREVIOUS on the one that held that (not
/// on the failed version, whose key is deleted).
#[test]
fn the_secrets_manager_undo_puts_every_label_back() {
    let user = "rotate-labels-back";
    let old = user_with_keys(user, 1);
    let name = "test/labels-back";
    block_on(
        sm().create_secret()
            .name(name)
            .secret_string("{\"v\":1}")
            .send(),
    )
    .unwrap();
    block_on(
        sm().put_secret_value()
            .secret_id(name)
            .secret_string("{\"v\":2}")
            .send(),
    )
    .unwrap();
    let labels = || -> Vec<(String, Vec<String>)> {
        let d = block_on(sm().describe_secret().secret_id(name).send()).unwrap();
        let mut v: Vec<(String, Vec<String>)> = d
            .version_ids_to_stages
            .unwrap_or_default()
            .into_iter()
            .filter(|(_, stages)| !stages.is_empty())
            .map(|(id, mut stages)| {
                stages.sort();
                (id, stages)
            })
            .collect();
        v.sort();
        v
    };
    let before = labels();
    assert_eq!(before.len(), 2, "{before:?}");
    block_on(
        sm().create_secret()
            .name("test/labels-vanishes")
            .secret_string("{}")
            .send(),
    )
    .unwrap();
    delete_secret_on_login(user, "test/labels-vanishes");
    let r = rotate(
        user,
        "starttls",
        &[
            "--store",
            &format!("secretsmanager:{name}"),
            "--store",
            "secretsmanager:test/labels-vanishes",
        ],
    );
    assert_eq!(r.code, Some(10), "{}", r.stderr);
    assert_rolled_back(user, &old, &r.stderr);
    assert_eq!(labels(), before, "{}", r.stderr);
    // The undo names the store as the option that gave it.
    assert!(
        r.stderr.contains(&format!(
            "undone: --store secretsmanager:{name}: its previous version is current again, every label as before"
        )),
        "{}",
        r.stderr
    );
}

// ---- text AWS returns -------------------------------------------------------

/// A hostile IAM endpoint: key IDs, last-used service and region, and the
/// ID CreateAccessKey returns carry a C1 control (U+009B, a terminal's CSI)
/// and a bidi override (U+202E). None reaches the terminal raw, in `keys`
/// (text and JSON), the two-key refusal with its `retire` commands, or the
/// rollback's delete-by-hand line.
#[test]
fn text_aws_returns_is_escaped_everywhere_it_is_shown() {
    const EVIL_ID: &str = "AKIA\u{9b}31m\u{202e}EVIL000000";
    let tags = UserTags::default();
    let iam = http::canned_http(move |body| {
        if let Some(answer) = tags.answer(body) {
            return answer;
        }
        let body = String::from_utf8_lossy(body).into_owned();
        let ns = "xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"";
        let key = |id: &str| {
            format!(
                "<member><UserName>u</UserName><AccessKeyId>{id}</AccessKeyId>\
                 <Status>Active</Status><CreateDate>2026-01-01T00:00:00Z</CreateDate></member>"
            )
        };
        let action = body
            .split('&')
            .find_map(|kv| kv.strip_prefix("Action="))
            .unwrap_or_default()
            .to_string();
        match action.as_str() {
            "ListAccessKeys" => {
                let keys = if body.contains("UserName=evil-two") {
                    format!("{}{}", key(EVIL_ID), key("AKIAIOSFODNN7EXAMPLE"))
                } else {
                    String::new()
                };
                (
                    200,
                    format!(
                        "<ListAccessKeysResponse {ns}><ListAccessKeysResult><AccessKeyMetadata>{keys}\
                         </AccessKeyMetadata><IsTruncated>false</IsTruncated></ListAccessKeysResult>\
                         </ListAccessKeysResponse>"
                    ),
                )
            }
            "GetAccessKeyLastUsed" => (
                200,
                format!(
                    "<GetAccessKeyLastUsedResponse {ns}><GetAccessKeyLastUsedResult><UserName>u</UserName>\
                     <AccessKeyLastUsed><LastUsedDate>2026-02-01T00:00:00Z</LastUsedDate>\
                     <ServiceName>ses\u{9b}2J</ServiceName><Region>eu-west-1\u{202e}</Region>\
                     </AccessKeyLastUsed></GetAccessKeyLastUsedResult></GetAccessKeyLastUsedResponse>"
                ),
            ),
            "CreateAccessKey" => (
                200,
                format!(
                    "<CreateAccessKeyResponse {ns}><CreateAccessKeyResult><AccessKey><UserName>u</UserName>\
                     <AccessKeyId>{EVIL_ID}</AccessKeyId><Status>Active</Status>\
                     <SecretAccessKey>wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY</SecretAccessKey>\
                     <CreateDate>2026-01-01T00:00:00Z</CreateDate></AccessKey></CreateAccessKeyResult>\
                     </CreateAccessKeyResponse>"
                ),
            ),
            _ => (403, iam_error("AccessDenied", "denied")),
        }
    });
    let raw = |text: &str| text.contains('\u{9b}') || text.contains('\u{202e}');
    let run_with = |args: &[&str]| {
        let mut cmd = tool();
        cmd.env(
            "AWS_ENDPOINT_URL_IAM",
            format!("http://127.0.0.1:{}", iam.port),
        )
        .args(args);
        run(&mut cmd)
    };
    for format in ["text", "json"] {
        let r = run_with(&["keys", "--user-name", "evil-two", "--format", format]);
        assert_eq!(r.code, Some(0), "{}", r.stderr);
        assert!(!raw(&r.stdout) && !raw(&r.stderr), "{format}: {}", r.stdout);
        assert!(r.stdout.contains("\\u{009b}"), "{format}: {}", r.stdout);
    }
    let r = run_with(&[
        "rotate",
        "--user-name",
        "evil-two",
        "--region",
        REGION,
        "--no-probe",
    ]);
    assert_eq!(r.code, Some(10), "{}", r.stderr);
    assert!(
        r.stderr.contains("already has 2 access keys"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("retire --user-name evil-two --access-key-id"),
        "{}",
        r.stderr
    );
    assert!(!raw(&r.stderr), "{}", r.stderr);
    // CreateAccessKey hands back an ID that is not one: refused, and the
    // delete (denied here) is shown by hand, escaped.
    let r = run_with(&[
        "rotate",
        "--user-name",
        "evil-one",
        "--region",
        REGION,
        "--no-probe",
    ]);
    assert_eq!(r.code, Some(10), "{}", r.stderr);
    assert!(r.stderr.contains("delete it by hand"), "{}", r.stderr);
    assert!(r.stderr.contains("\\u{202e}"), "{}", r.stderr);
    assert!(!raw(&r.stderr), "{}", r.stderr);
}

/// An answer AWS's SDK cannot read is described (status, size), never
/// quoted, and AWS's own error message is cut: a 2 MB body, and a 100 KB
/// message, each give a short error.
#[test]
fn errors_never_quote_a_response_and_are_cut() {
    let iam = http::canned_http(|body| {
        let body = String::from_utf8_lossy(body);
        if body.contains("UserName=longcode") {
            (400, iam_error(&"Err ".repeat(50_000), "short"))
        } else if body.contains("UserName=garbled") {
            (
                400,
                format!("HTTP/1.1 echo of the request: {}", "Ab1/".repeat(500_000)),
            )
        } else {
            (400, iam_error("ValidationError", &"word ".repeat(20_000)))
        }
    });
    for (user, expected) in [
        (
            "garbled",
            "an answer it could not read (HTTP 400, 2000030 bytes; not shown)",
        ),
        ("verbose", "ValidationError: word word"),
        ("longcode", "(cut; 200000 characters in all): short"),
    ] {
        let mut cmd = tool();
        cmd.env(
            "AWS_ENDPOINT_URL_IAM",
            format!("http://127.0.0.1:{}", iam.port),
        )
        .args(["keys", "--user-name", user]);
        let r = run(&mut cmd);
        assert_eq!(r.code, Some(10), "{}", r.stderr);
        assert!(r.stderr.contains(expected), "{}", r.stderr);
        assert!(
            r.stderr.len() < 1_000,
            "{user}: {} bytes of stderr",
            r.stderr.len()
        );
        assert!(!r.stderr.contains("Ab1/Ab1/"), "{}", r.stderr);
    }
}

// ---- AWS calls that never answer -------------------------------------------

/// A Secrets Manager endpoint that answers the preflight, then holds
/// PutSecretValue unanswered; `put` is told when that request arrived.
fn hanging_secrets_manager(put: std::sync::mpsc::Sender<()>) -> http::CannedHttp {
    let put = std::sync::Mutex::new(put);
    http::canned_http(move |body| {
        let body = String::from_utf8_lossy(body);
        if body.contains("SecretString") {
            let _ = put.lock().unwrap().send(());
            std::thread::sleep(std::time::Duration::from_secs(600));
        }
        (
            200,
            "{\"ARN\":\"arn:aws:secretsmanager:eu-west-1:123456789012:secret:test/hang-AbCdEf\",\
             \"Name\":\"test/hang\",\"VersionIdsToStages\":{\"v1\":[\"AWSCURRENT\"]}}"
                .to_string(),
        )
    })
}

/// `rotate` for `user` into `store` with Secrets Manager at `sm`, no
/// login, each AWS request bounded by `aws_timeout` seconds.
fn rotate_through(
    sm: &http::CannedHttp,
    user: &str,
    store: &str,
    aws_timeout: &str,
) -> std::process::Command {
    let mut cmd = rotate_no_probe(user);
    cmd.env(
        "AWS_ENDPOINT_URL_SECRETS_MANAGER",
        format!("http://127.0.0.1:{}", sm.port),
    )
    .args(["--store", store, "--aws-timeout", aws_timeout]);
    cmd
}

/// An endpoint that accepts PutSecretValue and never answers: the call ends
/// at `--aws-timeout` (three attempts' worth at most), the rotation is
/// undone, exit 10.
#[test]
fn an_aws_call_that_never_answers_times_out_and_is_undone() {
    let user = "rotate-hangs";
    let old = user_with_keys(user, 1);
    let (tx, _rx) = std::sync::mpsc::channel();
    let sm = hanging_secrets_manager(tx);
    let started = std::time::Instant::now();
    let mut cmd = rotate_through(&sm, user, "secretsmanager:test/hang", "1");
    let r = run(&mut cmd);
    assert_eq!(r.code, Some(10), "{}", r.stderr);
    assert!(
        r.stderr
            .contains("got no answer from AWS: none came in time"),
        "{}",
        r.stderr
    );
    assert!(
        started.elapsed() < std::time::Duration::from_secs(30),
        "{:?}",
        started.elapsed()
    );
    assert_rolled_back(user, &old, &r.stderr);
}

/// SIGTERM while a call hangs ends that call at once, and the rotation is
/// undone (exit 6), instead of waiting for an answer that never comes.
#[test]
fn a_signal_ends_a_hanging_aws_call_and_undoes() {
    let user = "rotate-hangs-signal";
    let old = user_with_keys(user, 1);
    let (tx, rx) = std::sync::mpsc::channel();
    let sm = hanging_secrets_manager(tx);
    let mut cmd = rotate_through(&sm, user, "secretsmanager:test/hang-signal", "600");
    let (mut child, mut err) = spawn_for_signals(&mut cmd);
    // The condition: the endpoint holds PutSecretValue now.
    rx.recv_timeout(std::time::Duration::from_secs(60))
        .expect("PutSecretValue never arrived");
    let started = std::time::Instant::now();
    let mut seen = String::new();
    let code = signal_and_wait(&mut child, &mut err, libc::SIGTERM, &mut seen);
    assert_eq!(code, Some(6), "{seen}");
    assert!(
        started.elapsed() < std::time::Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
    assert!(seen.contains("interrupted by a signal"), "{seen}");
    assert_rolled_back(user, &old, &seen);
}

// ---- kill -9: the journal and rotate --recover ------------------------------

/// A rotation killed with SIGKILL while the SSM parameters are written
/// (`username` already names the new key, `password` still holds the old
/// one): its journal (mode 0600, no secret, no password) makes the next
/// `keys` warn and `rotate` refuse, and `rotate --recover` undoes it all:
/// the new key, the Secrets Manager version and its labels, the parameters
/// with their versions' values; run again, it has nothing to do.
#[test]
fn a_rotation_killed_mid_way_is_recovered_from_its_journal() {
    use std::os::unix::fs::PermissionsExt;
    let user = "rotate-killed";
    let old = user_with_keys(user, 1);
    let secret = "test/killed";
    block_on(
        sm().create_secret()
            .name(secret)
            .secret_string("{\"v\":1}")
            .send(),
    )
    .unwrap();
    for (leaf, value) in [
        ("username", "AKIAOLDOLDOLDOLDOLD0"),
        ("password", "old-password"),
    ] {
        block_on(
            ssm()
                .put_parameter()
                .name(format!("/test/killed/{leaf}"))
                .value(value)
                .r#type(aws_sdk_ssm::types::ParameterType::SecureString)
                .send(),
        )
        .unwrap();
    }
    let labels = || {
        let d = block_on(sm().describe_secret().secret_id(secret).send()).unwrap();
        let mut v: Vec<(String, Vec<String>)> = d
            .version_ids_to_stages
            .unwrap_or_default()
            .into_iter()
            .filter(|(_, s)| !s.is_empty())
            .collect();
        v.sort();
        v
    };
    let labels_before = labels();
    let mut cmd = rotate_no_probe(user);
    cmd.env("SES_SMTP_PASSWORD_TEST_PAUSE_AFTER_USERNAME", "1")
        .args(["--store", &format!("secretsmanager:{secret}")])
        .args(["--store", "ssm:/test/killed"]);
    let (mut child, mut err) = spawn_for_signals(&mut cmd);
    let mut seen = read_until(
        &mut err,
        "paused after writing parameter /test/killed/username",
    );
    let new = new_key(user, &old);
    assert_eq!(
        parameter("/test/killed/username").as_deref(),
        Some(new.as_str())
    );
    assert_eq!(
        parameter("/test/killed/password").as_deref(),
        Some("old-password")
    );
    assert_eq!(
        signal_and_wait(&mut child, &mut err, libc::SIGKILL, &mut seen),
        None
    );

    // What the kill left: the journal, 0600, IDs and versions only.
    let journal = state_dir().join(format!("ses-smtp-password/rotate-{user}.json"));
    let meta = std::fs::metadata(&journal).unwrap();
    assert_eq!(meta.permissions().mode() & 0o777, 0o600);
    let text = std::fs::read_to_string(&journal).unwrap();
    assert!(text.contains(&new), "{text}");
    assert_no_secret("the journal", &text);
    assert_no_password("the journal", &text);
    assert!(!text.contains("old-password"), "{text}");

    // keys warns; rotate refuses and names --recover.
    let mut keys = tool();
    keys.args(["keys", "--user-name", user]);
    let k = run(&mut keys);
    assert_eq!(k.code, Some(0), "{}", k.stderr);
    assert!(k.stderr.contains("did not finish"), "{}", k.stderr);
    assert!(
        k.stderr
            .contains("rotate --recover --user-name rotate-killed"),
        "{}",
        k.stderr
    );
    let r = rotate(user, "starttls", &[]);
    assert_eq!(r.code, Some(10), "{}", r.stderr);
    assert!(
        r.stderr
            .contains("rotate --recover --user-name rotate-killed"),
        "{}",
        r.stderr
    );
    assert_eq!(iam_keys(user).len(), 2, "the refusal created nothing");

    // --recover puts everything back.
    let mut recover = tool();
    recover.args(["rotate", "--recover", "--user-name", user]);
    let r = run(&mut recover);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(r.stderr.contains("recovered"), "{}", r.stderr);
    assert_no_secret("recover's stderr", &r.stderr);
    let mut now: Vec<String> = iam_keys(user).into_keys().collect();
    now.sort();
    assert_eq!(now, old, "{}", r.stderr);
    assert_eq!(labels(), labels_before, "{}", r.stderr);
    assert_eq!(
        parameter("/test/killed/username").as_deref(),
        Some("AKIAOLDOLDOLDOLDOLD0")
    );
    assert_eq!(
        parameter("/test/killed/password").as_deref(),
        Some("old-password")
    );
    for leaf in ["host", "port"] {
        assert_eq!(parameter(&format!("/test/killed/{leaf}")), None, "{leaf}");
    }
    assert!(!journal.exists());
    let r = run(&mut recover);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(r.stderr.contains("nothing to recover"), "{}", r.stderr);
}

/// CreateAccessKey refused: nothing was made, so the journal written
/// before it is gone again, and the next rotate is not held up by it.
#[test]
fn a_refused_create_leaves_no_journal() {
    let tags = UserTags::default();
    let iam = http::canned_http(move |body| {
        if let Some(answer) = tags.answer(body) {
            return answer;
        }
        let body = String::from_utf8_lossy(body);
        if body.contains("Action=ListAccessKeys") {
            (
                200,
                "<ListAccessKeysResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><ListAccessKeysResult>\
                 <AccessKeyMetadata/><IsTruncated>false</IsTruncated></ListAccessKeysResult></ListAccessKeysResponse>"
                    .to_string(),
            )
        } else {
            (403, iam_error("AccessDenied", "no"))
        }
    });
    let user = "rotate-create-refused";
    for _ in 0..2 {
        let mut cmd = rotate_no_probe(user);
        cmd.env(
            "AWS_ENDPOINT_URL_IAM",
            format!("http://127.0.0.1:{}", iam.port),
        );
        let r = run(&mut cmd);
        assert_eq!(r.code, Some(10), "{}", r.stderr);
        assert!(r.stderr.contains("iam:CreateAccessKey"), "{}", r.stderr);
        assert!(!r.stderr.contains("did not finish"), "{}", r.stderr);
        assert!(
            !state_dir()
                .join(format!("ses-smtp-password/rotate-{user}.json"))
                .exists()
        );
    }
}

/// `--propagation-timeout 0` bounds the retrying, not the login: one whole
/// try is made (here refused: 535), then the rotation is undone.
#[test]
fn a_propagation_timeout_of_zero_still_makes_one_try() {
    let user = "rotate-zero-propagation";
    let old = user_with_keys(user, 1);
    let r = rotate(
        user,
        "rejecting",
        &["--store", "ssm:/test/zero", "--propagation-timeout", "0"],
    );
    assert_eq!(r.code, Some(7), "{}", r.stderr);
    assert!(r.stderr.contains("answered 535"), "{}", r.stderr);
    assert!(r.stderr.contains("(try 1, after 0 s)"), "{}", r.stderr);
    assert_rolled_back(user, &old, &r.stderr);
}
