//! `sync` against moto: a consumer's file written when the store changed
//! and left alone when it did not (one read call, no other), `--then` and
//! its marker, `--mode`/`--group`, Parameter Store, and bad input.

use ses_smtp_rotation::sdk::aws_sdk_ssm;
use ses_smtp_test_support::evaluator::signed_by;
use ses_smtp_test_support::moto::*;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::Path;

/// A secret as `rotate` writes it for `key`, at the test's SMTP relay.
fn secret_json(key: &str, host: &str, port: u16) -> String {
    let secret = moto_keys()[key].1.clone();
    serde_json::json!({
        "username": key,
        "password": smtp_password(&secret, REGION),
        "host": host,
        "port": port,
        "region": REGION,
        "iam_user": "sync",
    })
    .to_string()
}

fn create_secret(name: &str, text: &str) {
    block_on(sm().create_secret().name(name).secret_string(text).send()).unwrap();
}

fn sync_as(operator: &str, args: &[&str], out: &Path) -> Ran {
    let mut cmd = tool_as(operator);
    cmd.arg("sync").args(args).arg("--out").arg(out);
    run(&mut cmd)
}

/// The calls `operator` made, by action.
fn calls_of(operator: &str) -> Vec<String> {
    signed_by(operator)
        .into_iter()
        .map(|(_, service, headers, body)| match service.as_str() {
            "iam" => String::from_utf8_lossy(&body)
                .split('&')
                .find_map(|kv| kv.strip_prefix("Action="))
                .unwrap_or_default()
                .to_string(),
            _ => headers["X-Amz-Target"]
                .as_str()
                .unwrap_or_default()
                .rsplit('.')
                .next()
                .unwrap_or_default()
                .to_string(),
        })
        .collect()
}

/// Written once, with the store's host and port, mode 0600; run again, it
/// says `unchanged` and leaves the file alone (same inode, same mtime),
/// with one GetSecretValue each time and no other call; a new version is
/// written; no password on either stream.
#[test]
fn sync_writes_on_change_only() {
    let operator = "AKIASYNCCHANGE000000";
    let keys = user_with_keys("sync-change", 2);
    let name = "sync/change";
    create_secret(name, &secret_json(&keys[0], "relay.internal", 2587));
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("smtp.env");
    let from = format!("secretsmanager:{name}");
    let args = ["--from", from.as_str(), "--format", "env"];
    let r = sync_as(operator, &args, &out);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(r.stderr.contains("wrote"), "{}", r.stderr);
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(
        text.contains(&format!("SMTP_USERNAME='{}'", keys[0])),
        "{text}"
    );
    assert!(text.contains("SMTP_HOST='relay.internal'"), "{text}");
    assert!(text.contains("SMTP_PORT='2587'"), "{text}");
    let meta = std::fs::metadata(&out).unwrap();
    assert_eq!(meta.permissions().mode() & 0o777, 0o600);
    assert_no_password("sync's stderr", &r.stderr);
    assert_no_password("sync's stdout", &r.stdout);

    let r = sync_as(operator, &args, &out);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert_eq!(r.stderr.trim(), "unchanged", "{}", r.stderr);
    let again = std::fs::metadata(&out).unwrap();
    assert_eq!(
        (again.ino(), again.mtime_nsec()),
        (meta.ino(), meta.mtime_nsec())
    );
    assert_eq!(calls_of(operator), ["GetSecretValue", "GetSecretValue"]);

    block_on(
        sm().put_secret_value()
            .secret_id(name)
            .secret_string(secret_json(&keys[1], "relay.internal", 2587))
            .send(),
    )
    .unwrap();
    let r = sync_as(operator, &args, &out);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(std::fs::read_to_string(&out).unwrap().contains(&keys[1]));
}

