//! Nothing is deleted unless the run can prove it made it: `rotate`'s undo
//! and `rotate --recover` against a stand-in IAM that refuses or loses
//! CreateAccessKey while other actors' keys appear, and against moto for
//! the stores.

use ses_smtp_rotation::sdk::aws_sdk_iam::primitives::{DateTime, DateTimeFormat};
use ses_smtp_test_support::http;
use ses_smtp_test_support::moto::*;
use std::sync::{Arc, Mutex};

/// How the stand-in answers CreateAccessKey.
#[derive(Clone, Copy)]
enum Create {
    /// 409 LimitExceeded: an answer with an error code.
    Refused,
    /// 200 with a body no SDK can read: the answer is lost.
    Garbled,
}

/// A stand-in IAM endpoint: one user, its keys (ID, creation time in
/// seconds), keys that appear while CreateAccessKey runs (made by another
/// actor, or by the call itself), and every call's action recorded.
struct FakeIam {
    keys: Vec<(String, i64)>,
    appear: Vec<(String, i64)>,
    create: Create,
    calls: Vec<String>,
    tags: std::sync::Arc<UserTags>,
}

fn iso(secs: i64) -> String {
    DateTime::from_secs(secs)
        .fmt(DateTimeFormat::DateTime)
        .unwrap()
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

const NS: &str = "xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"";

fn fake_iam(state: Arc<Mutex<FakeIam>>) -> http::CannedHttp {
    http::canned_http(move |body| {
        let form: Vec<(String, String)> = url::form_urlencoded::parse(body).into_owned().collect();
        let get = |k: &str| {
            form.iter()
                .find(|(n, _)| n == k)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        };
        let action = get("Action");
        let mut s = state.lock().unwrap();
        if let Some(answer) = s.tags.answer(body) {
            s.calls.push(action);
            return answer;
        }
        s.calls.push(match action.as_str() {
            "DeleteAccessKey" => format!("DeleteAccessKey {}", get("AccessKeyId")),
            a => a.to_string(),
        });
        match action.as_str() {
            "ListAccessKeys" => {
                let members: String = s
                    .keys
                    .iter()
                    .map(|(id, at)| {
                        format!(
                            "<member><UserName>u</UserName><AccessKeyId>{id}</AccessKeyId>\
                             <Status>Active</Status><CreateDate>{}</CreateDate></member>",
                            iso(*at)
                        )
                    })
                    .collect();
                (
                    200,
                    format!(
                        "<ListAccessKeysResponse {NS}><ListAccessKeysResult><AccessKeyMetadata>{members}\
                         </AccessKeyMetadata><IsTruncated>false</IsTruncated></ListAccessKeysResult></ListAccessKeysResponse>"
                    ),
                )
            }
            "GetAccessKeyLastUsed" => (
                200,
                format!(
                    "<GetAccessKeyLastUsedResponse {NS}><GetAccessKeyLastUsedResult><UserName>u</UserName>\
                     <AccessKeyLastUsed><ServiceName>N/A</ServiceName><Region>N/A</Region></AccessKeyLastUsed>\
                     </GetAccessKeyLastUsedResult></GetAccessKeyLastUsedResponse>"
                ),
            ),
            "CreateAccessKey" => {
                let appear = std::mem::take(&mut s.appear);
                s.keys.extend(appear);
                match s.create {
                    Create::Refused => (
                        409,
                        iam_error(
                            "LimitExceeded",
                            "Cannot exceed quota for AccessKeysPerUser: 2",
                        ),
                    ),
                    Create::Garbled => (200, "<CreateAccessKeyResponse><Create".to_string()),
                }
            }
            "DeleteAccessKey" => {
                let id = get("AccessKeyId");
                s.keys.retain(|(k, _)| *k != id);
                (200, format!("<DeleteAccessKeyResponse {NS}/>"))
            }
            _ => (400, iam_error("InvalidAction", "not in this stand-in")),
        }
    })
}

const OLD: &str = "AKIAOLDOLDOLDOLDOLD1";

/// `rotate --no-probe` for `user` against the stand-in set up with
/// `appear` and `create`; returns the run and the recorded calls.
fn rotate_against(user: &str, appear: Vec<(String, i64)>, create: Create) -> (Ran, Vec<String>) {
    let state = Arc::new(Mutex::new(FakeIam {
        keys: vec![(OLD.into(), now() - 86_400)],
        appear,
        create,
        calls: Vec::new(),
        tags: Default::default(),
    }));
    let iam = fake_iam(state.clone());
    let mut cmd = rotate_no_probe(user);
    cmd.env(
        "AWS_ENDPOINT_URL_IAM",
        format!("http://127.0.0.1:{}", iam.port),
    );
    let r = run(&mut cmd);
    let calls = state.lock().unwrap().calls.clone();
    (r, calls)
}

fn journal_of(user: &str) -> std::path::PathBuf {
    state_dir().join(format!("ses-smtp-password/rotate-{user}.json"))
}

/// The journal's folder, as the tool makes it (0700): a test that writes a
/// journal by hand must not open it to others for the tests beside it.
fn journal_dir() {
    use std::os::unix::fs::DirBuilderExt;
    let dir = state_dir().join("ses-smtp-password");
    let _ = std::fs::DirBuilder::new().mode(0o700).create(&dir);
}

/// Writes, as a killed run would have left it, the journal of `user`'s
/// rotation: a run that is over (a pid of no boot of this machine), with
/// `fields` (`keys_before`, `create`, `stores`…) over the common ones.
fn dead_run_journal(user: &str, fields: serde_json::Value) -> std::path::PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let mut journal = serde_json::json!({
        "user": user,
        "region": REGION,
        "pid": 999_999_999u32,
        "boot_id": "a-boot-long-gone",
        "started": now() - 600,
        "keys_before": [],
        "created_key": null,
        "stores": [],
        "committed": false
    });
    for (k, v) in fields.as_object().unwrap() {
        journal[k] = v.clone();
    }
    let path = journal_of(user);
    journal_dir();
    std::fs::write(&path, journal.to_string()).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    path
}

