//! The four steps against moto: a whole rotation, each step twice, lost
//! answers, three rotations in a row, an unknown key, a login refused until
//! the deadline, and secrets the function cannot rotate.

use crate::driver::*;
use crate::flaky::Losses;
use ses_smtp_rotator::{Step, StepError};
use ses_smtp_test_support::moto::*;
use ses_smtp_test_support::secrets::*;
use std::time::{Duration, Instant};

const OPERATOR: &str = "AKIAROTATORSTEPS0000";
const MINUTE: Duration = Duration::from_secs(60);

#[test]
fn a_whole_rotation_with_each_step_run_twice() {
    let user = "rotator-twice";
    let (arn, old) = secret_for(user, "rotator/twice", 2);
    let (previous, current) = (&old[0], &old[1]);
    let r = rotator(OPERATOR, &Losses::default(), None);
    let t = token(1);
    start_rotation(&arn, &t);
    let mut lines = Vec::new();
    let mut outcomes = Vec::new();
    for &s in Step::ALL {
        for _ in 0..2 {
            let (done, l) = step(&r, &arn, &t, s, MINUTE);
            let done = done.unwrap_or_else(|e| panic!("{}: {e}", s.name()));
            outcomes.push((s.name(), done.outcome, done.deleted_key.clone()));
            lines.extend(l);
        }
        assert_contract_or_pending(&arn, &t);
    }
    assert_eq!(
        outcomes
            .iter()
            .map(|(s, o, _)| format!("{s}: {o}"))
            .collect::<Vec<_>>(),
        [
            "createSecret: created",
            "createSecret: already created",
            "setSecret: pending key active",
            "setSecret: pending key active",
            "testSecret: login accepted",
            "testSecret: login accepted",
            "finishSecret: finished",
            "finishSecret: already current",
        ]
    );
    // Room was made by deleting AWSPREVIOUS's key; AWSCURRENT's stays.
    assert_eq!(outcomes[0].2.as_deref(), Some(previous.as_str()));
    let new = username_in(&arn, &t);
    let mut expected = vec![current.clone(), new.clone()];
    expected.sort();
    assert_eq!(keys_of(user), expected);
    assert_eq!(
        iam_keys(user)[current],
        "Active",
        "the old key works for one more period"
    );
    // The labels: AWSCURRENT on the new version, AWSPREVIOUS on the old,
    // AWSPENDING nowhere.
    assert_eq!(holding(&arn, "AWSCURRENT").as_deref(), Some(t.as_str()));
    assert_eq!(holding(&arn, "AWSPENDING"), None);
    let prev = holding(&arn, "AWSPREVIOUS").unwrap();
    assert_eq!(&username_in(&arn, &prev), current);
    // The new version: the new key's password, the endpoint and the
    // members the old one had.
    let v = value_holding(&arn, "AWSCURRENT");
    let secret = moto_keys()[&new].1.clone();
    assert_eq!(v["password"], smtp_password(&secret, REGION));
    assert_eq!(v["iam_user"], user);
    assert_eq!(v["host"], "localhost");
    assert_eq!(v["port"], servers().port("starttls"));
    assert_eq!(v["team"], "mail");
    // The claim tag is gone.
    let tags = block_on(iam().list_user_tags().user_name(user).send())
        .unwrap()
        .tags;
    assert!(tags.is_empty(), "{tags:?}");
    assert_clean(&lines, &[]);
    // The log's last line of each step says its outcome.
    assert!(lines.iter().any(|l| l.get("deleted_key").is_some()));
}

/// Between steps AWSPENDING is on the rotation's version; at the end the
/// contract holds.
fn assert_contract_or_pending(arn: &str, token: &str) {
    let pending = holding(arn, "AWSPENDING");
    assert!(
        pending.as_deref() == Some(token) || pending.is_none(),
        "{:?}",
        labels(arn)
    );
}

