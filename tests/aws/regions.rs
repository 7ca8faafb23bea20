//! One key for several regions: `rotate --region A --region B` logs in to
//! each region's own server at once, stores a password per region (the
//! secret's `regions`, Parameter Store's `/PREFIX/REGION/…`), undoes all
//! on one region's refusal, and refuses bad regions and malformed stored
//! `regions` before anything is made; `sync --region` and `keys` follow.

use ses_smtp_rotation::sdk::aws_sdk_ssm;
use ses_smtp_test_support::moto::*;
use ses_smtp_test_support::smtp;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const SECOND: &str = "us-east-1";

/// `rotate` for `user` in `regions`, each region's login pointed at
/// `ports[i]` on localhost, trusting `ca`.
fn rotate_regions(
    user: &str,
    regions: &[&str],
    ports: &[u16],
    ca: &std::path::Path,
    extra: &[&str],
) -> Ran {
    let mut cmd = tool();
    cmd.args(["rotate", "--user-name", user]);
    for (r, port) in regions.iter().zip(ports) {
        cmd.args(["--region", r])
            .args(["--endpoint", &format!("{r}=localhost:{port}")]);
    }
    cmd.args(["--tls", "starttls", "--timeout", "5"])
        .arg("--ca-file")
        .arg(ca)
        .args(extra);
    run(&mut cmd)
}

#[test]
fn one_key_logs_in_and_is_stored_for_every_region() {
    let user = "regions-two";
    let old = user_with_keys(user, 1);
    let dir = tempfile::tempdir().unwrap();
    let (first, second) = (region_servers(REGION), region_servers(SECOND));
    let ca = ca_file_for(dir.path(), &[first, second]);
    let r = rotate_regions(
        user,
        &[REGION, SECOND],
        &[first.port("starttls"), second.port("starttls")],
        &ca,
        &[
            "--store",
            "secretsmanager:test/regions-two",
            "--store",
            "ssm:/test/regions-two",
        ],
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let key = new_key(user, &old);
    let secret = moto_keys()[&key].1.clone();
    // Each region's server accepted the new key: its own password went there.
    for s in [first, second] {
        assert_eq!(s.auths(&key).last().map(|a| a.2), Some(true));
    }
    assert!(
        r.stdout.contains(&format!("for {REGION}, {SECOND}")),
        "{}",
        r.stdout
    );
    let (p1, p2) = (
        smtp_password(&secret, REGION),
        smtp_password(&secret, SECOND),
    );
    assert_ne!(p1, p2);
    let host = |r: &str| format!("email-smtp.{r}.amazonaws.com");
    let text = secret_value("test/regions-two").unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        v,
        serde_json::json!({
            "username": key, "password": p1, "host": host(REGION), "port": 587,
            "region": REGION, "iam_user": user,
            "regions": {
                REGION: {"password": p1, "host": host(REGION), "port": 587},
                SECOND: {"password": p2, "host": host(SECOND), "port": 587},
            }
        })
    );
    // The order given is the order written: the first region first.
    assert!(
        text.find(&format!("\"{REGION}\":{{")).unwrap()
            < text.find(&format!("\"{SECOND}\":{{")).unwrap(),
        "{text}"
    );
    let p = |leaf: &str| parameter(&format!("/test/regions-two/{leaf}"));
    assert_eq!(p("password").as_deref(), Some(p1.as_str()));
    assert_eq!(p("region").as_deref(), Some(REGION));
    assert_eq!(
        p(&format!("{REGION}/password")).as_deref(),
        Some(p1.as_str())
    );
    assert_eq!(
        p(&format!("{SECOND}/password")).as_deref(),
        Some(p2.as_str())
    );
    assert_eq!(
        p(&format!("{SECOND}/host")).as_deref(),
        Some(host(SECOND).as_str())
    );
    assert_no_secret("stdout", &r.stdout);
    assert_no_secret("stderr", &r.stderr);
    assert!(!r.stdout.contains(&p2) && !r.stderr.contains(&p2));

    // sync: the first region without --region, the named one with it, from
    // either store.
    for from in ["secretsmanager:test/regions-two", "ssm:/test/regions-two"] {
        for (region, password) in [(None, &p1), (Some(SECOND), &p2)] {
            let out = dir
                .path()
                .join(format!("smtp-{}.env", region.unwrap_or("first")));
            let _ = std::fs::remove_file(&out);
            let mut cmd = tool();
            cmd.args(["sync", "--from", from, "--format", "env"])
                .arg("--out")
                .arg(&out);
            if let Some(r) = region {
                cmd.args(["--region", r]);
            }
            let ran = run(&mut cmd);
            assert_eq!(ran.code, Some(0), "{from} {region:?}: {}", ran.stderr);
            let written = std::fs::read_to_string(&out).unwrap();
            assert!(
                written.contains(&format!("SMTP_PASSWORD='{password}'")),
                "{from} {region:?}"
            );
            assert!(
                written.contains(&host(region.unwrap_or(REGION))),
                "{from} {region:?}: {written}"
            );
        }
        let mut cmd = tool();
        cmd.args(["sync", "--from", from, "--region", "us-west-2"])
            .arg("--out")
            .arg(dir.path().join("none.env"));
        let ran = run(&mut cmd);
        assert_eq!(ran.code, Some(2), "{}", ran.stderr);
        assert!(
            ran.stderr.contains("holds no password for us-west-2"),
            "{}",
            ran.stderr
        );
    }

    // keys: each store's regions.
    let k = run(tool().args([
        "keys",
        "--user-name",
        user,
        "--store",
        "secretsmanager:test/regions-two",
        "--format",
        "json",
    ]));
    assert_eq!(k.code, Some(0), "{}", k.stderr);
    let doc: serde_json::Value = serde_json::from_str(&k.stdout).unwrap();
    assert_eq!(
        doc["stores"][0]["regions"],
        serde_json::json!([REGION, SECOND])
    );
    let k = run(tool().args([
        "keys",
        "--user-name",
        user,
        "--store",
        "secretsmanager:test/regions-two",
    ]));
    assert!(
        k.stdout
            .contains(&format!("holds passwords for {REGION}, {SECOND}")),
        "{}",
        k.stdout
    );

    // The next rotation must name every region the secret lists.
    let before = iam_keys(user);
    let mut cmd = rotate_no_probe(user);
    cmd.args(["--store", "secretsmanager:test/regions-two"]);
    let ran = run(&mut cmd);
    assert_eq!(ran.code, Some(2), "{}", ran.stderr);
    assert!(
        ran.stderr.contains(&format!("leaves out {SECOND}")),
        "{}",
        ran.stderr
    );
    assert_eq!(iam_keys(user), before, "nothing was created");
}