/// A refused CreateAccessKey made nothing: the undo deletes no key, not
/// even one another actor made between the preflight and the create.
#[test]
fn a_refused_create_deletes_no_key_not_even_another_actors() {
    let user = "provable-refused";
    let other = "AKIAOTHERACTOR000001".to_string();
    let (r, calls) = rotate_against(user, vec![(other, now())], Create::Refused);
    assert_eq!(r.code, Some(10), "{}", r.stderr);
    assert!(r.stderr.contains("LimitExceeded"), "{}", r.stderr);
    assert!(
        !calls.iter().any(|c| c.starts_with("DeleteAccessKey")),
        "{calls:?}\n{}",
        r.stderr
    );
    assert!(!r.stderr.contains("AKIAOTHERACTOR"), "{}", r.stderr);
    assert!(!journal_of(user).exists());
}

/// A lost answer, and exactly one key made inside the call's window: that
/// key is the call's, and is deleted.
#[test]
fn a_lost_answer_deletes_the_one_key_made_inside_the_calls_window() {
    let user = "provable-lost-one";
    let made = "AKIAMADEBYTHECALL001".to_string();
    let (r, calls) = rotate_against(user, vec![(made.clone(), now())], Create::Garbled);
    assert_eq!(r.code, Some(10), "{}", r.stderr);
    assert!(
        calls.contains(&format!("DeleteAccessKey {made}")),
        "{calls:?}\n{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("the only key made while CreateAccessKey's answer was lost"),
        "{}",
        r.stderr
    );
    assert!(!journal_of(user).exists());
}

