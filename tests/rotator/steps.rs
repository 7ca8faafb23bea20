//! The four steps against moto: a whole rotation, each step twice, lost
//! answers, three rotations in a row, an unknown key, a login refused until
//! the deadline, and secrets the function cannot rotate.

use crate::driver::*;
use crate::flaky::Losses;
use crate::harness::*;
use ses_smtp_rotator::{Step, StepError};
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
    for s in Step::ALL {
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
    let text = block_on(
        sm().get_secret_value()
            .secret_id(&arn)
            .version_stage("AWSCURRENT")
            .send(),
    )
    .unwrap()
    .secret_string
    .unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
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
        for s in Step::ALL {
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
