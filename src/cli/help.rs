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
