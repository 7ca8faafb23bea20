//! The long help texts of the commands.

pub const EXIT_CODES_HELP: &str = "\
Where the secret comes from (the first that applies; never the command line):
  1. --secret-file PATH (- for standard input), or --profile NAME
  2. standard input, when it is not a terminal and holds data
  3. AWS_SECRET_ACCESS_KEY (with AWS_ACCESS_KEY_ID), when standard input is a
     terminal or empty, or always with --from-env
  4. the profile named by AWS_PROFILE
  5. a prompt without echo, when standard input is a terminal
Standard input may hold the secret alone, the JSON of `aws iam
create-access-key`, or the CSV file that the IAM console downloads.

Exit codes:
  0  success
  1  verify: no match; vectors check: a vector failed or a line is malformed
  2  usage: bad options or region
  3  bad input: the secret, key ID or file is malformed
  4  refused: temporary (STS) credentials, or an ID that is not an access key
  5  no input: no source held a secret (or the profile has none)
  6  I/O error: reading input or writing output failed
  7, 8, 9  probe: rejected; network, TLS or protocol failure; temporary
  10 AWS refused: an AWS API call failed (rotate, retire, keys, sync)
  12 sync: the file changed and its --then command failed

Examples:
  printf '%s' \"$SECRET\" | ses-smtp-password --region eu-west-1 --access-key-id AKIA...
  aws iam create-access-key --user-name smtp | ses-smtp-password --region eu-west-1
  AWS_REGION=eu-west-1 ses-smtp-password --from-env --format env >> app.env";

pub const VERIFY_HELP: &str = "\
The secret comes from the same sources as for deriving. The password comes
from --password-file PATH (- for standard input; one final newline is
dropped), else SES_SMTP_PASSWORD, else a no-echo prompt on a terminal.

Exit codes: 0 match; 1 no match (the diagnosis says why); 2-6 as for
deriving.

Example:
  printf '%s' \"$SECRET\" | ses-smtp-password verify --region eu-central-1 --password-file smtp-pass.txt";

#[cfg(feature = "probe")]
pub const PROBE_HELP: &str = "\
Exit codes: 0 accepted; 7 rejected (535 and other 5xx to AUTH); 8 network,
TLS or protocol failure (refused, timed out, certificate, no STARTTLS or
AUTH); 9 temporary refusal (454, 421); 2-6 as for deriving.

A 235 proves that SES accepts the login; not that the sender identity is
verified or that the account is out of the SES sandbox.

Examples:
  aws iam create-access-key --user-name smtp-legacy | ses-smtp-password probe --region eu-west-1
  ses-smtp-password probe --profile smtp --region eu-west-1 --port 465
  ses-smtp-password probe --region us-east-1 --endpoint vpce-0abc.email-smtp.us-east-1.vpce.amazonaws.com";

pub const POLICY_HELP: &str = "\
Examples:
  ses-smtp-password policy > policy.json
  ses-smtp-password policy --identity example.com --account-id 123456789012 \\
      --region eu-west-1 --from-address 'noreply@example.com' > policy.json
  aws iam put-user-policy --user-name smtp-legacy --policy-name ses-smtp \\
      --policy-document file://policy.json
  ses-smtp-password policy --rotation --user-name smtp-legacy --account-id 123456789012 \\
      --store secretsmanager:prod/smtp > operator-policy.json

The policies are checked in CI by an IAM policy evaluator against every AWS
request the tool's tests make (docs/usage.md, \"policy\").";

#[cfg(any(feature = "aws", feature = "aws-front"))]
pub const ROTATE_HELP: &str = "\
Steps: check the user holds fewer than two keys; create a key (its secret
never leaves this process); derive the SMTP password; log in over SMTP until
SES accepts it (--propagation-timeout); write the stores and --out. If any
step after the key was created fails, everything this run made is undone,
the new key included. Old keys are left alone: the summary names the one to
retire next.

The operator's AWS credentials come from the SDK's chain (environment,
profiles, SSO, assumed roles, instance and container roles); temporary ones
are fine. AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE> are honoured.

Exit codes: 0 rotated; 10 AWS refused; 7, 8, 9 the new key's SMTP login
failed (rejected; network or TLS; temporary); 2 usage; 6 files.

Examples:
  ses-smtp-password rotate --user-name smtp-legacy --region eu-west-1 \\
      --store secretsmanager:prod/smtp
  ses-smtp-password rotate --user-name smtp-legacy --region eu-west-1 \\
      --store ssm:/prod/smtp --format env --out smtp.env";

#[cfg(any(feature = "aws", feature = "aws-front"))]
pub const RETIRE_HELP: &str = "\
Without --delete: deactivates the key, after showing when and where it was
last used (reactivate it with `aws iam update-access-key --status Active` if
mail stops). The user's last active key needs --force: without it, all mail
stops. With --delete: deletes a key that is already inactive; an active one
needs --force as well.

Exit codes: 0 done (or nothing to do); 10 AWS refused, or the key is not the
user's; 2 refused without --force.

Example:
  ses-smtp-password retire --user-name smtp-legacy --access-key-id AKIA...
  ses-smtp-password retire --user-name smtp-legacy --access-key-id AKIA... --delete";

#[cfg(any(feature = "aws", feature = "aws-front"))]
pub const SYNC_HELP: &str = "\
Reads the store once (one GetSecretValue, or one GetParameters), checks the
pair (an access key ID, a V4 password, a region SES SMTP serves), renders it
as --format or --template would, with the store's host and port, and writes
--out only when that differs from what the file holds (otherwise it says
`unchanged` and leaves the file alone). After a change it runs --then; if
that fails, the new file stays (the old key still works until the next
rotation) and the next sync runs --then again.

Exit codes: 0 written or unchanged; 12 --then failed; 10 AWS refused; 3 the
store holds no SMTP credentials; 7, 8, 9 --probe's login failed; 2 usage;
6 files.

Examples:
  ses-smtp-password sync --from secretsmanager:prod/smtp --format postfix \\
      --out /etc/postfix/sasl_passwd \\
      --then 'postmap /etc/postfix/sasl_passwd && postfix reload'
  ses-smtp-password sync --from ssm:/prod/smtp --format env --out /srv/app/smtp.env \\
      --mode 0640 --group app --then 'systemctl restart app'";
