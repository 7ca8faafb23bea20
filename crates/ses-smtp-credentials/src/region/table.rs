//! The compiled-in table of SES regions and their SMTP endpoints.
//!
//! Source: AWS General Reference, "Amazon Simple Email Service endpoints and
//! quotas" (SMTP endpoints table), and the SES Developer Guide, "Connecting to
//! an Amazon SES SMTP endpoint" (ports), as read on 2026-11-26. Regions where
//! SES offers the API but AWS documents no SMTP endpoint are listed with
//! `smtp: false` so that they are refused with a reason, never accepted.

/// When the table was last checked against the AWS documentation.
pub const TABLE_DATE: &str = "2026-11-26";

/// Where the table comes from.
pub const TABLE_SOURCE: &str =
    "AWS General Reference: Amazon Simple Email Service endpoints and quotas (SMTP endpoints)";

/// Ports that take STARTTLS, in the order we recommend them.
pub const STARTTLS_PORTS: &[u16] = &[587, 25, 2587];

/// Ports that take TLS from the first byte ("TLS wrapper").
pub const TLS_WRAPPER_PORTS: &[u16] = &[465, 2465];

/// One row of the table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Region {
    /// The region code, e.g. `eu-west-1`.
    pub code: &'static str,
    /// AWS's display name, e.g. `Europe (Ireland)`.
    pub name: &'static str,
    /// Whether SES has an SMTP endpoint here.
    pub smtp: bool,
    /// Whether a FIPS SMTP endpoint (`email-smtp-fips.…`) exists here.
    pub fips: bool,
}

impl Region {
    /// `email-smtp.<region>.<partition's domain>`, or `None` where there is no SMTP.
    pub fn smtp_host(&self) -> Option<String> {
        self.smtp.then(|| smtp_host(self.code))
    }

    /// `email-smtp-fips.<region>.amazonaws.com` where AWS documents one.
    pub fn fips_host(&self) -> Option<String> {
        (self.smtp && self.fips).then(|| {
            format!(
                "email-smtp-fips.{}.{}",
                self.code,
                dns_suffix(partition(self.code))
            )
        })
    }
}

/// The SMTP host name for any region code (also for regions newer than the
/// table), in its partition's domain: `amazonaws.com`, `amazonaws.com.cn`
/// for `cn-`, `amazonaws.eu` for the European Sovereign Cloud's `eusc-`.
pub fn smtp_host(code: &str) -> String {
    format!("email-smtp.{code}.{}", dns_suffix(partition(code)))
}

/// Every AWS region code, SES or not (botocore's partition data; the first
/// line of the file names its version). A real code is never told "did you
/// mean" another region.
const AWS_REGIONS: &str = include_str!("../aws_regions.txt");

/// Whether `code` is a real AWS region (botocore's partition data; see
/// `aws_regions.txt` in `src/`).
pub fn is_aws_region(code: &str) -> bool {
    AWS_REGIONS
        .lines()
        .filter(|l| !l.starts_with('#'))
        .any(|l| l == code)
}

const fn row(code: &'static str, name: &'static str, smtp: bool, fips: bool) -> Region {
    Region {
        code,
        name,
        smtp,
        fips,
    }
}