/// A lost answer, and a key that did not exist at the preflight but was
/// made outside the call's window, or two new keys: nothing is deleted,
/// each is named with its creation time and the commands that delete it.
#[test]
fn a_lost_answer_leaves_a_key_it_cannot_prove_and_names_it() {
    let made_long_ago = now() - 3_600;
    for (user, appear) in [
        (
            "provable-lost-outside",
            vec![("AKIAOUTSIDEWINDOW001".to_string(), made_long_ago)],
        ),
        (
            "provable-lost-two",
            vec![
                ("AKIAOUTSIDEWINDOW001".to_string(), now()),
                ("AKIAOUTSIDEWINDOW002".to_string(), now()),
            ],
        ),
    ] {
        let (r, calls) = rotate_against(user, appear.clone(), Create::Garbled);
        assert_eq!(r.code, Some(10), "{}", r.stderr);
        assert!(
            !calls.iter().any(|c| c.starts_with("DeleteAccessKey")),
            "{user}: {calls:?}\n{}",
            r.stderr
        );
        for (id, at) in &appear {
            let named = format!("LEFT: access key {id} (created {})", iso(*at));
            assert!(r.stderr.contains(&named), "{user}: {}", r.stderr);
            assert!(
                r.stderr.contains(&format!(
                    "ses-smtp-password retire --user-name {user} --access-key-id {id} --delete"
                )),
                "{}",
                r.stderr
            );
        }
        assert!(!journal_of(user).exists());
    }
}

/// The journal a `kill -9` during CreateAccessKey left (no answer seen),
/// and a key made by hand after the call's window: `--recover` leaves the
/// key, names it, and removes the journal; run again, nothing to do.
#[test]
fn recover_leaves_a_key_made_after_a_kill() {
    let user = "provable-after-kill";
    let sent = now() - 600;
    let path = dead_run_journal(
        user,
        serde_json::json!({
            "keys_before": [OLD],
            "create": { "sent": sent, "deadline": sent + 30 },
        }),
    );
    let by_hand = "AKIAMADEBYHANDLATER1";
    let state = Arc::new(Mutex::new(FakeIam {
        keys: vec![(OLD.into(), sent - 86_400), (by_hand.into(), now())],
        appear: Vec::new(),
        create: Create::Refused,
        calls: Vec::new(),
        tags: Default::default(),
    }));
    let iam = fake_iam(state.clone());
    let mut cmd = tool();
    cmd.env(
        "AWS_ENDPOINT_URL_IAM",
        format!("http://127.0.0.1:{}", iam.port),
    )
    .args(["rotate", "--recover", "--user-name", user]);
    let r = run(&mut cmd);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(
        r.stderr.contains(&format!("LEFT: access key {by_hand}")),
        "{}",
        r.stderr
    );
    let calls = state.lock().unwrap().calls.clone();
    assert!(
        !calls.iter().any(|c| c.starts_with("DeleteAccessKey")),
        "{calls:?}"
    );
    assert!(!path.exists());
    let r = run(&mut cmd);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(r.stderr.contains("nothing to recover"), "{}", r.stderr);
}

/// `--recover` acts only on a journal whose run is over: one whose lock a
/// live process holds is refused, and nothing is touched.
#[test]
fn recover_refuses_a_rotation_still_running() {
    let user = "provable-running";
    let mut cmd = rotate_no_probe(user);
    cmd.env("SES_SMTP_PASSWORD_TEST_PAUSE_AFTER_CREATE", "1");
    user_with_keys(user, 1);
    let (mut child, mut err) = spawn_for_signals(&mut cmd);
    let mut seen = read_until(&mut err, "paused after creating the key");
    let mut recover = tool();
    recover.args(["rotate", "--recover", "--user-name", user]);
    let r = run(&mut recover);
    assert_eq!(r.code, Some(10), "{}", r.stderr);
    assert!(r.stderr.contains("is under way"), "{}", r.stderr);
    assert!(r.stderr.contains("wait for it to finish"), "{}", r.stderr);
    // A second rotate of the same user, spelt another way, is refused too.
    let r = run(&mut rotate_no_probe(&user.to_uppercase()));
    assert_eq!(r.code, Some(10), "{}", r.stderr);
    assert!(r.stderr.contains("is under way"), "{}", r.stderr);
    assert_eq!(
        signal_and_wait(&mut child, &mut err, libc::SIGKILL, &mut seen),
        None
    );
    // Now its run is over: --recover deletes the key the journal names.
    let r = run(&mut recover);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(
        r.stderr.contains("deleted the new access key"),
        "{}",
        r.stderr
    );
    assert_eq!(iam_keys(user).len(), 1);
}