/// `--then` runs after a change with the file and the version in its
/// environment; when it fails, exit 12, the new file stays, and the next
/// sync (file unchanged) runs it again until it succeeds.
#[test]
fn then_runs_after_a_change_and_again_until_it_succeeds() {
    let keys = user_with_keys("sync-then", 1);
    let name = "sync/then";
    create_secret(name, &secret_json(&keys[0], "relay.internal", 587));
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("sasl_passwd");
    let log = dir.path().join("then.log");
    let from = format!("secretsmanager:{name}");
    let failing = "echo reload-output; exit 3".to_string();
    let r = sync_as(
        OPERATOR_KEY,
        &["--from", &from, "--format", "postfix", "--then", &failing],
        &out,
    );
    assert_eq!(r.code, Some(12), "{}", r.stderr);
    assert!(
        r.stderr.contains("failed with exit status 3"),
        "{}",
        r.stderr
    );
    // The first write prints main.cf's settings for the store's relay and
    // this map (shown as every path the user gave is: a temporary folder's
    // random name can look like a secret); later runs do not.
    let map = format!(
        "smtp_sasl_password_maps = hash:{}\n",
        ses_smtp_credentials::user_path(&out)
    );
    assert!(
        r.stderr.contains("relayhost = [relay.internal]:587\n") && r.stderr.contains(&map),
        "{}",
        r.stderr
    );
    assert!(
        r.stdout.contains("reload-output"),
        "the command's output passes through"
    );
    assert!(std::fs::read_to_string(&out).unwrap().contains(&keys[0]));
    let marker = dir.path().join(".sasl_passwd.sync-then");
    assert!(marker.exists());
    assert_no_password("the marker", &std::fs::read_to_string(&marker).unwrap());
    // A command that cannot run: 127, still 12.
    let r = sync_as(
        OPERATOR_KEY,
        &[
            "--from",
            &from,
            "--format",
            "postfix",
            "--then",
            "no-such-command-here",
        ],
        &out,
    );
    assert_eq!(r.code, Some(12), "{}", r.stderr);
    assert!(r.stderr.contains("127"), "{}", r.stderr);
    assert!(!r.stderr.contains("relayhost"), "{}", r.stderr);
    // Fixed: unchanged, but owed: run, and the marker goes.
    let ok = format!(
        "printf '%s %s' \"$SES_SMTP_SYNC_FILE\" \"$SES_SMTP_SYNC_VERSION\" > {}",
        log.display()
    );
    let r = sync_as(
        OPERATOR_KEY,
        &["--from", &from, "--format", "postfix", "--then", &ok],
        &out,
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(r.stderr.contains("running it again"), "{}", r.stderr);
    let logged = std::fs::read_to_string(&log).unwrap();
    assert!(logged.starts_with(&out.display().to_string()), "{logged}");
    assert!(
        logged.split(' ').nth(1).is_some_and(|v| !v.is_empty()),
        "{logged}"
    );
    assert!(!marker.exists());
    // Nothing owed, nothing changed: --then does not run.
    std::fs::remove_file(&log).unwrap();
    let r = sync_as(
        OPERATOR_KEY,
        &["--from", &from, "--format", "postfix", "--then", &ok],
        &out,
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(!log.exists());
}

/// `--mode 0640 --group G`; a mode with a bit for others is refused.
#[test]
fn mode_and_group() {
    let keys = user_with_keys("sync-mode", 1);
    let name = "sync/mode";
    create_secret(name, &secret_json(&keys[0], "relay.internal", 587));
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("app.env");
    let from = format!("secretsmanager:{name}");
    let gid = nix_group();
    let r = sync_as(
        OPERATOR_KEY,
        &[
            "--from", &from, "--format", "env", "--mode", "0640", "--group", &gid.0,
        ],
        &out,
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let meta = std::fs::metadata(&out).unwrap();
    assert_eq!(meta.permissions().mode() & 0o777, 0o640);
    assert_eq!(meta.gid(), gid.1);
    let r = sync_as(
        OPERATOR_KEY,
        &["--from", &from, "--mode", "0644"],
        &dir.path().join("other"),
    );
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(r.stderr.contains("--mode"), "{}", r.stderr);
    assert!(!dir.path().join("other").exists());
}

/// A group of this machine other than root's, by name and ID.
fn nix_group() -> (String, u32) {
    let text = std::fs::read_to_string("/etc/group").unwrap();
    text.lines()
        .filter_map(|l| {
            let f: Vec<&str> = l.split(':').collect();
            Some((f.first()?.to_string(), f.get(2)?.parse::<u32>().ok()?))
        })
        .find(|(_, gid)| *gid != 0)
        .unwrap()
}

/// The parameters `rotate` writes, read with one GetParameters; the region
/// from --region where the prefix has none.
#[test]
fn sync_from_parameter_store() {
    let operator = "AKIASYNCSSM000000000";
    let keys = user_with_keys("sync-ssm", 1);
    let secret = moto_keys()[&keys[0]].1.clone();
    for (leaf, value) in [
        ("username", keys[0].clone()),
        ("password", smtp_password(&secret, REGION)),
        ("host", "relay.internal".to_string()),
        ("port", "587".to_string()),
    ] {
        block_on(
            ssm()
                .put_parameter()
                .name(format!("/sync/ssm/{leaf}"))
                .value(value)
                .r#type(aws_sdk_ssm::types::ParameterType::SecureString)
                .send(),
        )
        .unwrap();
    }
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("smtp.url");
    let r = sync_as(
        operator,
        &["--from", "ssm:/sync/ssm", "--format", "smtp-url"],
        &out,
    );
    assert_eq!(r.code, Some(3), "{}", r.stderr);
    assert!(r.stderr.contains("\"region\""), "{}", r.stderr);
    let r = sync_as(
        operator,
        &[
            "--from",
            "ssm:/sync/ssm",
            "--format",
            "smtp-url",
            "--region",
            REGION,
        ],
        &out,
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.ends_with("@relay.internal:587\n"), "{text}");
    assert_eq!(calls_of(operator), ["GetParameters", "GetParameters"]);
}

/// Each bad input: a clear error, its exit code, the member or flag named
/// (never a value), and the file untouched.
#[test]
fn bad_input_names_the_member_or_flag() {
    let keys = user_with_keys("sync-bad", 1);
    let good = secret_json(&keys[0], "relay.internal", 587);
    let without = |member: &str| {
        let mut v: serde_json::Value = serde_json::from_str(&good).unwrap();
        v.as_object_mut().unwrap().remove(member);
        v.to_string()
    };
    let with = |member: &str, value: serde_json::Value| {
        let mut v: serde_json::Value = serde_json::from_str(&good).unwrap();
        v[member] = value;
        v.to_string()
    };
    let v2 = {
        let mut p = smtp_password(&moto_keys()[&keys[0]].1, REGION).into_bytes();
        p[0] = b'A';
        String::from_utf8(p).unwrap()
    };
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("untouched");
    std::fs::write(&out, "old\n").unwrap();
    for (n, (text, code, says)) in [
        (without("password"), 3, "\"password\""),
        (without("username"), 3, "\"username\""),
        (without("region"), 3, "\"region\""),
        (
            with("password", serde_json::json!(5)),
            3,
            "\"password\" member is not a string",
        ),
        (
            with("password", serde_json::json!(v2)),
            3,
            "not an SES SMTP V4 password",
        ),
        (with("region", serde_json::json!("mars-1")), 3, "\"region\""),
    ]
    .into_iter()
    .enumerate()
    {
        let name = format!("sync/bad-{n}");
        create_secret(&name, &text);
        let r = sync_as(
            OPERATOR_KEY,
            &["--from", &format!("secretsmanager:{name}")],
            &out,
        );
        assert_eq!(r.code, Some(code), "{says}: {}", r.stderr);
        assert!(r.stderr.contains(says), "{says}: {}", r.stderr);
        assert_no_password("the error", &r.stderr);
        assert_eq!(std::fs::read_to_string(&out).unwrap(), "old\n");
    }
    // No such secret: AWS's refusal (10).
    let r = sync_as(OPERATOR_KEY, &["--from", "secretsmanager:sync/none"], &out);
    assert_eq!(r.code, Some(10), "{}", r.stderr);
    // --out in a missing folder (6); a template with an unknown
    // placeholder (2).
    let r = sync_as(
        OPERATOR_KEY,
        &["--from", "secretsmanager:sync/bad-0"],
        &dir.path().join("missing/smtp.env"),
    );
    assert_eq!(r.code, Some(6), "{}", r.stderr);
    let template = dir.path().join("t.tmpl");
    std::fs::write(&template, "{nope}").unwrap();
    let r = sync_as(
        OPERATOR_KEY,
        &[
            "--from",
            "secretsmanager:sync/bad-0",
            "--template",
            template.to_str().unwrap(),
        ],
        &out,
    );
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "old\n");
}

/// `policy --sync` allows every call `sync` made, for a secret and for a
/// prefix, and nothing else: another secret, a write, other parameters.
#[test]
fn the_sync_policy_allows_every_call_sync_makes_and_nothing_else() {
    use ses_smtp_test_support::evaluator::{
        IamRequest, assert_policy, printed_policy, recorded, secret_arns,
    };
    let operator = "AKIASYNCPOLICY000000";
    let keys = user_with_keys("sync-policy", 1);
    let name = "sync/policy";
    create_secret(name, &secret_json(&keys[0], "relay.internal", 587));
    let secret = moto_keys()[&keys[0]].1.clone();
    for (leaf, value) in [
        ("username", keys[0].clone()),
        ("password", smtp_password(&secret, REGION)),
        ("region", REGION.to_string()),
        ("us-east-1/password", smtp_password(&secret, "us-east-1")),
    ] {
        block_on(
            ssm()
                .put_parameter()
                .name(format!("/sync/policy/{leaf}"))
                .value(value)
                .r#type(aws_sdk_ssm::types::ParameterType::SecureString)
                .send(),
        )
        .unwrap();
    }
    let dir = tempfile::tempdir().unwrap();
    for (from, file) in [
        (format!("secretsmanager:{name}"), "a"),
        ("ssm:/sync/policy".to_string(), "b"),
    ] {
        for _ in 0..2 {
            let r = sync_as(operator, &["--from", &from], &dir.path().join(file));
            assert_eq!(r.code, Some(0), "{}", r.stderr);
        }
    }
    // Another region's password under the prefix (a key for several).
    let r = sync_as(
        operator,
        &["--from", "ssm:/sync/policy", "--region", "us-east-1"],
        &dir.path().join("c"),
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let requests = recorded(operator, "sync-policy", "/", &secret_arns());
    let (on_secret, on_ssm): (Vec<IamRequest>, Vec<IamRequest>) = requests
        .into_iter()
        .partition(|r| r.action.starts_with("secretsmanager:"));
    assert!(!on_secret.is_empty() && !on_ssm.is_empty());
    let arn = secret_arns()
        .into_iter()
        .find(|(n, _)| n == name)
        .unwrap()
        .1;
    let policy = printed_policy(&[
        "--sync",
        "--secret",
        name,
        "--account-id",
        ACCOUNT,
        "--region",
        REGION,
    ]);
    let other = format!("arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:sync/other-AbCdEf");
    assert_policy(
        &policy,
        &on_secret,
        &[
            IamRequest::new("secretsmanager:GetSecretValue", &other),
            IamRequest::new("secretsmanager:PutSecretValue", &arn),
            IamRequest::new("secretsmanager:DescribeSecret", &arn),
        ],
    );
    let policy = printed_policy(&[
        "--sync",
        "--parameter-prefix",
        "/sync/policy",
        "--account-id",
        ACCOUNT,
        "--region",
        REGION,
    ]);
    let param = |p: &str| format!("arn:aws:ssm:{REGION}:{ACCOUNT}:parameter{p}");
    assert_policy(
        &policy,
        &on_ssm,
        &[
            IamRequest::new("ssm:GetParameters", &param("/prod/db/password")),
            IamRequest::new("ssm:PutParameter", &param("/sync/policy/password")),
            IamRequest::new("ssm:GetParametersByPath", &param("/sync/policy")),
        ],
    );
}

/// A consumer still on the key the store named before: `keys --store`
/// marks it (`in_use_after_rotation`), and `retire --store` refuses to
/// deactivate it (exit 2) until its last use is older than the window.
#[test]
fn a_key_used_after_the_store_moved_on_is_marked_and_not_retired() {
    let user = "sync-in-use";
    let keys = user_with_keys(user, 2);
    let put = |value: &str| {
        block_on(
            ssm()
                .put_parameter()
                .name("/sync/in-use/username")
                .value(value)
                .r#type(aws_sdk_ssm::types::ParameterType::String)
                .overwrite(true)
                .send(),
        )
        .unwrap();
    };
    put(&keys[1]);
    // The consumer on the first key logs in a second later (whole seconds).
    let moved = ses_smtp_rotation::sdk::iam::Timestamp::now().secs();
    while ses_smtp_rotation::sdk::iam::Timestamp::now().secs() <= moved {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    use_key(&keys[0]);
    let store = ["--store", "ssm:/sync/in-use"];
    let mut cmd = tool();
    cmd.args(["keys", "--user-name", user, "--format", "json"])
        .args(store);
    let r = run(&mut cmd);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let marked = |id: &str| {
        v["keys"]
            .as_array()
            .unwrap()
            .iter()
            .find(|k| k["access_key_id"] == id)
            .unwrap()["in_use_after_rotation"]
            .clone()
    };
    assert_eq!(marked(&keys[0]), true, "{}", r.stdout);
    assert_eq!(marked(&keys[1]), false, "{}", r.stdout);
    let mut cmd = tool();
    cmd.args(["keys", "--user-name", user]).args(store);
    let r = run(&mut cmd);
    assert!(
        r.stdout.contains("a consumer may still be on it"),
        "{}",
        r.stdout
    );

    let retire = |extra: &[&str]| {
        let mut cmd = tool();
        cmd.args(["retire", "--user-name", user, "--access-key-id", &keys[0]])
            .args(store)
            .args(extra);
        run(&mut cmd)
    };
    let r = retire(&[]);
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(r.stderr.contains("still logs in with it"), "{}", r.stderr);
    assert_eq!(iam_keys(user)[&keys[0]], "Active");
    // Its last use older than a window of 0: retired.
    let r = retire(&["--in-use-window", "0"]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert_eq!(iam_keys(user)[&keys[0]], "Inactive");
}

/// `rotate` keeps the host and port a secret or a prefix already names (a
/// relay, a VPC endpoint) and writes the prefix's `region`; `sync` then
/// reads the prefix without `--region`, and refuses a region it holds no
/// password for.
#[test]
fn rotate_keeps_the_stores_endpoint_and_sync_follows() {
    let user = "sync-rotate";
    let keys = user_with_keys(user, 1);
    let name = "sync/rotate";
    create_secret(name, &secret_json(&keys[0], "relay.internal", 2587));
    block_on(
        ssm()
            .put_parameter()
            .name("/sync/rotate/host")
            .value("relay2.internal")
            .r#type(aws_sdk_ssm::types::ParameterType::String)
            .send(),
    )
    .unwrap();
    let mut cmd = rotate_no_probe(user);
    cmd.args(["--store", &format!("secretsmanager:{name}")])
        .args(["--store", "ssm:/sync/rotate"]);
    let r = run(&mut cmd);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&secret_value(name).unwrap()).unwrap();
    assert_eq!(
        (v["host"].as_str(), v["port"].as_u64()),
        (Some("relay.internal"), Some(2587))
    );
    assert_eq!(
        parameter("/sync/rotate/host").as_deref(),
        Some("relay2.internal")
    );
    assert_eq!(parameter("/sync/rotate/port").as_deref(), Some("587"));
    assert_eq!(parameter("/sync/rotate/region").as_deref(), Some(REGION));
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("smtp.url");
    let r = sync_as(
        OPERATOR_KEY,
        &["--from", "ssm:/sync/rotate", "--format", "smtp-url"],
        &out,
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(
        std::fs::read_to_string(&out)
            .unwrap()
            .ends_with("@relay2.internal:587\n")
    );
    let r = sync_as(
        OPERATOR_KEY,
        &["--from", "ssm:/sync/rotate", "--region", REGION],
        &out,
    );
    assert_eq!(r.code, Some(0), "its own region: {}", r.stderr);
    let r = sync_as(
        OPERATOR_KEY,
        &["--from", "ssm:/sync/rotate", "--region", "us-west-2"],
        &out,
    );
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(
        r.stderr.contains(&format!(
            "holds no password for us-west-2: it holds {REGION}"
        )),
        "{}",
        r.stderr
    );
}

/// `--probe` logs in with the pair read at the store's host and port
/// before writing: accepted, the file is written; refused (535), exit 7
/// and nothing written.
#[test]
fn probe_logs_in_before_writing() {
    let user = "sync-probe";
    let keys = user_with_keys(user, 1);
    let name = "sync/probe";
    let port = servers().port("starttls");
    create_secret(name, &secret_json(&keys[0], "localhost", port));
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("smtp.env");
    let from = format!("secretsmanager:{name}");
    let ca = servers().ca_file.to_str().unwrap().to_string();
    let args = [
        "--from",
        &from,
        "--probe",
        "--tls",
        "starttls",
        "--ca-file",
        &ca,
    ];
    refused_logins().lock().unwrap().insert(user.to_string());
    let r = sync_as(OPERATOR_KEY, &args, &out);
    refused_logins().lock().unwrap().remove(user);
    assert_eq!(r.code, Some(7), "{}", r.stderr);
    assert!(r.stderr.contains("nothing was written"), "{}", r.stderr);
    assert!(!out.exists());
    assert_no_password("sync --probe's error", &r.stderr);
    let r = sync_as(OPERATOR_KEY, &args, &out);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(
        r.stderr.contains("accepted the credentials"),
        "{}",
        r.stderr
    );
    assert!(out.exists());
}

/// A daemon `--then` starts (a reload that forks one) keeps running after
/// `sync` ends: only what the AWS calls left is ended.
#[test]
fn then_may_leave_a_daemon_running() {
    let keys = user_with_keys("sync-daemon", 1);
    let name = "sync/daemon";
    create_secret(name, &secret_json(&keys[0], "relay.internal", 587));
    let dir = tempfile::tempdir().unwrap();
    let pidfile = dir.path().join("daemon.pid");
    let then = format!(
        "sleep 600 >/dev/null 2>&1 & echo $! > {}",
        pidfile.display()
    );
    let r = sync_as(
        OPERATOR_KEY,
        &["--from", &format!("secretsmanager:{name}"), "--then", &then],
        &dir.path().join("smtp.txt"),
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let pid: i32 = std::fs::read_to_string(&pidfile)
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    // SAFETY: signal 0 only asks whether the process exists; SIGKILL ends
    // the test's own daemon.
    unsafe {
        assert_eq!(libc::kill(pid, 0), 0, "the daemon {pid} was ended");
        libc::kill(pid, libc::SIGKILL);
    }
}