/// Every region the tool knows, SMTP or not.
pub const REGIONS: &[Region] = &[
    row("us-east-1", "US East (N. Virginia)", true, true),
    row("us-east-2", "US East (Ohio)", true, true),
    row("us-west-1", "US West (N. California)", true, true),
    row("us-west-2", "US West (Oregon)", true, true),
    row("ca-central-1", "Canada (Central)", true, false),
    row("sa-east-1", "South America (São Paulo)", true, false),
    row("eu-west-1", "Europe (Ireland)", true, false),
    row("eu-west-2", "Europe (London)", true, false),
    row("eu-west-3", "Europe (Paris)", true, false),
    row("eu-central-1", "Europe (Frankfurt)", true, false),
    row("eu-north-1", "Europe (Stockholm)", true, false),
    row("ap-south-1", "Asia Pacific (Mumbai)", true, false),
    row("ap-northeast-1", "Asia Pacific (Tokyo)", true, false),
    row("ap-northeast-2", "Asia Pacific (Seoul)", true, false),
    row("ap-northeast-3", "Asia Pacific (Osaka)", true, false),
    row("ap-southeast-1", "Asia Pacific (Singapore)", true, false),
    row("ap-southeast-2", "Asia Pacific (Sydney)", true, false),
    row("us-gov-west-1", "AWS GovCloud (US-West)", true, true),
    row("us-gov-east-1", "AWS GovCloud (US-East)", true, false),
    // SES API only, as best read from AWS's documents: refused with the
    // reason, and `--allow-unknown-region` derives anyway. The evidence,
    // re-checked 2026-11-27 (stored copies of the pages named):
    //   [GR] AWS General Reference, "Amazon Simple Email Service endpoints
    //        and quotas": its API table lists email.<region>.amazonaws.com
    //        for each of the five; its SMTP table did not show them in the
    //        copy read here.
    //   [DG] SES Developer Guide code example "Generate credentials to
    //        connect to an Amazon SES SMTP endpoint" (Python), whose
    //        SMTP_REGIONS list refuses every region not in it.
    // Cape Town. For no SMTP: [GR] API row only; [DG] not listed. Against: none found.
    row("af-south-1", "Africa (Cape Town)", false, false),
    // Jakarta. For no SMTP: [GR] API row only; [DG] not listed. Against: none found.
    row("ap-southeast-3", "Asia Pacific (Jakarta)", false, false),
    // Milan. For no SMTP: [GR] API row only. Against: [DG] lists eu-south-1
    // as an SMTP region. The strongest case for the override.
    row("eu-south-1", "Europe (Milan)", false, false),
    // Tel Aviv. For no SMTP: [GR] API row only; [DG] not listed. Against: none found.
    row("il-central-1", "Israel (Tel Aviv)", false, false),
    // Bahrain. For no SMTP: [GR] API row only; [DG] not listed. Against: none found.
    row("me-south-1", "Middle East (Bahrain)", false, false),
    //   [SG] SES Developer Guide, "Obtaining Amazon SES SMTP credentials":
    //        "SMTP endpoints are not currently available in Africa (Cape
    //        Town), Asia Pacific (Jakarta), Europe (Milan), Israel (Tel Aviv)
    //        and Middle East (Bahrain)": the five rows above.
    // SES's API opened in these since, with no SMTP endpoint documented
    // ([GR] API rows only, checked 2026-12-02); names from botocore's
    // partition data (see aws_regions.txt).
    row("ap-south-2", "Asia Pacific (Hyderabad)", false, false),
    row("eu-central-2", "Europe (Zurich)", false, false),
    row("me-central-1", "Middle East (UAE)", false, false),
    row("ca-west-1", "Canada West (Calgary)", false, false),
    row("ap-southeast-5", "Asia Pacific (Malaysia)", false, false),
    row(
        "eusc-de-east-1",
        "AWS European Sovereign Cloud (Germany)",
        false,
        false,
    ),
];

/// The regions that have an SMTP endpoint, in table order.
pub fn smtp_regions() -> impl Iterator<Item = &'static Region> {
    REGIONS.iter().filter(|r| r.smtp)
}

/// Exact lookup in the whole table.
pub fn lookup(code: &str) -> Option<&'static Region> {
    REGIONS.iter().find(|r| r.code == code)
}

/// The ARN partition of a region: `aws-us-gov` for GovCloud, `aws-cn` for
/// China, `aws-eusc` for the European Sovereign Cloud (`eusc-`), else `aws`.
pub fn partition(region: &str) -> &'static str {
    if region.starts_with("us-gov-") {
        "aws-us-gov"
    } else if region.starts_with("cn-") {
        "aws-cn"
    } else if region.starts_with("eusc-") {
        "aws-eusc"
    } else if region.starts_with("eu-isoe-") {
        "aws-iso-e"
    } else if region.starts_with("us-isof-") {
        "aws-iso-f"
    } else if region.starts_with("us-iso-") {
        "aws-iso"
    } else if region.starts_with("us-isob-") {
        "aws-iso-b"
    } else {
        "aws"
    }
}

/// The DNS suffix of a partition's service endpoints (for `kms:ViaService`).
pub fn dns_suffix(partition: &str) -> &'static str {
    match partition {
        "aws-cn" => "amazonaws.com.cn",
        "aws-eusc" => "amazonaws.eu",
        "aws-iso" => "c2s.ic.gov",
        "aws-iso-b" => "sc2s.sgov.gov",
        "aws-iso-e" => "cloud.adc-e.uk",
        "aws-iso-f" => "csp.hci.ic.gov",
        _ => "amazonaws.com",
    }
}