/// A rotation whose journal could be neither marked committed nor removed
/// (a full disk) still says it succeeded, names the new key and the
/// journal; `--recover` then finds every store holding what the run wrote
/// and only removes the journal: a delivered rotation is never undone.
#[test]
fn a_delivered_rotation_is_never_undone() {
    let user = "provable-delivered";
    let old = user_with_keys(user, 1);
    let mut cmd = rotate_no_probe(user);
    cmd.env("SES_SMTP_PASSWORD_TEST_JOURNAL_FULL", "1")
        .args(["--store", "ssm:/test/delivered"]);
    let r = run(&mut cmd);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let new = new_key(user, &old);
    assert!(
        r.stderr.contains(&format!(
            "the rotation succeeded (the new key is {new}), but its journal could not be updated"
        )),
        "{}",
        r.stderr
    );
    assert!(journal_of(user).exists());
    let mut recover = tool();
    recover.args(["rotate", "--recover", "--user-name", user]);
    let r = run(&mut recover);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(r.stderr.contains("had been delivered"), "{}", r.stderr);
    assert!(iam_keys(user).contains_key(&new), "{}", r.stderr);
    assert_eq!(
        parameter("/test/delivered/username").as_deref(),
        Some(new.as_str())
    );
    assert!(!journal_of(user).exists());
}

/// A profile's `credential_process` that hangs: the tool gives up on it
/// (exit 10), and nothing it started is left running, its own children
/// included.
#[test]
fn a_hanging_credential_process_is_ended() {
    let dir = tempfile::tempdir().unwrap();
    let pidfile = dir.path().join("sleep.pid");
    let config = dir.path().join("config");
    std::fs::write(
        &config,
        format!(
            "[profile hangs]\ncredential_process = sh -c 'sleep 600 & echo $! > {}; wait'\n",
            pidfile.display()
        ),
    )
    .unwrap();
    let mut cmd = tool();
    cmd.env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .env("AWS_CONFIG_FILE", &config)
        .env("AWS_PROFILE", "hangs")
        .args([
            "keys",
            "--user-name",
            "provable-hangs",
            "--aws-timeout",
            "1",
        ]);
    let r = run(&mut cmd);
    assert_eq!(r.code, Some(10), "{}", r.stderr);
    let pid: i32 = std::fs::read_to_string(&pidfile)
        .expect("the credential process ran")
        .trim()
        .parse()
        .unwrap();
    // No signal: only whether the process exists.
    let alive = nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid), None).is_ok();
    assert!(
        !alive,
        "the credential process's sleep {pid} is still running"
    );
}

/// `keys` and `retire` report a journal they cannot trust, as `rotate`
/// refuses it: here one that others may read.
#[test]
fn keys_and_retire_report_a_journal_they_cannot_trust() {
    use std::os::unix::fs::PermissionsExt;
    let user = "provable-untrusted";
    let old = user_with_keys(user, 2);
    let path = journal_of(user);
    journal_dir();
    std::fs::write(&path, "{}").unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    for args in [
        vec!["keys", "--user-name", user],
        vec!["retire", "--user-name", user, "--access-key-id", &old[0]],
    ] {
        let r = run(tool().args(&args));
        assert!(
            r.stderr.contains("warning: the rotation journal")
                && r.stderr.contains("not mode 0600"),
            "{args:?}: {}",
            r.stderr
        );
    }
    let r = run(&mut rotate_no_probe(user));
    assert_eq!(r.code, Some(6), "{}", r.stderr);
    assert!(r.stderr.contains("not mode 0600"), "{}", r.stderr);
    std::fs::remove_file(&path).unwrap();
}