#[test]
fn three_rotations_delete_the_key_two_rotations_old() {
    let user = "rotator-three";
    let (arn, old) = secret_for(user, "rotator/three", 1);
    let r = rotator(OPERATOR, &Losses::default(), None);
    let mut made = vec![old[0].clone()];
    let mut deleted = Vec::new();
    for n in 1..=3 {
        let t = token(100 + n);
        start_rotation(&arn, &t);
        let (done, _) = step(&r, &arn, &t, Step::Create, MINUTE);
        deleted.push(done.unwrap().deleted_key);
        for s in [Step::Set, Step::Test, Step::Finish] {
            step(&r, &arn, &t, s, MINUTE).0.unwrap();
        }
        made.push(username_in(&arn, &t));
        assert!(keys_of(user).len() <= 2);
        assert_contract(&arn);
    }
    assert_eq!(
        deleted,
        [None, Some(made[0].clone()), Some(made[1].clone())],
        "keys made: {made:?}"
    );
    let mut last_two = vec![made[2].clone(), made[3].clone()];
    last_two.sort();
    assert_eq!(keys_of(user), last_two);
}

/// The answer to each AWS call of a rotation lost in turn (the call done,
/// the function told it failed), then the rotation retried with the same
/// token: it ends as the contract allows, with the user's old current key
/// and one new key, never a third.
#[test]
fn a_lost_answer_after_each_aws_call_then_the_retry_finishes() {
    // How many calls a rotation makes (it deletes AWSPREVIOUS's key).
    let losses = Losses::default();
    let (arn, _) = secret_for("rotator-count", "rotator/count", 2);
    let r = rotator(OPERATOR, &losses, None);
    let t = token(200);
    start_rotation(&arn, &t);
    losses.lose(0);
    rotation(&r, &arn, &t);
    let calls = losses.calls();
    assert!(calls > 15, "{calls}");
    let (mut failures, mut claimed) = (0, 0);
    for n in 1..=calls {
        let user = format!("rotator-lost-{n}");
        let (arn, old) = secret_for(&user, &format!("rotator/lost-{n}"), 2);
        let t = token(300 + n);
        start_rotation(&arn, &t);
        losses.lose(n);
        let mut failed = None;
        let mut errors = Vec::new();
        for &s in Step::ALL {
            let (result, _) = step(&r, &arn, &t, s, MINUTE);
            assert!(keys_of(&user).len() <= 2, "call {n}: a third key");
            if let Err(e) = result {
                errors.push(e.to_string());
                failed = Some(s);
                break;
            }
        }
        losses.lose(0);
        failures += usize::from(failed.is_some());
        // Secrets Manager retries the whole rotation with the same token.
        let retry = rotation(&r, &arn, &t);
        claimed += retry
            .iter()
            .filter(|l| {
                l.get("action")
                    .and_then(|a| a.as_str())
                    .is_some_and(|a| a.contains("an earlier try of this rotation made"))
            })
            .count();
        assert_contract(&arn);
        assert_eq!(
            holding(&arn, "AWSCURRENT").as_deref(),
            Some(t.as_str()),
            "call {n}"
        );
        let new = username_in(&arn, &t);
        let mut expected = vec![old[1].clone(), new];
        expected.sort();
        assert_eq!(keys_of(&user), expected, "call {n} (failed in {failed:?})");
        assert_clean(&retry, &errors);
    }
    // Most lost answers fail their step (a lost UntagUser does not); the
    // lost CreateAccessKey left a key that only the claim could prove.
    assert!(failures * 2 > calls, "{failures} of {calls}");
    assert_eq!(
        claimed, 1,
        "the claim proved the lost CreateAccessKey's key"
    );
}

