//! Every AWS call that `rotate`, `retire` and `keys` make, and the
//! scheduled rotation function `ses-smtp-rotator`, in IAM's spelling, with
//! the resource IAM authorizes it against: the one list the operator's
//! policy and the function's execution-role policy are built from. The code that makes a call names its
//! entry here (the command line's `aws` module), so a new call cannot be
//! added without its permission; CI proves the list with an IAM policy
//! evaluator against every request the tests record.

/// A command that makes AWS calls.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Caller {
    /// `rotate`.
    Rotate,
    /// `retire`.
    Retire,
    /// `keys`.
    Keys,
    /// The scheduled rotation function, `ses-smtp-rotator`.
    Rotator,
    /// `sync`: a consumer reading its store.
    Sync,
}

/// The commands an operator runs (the operator's policy grants their calls).
pub const OPERATOR: &[Caller] = &[Caller::Rotate, Caller::Retire, Caller::Keys];

impl Caller {
    /// The subcommand's name.
    pub fn name(self) -> &'static str {
        match self {
            Caller::Rotate => "rotate",
            Caller::Retire => "retire",
            Caller::Keys => "keys",
            Caller::Rotator => "ses-smtp-rotator",
            Caller::Sync => "sync",
        }
    }
}

/// What a call acts on: the resource (and condition) IAM authorizes it
/// against, which decides the statement that grants it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Resource {
    /// The IAM user whose keys rotate (`user/PATH/NAME`).
    User,
    /// A Secrets Manager store (`secret:NAME-??????`, or its ARN).
    Secret,
    /// The `AWSCURRENT` and `AWSPREVIOUS` labels of a Secrets Manager
    /// store (`secretsmanager:VersionStage`).
    SecretStage,
    /// A store given by name that does not exist yet: created, with
    /// `secretsmanager:Name` (never granted for a store given by ARN).
    SecretCreate,
    /// A secret this run created, deleted again by the undo (never granted
    /// for a store given by ARN).
    SecretDelete,
    /// A Parameter Store parameter under an `ssm:` prefix.
    Parameter,
    /// A customer-managed KMS key, used by Parameter Store on the
    /// operator's behalf (`kms:ViaService`).
    KeyViaParameterStore,
    /// A customer-managed KMS key, used by Secrets Manager on the
    /// operator's behalf (`kms:ViaService`).
    KeyViaSecretsManager,
    /// The `AWSCURRENT` and `AWSPENDING` labels of the secret the rotation
    /// function rotates (`secretsmanager:VersionStage`).
    RotatorStage,
    /// The rotation function's CloudWatch Logs log group.
    LogGroup,
    /// The user's claim tag, and no other tag (`aws:TagKeys`).
    ClaimTag,
    /// The account's IAM groups (`group/*`): the groups the user is in,
    /// whose policies may grant it sending.
    Group,
    /// Managed policies, the account's and AWS's (`policy/*`): those
    /// attached to the user or its groups.
    ManagedPolicy,
}

/// The IAM user tag that holds a rotation's claim (see
/// `sdk::claim`): the only tag `rotate` and the rotation function may set
/// or remove.
pub const CLAIM_TAG: &str = "ses-smtp-rotator";

/// One AWS call: its IAM action, what it acts on, who makes it and why.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Call {
    /// The IAM action, as `service:Action`.
    pub action: &'static str,
    /// What IAM authorizes it against.
    pub target: Resource,
    /// The commands that make it.
    pub commands: &'static [Caller],
    /// The step that makes it, in a few words.
    pub step: &'static str,
}

use Caller::{Keys, Retire, Rotate, Rotator, Sync};

macro_rules! calls {
    ($($name:ident = $action:literal, $target:ident, [$($cmd:ident),*], $step:literal;)*) => {
        $(
            #[doc = concat!("`", $action, "`: ", $step, ".")]
            pub const $name: Call = Call {
                action: $action,
                target: Resource::$target,
                commands: &[$($cmd),*],
                step: $step,
            };
        )*
        /// Every call, in the order the policy lists them.
        pub const ALL: &[Call] = &[$($name),*];
    };
}

