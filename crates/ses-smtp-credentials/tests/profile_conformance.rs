//! The AWS SDKs' own profile-file suites (tests/profile-suites/, with their
//! provenance) run through our parser, refusal rule and file locations.
//! Any case we disagree with fails, named by its index and description.
#![allow(clippy::unwrap_used)] // a test: a failed unwrap is a failed test

use serde_json::{Map, Value, json};
use ses_smtp_credentials::SecretPolicy;
use ses_smtp_credentials::profile::{self, ParseProblem, ProfileError, ProfileSet};

fn suite(name: &str) -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/profile-suites/");
    let text = std::fs::read_to_string(format!("{path}{name}")).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// The suite's error phrases, each mapped to the one problem it names.
fn expected_problem(phrase: &str) -> ParseProblem {
    match phrase {
        "Profile definition must end with ']'" => ParseProblem::SectionNotClosed,
        "Expected a profile definition" => ParseProblem::OutsideSection,
        "Expected a property definition" | "Expected a property definition, found continuation" => {
            ParseProblem::ContinuationWithoutProperty
        }
        "Expected an '=' sign defining a property" => ParseProblem::NoEquals {
            sub_property: false,
        },
        "Property did not have a name" => ParseProblem::NoName {
            sub_property: false,
        },
        "Expected an '=' sign defining a sub-property" => {
            ParseProblem::NoEquals { sub_property: true }
        }
        "Sub-property did not have a name" => ParseProblem::NoName { sub_property: true },
        other => panic!("the suite names an error this test does not know: {other:?}"),
    }
}

fn as_json<'a>(names: impl Iterator<Item = &'a str>, get: impl Fn(&str) -> Value) -> Value {
    Value::Object(
        names
            .map(|n| (n.to_string(), get(n)))
            .collect::<Map<_, _>>(),
    )
}

fn profiles_json(set: &ProfileSet) -> (Value, Value) {
    let props = |p: &profile::Profile| {
        Value::Object(
            p.properties()
                .map(|(k, v)| (k.to_string(), json!(v)))
                .collect(),
        )
    };
    (
        as_json(set.profile_names(), |n| props(set.profile(n).unwrap())),
        as_json(set.sso_session_names(), |n| {
            props(set.sso_session(n).unwrap())
        }),
    )
}

#[test]
fn profile_parser_suite() {
    let suite = suite("profile-parser-tests.json");
    let cases = suite["tests"].as_array().unwrap();
    assert_eq!(cases.len(), 65, "the suite changed size");
    let mut failures = Vec::new();
    for (i, case) in cases.iter().enumerate() {
        let name = case["name"].as_str().unwrap();
        let config = case["input"]["configFile"].as_str();
        let credentials = case["input"]["credentialsFile"].as_str();
        let got = ProfileSet::parse(credentials, config);
        let out = &case["output"];
        let verdict = match (got, out.get("errorContaining").and_then(Value::as_str)) {
            (Ok(set), None) => {
                let (profiles, sso) = profiles_json(&set);
                let want = &out["config"];
                if profiles != want["profiles"] {
                    Err(format!("profiles {profiles} != {}", want["profiles"]))
                } else if want.get("sso_sessions").is_some_and(|w| *w != sso) {
                    Err(format!("sso_sessions {sso} != {}", want["sso_sessions"]))
                } else {
                    Ok(())
                }
            }
            (Err(ProfileError::Parse { problem, .. }), Some(phrase))
                if problem == expected_problem(phrase) =>
            {
                Ok(())
            }
            (Err(e), Some(phrase)) => Err(format!("{e:?}, the suite says {phrase:?}")),
            (Err(e), None) => Err(format!("refused a valid file: {e:?}")),
            (Ok(_), Some(phrase)) => Err(format!("accepted, the suite says {phrase:?}")),
        };
        if let Err(why) = verdict {
            failures.push(format!("case {i} ({name}): {why}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Writes a suite case's profiles as a config file.
fn config_file(case: &Value) -> String {
    let mut text = String::new();
    let sections = [("profiles", "profile "), ("sso_sessions", "sso-session ")];
    for (field, prefix) in sections {
        for (name, props) in case
            .get(field)
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            text.push_str(&format!("[{prefix}{name}]\n"));
            for (k, v) in props.as_object().unwrap() {
                text.push_str(&format!("{k} = {}\n", v.as_str().unwrap()));
            }
        }
    }
    text
}

const ANY_SECRET: SecretPolicy = SecretPolicy::STRICT.allow_unusual(true);

#[test]
fn assume_role_suite_only_a_single_static_key_derives() {
    let cases = suite("assume-role-tests.json");
    let cases = cases.as_array().unwrap();
    assert_eq!(cases.len(), 28, "the suite changed size");
    let mut failures = Vec::new();
    for (i, case) in cases.iter().enumerate() {
        let docs = case["docs"].as_str().unwrap();
        let input = &case["input"];
        let config = config_file(input);
        let selected = input["selected_profile"].as_str().unwrap();
        let got = profile::credentials(None, Some(&config), selected, ANY_SECRET);
        let out = &case["output"];
        let single_key = out["ProfileChain"]
            .as_array()
            .is_some_and(|c| c.len() == 1 && c[0].get("AccessKey").is_some());
        // The selected profile itself holds nothing to derive from.
        let no_credentials = out["Error"].as_str().is_some_and(|e| {
            e == format!("profile `{selected}` did not contain credential information")
                || e == "No profiles were defined"
        });
        let verdict = match got {
            // The SDKs would use exactly this key: derive from it (or judge
            // the secret itself).
            Ok(_) | Err(ProfileError::Input { .. }) if single_key => Ok(()),
            Err(ProfileError::NoProfile | ProfileError::NoSecret) if no_credentials => Ok(()),
            Err(ProfileError::Unsupported { .. }) if !single_key && !no_credentials => Ok(()),
            other => Err(format!("{other:?}, the SDK says {out}")),
        };
        if let Err(why) = verdict {
            failures.push(format!("case {i} ({docs}): {why}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Our own cases in the suite's shape (not from the SDK): chains that are
/// one static key derive; `source_profile` without `role_arn` is ignored by
/// the SDKs, so it derives too.
#[test]
fn single_static_key_chains_derive() {
    const S: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    let cases = [
        format!(
            "[profile A]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = {S}\n"
        ),
        format!(
            "[profile A]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = {S}\nsource_profile = B\n[profile B]\nrole_arn = x\n"
        ),
    ];
    for config in cases {
        let c = profile::credentials(None, Some(&config), "A", ANY_SECRET).unwrap();
        assert_eq!(c.secret.expose(), S.as_bytes(), "{config}");
    }
}

#[test]
fn file_location_suite_non_windows_cases() {
    let suite = suite("file-location-tests.json");
    let mut ran = 0;
    for (i, case) in suite["tests"].as_array().unwrap().iter().enumerate() {
        if case["platform"] == "windows" {
            continue;
        }
        let env = case["environment"].as_object().unwrap();
        let (credentials, config) =
            profile::locations(|k| env.get(k).and_then(Value::as_str).map(str::to_string));
        let name = case["name"].as_str().unwrap();
        assert_eq!(
            config.to_str(),
            case["configLocation"].as_str(),
            "case {i} ({name})"
        );
        assert_eq!(
            credentials.to_str(),
            case["credentialsLocation"].as_str(),
            "case {i} ({name})"
        );
        ran += 1;
    }
    assert_eq!(ran, 4);
}