/// Sets the claim tag on `user` as another rotation would, lasting an hour.
fn claim_user(user: &str, token: &str) {
    use ses_smtp_rotation::sdk::aws_sdk_iam::types::Tag;
    let at = now();
    let tag = Tag::builder()
        .key("ses-smtp-rotator")
        .value(format!("{token} {at} {}", at + 3_600))
        .build()
        .unwrap();
    block_on(iam().tag_user().user_name(user).tags(tag).send()).unwrap();
}

/// Another rotation's live claim on the user (the rotation function's, or
/// a rotate run on another machine): rotate creates nothing and says who
/// holds it; the claim is left as it was.
#[test]
fn rotate_honours_another_rotations_claim() {
    let user = "provable-claimed";
    let old = user_with_keys(user, 1);
    claim_user(user, "00000000-0000-4000-8000-000000000999");
    let r = run(&mut rotate_no_probe(user));
    assert_eq!(r.code, Some(10), "{}", r.stderr);
    assert!(
        r.stderr
            .contains("rotation of IAM user provable-claimed is under way"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("aws iam untag-user"), "{}", r.stderr);
    let mut now_keys: Vec<String> = iam_keys(user).into_keys().collect();
    now_keys.sort();
    assert_eq!(now_keys, old, "nothing created");
    let tags = block_on(iam().list_user_tags().user_name(user).send())
        .unwrap()
        .tags;
    assert!(
        tags.iter()
            .any(|t| t.value.starts_with("00000000-0000-4000-8000-000000000999 ")),
        "{tags:?}"
    );
    assert!(!journal_of(user).exists());
}

/// A journal whose run recorded no ARN for a secret it was to create,
/// while a secret of that name exists now (someone else's): --recover
/// leaves it, and names it.
#[test]
fn recover_leaves_a_secret_the_run_never_created() {
    let user = "provable-not-created";
    user_with_keys(user, 1);
    let name = "provable/not-created";
    block_on(
        sm().create_secret()
            .name(name)
            .secret_string("{\"theirs\":1}")
            .send(),
    )
    .unwrap();
    let sent = now() - 600;
    let path = dead_run_journal(
        user,
        serde_json::json!({
            "create": { "sent": sent, "deadline": sent + 30, "refused": true },
            "stores": [{ "secrets_manager": {
                "store": format!("secretsmanager:{name}"),
                "exists": false, "current": null, "previous": null
            } }],
        }),
    );
    let mut cmd = tool();
    cmd.args(["rotate", "--recover", "--user-name", user]);
    let r = run(&mut cmd);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(
        r.stderr.contains("never got an ARN back for it"),
        "{}",
        r.stderr
    );
    assert_eq!(secret_value(name).as_deref(), Some("{\"theirs\":1}"));
    assert!(!path.exists());
}

/// Without credentials nothing reaches AWS, and the error says so: no call
/// got an answer (not "AWS refused"), with the hint to check them; exit 10.
#[test]
fn without_credentials_no_call_is_said_to_be_refused() {
    let mut cmd = tool();
    cmd.env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .args(["keys", "--user-name", "no-credentials"]);
    let r = run(&mut cmd);
    assert_eq!(r.code, Some(10), "{}", r.stderr);
    assert!(
        r.stderr.contains("got no answer from AWS")
            && r.stderr.contains("no usable AWS credentials")
            && r.stderr.contains("aws sts get-caller-identity"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("AWS refused"), "{}", r.stderr);
}