#[test]
fn a_key_no_version_names_is_never_deleted() {
    let user = "rotator-unknown";
    let (arn, old) = secret_for(user, "rotator/unknown", 1);
    // A second key the secret never held (someone else's).
    let stranger = block_on(iam().create_access_key().user_name(user).send())
        .unwrap()
        .access_key
        .unwrap()
        .access_key_id;
    let r = rotator(OPERATOR, &Losses::default(), None);
    let t = token(400);
    start_rotation(&arn, &t);
    let (result, lines) = step(&r, &arn, &t, Step::Create, MINUTE);
    let e = result.unwrap_err().to_string();
    assert!(e.contains(&stranger), "{e}");
    assert!(
        e.contains(&format!(
            "ses-smtp-password retire --user-name {user} --access-key-id {stranger}"
        )),
        "{e}"
    );
    let mut both = vec![old[0].clone(), stranger.clone()];
    both.sort();
    assert_eq!(keys_of(user), both, "nothing deleted, nothing created");
    assert_eq!(iam_keys(user)[&stranger], "Active");
    assert_eq!(lines.last().unwrap().get("outcome").unwrap(), "failed");
    assert_clean(&lines, &[e]);
}

#[test]
fn a_login_refused_until_the_deadline_then_accepted_on_the_retry() {
    let user = "rotator-slow";
    let (arn, old) = secret_for(user, "rotator/slow", 1);
    let r = rotator(OPERATOR, &Losses::default(), None);
    let t = token(500);
    start_rotation(&arn, &t);
    for s in [Step::Create, Step::Set] {
        step(&r, &arn, &t, s, MINUTE).0.unwrap();
    }
    refused_logins().lock().unwrap().insert(user.to_string());
    let start = Instant::now();
    let within = Duration::from_secs(8);
    let (result, lines) = step(&r, &arn, &t, Step::Test, within);
    let took = start.elapsed();
    let e = result.unwrap_err();
    assert!(matches!(e, StepError::Login(_)), "{e}");
    assert!(took < within, "answered after the deadline: {took:?}");
    let text = e.to_string();
    assert!(
        text.contains("answered 535") && text.contains("AWSCURRENT stays"),
        "{text}"
    );
    assert!(
        lines.iter().filter(|l| l.get("try").is_some()).count() >= 2,
        "{lines:?}"
    );
    assert_eq!(
        &username_in(&arn, &holding(&arn, "AWSCURRENT").unwrap()),
        &old[0]
    );
    // SES has the key now: Secrets Manager's retry succeeds.
    refused_logins().lock().unwrap().remove(user);
    rotation(&r, &arn, &t);
    assert_eq!(holding(&arn, "AWSCURRENT").as_deref(), Some(t.as_str()));
    assert_clean(&lines, &[text]);
}

#[test]
fn previous_key_deactivate_deactivates_the_old_key_at_once() {
    let user = "rotator-deactivate";
    let (arn, old) = secret_for(user, "rotator/deactivate", 1);
    let r = rotator(OPERATOR, &Losses::default(), Some("deactivate"));
    let t = token(600);
    start_rotation(&arn, &t);
    for s in [Step::Create, Step::Set, Step::Test] {
        step(&r, &arn, &t, s, MINUTE).0.unwrap();
    }
    let (done, _) = step(&r, &arn, &t, Step::Finish, MINUTE);
    assert_eq!(
        done.unwrap().deactivated_key.as_deref(),
        Some(old[0].as_str())
    );
    assert_eq!(iam_keys(user)[&old[0]], "Inactive");
    assert_eq!(iam_keys(user)[&username_in(&arn, &t)], "Active");
}

#[test]
fn secrets_it_cannot_rotate_say_what_is_missing() {
    let user = "rotator-bad";
    let old = user_with_keys(user, 1);
    let r = rotator(OPERATOR, &Losses::default(), None);
    let without: serde_json::Value = {
        let mut v: serde_json::Value = serde_json::from_str(&secret_json(user, &old[0])).unwrap();
        v.as_object_mut().unwrap().remove("iam_user");
        v
    };
    for (n, (name, text, says)) in [
        (
            "rotator/no-iam-user",
            without.to_string(),
            "no \"iam_user\" member",
        ),
        (
            "rotator/not-json",
            format!("{}:not-json", old[0]),
            "not a JSON object",
        ),
    ]
    .into_iter()
    .enumerate()
    {
        let arn = block_on(sm().create_secret().name(name).secret_string(&text).send())
            .unwrap()
            .arn
            .unwrap();
        let t = token(700 + n);
        start_rotation(&arn, &t);
        let (result, lines) = step(&r, &arn, &t, Step::Create, MINUTE);
        let e = result.unwrap_err().to_string();
        assert!(e.contains(says) && e.contains("AWSCURRENT"), "{e}");
        assert_eq!(keys_of(user), old, "nothing created");
        assert_clean(&lines, &[e]);
    }
}