#[test]
fn one_regions_refusal_undoes_the_whole_rotation() {
    let user = "regions-refused";
    let old = user_with_keys(user, 1);
    block_on(
        sm().create_secret()
            .name("test/regions-refused")
            .secret_string("{\"username\":\"before\"}")
            .send(),
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let first = region_servers(REGION);
    let ca = ca_file_for(dir.path(), &[first, servers()]);
    let r = rotate_regions(
        user,
        &[REGION, SECOND],
        &[first.port("starttls"), servers().port("rejecting")],
        &ca,
        &[
            "--store",
            "secretsmanager:test/regions-refused",
            "--store",
            "ssm:/test/regions-refused",
            "--propagation-timeout",
            "2",
        ],
    );
    assert_eq!(r.code, Some(7), "{}", r.stderr);
    assert!(
        r.stderr.contains(&format!("({SECOND})")),
        "the refusing region is named: {}",
        r.stderr
    );
    assert_rolled_back(user, &old, &r.stderr);
    assert_eq!(
        secret_value("test/regions-refused").as_deref(),
        Some("{\"username\":\"before\"}")
    );
    for leaf in [
        "username".to_string(),
        format!("{REGION}/password"),
        format!("{SECOND}/password"),
    ] {
        assert_eq!(
            parameter(&format!("/test/regions-refused/{leaf}")),
            None,
            "{leaf}"
        );
    }
    assert_no_secret("stderr", &r.stderr);
}

/// Three regions against a server that answers each login after a second:
/// the logins run at once, so the login step takes about one second, not
/// three.
#[test]
fn the_regions_log_in_at_once() {
    let user = "regions-parallel";
    let old = user_with_keys(user, 1);
    let regions = [REGION, SECOND, "us-west-2"];
    let seen: Arc<Mutex<Vec<(Instant, Instant)>>> = Arc::default();
    let record = seen.clone();
    let slow = smtp::start_checking(Arc::new(move |user, password| {
        let start = Instant::now();
        std::thread::sleep(Duration::from_secs(1));
        let ok = moto_keys().remove(user).is_some_and(|(_, secret, _)| {
            regions
                .iter()
                .any(|r| password == smtp_password(&secret, r))
        });
        record.lock().unwrap().push((start, Instant::now()));
        ok
    }));
    let dir = tempfile::tempdir().unwrap();
    let ca = ca_file_for(dir.path(), &[&slow]);
    let port = slow.port("starttls");
    let r = rotate_regions(user, &regions, &[port; 3], &ca, &["--format", "json"]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let key = new_key(user, &old);
    let printed: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(printed.as_array().map(Vec::len), Some(3), "{}", r.stdout);
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 3, "one login per region");
    let first = seen.iter().map(|s| s.0).min().unwrap();
    let last = seen.iter().map(|s| s.1).max().unwrap();
    let step = last - first;
    eprintln!("3 regions, each login answered after 1 s: the login step took {step:?}");
    assert!(
        step < Duration::from_secs(2),
        "the logins ran one after another: {step:?}"
    );
    assert_eq!(slow.auths(&key).len(), 3);
}

#[test]
fn bad_regions_are_refused_before_anything_is_made() {
    let user = "regions-bad";
    user_with_keys(user, 1);
    let before = iam_keys(user);
    let eleven: Vec<String> = [
        "us-east-1",
        "us-east-2",
        "us-west-1",
        "us-west-2",
        "eu-west-1",
        "eu-west-2",
        "eu-west-3",
        "eu-central-1",
        "eu-north-1",
        "ap-south-1",
        "ap-northeast-1",
    ]
    .iter()
    .map(|r| format!("--region={r}"))
    .collect();
    let cases: Vec<(&str, Vec<String>, &str)> = vec![
        (
            "a region twice",
            vec!["--region=eu-west-1".into(), "--region=eu-west-1".into()],
            "twice",
        ),
        ("eleven regions", eleven, "at most 10"),
        (
            "an unknown region",
            vec!["--region=eu-west-1".into(), "--region=mars-north-1".into()],
            "mars-north-1",
        ),
        (
            "a plain endpoint for two regions",
            vec![
                "--regions=eu-west-1,us-east-1".into(),
                "--endpoint=localhost:2587".into(),
            ],
            "names no region",
        ),
        (
            "an endpoint for a region not rotated",
            vec![
                "--region=eu-west-1".into(),
                "--endpoint=us-east-1=localhost:2587".into(),
            ],
            "not one of the regions rotated",
        ),
        (
            "a one-region format",
            vec![
                "--regions=eu-west-1,us-east-1".into(),
                "--format=password".into(),
            ],
            "holds one region",
        ),
    ];
    for (what, args, says) in cases {
        let mut cmd = tool();
        cmd.args(["rotate", "--user-name", user]).args(&args);
        let r = run(&mut cmd);
        assert_eq!(r.code, Some(2), "{what}: {}", r.stderr);
        assert!(r.stderr.contains(says), "{what}: {}", r.stderr);
    }
    // A stored secret whose `regions` is malformed: exit 3, before any key.
    let good = |regions: serde_json::Value| {
        serde_json::json!({
            "username": "AKIAIOSFODNN7EXAMPLE", "password": "pwFIRSTxyz", "host": "localhost",
            "port": 587, "region": REGION, "iam_user": user, "regions": regions,
        })
        .to_string()
    };
    let shapes = [
        ("not an object", good(serde_json::json!(["eu-west-1"]))),
        (
            "an entry that is not an object",
            good(serde_json::json!({REGION: "pwFIRSTxyz"})),
        ),
        (
            "an entry without a password",
            good(serde_json::json!({REGION: {"host": "localhost"}})),
        ),
        (
            "a password that is not a string",
            good(serde_json::json!({REGION: {"password": 1}})),
        ),
        (
            "a first region that is not `region`",
            good(
                serde_json::json!({SECOND: {"password": "pwFIRSTxyz"}, REGION: {"password": "pwFIRSTxyz"}}),
            ),
        ),
        (
            "a first entry that disagrees",
            good(serde_json::json!({REGION: {"password": "pwSECONDxyz"}})),
        ),
    ];
    for (n, (what, text)) in shapes.iter().enumerate() {
        let name = format!("test/regions-bad-{n}");
        block_on(sm().create_secret().name(&name).secret_string(text).send()).unwrap();
        let store = format!("secretsmanager:{name}");
        let mut cmd = rotate_no_probe(user);
        cmd.args(["--store", &store]);
        let r = run(&mut cmd);
        assert_eq!(r.code, Some(3), "{what}: {}", r.stderr);
        assert!(r.stderr.contains("\"regions\""), "{what}: {}", r.stderr);
        assert!(
            !r.stderr.contains("pwFIRST") && !r.stderr.contains("pwSECOND"),
            "{what}: {}",
            r.stderr
        );
        let k = run(tool().args(["keys", "--user-name", user, "--store", &store]));
        assert_eq!(k.code, Some(3), "keys, {what}: {}", k.stderr);
    }
    assert_eq!(iam_keys(user), before, "nothing was created");
}

/// A two-region rotation killed once every region's parameters are written:
/// its journal names them (and its regions), and `rotate --recover` puts
/// each back, a region's host that existed before included.
#[test]
fn a_two_region_rotation_killed_mid_way_is_recovered() {
    let user = "regions-killed";
    let old = user_with_keys(user, 1);
    let prefix = "/test/regions-killed";
    block_on(
        ssm()
            .put_parameter()
            .name(format!("{prefix}/{SECOND}/host"))
            .value("relay.internal")
            .r#type(aws_sdk_ssm::types::ParameterType::String)
            .send(),
    )
    .unwrap();
    let mut cmd = tool();
    cmd.args(["rotate", "--user-name", user, "--regions"])
        .arg(format!("{REGION},{SECOND}"))
        .args(["--no-probe", "--store", &format!("ssm:{prefix}")])
        .env(
            "SES_SMTP_PASSWORD_TEST_PAUSE_AFTER",
            format!("{SECOND}/host"),
        );
    let (mut child, mut err) = spawn_for_signals(&mut cmd);
    let mut seen = read_until(
        &mut err,
        &format!("paused after writing parameter {prefix}/{SECOND}/host"),
    );
    let new = new_key(user, &old);
    let secret = moto_keys()[&new].1.clone();
    assert_eq!(
        parameter(&format!("{prefix}/{SECOND}/password")),
        Some(smtp_password(&secret, SECOND))
    );
    assert_eq!(
        signal_and_wait(&mut child, &mut err, libc::SIGKILL, &mut seen),
        None
    );
    let journal = state_dir().join(format!("ses-smtp-password/rotate-{user}.json"));
    let text = std::fs::read_to_string(&journal).unwrap();
    assert!(
        text.contains(&format!("{prefix}/{SECOND}/password")),
        "{text}"
    );
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        doc["regions"],
        serde_json::json!([REGION, SECOND]),
        "{text}"
    );
    assert_no_secret("the journal", &text);
    assert!(!text.contains(&smtp_password(&secret, SECOND)), "{text}");

    let r = run(tool().args(["rotate", "--recover", "--user-name", user]));
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(r.stderr.contains("recovered"), "{}", r.stderr);
    let mut now: Vec<String> = iam_keys(user).into_keys().collect();
    now.sort();
    assert_eq!(now, old, "{}", r.stderr);
    for leaf in [
        "username".to_string(),
        "password".to_string(),
        format!("{REGION}/password"),
        format!("{REGION}/host"),
        format!("{SECOND}/password"),
    ] {
        assert_eq!(
            parameter(&format!("{prefix}/{leaf}")),
            None,
            "{leaf}: {}",
            r.stderr
        );
    }
    assert_eq!(
        parameter(&format!("{prefix}/{SECOND}/host")).as_deref(),
        Some("relay.internal")
    );
    assert!(!journal.exists());
}

/// The derivation these tests check every region's stored password with
/// (`smtp_password`, by the documented steps on another HMAC crate) gives
/// the published known answers, region by region: the passwords above are
/// checked against the vectors' derivation, not against this tool's.
#[test]
fn the_tests_derivation_gives_the_published_answers() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("crates/ses-smtp-credentials/tests/vectors/published.jsonl");
    let text = std::fs::read_to_string(&path).unwrap();
    let mut regions = std::collections::BTreeSet::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        if v["version"] != 4 {
            continue;
        }
        let (secret, region) = (v["secret"].as_str().unwrap(), v["region"].as_str().unwrap());
        assert_eq!(
            smtp_password(secret, region),
            v["password"],
            "{}",
            v["name"]
        );
        regions.insert(region.to_string());
    }
    assert!(regions.len() >= 3, "too few regions pinned: {regions:?}");
}
