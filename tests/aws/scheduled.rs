//! The command line beside scheduled rotation (the built rotation
//! function): `keys --store` marks the keys
//! AWSCURRENT and AWSPREVIOUS name; `rotate` refuses a secret whose rotation
//! is enabled (the two would race for the user's two key slots).

use ses_smtp_test_support::lambda::BuiltFunction;
use ses_smtp_test_support::moto::*;
use ses_smtp_test_support::secrets::*;

#[test]
fn keys_marks_the_labels_and_rotate_leaves_a_scheduled_secret_alone() {
    let user = "rotator-cli";
    let name = "rotator/cli";
    let (arn, old) = secret_for(user, name, 1);
    // The built function, as Lambda runs it.
    let mut function = BuiltFunction::start(
        "AKIAROTATORCLI000000",
        [("SES_SMTP_CA_FILE", servers().ca_file.as_os_str())],
    );
    let t = token(900);
    function.rotate(&arn, &t).unwrap();
    let new = username_in(&arn, &t);
    let store = format!("secretsmanager:{name}");

    let k = run(tool().args(["keys", "--user-name", user, "--store", &store]));
    assert_eq!(k.code, Some(0), "{}", k.stderr);
    let row = |id: &str| {
        k.stdout
            .lines()
            .find(|l| l.contains(id))
            .unwrap()
            .to_string()
    };
    assert!(
        row(&new).ends_with(&format!("<- {store} AWSCURRENT")),
        "{}",
        k.stdout
    );
    assert!(
        row(&old[0]).ends_with(&format!("<- {store} AWSPREVIOUS")),
        "{}",
        k.stdout
    );
    let j = run(tool().args([
        "keys",
        "--user-name",
        user,
        "--store",
        &store,
        "--format",
        "json",
    ]));
    assert_eq!(j.code, Some(0), "{}", j.stderr);
    let v: serde_json::Value = serde_json::from_str(&j.stdout).unwrap();
    assert_eq!(v["stores"][0]["username"], new.as_str());
    assert_eq!(v["stores"][0]["previous_username"], old[0].as_str());
    let old_row = v["keys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["access_key_id"] == old[0].as_str())
        .unwrap();
    assert_eq!(old_row["previous_in"], serde_json::json!([store]));
    assert_eq!(old_row["stores"], serde_json::json!([]));

    let before = keys_of(user);
    let refused = run(rotate_no_probe(user).args(["--store", &store]));
    assert_eq!(refused.code, Some(10), "{}", refused.stderr);
    assert!(
        refused
            .stderr
            .contains("rotation is enabled on this secret")
            && refused.stderr.contains(&format!(
                "aws secretsmanager rotate-secret --secret-id {name}"
            )),
        "{}",
        refused.stderr
    );
    assert_eq!(keys_of(user), before, "nothing created");
    for text in [&k.stdout, &j.stdout, &refused.stderr] {
        assert_no_secret("output", text);
        assert_no_password("output", text);
    }
}