/// The claim tag on the user, if any.
fn claim_of(user: &str) -> Option<String> {
    block_on(iam().list_user_tags().user_name(user).send())
        .unwrap()
        .tags
        .into_iter()
        .find(|t| t.key == "ses-smtp-rotator")
        .map(|t| t.value)
}

/// CreateAccessKey refused (another actor made a key in between, and IAM
/// says LimitExceeded): the claim is removed at once, and Secrets
/// Manager's retry never deletes that key as its own; it refuses, naming it.
#[test]
fn a_refused_create_drops_the_claim_and_the_retry_deletes_no_key_made_by_hand() {
    let user = "rotator-refused";
    let (arn, old) = secret_for(user, "rotator/refused", 1);
    let losses = Losses::default();
    let r = rotator(OPERATOR, &losses, None);
    let t = token(800);
    start_rotation(&arn, &t);
    let by_hand = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
    let made = by_hand.clone();
    losses.before_next("Action=CreateAccessKey", move || {
        *made.lock().unwrap() = block_on(iam().create_access_key().user_name(user).send())
            .unwrap()
            .access_key
            .unwrap()
            .access_key_id;
    });
    let (result, lines) = step(&r, &arn, &t, Step::Create, MINUTE);
    let e = result.unwrap_err().to_string();
    assert!(e.contains("LimitExceeded"), "{e}");
    assert_eq!(claim_of(user), None, "the claim stayed after a refusal");
    let by_hand = by_hand.lock().unwrap().clone();
    // The retry: the key made by hand is named, never deleted.
    let (result, retry) = step(&r, &arn, &t, Step::Create, MINUTE);
    let e2 = result.unwrap_err().to_string();
    assert!(e2.contains(&by_hand), "{e2}");
    let mut both = vec![old[0].clone(), by_hand.clone()];
    both.sort();
    assert_eq!(keys_of(user), both);
    assert_clean(&lines, &[e, e2]);
    assert_clean(&retry, &[]);
}

/// finishSecret removes the claim only when it is its own rotation's: a
/// stale finishSecret of a finished rotation leaves the next rotation's
/// claim alone.
#[test]
fn a_stale_finish_leaves_the_next_rotations_claim() {
    let user = "rotator-stale-finish";
    let (arn, _) = secret_for(user, "rotator/stale-finish", 1);
    let r = rotator(OPERATOR, &Losses::default(), None);
    let t = token(810);
    start_rotation(&arn, &t);
    rotation(&r, &arn, &t);
    let next = format!("{} 1700000000 1700000300", token(811));
    let tag = ses_smtp_rotation::sdk::aws_sdk_iam::types::Tag::builder()
        .key("ses-smtp-rotator")
        .value(&next)
        .build()
        .unwrap();
    block_on(iam().tag_user().user_name(user).tags(tag).send()).unwrap();
    let (done, _) = step(&r, &arn, &t, Step::Finish, MINUTE);
    done.unwrap();
    assert_eq!(claim_of(user).as_deref(), Some(next.as_str()));
}