calls! {
    IAM_GET_USER = "iam:GetUser", User, [Rotate, Retire, Keys, Rotator], "the preflight: the user exists, and its path; the claim tag, read back";
    IAM_LIST_ACCESS_KEYS = "iam:ListAccessKeys", User, [Rotate, Retire, Keys, Rotator], "the user's keys";
    IAM_GET_ACCESS_KEY_LAST_USED = "iam:GetAccessKeyLastUsed", User, [Rotate, Retire, Keys, Rotator], "when each key was last used";
    IAM_CREATE_ACCESS_KEY = "iam:CreateAccessKey", User, [Rotate, Rotator], "the new key";
    IAM_UPDATE_ACCESS_KEY = "iam:UpdateAccessKey", User, [Retire, Rotator], "deactivating an old key";
    IAM_DELETE_ACCESS_KEY = "iam:DeleteAccessKey", User, [Rotate, Retire, Rotator], "the undo of the new key; deleting an inactive key (the function: AWSPREVIOUS's key)";
    IAM_TAG_USER = "iam:TagUser", ClaimTag, [Rotate, Rotator], "the claim: one rotation of the user at a time, and the keys it had before this rotation's key";
    IAM_UNTAG_USER = "iam:UntagUser", ClaimTag, [Rotate, Rotator], "the claim removed, once the rotation is done (only its own)";
    IAM_LIST_GROUPS_FOR_USER = "iam:ListGroupsForUser", User, [Keys], "which groups the user is in (which grant it ses:SendRawEmail)";
    IAM_LIST_USER_POLICIES = "iam:ListUserPolicies", User, [Keys], "the user's inline policies (which grant it ses:SendRawEmail)";
    IAM_GET_USER_POLICY = "iam:GetUserPolicy", User, [Keys], "an inline policy's document";
    IAM_LIST_ATTACHED_USER_POLICIES = "iam:ListAttachedUserPolicies", User, [Keys], "the managed policies attached to the user";
    IAM_LIST_GROUP_POLICIES = "iam:ListGroupPolicies", Group, [Keys], "a group's inline policies";
    IAM_GET_GROUP_POLICY = "iam:GetGroupPolicy", Group, [Keys], "a group's inline policy's document";
    IAM_LIST_ATTACHED_GROUP_POLICIES = "iam:ListAttachedGroupPolicies", Group, [Keys], "the managed policies attached to a group";
    IAM_GET_POLICY = "iam:GetPolicy", ManagedPolicy, [Keys], "a managed policy's default version";
    IAM_GET_POLICY_VERSION = "iam:GetPolicyVersion", ManagedPolicy, [Keys], "a managed policy's document";
    SM_DESCRIBE_SECRET = "secretsmanager:DescribeSecret", Secret, [Rotate, Rotator], "the preflight: the secret's versions and labels, or that it is missing";
    SM_GET_SECRET_VALUE = "secretsmanager:GetSecretValue", Secret, [Rotate, Keys, Rotator, Sync], "which key the secret names, and its host and port, kept by rotate (sync: the credentials)";
    SM_LIST_SECRET_VERSION_IDS = "secretsmanager:ListSecretVersionIds", Secret, [Rotator], "every version's key, labelled or not (a routine edit leaves the older key on an unlabelled version)";
    SM_PUT_SECRET_VALUE = "secretsmanager:PutSecretValue", Secret, [Rotate, Rotator], "the new version";
    SM_UPDATE_SECRET_VERSION_STAGE = "secretsmanager:UpdateSecretVersionStage", SecretStage, [Rotate], "the undo: AWSCURRENT and AWSPREVIOUS back where they were";
    SM_ROTATOR_VERSION_STAGE = "secretsmanager:UpdateSecretVersionStage", RotatorStage, [Rotator], "finishSecret: AWSCURRENT to the new version, AWSPENDING off it";
    SM_CREATE_SECRET = "secretsmanager:CreateSecret", SecretCreate, [Rotate], "a secret given by name that does not exist yet";
    SM_DELETE_SECRET = "secretsmanager:DeleteSecret", SecretDelete, [Rotate], "the undo of a secret this run created";
    SSM_GET_PARAMETERS = "ssm:GetParameters", Parameter, [Rotate, Keys, Sync], "the preflight's snapshot; which key the store names (sync: the credentials)";
    SSM_GET_PARAMETER_HISTORY = "ssm:GetParameterHistory", Parameter, [Rotate], "each existing parameter's KMS key and tier, kept when it is overwritten";
    SSM_PUT_PARAMETER = "ssm:PutParameter", Parameter, [Rotate], "the new values; the undo of an overwritten one";
    SSM_DELETE_PARAMETER = "ssm:DeleteParameter", Parameter, [Rotate], "the undo of a parameter this run created";
    KMS_SSM_ENCRYPT = "kms:Encrypt", KeyViaParameterStore, [Rotate], "Parameter Store encrypting a standard SecureString";
    KMS_SSM_GENERATE_DATA_KEY = "kms:GenerateDataKey", KeyViaParameterStore, [Rotate], "Parameter Store encrypting an advanced SecureString";
    KMS_SSM_DECRYPT = "kms:Decrypt", KeyViaParameterStore, [Rotate, Keys, Sync], "Parameter Store decrypting for the preflight's snapshot, keys and sync";
    KMS_SM_GENERATE_DATA_KEY = "kms:GenerateDataKey", KeyViaSecretsManager, [Rotate, Rotator], "Secrets Manager encrypting the new version";
    KMS_SM_DECRYPT = "kms:Decrypt", KeyViaSecretsManager, [Rotate, Keys, Rotator, Sync], "Secrets Manager decrypting for rotate's preflight, keys, the function and sync";
    LOGS_CREATE_LOG_GROUP = "logs:CreateLogGroup", LogGroup, [Rotator], "Lambda creating the function's log group, if the deployment did not";
    LOGS_CREATE_LOG_STREAM = "logs:CreateLogStream", LogGroup, [Rotator], "Lambda writing the function's logs";
    LOGS_PUT_LOG_EVENTS = "logs:PutLogEvents", LogGroup, [Rotator], "Lambda writing the function's logs";
}

/// The actions of the calls on `target` that any of `by` makes, in list
/// order, each once.
pub fn actions(target: Resource, by: &[Caller]) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for c in ALL
        .iter()
        .filter(|c| c.target == target && c.commands.iter().any(|m| by.contains(m)))
    {
        if !out.contains(&c.action) {
            out.push(c.action);
        }
    }
    out
}