/// The secret names a key of another user than its `iam_user` (an edit
/// pointed the function elsewhere): createSecret changes nothing.
#[test]
fn a_secret_whose_key_is_not_its_users_changes_nothing() {
    let user = "rotator-deputy";
    let victim = "rotator-deputy-victim";
    let (arn, _) = secret_for(user, "rotator/deputy", 1);
    let victims = user_with_keys(victim, 2);
    let mut v: serde_json::Value =
        serde_json::from_str(&secret_json(user, &keys_of(user)[0])).unwrap();
    v["iam_user"] = victim.into();
    block_on(
        sm().put_secret_value()
            .secret_id(&arn)
            .secret_string(v.to_string())
            .send(),
    )
    .unwrap();
    let r = rotator(OPERATOR, &Losses::default(), None);
    let t = token(820);
    start_rotation(&arn, &t);
    let (result, lines) = step(&r, &arn, &t, Step::Create, MINUTE);
    let e = result.unwrap_err().to_string();
    assert!(
        e.contains("is not an access key of IAM user rotator-deputy-victim"),
        "{e}"
    );
    let mut after = keys_of(victim);
    after.sort();
    let mut before = victims.clone();
    before.sort();
    assert_eq!(after, before, "nothing deleted or created");
    assert_clean(&lines, &[e]);
}

/// A host the secret names that is not SES's endpoint of its region, nor
/// listed: createSecret fails before any key is made, naming the member.
#[test]
fn a_host_that_is_not_ses_fails_before_a_key_is_made() {
    let user = "rotator-host";
    let (arn, old) = secret_for(user, "rotator/host", 1);
    let mut v: serde_json::Value = serde_json::from_str(&secret_json(user, &old[0])).unwrap();
    v["host"] = "collector.attacker.example".into();
    block_on(
        sm().put_secret_value()
            .secret_id(&arn)
            .secret_string(v.to_string())
            .send(),
    )
    .unwrap();
    let r = rotator(OPERATOR, &Losses::default(), None);
    let t = token(830);
    start_rotation(&arn, &t);
    let (result, lines) = step(&r, &arn, &t, Step::Create, MINUTE);
    let e = result.unwrap_err().to_string();
    assert!(e.contains("\"host\" member"), "{e}");
    assert!(!e.contains("attacker"), "the value is not repeated: {e}");
    assert_eq!(keys_of(user), old, "no key made");
    assert_clean(&lines, &[e]);
}

/// A routine edit between rotations (a new version, same key, another
/// member changed) leaves the older key on a version no label names: it is
/// still known, and the next rotation deletes it; AWSCURRENT's key stays.
#[test]
fn a_routine_edit_does_not_stop_the_next_rotation() {
    let user = "rotator-edit";
    let (arn, _) = secret_for(user, "rotator/edit", 1);
    let r = rotator(OPERATOR, &Losses::default(), None);
    let t1 = token(840);
    start_rotation(&arn, &t1);
    rotation(&r, &arn, &t1);
    let current = username_in(&arn, &t1);
    // The edit: the same key, a member of the team's own changed.
    let text = block_on(sm().get_secret_value().secret_id(&arn).send())
        .unwrap()
        .secret_string
        .unwrap();
    let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
    v["team"] = "mail-platform".into();
    block_on(
        sm().put_secret_value()
            .secret_id(&arn)
            .secret_string(v.to_string())
            .send(),
    )
    .unwrap();
    let t2 = token(841);
    start_rotation(&arn, &t2);
    rotation(&r, &arn, &t2);
    let now = keys_of(user);
    assert!(
        now.contains(&current),
        "AWSCURRENT's key was touched: {now:?}"
    );
    assert!(now.contains(&username_in(&arn, &t2)));
    assert_eq!(now.len(), 2);
}

/// Members the function does not know are kept exactly: integers beyond
/// 64 bits, nested objects, decimals as written, and their order.
#[test]
fn other_members_are_kept_exactly() {
    let user = "rotator-members";
    let old = user_with_keys(user, 1);
    let base: serde_json::Value = serde_json::from_str(&secret_json(user, &old[0])).unwrap();
    let mut text = base.to_string();
    text.pop();
    text.push_str(
        r#","zeta":123456789012345678901234567890,"nested":{"b":1.50,"a":[1.0,2]},"alpha":"x"}"#,
    );
    let arn = block_on(
        sm().create_secret()
            .name("rotator/members")
            .secret_string(&text)
            .send(),
    )
    .unwrap()
    .arn
    .unwrap();
    let r = rotator(OPERATOR, &Losses::default(), None);
    let t = token(850);
    start_rotation(&arn, &t);
    rotation(&r, &arn, &t);
    assert_ne!(username_in(&arn, &t), old[0], "rotated");
    let after = block_on(
        sm().get_secret_value()
            .secret_id(&arn)
            .version_id(&t)
            .send(),
    )
    .unwrap()
    .secret_string
    .unwrap();
    assert!(
        after.contains(
            r#""zeta":123456789012345678901234567890,"nested":{"b":1.50,"a":[1.0,2]},"alpha":"x""#
        ),
        "the members after the rotation: {}",
        after.split_once(r#""team""#).map_or("", |(_, rest)| rest)
    );
}

/// Two createSecret runs of one token at once (Secrets Manager's retry
/// while the first still runs): the second, seeing the first's key before
/// a version names it, changes nothing; the pending version names a key
/// that exists, and no key is left that no version names.
#[test]
fn two_creates_at_once_never_delete_the_others_key() {
    let user = "rotator-concurrent";
    let (arn, old) = secret_for(user, "rotator/concurrent", 1);
    let losses = Losses::default();
    let first = rotator(OPERATOR, &losses, None);
    let t = token(860);
    start_rotation(&arn, &t);
    let second_says = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
    let said = second_says.clone();
    let (arn2, t2) = (arn.clone(), t.clone());
    // Just before the first run puts the pending version, the second runs.
    losses.before_next("SecretString", move || {
        let second = rotator(OPERATOR, &Losses::default(), None);
        let (result, _) = step(&second, &arn2, &t2, Step::Create, MINUTE);
        *said.lock().unwrap() = result.unwrap_err().to_string();
    });
    let (result, lines) = step(&first, &arn, &t, Step::Create, MINUTE);
    let done = result.unwrap();
    let second = second_says.lock().unwrap().clone();
    assert!(second.contains("may still be running"), "{second}");
    let new = done.new_key.unwrap();
    assert_eq!(username_in(&arn, &t), new);
    let mut both = vec![old[0].clone(), new];
    both.sort();
    assert_eq!(keys_of(user), both);
    assert_clean(&lines, &[second]);
}

/// The rotator with `IN_USE` and `IN_USE_WINDOW_SECONDS` set.
fn rotator_in_use(
    in_use: &'static str,
    window: &'static str,
    losses: &Losses,
) -> ses_smtp_rotator::Rotator {
    let ca = servers().ca_file.clone();
    let settings = ses_smtp_rotator::Settings::from_env(move |k| match k {
        "SES_SMTP_CA_FILE" => Some(ca.clone().into_os_string()),
        "SES_SMTP_ALLOWED_HOSTS" => Some("localhost".into()),
        "IN_USE" => Some(in_use.into()),
        "IN_USE_WINDOW_SECONDS" => Some(window.into()),
        _ => None,
    })
    .unwrap();
    rotator_with(OPERATOR, losses, settings)
}

/// A consumer still logs in with the key AWSPREVIOUS names: the next
/// rotation stops before it changes anything (a `key_in_use` log line,
/// the key and its last use named); `IN_USE=ignore` deletes it anyway, and
/// once its last use is older than the window the rotation goes on.
#[test]
fn a_key_still_in_use_is_never_deleted() {
    let user = "rotator-in-use";
    let (arn, old) = secret_for(user, "rotator/in-use", 1);
    let (r, losses) = first_rotation_then_use(&arn, &old[0], 870);
    let before = keys_of(user);
    let t2 = token(871);
    start_rotation(&arn, &t2);
    let (result, lines) = step(&r, &arn, &t2, Step::Create, MINUTE);
    let e = result.unwrap_err().to_string();
    assert!(
        e.contains(&old[0]) && e.contains("still logs in with it"),
        "{e}"
    );
    assert!(e.contains("IN_USE=ignore"), "{e}");
    assert!(
        lines
            .iter()
            .any(|l| l.get("event").and_then(|v| v.as_str()) == Some("key_in_use")),
        "{lines:?}"
    );
    assert_eq!(keys_of(user), before, "nothing changed");
    assert_clean(&lines, &[e]);
    // A window of 0: its last use is older than that; the rotation goes on.
    let (done, _) = step(
        &rotator_in_use("guard", "0", &losses),
        &arn,
        &t2,
        Step::Create,
        MINUTE,
    );
    assert_eq!(done.unwrap().deleted_key.as_deref(), Some(old[0].as_str()));
}

/// A first rotation of the secret `arn`, then a consumer that logs in with
/// the key it replaced, `old`, a second after the new version was made;
/// the function and its client, which reports that version's creation
/// time as Secrets Manager does.
fn first_rotation_then_use(arn: &str, old: &str, n: usize) -> (ses_smtp_rotator::Rotator, Losses) {
    let losses = Losses::default();
    let r = rotator(OPERATOR, &losses, None);
    let t1 = token(n);
    start_rotation(arn, &t1);
    step(&r, arn, &t1, Step::Create, MINUTE).0.unwrap();
    let made = ses_smtp_rotation::sdk::iam::Timestamp::now().secs();
    losses.created_at(made);
    for s in [Step::Set, Step::Test, Step::Finish] {
        step(&r, arn, &t1, s, MINUTE).0.unwrap();
    }
    // IAM's times are whole seconds: the use comes a second later.
    while ses_smtp_rotation::sdk::iam::Timestamp::now().secs() <= made {
        std::thread::sleep(Duration::from_millis(50));
    }
    use_key(old);
    (r, losses)
}

/// IN_USE=ignore: the key in use is deleted anyway.
#[test]
fn in_use_ignore_deletes_a_key_in_use() {
    let user = "rotator-in-use-ignore";
    let (arn, old) = secret_for(user, "rotator/in-use-ignore", 1);
    let (_, losses) = first_rotation_then_use(&arn, &old[0], 880);
    let t2 = token(881);
    start_rotation(&arn, &t2);
    let (done, _) = step(
        &rotator_in_use("ignore", "", &losses),
        &arn,
        &t2,
        Step::Create,
        MINUTE,
    );
    assert_eq!(done.unwrap().deleted_key.as_deref(), Some(old[0].as_str()));
}

/// A rotate run's live claim on the user: createSecret changes nothing and
/// says who holds the user; Secrets Manager's retry goes on once it lapses.
#[test]
fn the_function_honours_a_rotate_runs_claim() {
    let user = "rotator-claimed";
    let (arn, old) = secret_for(user, "rotator/claimed", 1);
    let at = ses_smtp_rotation::sdk::iam::Timestamp::now().secs();
    let tag = ses_smtp_rotation::sdk::aws_sdk_iam::types::Tag::builder()
        .key("ses-smtp-rotator")
        .value(format!("rotate-4242-0badcafe {at} {}", at + 3_600))
        .build()
        .unwrap();
    block_on(iam().tag_user().user_name(user).tags(tag).send()).unwrap();
    let r = rotator(OPERATOR, &Losses::default(), None);
    let t = token(890);
    start_rotation(&arn, &t);
    let (result, lines) = step(&r, &arn, &t, Step::Create, MINUTE);
    let e = result.unwrap_err().to_string();
    assert!(
        e.contains("is under way") && e.contains("rotate-4242-0badcafe"),
        "{e}"
    );
    assert_eq!(keys_of(user), old, "nothing changed");
    assert_eq!(
        claim_of(user)
            .as_deref()
            .map(|c| c.starts_with("rotate-4242")),
        Some(true)
    );
    assert_clean(&lines, &[e]);
}
